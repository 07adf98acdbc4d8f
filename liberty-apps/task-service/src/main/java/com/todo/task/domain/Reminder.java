package com.todo.task.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One reminder of a task: either a fixed instant ({@code at}) or an offset before the due date
 * ({@code before}, an ISO-8601 duration kept as the client wrote it).
 */
public record Reminder(String id, String before, Instant at) {

  public Reminder {
    Objects.requireNonNull(id, "id");
    if ((before == null) == (at == null)) {
      throw new IllegalArgumentException("a reminder has exactly one of before and at");
    }
  }

  public static Reminder before(String id, String isoDuration) {
    return new Reminder(id, isoDuration, null);
  }

  public static Reminder at(String id, Instant at) {
    return new Reminder(id, null, at);
  }

  /**
   * When it fires for a task due at {@code dueAt} (null when relative and there is no due date).
   */
  public Instant fireAt(Instant dueAt) {
    if (at != null) return at;
    return dueAt == null ? null : dueAt.minus(Duration.parse(before));
  }
}
