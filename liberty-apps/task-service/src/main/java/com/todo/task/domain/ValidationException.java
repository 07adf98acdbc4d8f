package com.todo.task.domain;

import java.util.List;

/** A request that breaks the contract; nothing was stored and nothing published. */
public class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<FieldError> errors;

  public ValidationException(List<FieldError> errors) {
    super(summary(errors));
    this.errors = List.copyOf(errors);
  }

  public ValidationException(String field, String message) {
    this(List.of(new FieldError(field, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }

  private static String summary(List<FieldError> errors) {
    StringBuilder b = new StringBuilder();
    for (FieldError e : errors) {
      if (b.length() > 0) b.append("; ");
      b.append(e.field()).append(": ").append(e.message());
    }
    return b.toString();
  }
}
