package com.todo.task.domain;

import java.util.Arrays;
import java.util.Optional;

/** Open or completed; changed only by complete and reopen, never by a patch. */
public enum Status {
  OPEN("open"),
  COMPLETED("completed");

  private final String json;

  Status(String json) {
    this.json = json;
  }

  public String json() {
    return json;
  }

  public static Optional<Status> of(String json) {
    return Arrays.stream(values()).filter(s -> s.json.equals(json)).findFirst();
  }
}
