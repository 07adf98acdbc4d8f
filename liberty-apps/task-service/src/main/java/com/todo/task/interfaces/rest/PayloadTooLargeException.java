package com.todo.task.interfaces.rest;

/** A request body over the limit (64 KiB): answered 413 without reading the rest. */
public class PayloadTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(long limit) {
    super("the request body is larger than " + limit + " bytes");
  }
}
