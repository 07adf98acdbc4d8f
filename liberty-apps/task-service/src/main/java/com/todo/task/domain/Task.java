package com.todo.task.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A task as stored. Immutable: every change returns a new task whose {@code version} is one higher,
 * which is what the {@code ETag} and the events' {@code sequence} carry.
 *
 * @param seriesId set with {@code occurrence} on tasks that recurring-service generated
 */
public record Task(
    TaskId id,
    String userId,
    TaskFields fields,
    Status status,
    String seriesId,
    Integer occurrence,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant completedAt) {

  public Task {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (version < 1) throw new IllegalArgumentException("version starts at 1: " + version);
  }

  /** A new open task at version 1. */
  public static Task create(TaskId id, String userId, TaskFields fields, Instant now) {
    return new Task(id, userId, fields, Status.OPEN, null, null, 1, now, now, null);
  }

  /** A new open task that is occurrence {@code occurrence} of series {@code seriesId}. */
  public static Task occurrence(
      TaskId id, String userId, TaskFields fields, String seriesId, int occurrence, Instant now) {
    return new Task(id, userId, fields, Status.OPEN, seriesId, occurrence, 1, now, now, null);
  }

  public Task withFields(TaskFields changed, Instant now) {
    return new Task(
        id,
        userId,
        changed,
        status,
        seriesId,
        occurrence,
        version + 1,
        createdAt,
        now,
        completedAt);
  }

  public Task complete(Instant now) {
    return new Task(
        id,
        userId,
        fields,
        Status.COMPLETED,
        seriesId,
        occurrence,
        version + 1,
        createdAt,
        now,
        now);
  }

  public Task reopen(Instant now) {
    return new Task(
        id, userId, fields, Status.OPEN, seriesId, occurrence, version + 1, createdAt, now, null);
  }

  public boolean isCompleted() {
    return status == Status.COMPLETED;
  }

  /** The version a deletion records: deleting is a change like any other. */
  public long versionAfterDelete() {
    return version + 1;
  }
}
