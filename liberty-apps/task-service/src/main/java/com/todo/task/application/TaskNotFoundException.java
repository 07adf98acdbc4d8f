package com.todo.task.application;

import com.todo.task.domain.TaskId;

/** No such task for this user (it may exist for another user: that is not told). */
public class TaskNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TaskNotFoundException(String id) {
    super("no task " + id);
  }

  public TaskNotFoundException(TaskId id) {
    this(id.toString());
  }
}
