package com.todo.task.interfaces.rest;

import com.todo.task.application.TaskNotFoundException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 404, also for another user's task (no existence leak). */
@Provider
public class TaskNotFoundMapper implements ExceptionMapper<TaskNotFoundException> {
  @Override
  public Response toResponse(TaskNotFoundException e) {
    return Problem.of(404, "not-found", "Not Found", e.getMessage()).build();
  }
}
