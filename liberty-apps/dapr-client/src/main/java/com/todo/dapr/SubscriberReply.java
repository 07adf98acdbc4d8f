package com.todo.dapr;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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

  private static Response status(String status) {
    return Response.ok("{\"status\":\"" + status + "\"}", MediaType.APPLICATION_JSON).build();
  }
}
