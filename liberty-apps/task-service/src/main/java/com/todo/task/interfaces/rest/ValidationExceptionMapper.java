package com.todo.task.interfaces.rest;

import com.todo.task.domain.ValidationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 400 with an {@code errors} array naming each bad field. */
@Provider
public class ValidationExceptionMapper implements ExceptionMapper<ValidationException> {
  @Override
  public Response toResponse(ValidationException e) {
    return Problem.of(400, "validation", "Invalid request", e.getMessage(), e.errors()).build();
  }
}
