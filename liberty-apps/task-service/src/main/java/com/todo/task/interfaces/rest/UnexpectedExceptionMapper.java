package com.todo.task.interfaces.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** 500 for a bug: logged with an incident id that the answer repeats, no stack trace sent. */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<RuntimeException> {
  private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class.getName());

  @Override
  public Response toResponse(RuntimeException e) {
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "incident " + incident + ": " + e, e);
    return Problem.of(500, "internal", "Internal Server Error", "incident " + incident).build();
  }
}
