package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Each operation of the task API publishes exactly the event docs/events.md names for it, observed
 * on Kafka from the outside: the full task, userid, sequence = version, keyed by the user, valid
 * against the JSON Schema of its type.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class TaskEventsIT {

  private static List<JsonObject> eventsOf(
      List<ConsumerRecord<String, String>> records, String taskId) {
    return records.stream()
        .map(r -> Platform.json(r.value()))
        .filter(e -> taskId.equals(e.getString("subject", "")))
        .toList();
  }

  @Test
  void everyOperationPublishesItsEvent() {
    TaskApi alice = new TaskApi("events-" + UUID.randomUUID());
    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      JsonObject task =
          alice.create(
              "{\"title\":\"Pay rent\",\"priority\":\"high\",\"tags\":[\"Home\"],\"dueAt\":\"2030-01-01T09:00:00Z\","
                  + "\"timeZone\":\"Europe/Berlin\",\"reminders\":[{\"before\":\"PT1H\"}]}");
      String id = task.getString("id");
      assertEquals(
          200, alice.call("PATCH", "/tasks/" + id, "{\"title\":\"Pay the rent\"}").statusCode());
      assertEquals(200, alice.call("POST", "/tasks/" + id + "/complete", null).statusCode());
      assertEquals(
          200,
          alice
              .call("POST", "/tasks/" + id + "/complete", null)
              .statusCode()); // idempotent: no event
      assertEquals(200, alice.call("POST", "/tasks/" + id + "/reopen", null).statusCode());
      assertEquals(204, alice.call("DELETE", "/tasks/" + id, null).statusCode());

      List<String> expected =
          List.of(
              "com.todo.task.created.v1",
              "com.todo.task.updated.v1",
              "com.todo.task.completed.v1",
              "com.todo.task.reopened.v1",
              "com.todo.task.deleted.v1");
      var records =
          topic.poll(Duration.ofSeconds(30), seen -> eventsOf(seen, id).size() >= expected.size());
      List<JsonObject> events = eventsOf(records, id);
      assertEquals(
          expected,
          events.stream().map(e -> e.getString("type")).toList(),
          "the events of task " + id);

      for (int i = 0; i < events.size(); i++) {
        JsonObject e = events.get(i);
        assertEquals(alice.user, e.getString("userid"));
        assertEquals(
            Integer.toString(i + 1),
            e.getString("sequence"),
            "sequence = version after the change");
        assertEquals("/task-service", e.getString("source"));
        EventType type = EventType.of(e.getString("type")).orElseThrow();
        assertEquals(
            List.of(),
            EventSchemas.violations(type, e.getJsonObject("data")),
            type + " matches its schema");
      }
      JsonObject created = events.get(0).getJsonObject("data");
      assertEquals("Pay rent", created.getString("title"));
      assertEquals(
          List.of("home"),
          created.getJsonArray("tags").getValuesAs(jakarta.json.JsonString.class).stream()
              .map(jakarta.json.JsonString::getString)
              .toList());
      assertEquals(1, created.getJsonArray("reminders").size());
      assertTrue(
          events.get(1).getJsonObject("data").getJsonArray("changed").toString().contains("title"));
      records.stream()
          .filter(r -> r.value().contains(id))
          .forEach(r -> assertEquals(alice.user, r.key(), "the partition key is the user"));

      var history =
          Platform.json(alice.call("GET", "/tasks/" + id + "/history", null, Map.of()).body());
      assertEquals(
          events.stream().map(e -> e.getString("id")).toList(),
          history.getJsonArray("items").getValuesAs(JsonObject.class).stream()
              .map(e -> e.getString("id"))
              .toList(),
          "history lists the events stored in the outbox, and those are the events on Kafka, ids included");
    }
  }

  @Test
  void theEventsOfARequestCarryItsTraceContextToKafkaAndToTheWebSocketFrame() {
    TaskApi api = new TaskApi("events-traced-" + UUID.randomUUID());
    String trace = Platform.newTraceParent();
    try (KafkaTopic topic = new KafkaTopic("task-events");
        RealtimeIT.Client client = RealtimeIT.connect(api.token(), null)) {
      var created =
          api.call("POST", "/tasks", "{\"title\":\"traced\"}", Map.of("traceparent", trace));
      assertEquals(201, created.statusCode(), created.body());
      String id = Platform.json(created.body()).getString("id");
      var malformed =
          api.call(
              "PATCH",
              "/tasks/" + id,
              "{\"title\":\"not traced\"}",
              Map.of("traceparent", trace.toUpperCase()));
      assertEquals(200, malformed.statusCode(), "a malformed traceparent is no error");

      var records = topic.poll(Duration.ofSeconds(30), seen -> eventsOf(seen, id).size() >= 2);
      List<JsonObject> events = eventsOf(records, id);
      // task-service's span of the request (mpTelemetry), a child of the caller's: same trace,
      // same sampling decision, its own span id
      String carried = events.get(0).getString("traceparent", "");
      String[] caller = trace.split("-");
      String[] event = carried.split("-");
      assertEquals(4, event.length, "on Kafka: " + events.get(0));
      assertEquals(caller[1], event[1], "the caller's trace, on Kafka: " + events.get(0));
      assertEquals(caller[3], event[3], "the caller's sampling decision: " + carried);
      assertNotEquals(caller[2], event[2], "task-service's own span: " + carried);
      assertEquals(carried, events.get(0).getString("traceid"), "Dapr's copy, so it keeps it");
      assertFalse(
          events.get(1).getString("traceparent", "").contains(caller[1]),
          "a malformed one is not carried (a trace of task-service's own): " + events.get(1));
      JsonObject frame = client.next();
      assertEquals(events.get(0).getString("id"), frame.getString("id"));
      assertEquals(carried, frame.getString("traceparent"), "in the frame: " + frame);
    }
  }
}
