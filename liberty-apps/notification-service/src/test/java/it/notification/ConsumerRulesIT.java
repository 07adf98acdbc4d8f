package it.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.dapr.ConsumedPosition;
import com.todo.events.JsonDigest;
import it.support.SampleEvents;
import it.support.ServiceUnderTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The consumer rules of dapr-client (docs/events.md, "Rules for consumers") on a deployed WAR,
 * against the real sidecar and state store: the one contract test of the library. It runs on
 * notification-service's packaged WAR, whose event handler is replaced by {@link ProbeHandler}, so
 * what reaches an effect is counted whatever the service itself does with events.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsumerRulesIT {

  private static final String ROUTE = "/events/task-events";
  private static final String TOKEN = ServiceUnderTest.APP_TOKEN;

  private final ServiceUnderTest service = new ServiceUnderTest();

  @Deployment(testable = false)
  static WebArchive packagedServiceWithAProbeHandler() {
    // the WAR that ships, under another name than the one server.xml configures
    return ShrinkWrap.create(ZipImporter.class, "notification-service-it.war")
        .importFrom(new File(System.getProperty("it.war")))
        .as(WebArchive.class)
        .addClass(ProbeHandler.class);
  }

  // --- events ---------------------------------------------------------------------------------

  private static JsonObject created(String user) {
    return SampleEvents.taskCreated(user);
  }

  /** The same change of the same task under another event id, with {@code sequence}. */
  private static JsonObject sameTask(JsonObject event, long sequence) {
    return Json.createObjectBuilder(event)
        .add("id", UUID.randomUUID().toString())
        .add("sequence", Long.toString(sequence))
        .build();
  }

  private static JsonObject with(JsonObject event, String attribute, String value) {
    return Json.createObjectBuilder(event).add(attribute, value).build();
  }

  private static JsonObject withData(JsonObject event, String field, String value) {
    var data = Json.createObjectBuilder(event.getJsonObject("data")).add(field, value);
    return Json.createObjectBuilder(event).add("data", data).build();
  }

  // --- calls and observations -----------------------------------------------------------------

  private String post(String route, JsonValue event) {
    HttpResponse<String> r = service.postFromSidecar(route, event.toString(), TOKEN);
    assertEquals(200, r.statusCode(), r.body());
    return ServiceUnderTest.json(r.body()).getString("status");
  }

  /** A bulk delivery to the task-events route, entry i with metadata(i); the status per entry. */
  private Map<String, String> bulk(List<JsonObject> events, IntFunction<JsonObject> metadata) {
    var entries = Json.createArrayBuilder();
    for (int i = 0; i < events.size(); i++) {
      entries.add(
          Json.createObjectBuilder()
              .add("entryId", "e" + i)
              .add("event", events.get(i))
              .add("contentType", "application/cloudevents+json")
              .add("metadata", metadata.apply(i)));
    }
    String body =
        Json.createObjectBuilder()
            .add("id", UUID.randomUUID().toString())
            .add("type", "com.dapr.event.sent.bulk")
            .add("pubsubname", "pubsub")
            .add("topic", "task-events")
            .add("entries", entries)
            .build()
            .toString();
    HttpResponse<String> r = service.postFromSidecar(ROUTE, body, TOKEN);
    assertEquals(200, r.statusCode(), r.body());
    Map<String, String> statuses = new HashMap<>();
    for (JsonValue v : ServiceUnderTest.json(r.body()).getJsonArray("statuses")) {
      statuses.put(v.asJsonObject().getString("entryId"), v.asJsonObject().getString("status"));
    }
    return statuses;
  }

  /** Kafka metadata of entry i of a partition no other test touches, from {@code offset}. */
  private static IntFunction<JsonObject> positions(String topic, long offset) {
    long now = System.currentTimeMillis();
    return i ->
        Json.createObjectBuilder()
            .add("__topic", topic)
            .add("__partition", "1")
            .add("__offset", Long.toString(offset + i))
            .add("__timestamp", Long.toString(now + i))
            .build();
  }

  private static IntFunction<JsonObject> noMetadata() {
    return i -> JsonValue.EMPTY_JSON_OBJECT;
  }

  /** What the probe applied to the event's task: {sequence, eventId, state: {changes}}, or null. */
  private JsonObject applied(JsonObject event) {
    return service
        .state(ProbeHandler.PREFIX + "applied|task|" + event.getString("subject"))
        .orElse(null);
  }

  private int changes(JsonObject event) {
    JsonObject applied = applied(event);
    return applied == null ? 0 : applied.getJsonObject("state").getInt("changes");
  }

  /** The service's dead-letter count for task-events, reason and type, from /metrics. */
  private double deadLettered(String type, String reason) {
    HttpResponse<String> r = service.get("/metrics?scope=application");
    assertEquals(200, r.statusCode(), r.body());
    return r.body()
        .lines()
        .filter(l -> l.startsWith("todo_events_dead_lettered_total{"))
        .filter(l -> l.contains("reason=\"" + reason + "\"") && l.contains("type=\"" + type + "\""))
        .filter(l -> l.contains("topic=\"task-events\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  // --- the rules --------------------------------------------------------------------------------

  @Test
  void readinessReportsTheSidecar() {
    HttpResponse<String> r = service.get("/health/ready");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"dapr-sidecar\""), r.body());
  }

  @Test
  void aCallWithoutTheAppTokenIsRefusedAndChangesNothing() {
    JsonObject event = created("it-user");
    for (String route : List.of(ROUTE, "/events/task.created.v1", "/events/unhandled")) {
      assertEquals(401, service.postFromSidecar(route, event.toString(), null).statusCode());
      assertEquals(
          401, service.postFromSidecar(route, event.toString(), "not-the-token").statusCode());
    }
    assertEquals(null, applied(event), "a refused event reached the handler");
    assertTrue(
        service.state("inbox|" + event.getString("id")).isEmpty(), "a refused event was recorded");
  }

  @Test
  void anEventIsAppliedOnceWhateverTheNumberOfDeliveries() {
    JsonObject event = created("it-user");

    assertEquals("SUCCESS", post(ROUTE, event));
    assertEquals("SUCCESS", post(ROUTE, event));
    assertEquals("SUCCESS", post("/events/task.created.v1", event));
    String topic = "contract-" + UUID.randomUUID();
    assertEquals(Map.of("e0", "SUCCESS"), bulk(List.of(event), positions(topic, 40)));

    assertEquals(1, changes(event), "applied more than once");
    JsonObject record = service.state("inbox|" + event.getString("id")).orElseThrow();
    assertEquals(event.getString("id"), record.getJsonObject("event").getString("id"));
    assertEquals(JsonDigest.sha256(event.getJsonObject("data")), record.getString("dataSha256"));
  }

  @Test
  void anOlderOrEqualSequenceIsAcknowledgedWithoutEffect() {
    JsonObject second = with(created("it-user"), "sequence", "2");

    assertEquals("SUCCESS", post(ROUTE, second));
    assertEquals("SUCCESS", post(ROUTE, sameTask(second, 1)), "older");
    assertEquals("SUCCESS", post(ROUTE, sameTask(second, 2)), "equal");
    assertEquals(1, changes(second));

    JsonObject third = sameTask(second, 3);
    assertEquals("SUCCESS", post(ROUTE, third));
    assertEquals(2, changes(second));
    assertEquals(third.getString("id"), applied(second).getString("eventId"));
    assertEquals(3, applied(second).getInt("sequence"));
  }

  @Test
  void whatBreaksTheContractIsDroppedAndCountedAndAnAddedFieldIsNot() {
    String type = "com.todo.task.created.v1";
    double malformedBefore = deadLettered(type, "malformed");
    double schemaBefore = deadLettered(type, "schema");
    JsonObject noTask =
        SampleEvents.event(
            type, "it-user", Json.createObjectBuilder().add("id", "not-a-task").build());
    JsonObject notAUuid = with(created("it-user"), "id", "not-a-uuid");
    JsonObject badInstant = withData(created("it-user"), "dueAt", "tomorrow");
    JsonObject addedField = withData(created("it-user"), "colour", "blue");

    // dead-lettered by the service itself through its sidecar, answered SUCCESS (InboundEvents
    // deadLetter: daprd 1.18.3 can panic on a bulk DROP); a body that is no event at all: DROP
    assertEquals("SUCCESS", post(ROUTE, noTask));
    assertEquals("SUCCESS", post(ROUTE, notAUuid));
    assertEquals("SUCCESS", post(ROUTE, badInstant));
    assertEquals("DROP", status(service.postFromSidecar(ROUTE, "{not json", TOKEN)));
    assertEquals("SUCCESS", post(ROUTE, addedField));

    assertEquals(0, changes(notAUuid) + changes(badInstant), "a dropped event reached the handler");
    assertEquals(1, changes(addedField));
    assertEquals(malformedBefore + 1, deadLettered(type, "malformed"));
    assertEquals(schemaBefore + 2, deadLettered(type, "schema"));
  }

  @Test
  void aHandledTypeInAnUnknownMajorVersionIsDroppedOtherTypesAreIgnored() {
    double before = deadLettered("com.todo.task.created.v9", "unknown-version");
    JsonObject v9 = with(created("it-user"), "type", "com.todo.task.created.v9");
    JsonObject otherType = with(created("it-user"), "type", "com.todo.task.archived.v1");
    JsonObject foreign = with(created("it-user"), "type", "com.example.thing.happened");

    assertEquals("SUCCESS", post("/events/unhandled", v9)); // dead-lettered
    assertEquals("SUCCESS", post("/events/unhandled", otherType));
    assertEquals("SUCCESS", post("/events/unhandled", foreign));
    assertEquals(
        Map.of("e0", "SUCCESS", "e1", "SUCCESS"), bulk(List.of(v9, otherType), noMetadata()));

    assertEquals(0, changes(v9) + changes(otherType));
    assertEquals(before + 2, deadLettered("com.todo.task.created.v9", "unknown-version"));
  }

  @Test
  void aBulkDeliveryIsAnsweredEntryByEntry() {
    JsonObject handledBefore = created("it-user");
    assertEquals("SUCCESS", post(ROUTE, handledBefore));
    JsonObject fresh = created("it-user");
    JsonObject bad =
        SampleEvents.event(
            "com.todo.task.created.v1",
            "it-user",
            Json.createObjectBuilder().add("id", "x").build());
    JsonObject newer = with(created("it-user"), "type", "com.todo.task.created.v2");

    assertEquals(
        Map.of("e0", "SUCCESS", "e1", "SUCCESS", "e2", "SUCCESS", "e3", "SUCCESS"),
        bulk(List.of(fresh, bad, handledBefore, newer), noMetadata()));

    assertEquals(1, changes(fresh));
    assertEquals(1, changes(handledBefore));
    assertTrue(
        service.state("inbox|" + bad.getString("id")).isEmpty(), "a dropped event was recorded");
  }

  @Test
  void bulkEntriesWithKafkaPositionsAreRememberedByOnePositionPerPartition() {
    String topic = "contract-" + UUID.randomUUID(); // a partition no other test or traffic touches
    JsonObject first = created("it-user");
    JsonObject second = created("it-user");

    IntFunction<JsonObject> at7 = positions(topic, 7);
    assertEquals(Map.of("e0", "SUCCESS", "e1", "SUCCESS"), bulk(List.of(first, second), at7));

    String key = ConsumedPosition.key("", ROUTE, topic, 1);
    JsonObject position =
        service.state(key).orElseThrow(() -> new AssertionError("no consumed position " + key));
    assertEquals(8, position.getInt("offset"));
    JsonObject last = position.getJsonObject("lastHandled");
    assertEquals(second.getString("id"), last.getJsonObject("event").getString("id"));
    assertEquals(JsonDigest.sha256(second.getJsonObject("data")), last.getString("dataSha256"));
    assertTrue(
        service.state("inbox|" + first.getString("id")).isEmpty(), "a record per event after all");

    // the sidecar delivers the same entries again (its retry, a restart before the offset commit)
    assertEquals(Map.of("e0", "SUCCESS", "e1", "SUCCESS"), bulk(List.of(first, second), at7));
    assertEquals(position, service.state(key).orElseThrow(), "a redelivery was handled again");
    assertEquals(1, changes(first));
    assertEquals(1, changes(second));
  }

  private static String status(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return ServiceUnderTest.json(r.body()).getString("status");
  }
}
