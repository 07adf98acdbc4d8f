package com.todo.task.interfaces.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 413 for a body over 64 KiB. */
@Provider
public class PayloadTooLargeMapper implements ExceptionMapper<PayloadTooLargeException> {
  @Override
  public Response toResponse(PayloadTooLargeException e) {
    return Problem.of(413, "payload-too-large", "Content Too Large", e.getMessage()).build();
  }
}
