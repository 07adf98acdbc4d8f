package com.todo.dapr;

/** The sidecar could not be reached or refused a call; the operation may be retried later. */
public class SidecarException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SidecarException(String message) {
    super(message);
  }

  public SidecarException(String message, Throwable cause) {
    super(message, cause);
  }
}
