package it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Valid CloudEvents of the contract (docs/events.md) for tests to publish or deliver. */
public final class SampleEvents {
  private SampleEvents() {}

  /** The full task of a task.created/updated/completed/reopened event. */
  public static JsonObject task(String taskId, String user) {
    String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    return Json.createObjectBuilder()
        .add("id", taskId)
        .add("userId", user)
        .add("title", "buy milk")
        .add("status", "open")
        .add("priority", "high")
        .add("tags", Json.createArrayBuilder().add("home"))
        .add("timeZone", "Europe/Berlin")
        .add("reminders", Json.createArrayBuilder())
        .add("version", 1)
        .add("createdAt", now)
        .add("updatedAt", now)
        .build();
  }

  /** A CloudEvent of {@code type} owned by {@code user}, with a new id and sequence 1. */
  public static JsonObject event(String type, String user, JsonObject data) {
    return Json.createObjectBuilder()
        .add("specversion", "1.0")
        .add("id", UUID.randomUUID().toString())
        .add("source", "/tests")
        .add("type", type)
        .add("subject", data.getString("id", "none"))
        .add("time", Instant.now().toString())
        .add("datacontenttype", "application/json")
        .add("userid", user)
        .add("sequence", "1")
        .add("data", data)
        .build();
  }

  /** A valid {@code task.created.v1} of {@code user}, of a new task. */
  public static JsonObject taskCreated(String user) {
    return event(
        "com.todo.task.created.v1", user, task(java.util.UUID.randomUUID().toString(), user));
  }
}
