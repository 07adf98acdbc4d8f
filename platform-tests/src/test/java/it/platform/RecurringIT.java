package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Recurring series as users see them, observed from outside: tasks made and completed through
 * task-service's REST API, the occurrences recurring-service has task-service create (Dapr service
 * invocation), the events on {@code recurring-events}. Everything real: the sidecars, the Dapr
 * scheduler, Kafka, Redis, PostgreSQL. Each test has a fresh user.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class RecurringIT {

  static final String GENERATED = "com.todo.recurring.task-generated.v1";
  static final String DEFINED = "com.todo.recurring.rule-defined.v1";

  /** A due date far ahead, so no time trigger fires during a test unless it means to. */
  static final String FAR = "2030-01-07T08:00:00Z";

  final TaskApi api = new TaskApi("recurring-" + UUID.randomUUID());

  JsonObject recurring(String rule, String dueAt, String extra) {
    return api.create(
        "{\"title\":\"Water the plants\",\"dueAt\":\""
            + dueAt
            + "\",\"timeZone\":\"Europe/Berlin\",\"recurrence\":{\"rule\":\""
            + rule
            + "\",\"basis\":\"due\"}"
            + extra
            + "}");
  }

  /** Every task of the user. */
  List<JsonObject> tasks() {
    HttpResponse<String> r = api.call("GET", "/tasks?limit=200", null);
    assertEquals(200, r.statusCode(), r.body());
    List<JsonObject> list = new ArrayList<>();
    for (JsonValue v : Platform.json(r.body()).getJsonArray("items")) list.add(v.asJsonObject());
    return list;
  }

  List<JsonObject> occurrences(String seriesId, int n) {
    return tasks().stream()
        .filter(t -> seriesId.equals(t.getString("seriesId", null)))
        .filter(t -> !t.isNull("occurrence") && t.getInt("occurrence") == n)
        .toList();
  }

  JsonObject awaitOccurrence(String seriesId, int n, Duration timeout) {
    return Platform.await(
        timeout,
        "occurrence " + n + " of series " + seriesId,
        () -> occurrences(seriesId, n).stream().findFirst());
  }

  void complete(String taskId) {
    HttpResponse<String> r = api.call("POST", "/tasks/" + taskId + "/complete", null);
    assertEquals(200, r.statusCode(), r.body());
  }

  void patch(String taskId, String body) {
    HttpResponse<String> r = api.call("PATCH", "/tasks/" + taskId, body);
    assertEquals(200, r.statusCode(), r.body());
  }

  /** The series as recurring-service keeps it (its state store, through its sidecar). */
  static Optional<JsonObject> series(String seriesId) {
    return Platform.state("recurring-service", "series|" + seriesId);
  }

  static List<JsonObject> events(
      List<ConsumerRecord<String, String>> seen, String seriesId, String type) {
    return seen.stream()
        .map(r -> Platform.json(r.value()))
        .filter(e -> type.equals(e.getString("type")))
        .filter(e -> seriesId.equals(e.getString("subject", "")))
        .toList();
  }

  /** Nothing more for a while: no occurrence beyond {@code last}, exactly one of each. */
  void holdsAt(String seriesId, int last, Duration period) {
    Platform.holdsFor(
        period,
        "series " + seriesId + " stays at occurrence " + last,
        () -> {
          List<JsonObject> all = tasks();
          long ofSeries =
              all.stream()
                  .filter(
                      t ->
                          seriesId.equals(t.getString("id"))
                              || seriesId.equals(t.getString("seriesId", null)))
                  .count();
          return ofSeries == last;
        });
  }

  @Test
  void completingAnOccurrenceCreatesTheNextOnceWithItsDueDateAndCopiedFields() {
    try (KafkaTopic topic = new KafkaTopic("recurring-events")) {
      JsonObject template =
          recurring(
              "FREQ=DAILY",
              FAR,
              ",\"description\":\"all of them\",\"priority\":\"high\",\"tags\":[\"home\",\"green\"],"
                  + "\"reminders\":[{\"before\":\"PT15M\"},{\"at\":\"2029-12-31T08:00:00Z\"}]");
      String seriesId = template.getString("id");
      complete(seriesId);

      JsonObject second = awaitOccurrence(seriesId, 2, Duration.ofSeconds(30));
      assertEquals("2030-01-08T08:00:00Z", second.getString("dueAt"));
      assertEquals("open", second.getString("status"));
      assertEquals("Water the plants", second.getString("title"));
      assertEquals("all of them", second.getString("description"));
      assertEquals("high", second.getString("priority"));
      assertEquals(
          List.of("home", "green"),
          second.getJsonArray("tags").getValuesAs(jakarta.json.JsonString::getString));
      assertEquals("Europe/Berlin", second.getString("timeZone"));
      assertEquals(1, second.getJsonArray("reminders").size(), "only the relative reminder");
      assertEquals("PT15M", second.getJsonArray("reminders").getJsonObject(0).getString("before"));
      assertEquals("FREQ=DAILY", second.getJsonObject("recurrence").getString("rule"));

      // the sequence guard's record of each task of the series is kept 30 days after its last
      // event (past Kafka's retention no redelivery can need it), not for ever
      long ttl =
          Long.parseLong(Platform.redis("TTL", "recurring-service||applied|task|" + seriesId));
      long month = Duration.ofDays(30).toSeconds();
      assertTrue(ttl > month - 120 && ttl <= month, "kept 30 days, not " + ttl + " s");

      // the same occurrence completed again (reopened first, so a second completed event exists)
      assertEquals(200, api.call("POST", "/tasks/" + seriesId + "/reopen", null).statusCode());
      complete(seriesId);
      holdsAt(seriesId, 2, Duration.ofSeconds(4));
      assertEquals(1, occurrences(seriesId, 2).size());

      var seen = topic.poll(Duration.ofSeconds(2), s -> false);
      List<JsonObject> generated = events(seen, seriesId, GENERATED);
      assertEquals(1, generated.size(), "task-generated once");
      JsonObject data = generated.get(0).getJsonObject("data");
      assertEquals(second.getString("id"), data.getString("taskId"));
      assertEquals(2, data.getInt("occurrence"));
      assertEquals("2030-01-08T08:00:00Z", data.getString("dueAt"));
      List<JsonObject> defined = events(seen, seriesId, DEFINED);
      assertEquals(1, defined.size(), "rule-defined once");
      assertEquals(seriesId, defined.get(0).getJsonObject("data").getString("templateTaskId"));
      for (var r : seen) {
        JsonObject e = Platform.json(r.value());
        if (!seriesId.equals(e.getString("subject", ""))) continue;
        EventType type = EventType.of(e.getString("type")).orElseThrow();
        assertEquals(List.of(), EventSchemas.violations(type, e.getJsonObject("data")));
        assertEquals(api.user, r.key(), "partition key: the user");
      }
    }
  }

  /**
   * The completion's trace (the caller's traceparent) reaches the next occurrence:
   * recurring-service handles the completed event in its trace, has task-service create the
   * occurrence in it (service invocation through both sidecars), and publishes its own event in it.
   */
  @Test
  void theNextOccurrenceAndItsEventsAreInTheTraceOfTheCompletion() {
    try (KafkaTopic tasksTopic = new KafkaTopic("task-events");
        KafkaTopic recurringTopic = new KafkaTopic("recurring-events")) {
      String seriesId = recurring("FREQ=WEEKLY", FAR, "").getString("id");
      String trace = Platform.newTraceParent();
      HttpResponse<String> done =
          api.call("POST", "/tasks/" + seriesId + "/complete", null, Map.of("traceparent", trace));
      assertEquals(200, done.statusCode(), done.body());
      String traceId = trace.split("-")[1];

      String second = awaitOccurrence(seriesId, 2, Duration.ofSeconds(30)).getString("id");
      JsonObject created =
          tasksTopic.poll(Duration.ofSeconds(30), s -> createdOf(s, second).isPresent()).stream()
              .map(r -> Platform.json(r.value()))
              .filter(e -> isCreated(e, second))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no task.created of occurrence 2"));
      assertEquals(traceId, Platform.traceIdOf(created), "the occurrence's event: " + created);
      List<JsonObject> generated =
          events(
              recurringTopic.poll(
                  Duration.ofSeconds(30), s -> !events(s, seriesId, GENERATED).isEmpty()),
              seriesId,
              GENERATED);
      assertEquals(1, generated.size());
      assertEquals(
          traceId, Platform.traceIdOf(generated.get(0)), "recurring-service's event: " + generated);
    }
  }

  private static boolean isCreated(JsonObject event, String taskId) {
    return "com.todo.task.created.v1".equals(event.getString("type"))
        && taskId.equals(event.getJsonObject("data").getString("id", ""));
  }

  private static Optional<JsonObject> createdOf(
      List<ConsumerRecord<String, String>> seen, String taskId) {
    return seen.stream()
        .map(r -> Platform.json(r.value()))
        .filter(e -> isCreated(e, taskId))
        .findFirst();
  }

  @Test
  void countThreeMakesExactlyThreeTasks() {
    JsonObject template = recurring("FREQ=WEEKLY;COUNT=3", FAR, "");
    String seriesId = template.getString("id");
    complete(seriesId);
    JsonObject second = awaitOccurrence(seriesId, 2, Duration.ofSeconds(30));
    assertEquals("2030-01-14T08:00:00Z", second.getString("dueAt"));
    complete(second.getString("id"));
    JsonObject third = awaitOccurrence(seriesId, 3, Duration.ofSeconds(30));
    assertEquals("2030-01-21T08:00:00Z", third.getString("dueAt"));
    complete(third.getString("id"));
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "series " + seriesId + " to finish",
        () -> series(seriesId).map(s -> !s.getBoolean("active")).orElse(false));
    assertEquals("finished", series(seriesId).orElseThrow().getString("endReason"));
    holdsAt(seriesId, 3, Duration.ofSeconds(3));
    assertEquals(3, api.count());
  }

  @Test
  void theTimeTriggerGeneratesTheNextOccurrenceOnceAndALateCompletionNothingMore() {
    // every minute; the template's due date a minute before the next instant, a few seconds ahead
    Instant next = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(6);
    JsonObject template = recurring("FREQ=MINUTELY;COUNT=3", next.minusSeconds(60).toString(), "");
    String seriesId = template.getString("id");

    JsonObject second = awaitOccurrence(seriesId, 2, Duration.ofSeconds(90));
    // `next`, or on a machine so slow that the series started only after it, the instant after
    Instant due = Instant.parse(second.getString("dueAt"));
    assertTrue(
        due.equals(next) || due.equals(next.plusSeconds(60)), "the next instant to come: " + due);
    assertEquals("open", second.getString("status"));
    assertFalse(
        Instant.parse(second.getString("createdAt")).isBefore(due),
        "generated before its instant: " + second);
    complete(seriesId);
    holdsAt(seriesId, 2, Duration.ofSeconds(4));
    assertEquals(1, occurrences(seriesId, 2).size());

    // clean up: deleting the current occurrence ends the series (no job left behind)
    assertEquals(204, api.call("DELETE", "/tasks/" + second.getString("id"), null).statusCode());
    // the end is recorded first, the job deleted in a second step: wait for both
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "series " + seriesId + " to end with reason deleted and its job deleted",
        () ->
            series(seriesId)
                .map(s -> "deleted".equals(s.getString("endReason", "")) && !s.containsKey("job"))
                .orElse(false));
  }

  @Test
  void recurrenceSetToNullEndsTheSeries() {
    JsonObject template = recurring("FREQ=DAILY", FAR, "");
    String seriesId = template.getString("id");
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "series " + seriesId + " to start",
        () -> series(seriesId).isPresent());
    patch(seriesId, "{\"recurrence\":null}");
    complete(seriesId);
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "series " + seriesId + " to end",
        () -> series(seriesId).map(s -> !s.getBoolean("active")).orElse(false));
    assertEquals("recurrence-removed", series(seriesId).orElseThrow().getString("endReason"));
    holdsAt(seriesId, 1, Duration.ofSeconds(3));
  }

  @Test
  void aChangedRuleAppliesFromTheNextOccurrence() {
    JsonObject template = recurring("FREQ=DAILY", FAR, "");
    String seriesId = template.getString("id");
    complete(seriesId);
    JsonObject second = awaitOccurrence(seriesId, 2, Duration.ofSeconds(30));
    assertEquals("2030-01-08T08:00:00Z", second.getString("dueAt"));
    patch(
        second.getString("id"),
        "{\"recurrence\":{\"rule\":\"FREQ=MONTHLY;BYMONTHDAY=-1\",\"basis\":\"due\"}}");
    complete(second.getString("id"));
    JsonObject third = awaitOccurrence(seriesId, 3, Duration.ofSeconds(30));
    assertEquals("2030-01-31T08:00:00Z", third.getString("dueAt"));
    assertEquals("FREQ=MONTHLY;BYMONTHDAY=-1", third.getJsonObject("recurrence").getString("rule"));
  }
}
