package com.todo.task.interfaces.rest;

import com.todo.task.infrastructure.persistence.DatabaseException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** 503 when PostgreSQL fails: nothing was committed, the client may retry. */
@Provider
public class DatabaseUnavailableMapper implements ExceptionMapper<DatabaseException> {
  private static final Logger LOG = Logger.getLogger(DatabaseUnavailableMapper.class.getName());

  @Override
  public Response toResponse(DatabaseException e) {
    LOG.log(Level.WARNING, e.getMessage(), e);
    return Problem.of(
            503, "unavailable", "Service Unavailable", "the database is unavailable; retry later")
        .header("Retry-After", "2")
        .build();
  }
}
