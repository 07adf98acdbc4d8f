package com.todo.task.interfaces.rest;

import com.todo.task.application.ConflictException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 409 or 422: a well-formed request that cannot be carried out as asked. */
@Provider
public class ConflictMapper implements ExceptionMapper<ConflictException> {
  @Override
  public Response toResponse(ConflictException e) {
    String title = e.status() == 422 ? "Unprocessable Content" : "Conflict";
    return Problem.of(e.status(), "conflict", title, e.getMessage()).build();
  }
}
