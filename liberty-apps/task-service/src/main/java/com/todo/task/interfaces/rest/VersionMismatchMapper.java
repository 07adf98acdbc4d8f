package com.todo.task.interfaces.rest;

import com.todo.task.application.VersionMismatchException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 412 for a stale {@code If-Match}, with the current {@code ETag}. */
@Provider
public class VersionMismatchMapper implements ExceptionMapper<VersionMismatchException> {
  @Override
  public Response toResponse(VersionMismatchException e) {
    return Problem.of(412, "version-mismatch", "Precondition Failed", e.getMessage())
        .tag(ETags.of(e.currentVersion()))
        .build();
  }
}
