package com.todo.task.application;

import com.todo.task.domain.TaskId;
import java.time.Instant;
import java.util.Optional;

/** The {@code Idempotency-Key}s of {@code POST /tasks}, per user. */
public interface IdempotencyKeys {

  /** A key that was used before: the task it created and a hash of the request body. */
  record Earlier(TaskId taskId, String requestHash) {}

  /**
   * Records that {@code key} creates {@code taskId}, in the current transaction.
   *
   * @return empty when the key is new (the caller goes on creating), else the earlier use
   */
  Optional<Earlier> claim(
      String userId, String key, TaskId taskId, String requestHash, Instant now);
}
