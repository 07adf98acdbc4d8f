package com.todo.task.domain;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * How a task repeats: an RFC 5545 RRULE value (without the {@code RRULE:} prefix) and what the next
 * occurrence counts from.
 */
public record Recurrence(String rule, Basis basis) {

  public Recurrence {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(basis, "basis");
  }

  /** {@code due}: from the previous due date (Todoist "every"); {@code completion}: "every!". */
  public enum Basis {
    DUE("due"),
    COMPLETION("completion");

    private final String json;

    Basis(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }

    public static Optional<Basis> of(String json) {
      return Arrays.stream(values()).filter(b -> b.json.equals(json)).findFirst();
    }
  }
}
