package com.todo.task.interfaces.rest;

import com.todo.task.domain.FieldError;
import com.todo.task.infrastructure.persistence.DatabaseException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A failed statement answered by whose fault it is: 503 with {@code Retry-After} only when the
 * database is away or overloaded, 4xx for what the request sent, 500 for a bug. A client that
 * trusts a 503 retries, so a request that can never succeed must not get one.
 */
@Provider
public class DatabaseExceptionMapper implements ExceptionMapper<DatabaseException> {
  private static final Logger LOG = Logger.getLogger(DatabaseExceptionMapper.class.getName());

  @Override
  public Response toResponse(DatabaseException e) {
    String state = e.sqlState().orElse("none");
    return switch (e.kind()) {
      case UNAVAILABLE -> {
        LOG.log(Level.WARNING, e.getMessage() + " (SQLSTATE " + state + ")", e);
        yield Problem.of(
                503,
                "unavailable",
                "Service Unavailable",
                "the database is unavailable; retry later")
            .header("Retry-After", "2")
            .build();
      }
      case REFUSED_VALUE -> {
        LOG.log(Level.INFO, e.getMessage() + ": refused value (SQLSTATE " + state + ")");
        String message =
            "the database cannot store or compare a value of it (SQLSTATE " + state + ")";
        yield Problem.of(
                400,
                "validation",
                "Invalid request",
                e.requestPart() + ": " + message,
                List.of(new FieldError(e.requestPart(), message)))
            .build();
      }
      case CONFLICT -> {
        LOG.log(Level.INFO, e.getMessage() + ": conflict (SQLSTATE " + state + ")");
        yield Problem.of(
                409,
                "conflict",
                "Conflict",
                "the request collides with stored data (SQLSTATE " + state + "); nothing changed")
            .build();
      }
      case FAULT -> {
        String incident = UUID.randomUUID().toString();
        LOG.log(
            Level.SEVERE,
            "incident " + incident + ": " + e.getMessage() + " (SQLSTATE " + state + ")",
            e);
        yield Problem.of(500, "internal", "Internal Server Error", "incident " + incident).build();
      }
    };
  }
}
