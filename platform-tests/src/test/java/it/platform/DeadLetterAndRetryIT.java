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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The subscribers' answers drive the sidecar: DROP sends an event to {@code <topic>.dlq}. While the
 * state store is down an event is held back, never dead-lettered: a delivery that reaches the
 * service is answered RETRY (the sidecar delivers again, within the bounded inbound retry policy of
 * dapr-config/resources/resiliency.yaml), and once the service reports the store down in its
 * readiness the sidecar stops delivering until it is back (LongOutageIT for a long outage).
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: stops Redis
class DeadLetterAndRetryIT {

  private static int publish(JsonObject event) {
    return Platform.sidecarCall(
            "task-service",
            "POST",
            "/v1.0/publish/pubsub/task-events?metadata.partitionKey=" + event.getString("userid"),
            event.toString(),
            "application/cloudevents+json")
        .statusCode();
  }

  /**
   * Also: each subscriber says so in its log, a JSON record (messages.log, as the containers'
   * console) that carries the event's trace id: the operator who reads the warning finds the trace
   * of the change that made the event (dapr-client EventSpans and TraceLogFields).
   */
  @Test
  void anEventItsSubscribersDropArrivesOnTheDeadLetterTopic() {
    String user = "dlq-" + UUID.randomUUID();
    String traceId = UUID.randomUUID().toString().replace("-", "");
    String traceParent = "00-" + traceId + "-00f067aa0ba902b7-01";
    JsonObject broken =
        Json.createObjectBuilder(
                SampleEvents.event(
                    "com.todo.task.created.v1",
                    user,
                    Json.createObjectBuilder().add("id", "no task").build()))
            .add("traceparent", traceParent)
            .add("traceid", traceParent) // Dapr's copy: without it the sidecar puts its own
            .build();
    String id = broken.getString("id");
    try (KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      assertEquals(204, publish(broken));
      // each of the three subscribers drops it: three copies, and none of them handled it
      var records =
          dlq.poll(
              Duration.ofSeconds(60),
              seen -> seen.stream().filter(r -> r.value().contains("\"" + id + "\"")).count() >= 3);
      assertEquals(3, records.stream().filter(r -> r.value().contains("\"" + id + "\"")).count());
    }
    for (String service :
        List.of("notification-service", "recurring-service", "realtime-service")) {
      JsonObject warning =
          Platform.await(
              Duration.ofSeconds(10),
              service + " logging the dead-lettered event",
              () ->
                  messagesLog(service)
                      .filter(r -> r.getString("message", "").contains(id))
                      .findFirst());
      assertEquals("WARNING", warning.getString("loglevel"), service + ": " + warning);
      assertEquals(traceId, warning.getString("ext_traceId", ""), service + ": " + warning);
      assertNotEquals("00f067aa0ba902b7", warning.getString("ext_spanId", ""), "its own span");
    }
  }

  /** The JSON records of a service's messages.log. */
  private static java.util.stream.Stream<JsonObject> messagesLog(String service) {
    Path log = Platform.DEV.resolve("liberty/servers/" + service + "/logs/messages.log");
    try {
      return Files.readAllLines(log).stream()
          .filter(l -> l.startsWith("{") && l.endsWith("}")) // not one being written
          .map(Platform::json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * One delivery whose entries go to two routes (a type the subscribers ignore, default route; a
   * broken task event, its type's route) with the broken one second: daprd 1.18.3 looks a DROP
   * answer up in the wrong list and panics on it (InboundEvents#deadLetter), so the services put
   * dropped events on the dead-letter topic themselves. Every sidecar lives on, the broken event is
   * dead-lettered once by each subscriber, the ignored one not at all, and later events flow.
   */
  @Test
  void aDroppedEventInADeliveryThatSpansRoutesStopsNoSidecarAndOnlyItIsDeadLettered() {
    String user = "dlq-routes-" + UUID.randomUUID();
    JsonObject ignored =
        SampleEvents.event(
            "com.todo.other.happened.v1", user, Json.createObjectBuilder().add("x", 1).build());
    JsonObject broken =
        SampleEvents.event(
            "com.todo.task.created.v1",
            user,
            Json.createObjectBuilder().add("id", "no task").build());
    java.util.Map<String, Long> sidecars = new java.util.LinkedHashMap<>();
    for (String s : List.of("notification-service", "recurring-service", "realtime-service")) {
      sidecars.put("daprd-" + s, ChaosFaults.pid("daprd-" + s));
    }
    try (KafkaTopic dlq = new KafkaTopic("task-events.dlq");
        KafkaTopic events = new KafkaTopic("task-events")) {
      // one call, one partition: the subscribers get both in one bulk delivery
      String entries =
          Json.createArrayBuilder()
              .add(entry("1", ignored, user))
              .add(entry("2", broken, user))
              .build()
              .toString();
      var r =
          Platform.sidecarCall(
              "task-service",
              "POST",
              "/v1.0-alpha1/publish/bulk/pubsub/task-events",
              entries,
              "application/json");
      assertEquals(204, r.statusCode(), r.body());
      String brokenId = broken.getString("id");
      var records =
          dlq.poll(
              Duration.ofSeconds(60),
              seen ->
                  seen.stream().filter(x -> x.value().contains("\"" + brokenId + "\"")).count()
                      >= 3);
      assertEquals(
          3, records.stream().filter(x -> x.value().contains("\"" + brokenId + "\"")).count());
      // later events of the same partition are handled
      JsonObject later = SampleEvents.event("com.todo.task.created.v1", user, task(user));
      assertEquals(204, publish(later));
      ConsumerRecord<String, String> onKafka =
          events.await(Duration.ofSeconds(30), later.getString("id"));
      Platform.awaitConsumed("notification-service", "/events/task-events", onKafka);
      Platform.awaitConsumed("realtime-service", "/events/task-events", onKafka);
      assertFalse(
          dlq.poll(Duration.ofSeconds(2), seen -> false).stream()
              .anyMatch(x -> x.value().contains("\"" + ignored.getString("id") + "\"")),
          "an ignored type is not dead-lettered");
    }
    sidecars.forEach(
        (part, pid) -> assertEquals(pid, ChaosFaults.pid(part), part + " lived on (same process)"));
  }

  private static JsonObject entry(String entryId, JsonObject event, String user) {
    return Json.createObjectBuilder()
        .add("entryId", entryId)
        .add("event", event)
        .add("contentType", "application/cloudevents+json")
        .add("metadata", Json.createObjectBuilder().add("partitionKey", user))
        .build();
  }

  private static JsonObject task(String user) {
    return SampleEvents.task(UUID.randomUUID().toString(), user);
  }

  @Test
  void anEventWhileTheStateStoreIsDownIsHeldBackThenHandled() throws Exception {
    assertTrue(
        Files.exists(Platform.DEV.resolve("run/redis.pid")),
        "Redis is not run by ./dev here (an existing server is reused), so this test cannot stop"
            + " it: stop that server and let ./dev start its own");
    String user = "retry-" + UUID.randomUUID();
    JsonObject event = SampleEvents.taskCreated(user);
    String id = event.getString("id");
    try (KafkaTopic events = new KafkaTopic("task-events");
        KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      Platform.dev("stop", "redis");
      try {
        assertEquals(204, publish(event));
        Platform.awaitTrue(
            Duration.ofSeconds(60),
            "notification-service not ready while the state store is down",
            () -> {
              var r =
                  Platform.send(
                      HttpRequest.newBuilder(
                              URI.create(Platform.app("notification-service") + "/health/ready"))
                          .GET());
              return r.statusCode() == 503 && r.body().contains("\"state-store\":false");
            });
        // held back meanwhile: answered RETRY if it was delivered, or not delivered at all
        assertFalse(
            KafkaTopic.containsEventId(dlq.poll(Duration.ofSeconds(2), seen -> false), id),
            "dead-lettered while the state store was down");
      } finally {
        Platform.dev("start", "redis");
      }
      ConsumerRecord<String, String> sent = events.await(Duration.ofSeconds(10), id);
      JsonObject position =
          Platform.awaitConsumed("notification-service", "/events/task-events", sent);
      assertEquals("/events/task-events", position.getString("route"));
      assertEquals(
          id,
          position.getJsonObject("lastHandled").getJsonObject("event").getString("id"),
          "the redelivered event was handled");
      assertFalse(
          KafkaTopic.containsEventId(dlq.poll(Duration.ofSeconds(2), seen -> false), id),
          "a retried event must not be dead-lettered");
    }
  }
}
