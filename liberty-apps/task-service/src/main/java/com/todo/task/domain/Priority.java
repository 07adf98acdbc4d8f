package com.todo.task.domain;

import java.util.Arrays;
import java.util.Optional;

/** A task's priority; {@link #rank()} orders them (and is what the database stores and sorts). */
public enum Priority {
  NONE("none"),
  LOW("low"),
  MEDIUM("medium"),
  HIGH("high");

  private final String json;

  Priority(String json) {
    this.json = json;
  }

  /** The value in the API and in events. */
  public String json() {
    return json;
  }

  public int rank() {
    return ordinal();
  }

  public static Priority ofRank(int rank) {
    return values()[rank];
  }

  public static Optional<Priority> of(String json) {
    return Arrays.stream(values()).filter(p -> p.json.equals(json)).findFirst();
  }
}
