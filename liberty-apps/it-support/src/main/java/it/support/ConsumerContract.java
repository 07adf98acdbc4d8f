package it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.JsonDigest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every event consumer guarantees on its sidecar-only routes (design/events.md, "Rules for
 * consumers"), checked on the deployed WAR against the real sidecar and state store. A service's
 * Arquillian test extends this and names one of its routes.
 */
public abstract class ConsumerContract {

  protected final ServiceUnderTest service = new ServiceUnderTest();

  /** A route of this service, e.g. {@code /events/task.created.v1}, and the type it receives. */
  protected abstract String route();

  /** The route of bulk deliveries of the route's topic. */
  protected String bulkRoute() {
    return "/events/task-events";
  }

  protected String type() {
    return "com.todo." + route().substring("/events/".length());
  }

  /** A valid task.created/updated/... event (the task-events routes); override for other topics. */
  protected JsonObject validEvent() {
    String taskId = UUID.randomUUID().toString();
    var data = Json.createObjectBuilder(SampleEvents.task(taskId, "it-user"));
    if (type().contains(".updated.")) data.add("changed", Json.createArrayBuilder().add("title"));
    if (type().contains(".deleted.")) {
      data = Json.createObjectBuilder().add("id", taskId).add("userId", "it-user").add("version", 2);
    }
    return envelope(type(), data.build());
  }

  protected static JsonObject envelope(String type, JsonObject data) {
    return SampleEvents.event(type, "it-user", data);
  }

  private static String status(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return ServiceUnderTest.json(r.body()).getString("status");
  }

  @Test
  void readinessReportsTheSidecar() {
    HttpResponse<String> r = service.get("/health/ready");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"dapr-sidecar\""), r.body());
  }

  @Test
  void aCallWithoutTheAppTokenIsRefusedAndChangesNothing() {
    JsonObject event = validEvent();
    assertEquals(401, service.postFromSidecar(route(), event.toString(), null).statusCode());
    assertEquals(401, service.postFromSidecar(route(), event.toString(), "not-the-token").statusCode());
    assertTrue(service.state("inbox|" + event.getString("id")).isEmpty(), "refused event was recorded");
  }

  @Test
  void anEventIsHandledOnceAndItsRedeliveryAcknowledged() {
    JsonObject event = validEvent();
    assertEquals("SUCCESS", status(service.postFromSidecar(route(), event.toString(), ServiceUnderTest.APP_TOKEN)));
    JsonObject record = service.state("inbox|" + event.getString("id")).orElseThrow();
    assertEquals(route(), record.getString("route"));
    assertEquals(event.getString("id"), record.getJsonObject("event").getString("id"));
    assertEquals(JsonDigest.sha256(event.getJsonObject("data")), record.getString("dataSha256"));
    assertEquals("SUCCESS", status(service.postFromSidecar(route(), event.toString(), ServiceUnderTest.APP_TOKEN)));
  }

  @Test
  void anEventThatViolatesItsSchemaIsDropped() {
    JsonObject bad = envelope(type(), Json.createObjectBuilder().add("id", "not-a-task").build());
    assertEquals("DROP", status(service.postFromSidecar(route(), bad.toString(), ServiceUnderTest.APP_TOKEN)));
    assertEquals("DROP", status(service.postFromSidecar(route(), "{not json", ServiceUnderTest.APP_TOKEN)));
    assertTrue(service.state("inbox|" + bad.getString("id")).isEmpty());
  }

  @Test
  void aNewerVersionOfAKnownEventIsAcknowledgedAndIgnored() {
    JsonObject newer = envelope(type().replace(".v1", ".v2"), validEvent().getJsonObject("data"));
    assertEquals("SUCCESS", status(service.postFromSidecar("/events/unhandled", newer.toString(), ServiceUnderTest.APP_TOKEN)));
    assertEquals(401, service.postFromSidecar("/events/unhandled", newer.toString(), null).statusCode());
  }

  @Test
  void aBulkDeliveryIsAnsweredEntryByEntry() {
    JsonObject handledBefore = validEvent();
    assertEquals("SUCCESS", status(service.postFromSidecar(route(), handledBefore.toString(), ServiceUnderTest.APP_TOKEN)));
    JsonObject fresh = validEvent();
    JsonObject bad = envelope(type(), Json.createObjectBuilder().add("id", "not-a-task").build());
    JsonObject newer = envelope(type().replace(".v1", ".v2"), validEvent().getJsonObject("data"));
    String body = bulk(List.of(fresh, bad, handledBefore, newer), i -> Json.createObjectBuilder().build());

    assertEquals(Map.of("e0", "SUCCESS", "e1", "DROP", "e2", "SUCCESS", "e3", "SUCCESS"), postBulk(body));
    JsonObject record = service.state("inbox|" + fresh.getString("id")).orElseThrow();
    assertEquals(bulkRoute(), record.getString("route"));
    assertEquals(JsonDigest.sha256(fresh.getJsonObject("data")), record.getString("dataSha256"));
    assertTrue(service.state("inbox|" + bad.getString("id")).isEmpty(), "a dropped event was recorded");
    assertTrue(service.state("inbox|" + newer.getString("id")).isEmpty(), "an ignored event was recorded");
    assertEquals(401, service.postFromSidecar(bulkRoute(), body, null).statusCode());
  }

  @Test
  void bulkEntriesWithKafkaPositionsAreRememberedByOnePositionPerPartition() {
    String topic = "contract-" + UUID.randomUUID(); // a partition no other test or traffic touches
    JsonObject first = validEvent();
    JsonObject second = validEvent();
    long now = System.currentTimeMillis();
    String body =
        bulk(
            List.of(first, second),
            i ->
                Json.createObjectBuilder()
                    .add("__topic", topic)
                    .add("__partition", "1")
                    .add("__offset", Long.toString(7 + i))
                    .add("__timestamp", Long.toString(now + i))
                    .build());

    assertEquals(Map.of("e0", "SUCCESS", "e1", "SUCCESS"), postBulk(body));
    String key = "consumed|" + bulkRoute().substring("/events/".length()) + "|" + topic + "|1";
    JsonObject position = service.state(key).orElseThrow(() -> new AssertionError("no consumed position " + key));
    assertEquals(8, position.getInt("offset"));
    JsonObject last = position.getJsonObject("lastHandled");
    assertEquals(second.getString("id"), last.getJsonObject("event").getString("id"));
    assertEquals(JsonDigest.sha256(second.getJsonObject("data")), last.getString("dataSha256"));
    assertTrue(service.state("inbox|" + first.getString("id")).isEmpty(), "a record per event after all");

    // the sidecar delivers the same entries again (its retry, a restart before the offset commit)
    assertEquals(Map.of("e0", "SUCCESS", "e1", "SUCCESS"), postBulk(body));
    assertEquals(position, service.state(key).orElseThrow(), "a redelivery was handled again");
  }

  /** A bulk delivery of {@code events} to {@link #bulkRoute()}, entry i with metadata(i). */
  private String bulk(List<JsonObject> events, java.util.function.IntFunction<JsonObject> metadata) {
    var entries = Json.createArrayBuilder();
    for (int i = 0; i < events.size(); i++) {
      entries.add(
          Json.createObjectBuilder()
              .add("entryId", "e" + i)
              .add("event", events.get(i))
              .add("contentType", "application/cloudevents+json")
              .add("metadata", metadata.apply(i)));
    }
    return Json.createObjectBuilder()
        .add("id", UUID.randomUUID().toString())
        .add("type", "com.dapr.event.sent.bulk")
        .add("pubsubname", "pubsub")
        .add("topic", bulkRoute().substring("/events/".length()))
        .add("entries", entries)
        .build()
        .toString();
  }

  /** The status the service answered for each entry id. */
  private Map<String, String> postBulk(String body) {
    HttpResponse<String> r = service.postFromSidecar(bulkRoute(), body, ServiceUnderTest.APP_TOKEN);
    assertEquals(200, r.statusCode(), r.body());
    Map<String, String> statuses = new HashMap<>();
    for (JsonValue v : ServiceUnderTest.json(r.body()).getJsonArray("statuses")) {
      statuses.put(v.asJsonObject().getString("entryId"), v.asJsonObject().getString("status"));
    }
    return statuses;
  }
}
