package com.todo.task.application;

/** Publishes committed outbox rows; never throws to the caller (rows that fail just wait). */
public interface EventRelay {

  /**
   * A transaction of {@code userId} that added outbox rows has committed: publish them, in the
   * background (the caller's answer must not wait for, or fail with, the sidecar).
   */
  void committed(String userId);
}
