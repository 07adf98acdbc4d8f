package com.todo.task.domain;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The server-assigned identity of a task. */
public record TaskId(UUID value) {

  public TaskId {
    Objects.requireNonNull(value, "value");
  }

  public static TaskId random() {
    return new TaskId(UUID.randomUUID());
  }

  /** The id in a URL or cursor; empty when it is not a UUID (which then names no task). */
  public static Optional<TaskId> parse(String text) {
    if (text == null || text.length() != 36) return Optional.empty();
    try {
      return Optional.of(new TaskId(UUID.fromString(text)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
