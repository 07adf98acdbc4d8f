package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Objects;

/**
 * A value read from the state store with the ETag to use for a conditional write. A bulk read hands
 * over the value it parsed ({@link #value()}), so that a caller does not print it to text only to
 * parse it again; the text ({@link #json()}) is made when asked for.
 */
public final class StateEntry {

  private final String key;
  private final String etag;
  private String json;
  private JsonValue value;

  public StateEntry(String key, String json, String etag) {
    this.key = key;
    this.json = Objects.requireNonNull(json);
    this.etag = etag;
  }

  private StateEntry(String key, JsonValue value, String etag) {
    this.key = key;
    this.value = Objects.requireNonNull(value);
    this.etag = etag;
  }

  /** An entry of a value that was parsed already. */
  static StateEntry parsed(String key, JsonValue value, String etag) {
    return new StateEntry(key, value, etag);
  }

  public String key() {
    return key;
  }

  /** The value as JSON text. */
  public String json() {
    String j = json;
    if (j == null) json = j = value.toString();
    return j;
  }

  /** The value, parsed. */
  public JsonValue value() {
    JsonValue v = value;
    if (v == null) value = v = JSON.createReader(new StringReader(json)).readValue();
    return v;
  }

  public String etag() {
    return etag;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateEntry e
        && Objects.equals(key, e.key)
        && json().equals(e.json())
        && Objects.equals(etag, e.etag);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, json(), etag);
  }

  @Override
  public String toString() {
    return "StateEntry[key=" + key + ", json=" + json() + ", etag=" + etag + "]";
  }
}
