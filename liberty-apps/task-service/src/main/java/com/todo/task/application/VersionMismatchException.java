package com.todo.task.application;

import com.todo.task.domain.TaskId;

/** {@code If-Match} named a version that is no longer current. */
public class VersionMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long currentVersion;

  public VersionMismatchException(TaskId id, long currentVersion) {
    super("task " + id + " is at version " + currentVersion + ", which If-Match does not name");
    this.currentVersion = currentVersion;
  }

  public long currentVersion() {
    return currentVersion;
  }
}
