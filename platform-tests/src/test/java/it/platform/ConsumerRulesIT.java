package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.support.SampleEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The consumer rules of docs/events.md end to end: events published through task-service's sidecar,
 * Kafka, each subscriber's sidecar with its CEL routes, bulk delivery and Resiliency policy, the
 * services' consumer rules and the state store; what happened is read from outside, on Kafka, in
 * the services' state (the sequence guard's {@code applied|task|<id>} entries) and on their {@code
 * /metrics}.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class ConsumerRulesIT {

  /**
   * The consumers that apply task events through the sequence guard today (recurring- and
   * realtime-service acknowledge them without effect until they are built).
   */
  private static final List<String> CONSUMERS = List.of("notification-service");

  private static final String CREATED = "com.todo.task.created.v1";

  /**
   * A task.created event of a task with a reminder an hour ahead: notification-service acts only on
   * tasks with reminders.
   */
  private static JsonObject created(String user) {
    JsonObject task = SampleEvents.task(UUID.randomUUID().toString(), user);
    var reminder =
        Json.createObjectBuilder()
            .add("id", UUID.randomUUID().toString())
            .add("at", java.time.Instant.now().plusSeconds(3600).toString());
    var data =
        Json.createObjectBuilder(task).add("reminders", Json.createArrayBuilder().add(reminder));
    return SampleEvents.event(CREATED, user, data.build());
  }

  private static JsonObject with(JsonObject event, String attribute, String value) {
    return Json.createObjectBuilder(event).add(attribute, value).build();
  }

  private static JsonObject withData(JsonObject event, String field, String value) {
    var data = Json.createObjectBuilder(event.getJsonObject("data")).add(field, value);
    return Json.createObjectBuilder(event).add("data", data).build();
  }

  private static void publish(JsonObject event) {
    HttpResponse<String> r =
        Platform.sidecarCall(
            "task-service",
            "POST",
            "/v1.0/publish/pubsub/task-events?metadata.partitionKey=" + event.getString("userid"),
            event.toString(),
            "application/cloudevents+json");
    assertEquals(204, r.statusCode(), r.body());
  }

  /** What a service's sequence guard applied to the event's task, if anything. */
  private static Optional<JsonObject> applied(String service, JsonObject event) {
    return Platform.state(service, "applied|task|" + event.getString("subject"));
  }

  private static JsonObject awaitApplied(String service, JsonObject event) {
    return Platform.await(
        Duration.ofSeconds(60),
        service + " to apply " + event.getString("id"),
        () ->
            applied(service, event)
                .filter(a -> a.getString("eventId").equals(event.getString("id"))));
  }

  /** notification-service's dead-letter count for task-events, type and reason (its /metrics). */
  private static double deadLettered(String type, String reason) {
    HttpResponse<String> r =
        Platform.send(
            HttpRequest.newBuilder(
                    URI.create(Platform.app("notification-service") + "/metrics?scope=application"))
                .GET());
    assertEquals(200, r.statusCode(), r.body());
    return r.body()
        .lines()
        .filter(l -> l.startsWith("todo_events_dead_lettered_total{"))
        .filter(l -> l.contains("topic=\"task-events\""))
        .filter(l -> l.contains("type=\"" + type + "\"") && l.contains("reason=\"" + reason + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void awaitCount(String type, String reason, double atLeast) {
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "the dead-letter metric " + type + "/" + reason + " to reach " + atLeast,
        () -> deadLettered(type, reason) >= atLeast);
  }

  @Test
  void aFieldAddedToTheDataOfAVersionIsAccepted() {
    JsonObject event = withData(created("rules-" + UUID.randomUUID()), "colour", "blue");

    publish(event);

    for (String service : CONSUMERS)
      assertEquals(1, awaitApplied(service, event).getInt("sequence"));
  }

  @Test
  void anEventThatBreaksItsFormatsIsDeadLetteredAndCounted() {
    String user = "rules-" + UUID.randomUUID();
    JsonObject notAUuid = with(created(user), "id", "not-a-uuid-" + UUID.randomUUID());
    JsonObject badInstant = withData(created(user), "dueAt", "tomorrow");
    double malformed = deadLettered(CREATED, "malformed");
    double schema = deadLettered(CREATED, "schema");

    try (KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      publish(notAUuid);
      publish(badInstant);
      for (JsonObject e : List.of(notAUuid, badInstant)) {
        assertEquals(e.getString("id"), idOf(dlq.await(Duration.ofSeconds(60), e.getString("id"))));
      }
    }
    awaitCount(CREATED, "malformed", malformed + 1);
    awaitCount(CREATED, "schema", schema + 1);
    for (String service : CONSUMERS) assertTrue(applied(service, badInstant).isEmpty(), service);
  }

  @Test
  void aHandledTypeInAnUnknownMajorVersionIsDeadLetteredByTheRouteItsCelRuleChooses() {
    String v9 = "com.todo.task.created.v9";
    JsonObject event = with(created("rules-" + UUID.randomUUID()), "type", v9);
    double before = deadLettered(v9, "unknown-version");

    try (KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      publish(event);
      // each of the three consumers handles created.v1, so each sends the v9 event there
      var records =
          dlq.poll(
              Duration.ofSeconds(60),
              seen ->
                  seen.stream().filter(r -> r.value().contains(event.getString("id"))).count()
                      >= 3);
      assertEquals(
          3, records.stream().filter(r -> r.value().contains(event.getString("id"))).count());
    }
    awaitCount(v9, "unknown-version", before + 1);
    for (String service : CONSUMERS) assertTrue(applied(service, event).isEmpty(), service);
  }

  @Test
  void anEventOlderThanTheAppliedSequenceIsIgnored() {
    JsonObject second = with(created("rules-" + UUID.randomUUID()), "sequence", "2");
    JsonObject first =
        Json.createObjectBuilder(second)
            .add("id", UUID.randomUUID().toString())
            .add("sequence", "1")
            .build();

    try (KafkaTopic events = new KafkaTopic("task-events")) {
      publish(second);
      publish(first);
      ConsumerRecord<String, String> older =
          events.await(Duration.ofSeconds(10), first.getString("id"));
      for (String service : CONSUMERS) {
        Platform.awaitConsumed(service, "/events/task-events", older);
        JsonObject applied = applied(service, second).orElseThrow();
        assertEquals(second.getString("id"), applied.getString("eventId"), service);
        assertEquals(2, applied.getInt("sequence"), service);
      }
    }
  }

  /**
   * A task whose stored state notification-service cannot read fails on every attempt: its event is
   * dead-lettered once the bounded attempts run out (inbound.delivery-attempts, below the
   * Resiliency policy's own bound); meanwhile other users' events flow, and the same user's later
   * event waits, then follows once the failing one is dead-lettered.
   */
  @Test
  void anEventThatKeepsFailingIsDeadLetteredWhileOthersFlowAndItsUsersLaterEventsFollow() {
    String user = "poison-" + UUID.randomUUID();
    String other = userOnAnotherPartitionThan(user);
    JsonObject failing = created(user);
    JsonObject later = created(user);
    JsonObject othersEvent = created(other);
    String corrupt = "applied|task|" + failing.getString("subject");
    writeState("notification-service", corrupt, "\"corrupt\"");
    double exhausted = deadLettered(CREATED, "retries-exhausted");

    try (KafkaTopic events = new KafkaTopic("task-events");
        KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      publish(failing);
      publish(later);
      publish(othersEvent);
      int failingPartition =
          events.await(Duration.ofSeconds(10), failing.getString("id")).partition();
      int otherPartition =
          events.await(Duration.ofSeconds(10), othersEvent.getString("id")).partition();
      assertNotEquals(
          failingPartition, otherPartition, "precondition: the users' partitions differ");

      awaitApplied("notification-service", othersEvent);
      assertFalse(
          KafkaTopic.containsEventId(
              dlq.poll(Duration.ofMillis(500), seen -> false), failing.getString("id")),
          "the other user's event had to wait for the failing one");
      assertTrue(
          applied("notification-service", later).isEmpty(),
          "the same user's later event went first");

      dlq.await(Duration.ofSeconds(120), failing.getString("id"));
      awaitApplied("notification-service", later);
      assertFalse(
          KafkaTopic.containsEventId(
              dlq.poll(Duration.ofSeconds(2), seen -> false), later.getString("id")),
          "the later event was dead-lettered too");
    } finally {
      Platform.sidecarCall(
          "notification-service",
          "DELETE",
          "/v1.0/state/statestore/" + corrupt.replace("|", "%7C"),
          null);
    }
    awaitCount(CREATED, "retries-exhausted", exhausted + 1);
  }

  private static void writeState(String service, String key, String jsonValue) {
    String body = "[{\"key\":" + Json.createValue(key) + ",\"value\":" + jsonValue + "}]";
    HttpResponse<String> r = Platform.sidecarCall(service, "POST", "/v1.0/state/statestore", body);
    assertEquals(204, r.statusCode(), r.body());
  }

  /**
   * A user whose events land on another partition of task-events: Dapr's Kafka component picks the
   * partition of a key as FNV-1a 32 of its bytes modulo the partition count (3 here).
   */
  private static String userOnAnotherPartitionThan(String user) {
    for (int i = 0; ; i++) {
      String candidate = "other-" + i + "-" + UUID.randomUUID();
      if (partitionOf(candidate) != partitionOf(user)) return candidate;
    }
  }

  private static int partitionOf(String key) {
    int hash = 0x811c9dc5;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return Math.abs(hash % 3);
  }

  private static String idOf(ConsumerRecord<String, String> record) {
    return Platform.json(record.value()).getString("id");
  }
}
