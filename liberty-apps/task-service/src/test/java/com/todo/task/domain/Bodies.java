package com.todo.task.domain;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;

/** JSON bodies for tests, written with single quotes for readability. */
public final class Bodies {
  private Bodies() {}

  public static JsonObject json(String singleQuoted) {
    return Json.createReader(new StringReader(singleQuoted.replace('\'', '"'))).readObject();
  }
}
