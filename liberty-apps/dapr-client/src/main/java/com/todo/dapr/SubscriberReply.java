package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.function.IntFunction;

/** The answers (JSON bodies) a pub/sub subscriber gives the sidecar. */
final class SubscriberReply {
  private SubscriberReply() {}

  /**
   * The answer to one event: {@code SUCCESS} (handled, or handled before), {@code RETRY} (a
   * transient failure: delivered again, bounded by the Resiliency policy) or {@code DROP} (can
   * never be handled: to the dead-letter topic).
   */
  static String status(String status) {
    return "{\"status\":\"" + status + "\"}";
  }

  /**
   * The answer to a bulk delivery: {@code {"statuses": [{entryId, status}...]}}, one per entry in
   * the order delivered.
   */
  static String perEntry(JsonArray entries, IntFunction<String> statusOfEntry) {
    JsonArrayBuilder statuses = JSON.createArrayBuilder();
    for (int i = 0; i < entries.size(); i++) {
      String entryId = entries.get(i) instanceof JsonObject o ? o.getString("entryId", "") : "";
      statuses.add(
          JSON.createObjectBuilder().add("entryId", entryId).add("status", statusOfEntry.apply(i)));
    }
    return JSON.createObjectBuilder().add("statuses", statuses).build().toString();
  }
}
