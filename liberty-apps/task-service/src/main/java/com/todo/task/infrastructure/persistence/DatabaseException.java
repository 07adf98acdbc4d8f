package com.todo.task.infrastructure.persistence;

/** PostgreSQL failed or could not be reached; the request may be retried. */
public class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
