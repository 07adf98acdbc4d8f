package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.IntFunction;

/** The answers a pub/sub subscriber gives the sidecar. */
public final class SubscriberReply {
  private SubscriberReply() {}

  /** Handled, or already handled before. */
  public static Response success() {
    return status("SUCCESS");
  }

  /** A transient failure: the sidecar delivers again (bounded by the Resiliency policy). */
  public static Response retry() {
    return status("RETRY");
  }

  /** Can never be handled (schema violation, unknown major version): goes to the dead-letter topic. */
  public static Response drop() {
    return status("DROP");
  }

  /**
   * The answer to a bulk delivery: {@code {"statuses": [{entryId, status}...]}}, one per entry in
   * the order delivered.
   */
  public static Response perEntry(JsonArray entries, IntFunction<String> statusOfEntry) {
    JsonArrayBuilder statuses = JSON.createArrayBuilder();
    for (int i = 0; i < entries.size(); i++) {
      String entryId = entries.get(i) instanceof JsonObject o ? o.getString("entryId", "") : "";
      statuses.add(JSON.createObjectBuilder().add("entryId", entryId).add("status", statusOfEntry.apply(i)));
    }
    return Response.ok(
            JSON.createObjectBuilder().add("statuses", statuses).build().toString(), MediaType.APPLICATION_JSON)
        .build();
  }

  private static Response status(String status) {
    return Response.ok("{\"status\":\"" + status + "\"}", MediaType.APPLICATION_JSON).build();
  }
}
