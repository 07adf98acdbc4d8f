package com.todo.task.application;

/**
 * A request that cannot be carried out as asked although it is well-formed: an {@code
 * Idempotency-Key} reused for a different body (422) or whose task is gone (409), an occurrence
 * that exists for another user (409).
 */
public class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ConflictException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
