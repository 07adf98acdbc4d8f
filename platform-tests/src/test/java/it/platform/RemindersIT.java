package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import it.support.SampleEvents;
import it.support.ServiceUnderTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Reminders as users rely on them, observed from outside: tasks made through task-service's REST
 * API, the reminder events on Kafka ({@code reminder-events}), notification-service's REST API.
 * Everything real: the sidecars, the Dapr scheduler, Kafka, Redis, PostgreSQL.
 *
 * <p>Most of each test is waiting for an instant, so the tests run side by side, and beside the
 * other tests that leave the platform as it is (each with a user of its own: the platform lock
 * READ, {@link PlatformLock}), but for those that stop a part of the reminder path or hold a
 * partition with a poison event: they run alone (READ_WRITE). The methods hold the lock, not the
 * class: the class's lock would be the strongest of its methods', and all of them would run alone.
 */
class RemindersIT {

  private static final String TRIGGERED = "com.todo.reminder.triggered.v1";
  private static final String SCHEDULED = "com.todo.reminder.scheduled.v1";

  private final TaskApi api = new TaskApi("reminders-" + UUID.randomUUID());

  private static Instant inSeconds(long s) {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(s);
  }

  private JsonObject taskWith(Instant dueAt, String reminders) {
    return api.create(
        "{\"title\":\"Pay rent\",\"dueAt\":\"" + dueAt + "\",\"reminders\":[" + reminders + "]}");
  }

  private static String reminderId(JsonObject task, int i) {
    return task.getJsonArray("reminders").getJsonObject(i).getString("id");
  }

  /** The reminder events of one reminder among what arrived, of one type. */
  private static List<JsonObject> events(
      List<ConsumerRecord<String, String>> seen, String reminderId, String type) {
    return seen.stream()
        .map(r -> Platform.json(r.value()))
        .filter(e -> type.equals(e.getString("type")))
        .filter(e -> reminderId.equals(e.getJsonObject("data").getString("reminderId")))
        .toList();
  }

  private static List<JsonObject> awaitEvents(
      KafkaTopic topic, String reminderId, String type, Duration timeout) {
    return events(
        topic.poll(timeout, seen -> !events(seen, reminderId, type).isEmpty()), reminderId, type);
  }

  /** Everything that arrives within {@code period}, as a whole. */
  private static List<ConsumerRecord<String, String>> settle(KafkaTopic topic, Duration period) {
    return topic.poll(period, seen -> false);
  }

  private HttpResponse<String> reminders(String query) {
    return Platform.send(
        HttpRequest.newBuilder(
                URI.create(Platform.app("notification-service") + "/api/v1/reminders" + query))
            .header("Authorization", "Bearer " + api.token())
            .GET());
  }

  private String statusOf(String reminderId) {
    HttpResponse<String> r = reminders("");
    assertEquals(200, r.statusCode(), r.body());
    for (JsonValue v : Platform.json(r.body()).getJsonArray("items")) {
      if (v.asJsonObject().getString("id").equals(reminderId)) {
        return v.asJsonObject().getString("status");
      }
    }
    return "none";
  }

  private void awaitStatus(String reminderId, String status) {
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "reminder " + reminderId + " to be " + status,
        () -> status.equals(statusOf(reminderId)));
  }

  private HttpResponse<String> snooze(TaskApi who, String reminderId, String body) {
    return Platform.send(
        HttpRequest.newBuilder(
                URI.create(
                    Platform.app("notification-service")
                        + "/api/v1/reminders/"
                        + reminderId
                        + "/snooze"))
            .header("Authorization", "Bearer " + who.token())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void aReminderFiresOnceNeverEarlyAndItsEventsKeepTheContract() {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      Instant at = inSeconds(4);
      JsonObject task = taskWith(at.plusSeconds(3600), "{\"at\":\"" + at + "\"}");
      String id = reminderId(task, 0);

      List<JsonObject> fired = awaitEvents(events, id, TRIGGERED, Duration.ofSeconds(60));
      var all = settle(events, Duration.ofSeconds(3));

      assertEquals(1, events(all, id, TRIGGERED).size(), "fired once");
      assertEquals(1, events(all, id, SCHEDULED).size(), "scheduled once");
      JsonObject data = fired.get(0).getJsonObject("data");
      assertFalse(Instant.parse(data.getString("firedAt")).isBefore(at), "fired early: " + data);
      assertEquals(at.toString(), data.getString("fireAt"));
      assertEquals(task.getString("id"), data.getString("taskId"));
      assertEquals("Pay rent", data.getString("title"));
      for (var r : all) {
        JsonObject e = Platform.json(r.value());
        if (!id.equals(e.getJsonObject("data").getString("reminderId", ""))) continue;
        EventType type = EventType.of(e.getString("type")).orElseThrow();
        assertEquals(List.of(), EventSchemas.violations(type, e.getJsonObject("data")));
        assertEquals(api.user, r.key(), "partition key: the user");
      }
      awaitStatus(id, "triggered");
      // the sidecar's metrics do not keep a series per job callback path: they grew without
      // bound (622 MiB after 15,000 reminders) while Dapr labelled HTTP metrics with paths
      String metrics =
          Platform.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + ServiceUnderTest.Definition.of("notification-service")
                                      .daprMetricsPort()
                                  + "/metrics"))
                      .GET())
              .body();
      assertTrue(metrics.contains("dapr_http_server_request_count"), "HTTP metrics are on");
      assertFalse(metrics.contains(id), "a metric labelled with the job of reminder " + id);
    }
  }

  /**
   * A reminder is scheduled in the trace of the change that asked for it (the caller's
   * traceparent): notification-service handles the task event in its trace and publishes in it.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void theScheduledEventIsInTheTraceOfTheChangeThatAskedForIt() {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      String trace = Platform.newTraceParent();
      HttpResponse<String> created =
          api.call(
              "POST",
              "/tasks",
              "{\"title\":\"Pay rent\",\"dueAt\":\""
                  + inSeconds(86_400)
                  + "\",\"reminders\":[{\"before\":\"PT1H\"}]}",
              Map.of("traceparent", trace));
      assertEquals(201, created.statusCode(), created.body());
      String id = reminderId(Platform.json(created.body()), 0);
      JsonObject scheduled = awaitEvents(events, id, SCHEDULED, Duration.ofSeconds(30)).get(0);
      assertEquals(trace.split("-")[1], Platform.traceIdOf(scheduled), "on Kafka: " + scheduled);
    }
  }

  /**
   * Fifty jobs due at the same second (five tasks with ten reminders each) fire side by side and
   * are handled in groups, several firings of one task in one group: each fires exactly once, none
   * early, and every one is listed triggered.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void manyRemindersOfOneTaskDueAtOnceEachFireOnce() {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      Instant at = inSeconds(8);
      String tenAtOnce = String.join(",", Collections.nCopies(10, "{\"at\":\"" + at + "\"}"));
      List<String> ids = new ArrayList<>();
      for (int t = 0; t < 5; t++) {
        JsonObject task = taskWith(at.plusSeconds(3600), tenAtOnce);
        for (int i = 0; i < 10; i++) ids.add(reminderId(task, i));
      }

      events.poll(
          Duration.ofSeconds(60),
          seen -> ids.stream().allMatch(id -> !events(seen, id, TRIGGERED).isEmpty()));
      var all = settle(events, Duration.ofSeconds(3));

      for (String id : ids) {
        List<JsonObject> fired = events(all, id, TRIGGERED);
        assertEquals(1, fired.size(), "reminder " + id + " fired once");
        Instant firedAt = Instant.parse(fired.get(0).getJsonObject("data").getString("firedAt"));
        assertFalse(firedAt.isBefore(at), "fired early: " + fired.get(0));
      }
      Platform.awaitTrue(
          Duration.ofSeconds(30),
          "all fifty listed triggered",
          () -> {
            HttpResponse<String> r = reminders("?status=triggered&limit=100");
            if (r.statusCode() != 200) return false;
            List<String> listed =
                Platform.json(r.body()).getJsonArray("items").stream()
                    .map(v -> v.asJsonObject().getString("id"))
                    .toList();
            return listed.containsAll(ids) && listed.size() == ids.size();
          });
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void aMovedDueDateMovesTheReminderAndARemovedOneIsCancelled() {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      // fires 5 s from now, until the due date moves 4 s later
      JsonObject task =
          taskWith(inSeconds(3605), "{\"before\":\"PT1H\"},{\"at\":\"" + inSeconds(6) + "\"}");
      String moved = reminderId(task, 0);
      String removed = reminderId(task, 1);
      Instant newDue = inSeconds(3609);
      String keep = "{\"id\":\"" + moved + "\",\"before\":\"PT1H\"}";
      HttpResponse<String> patch =
          api.call(
              "PATCH",
              "/tasks/" + task.getString("id"),
              "{\"dueAt\":\"" + newDue + "\",\"reminders\":[" + keep + "]}");
      assertEquals(200, patch.statusCode(), patch.body());

      List<JsonObject> fired = awaitEvents(events, moved, TRIGGERED, Duration.ofSeconds(60));
      var all = settle(events, Duration.ofSeconds(3));

      assertEquals(
          newDue.minusSeconds(3600).toString(),
          fired.get(0).getJsonObject("data").getString("fireAt"));
      assertEquals(1, events(all, moved, TRIGGERED).size(), "the old instant stayed silent");
      assertEquals(List.of(), events(all, removed, TRIGGERED), "the removed reminder fired");
      assertEquals("cancelled", statusOf(removed));
    }
  }

  /**
   * A closed task's reminders stay listed for their history window (30 days), then its state
   * expires and the user's index forgets it; an open or reopened task's are kept for good. Observed
   * in Redis (the expiry of the state key the sidecar writes, {@code <app id>||<key>}); the end of
   * the window is brought forward there, as a month cannot be waited for.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void aClosedTasksRemindersAreKeptForTheirHistoryThenForgottenAnOpenTasksForGood() {
    JsonObject task = taskWith(inSeconds(86_400), "{\"before\":\"PT1H\"}");
    String id = task.getString("id");
    String reminder = reminderId(task, 0);
    String stateKey = "notification-service||applied|task|" + id;
    long month = Duration.ofDays(30).toSeconds();
    awaitStatus(reminder, "scheduled");
    assertEquals(-1, Long.parseLong(Platform.redis("TTL", stateKey)), "open: kept for good");

    assertEquals(200, api.call("POST", "/tasks/" + id + "/complete", null).statusCode());
    awaitStatus(reminder, "cancelled");
    long ttl = Long.parseLong(Platform.redis("TTL", stateKey));
    assertTrue(ttl > month - 120 && ttl <= month, "completed: kept 30 days, not " + ttl + " s");

    assertEquals(200, api.call("POST", "/tasks/" + id + "/reopen", null).statusCode());
    awaitStatus(reminder, "scheduled");
    assertEquals(
        -1, Long.parseLong(Platform.redis("TTL", stateKey)), "reopened: kept for good again");

    assertEquals(204, api.call("DELETE", "/tasks/" + id, null).statusCode());
    awaitStatus(reminder, "cancelled");
    ttl = Long.parseLong(Platform.redis("TTL", stateKey));
    assertTrue(ttl > month - 120 && ttl <= month, "deleted: kept 30 days, not " + ttl + " s");

    // the 30 days are over
    assertEquals("1", Platform.redis("EXPIRE", stateKey, "1"));
    Platform.awaitTrue(
        Duration.ofSeconds(10),
        "the state to expire",
        () -> "0".equals(Platform.redis("EXISTS", stateKey)));
    assertEquals("none", statusOf(reminder));
    String index = Platform.redis("HGET", "notification-service||reminders|" + api.user, "data");
    assertFalse(index.contains(reminder), "the index still holds the forgotten reminder: " + index);
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void completedOrDeletedBeforeTheInstantStaysSilentAndReopenedFiresWhatIsStillAhead() {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      JsonObject completed = taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(5) + "\"}");
      JsonObject deleted = taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(5) + "\"}");
      JsonObject reopened = taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(8) + "\"}");
      String tid = completed.getString("id");
      assertEquals(200, api.call("POST", "/tasks/" + tid + "/complete", null).statusCode());
      assertEquals(204, api.call("DELETE", "/tasks/" + deleted.getString("id"), null).statusCode());
      String rid = reopened.getString("id");
      assertEquals(200, api.call("POST", "/tasks/" + rid + "/complete", null).statusCode());
      assertEquals(200, api.call("POST", "/tasks/" + rid + "/reopen", null).statusCode());

      awaitEvents(events, reminderId(reopened, 0), TRIGGERED, Duration.ofSeconds(60));
      var all = settle(events, Duration.ofSeconds(3));

      assertEquals(List.of(), events(all, reminderId(completed, 0), TRIGGERED));
      assertEquals(List.of(), events(all, reminderId(deleted, 0), TRIGGERED));
      assertEquals(1, events(all, reminderId(reopened, 0), TRIGGERED).size());
      assertEquals("cancelled", statusOf(reminderId(completed, 0)));
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ_WRITE)
  void aReminderFiresOnceWhenNotificationServiceWasDownAtItsInstant() {
    firesOnceAcross("notification-service");
  }

  /**
   * Stops {@code part} over a reminder's instant, then starts it again: the reminder fires after it
   * is back, once.
   */
  private void firesOnceAcross(String part) {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      JsonObject task = taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(6) + "\"}");
      String id = reminderId(task, 0);
      awaitEvents(events, id, SCHEDULED, Duration.ofSeconds(30));
      Platform.dev("stop", part);
      try {
        settle(events, Duration.ofSeconds(8)); // its instant passes while it is down
        assertEquals(List.of(), events(settle(events, Duration.ZERO), id, TRIGGERED));
      } finally {
        Platform.dev("start", part);
      }
      awaitEvents(events, id, TRIGGERED, Duration.ofSeconds(90));
      var all = settle(events, Duration.ofSeconds(3));
      assertEquals(1, events(all, id, TRIGGERED).size());
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ_WRITE)
  void aReminderFiresOnceWhenTheSchedulerWasDownAtItsInstant() {
    firesOnceAcross("scheduler");
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ_WRITE)
  void aReminderFiresOnceWhenNotificationServicesSidecarWasDownAtItsInstant() {
    firesOnceAcross("daprd-notification-service");
  }

  /**
   * An event of the user that the contract refuses goes to the dead-letter topic and does not hold
   * up the user's partition: a reminder created after it fires.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ_WRITE)
  void aPoisonEventIsDeadLetteredAndLaterRemindersStillFire() {
    String user = api.user;
    var data =
        Json.createObjectBuilder(SampleEvents.task(UUID.randomUUID().toString(), user))
            .add("dueAt", "tomorrow")
            .build();
    JsonObject poison = SampleEvents.event("com.todo.task.created.v1", user, data);
    try (KafkaTopic events = new KafkaTopic("reminder-events");
        KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      HttpResponse<String> r =
          Platform.sidecarCall(
              "task-service",
              "POST",
              "/v1.0/publish/pubsub/task-events?metadata.partitionKey=" + user,
              poison.toString(),
              "application/cloudevents+json");
      assertEquals(204, r.statusCode(), r.body());
      JsonObject task = taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(4) + "\"}");
      String id = reminderId(task, 0);
      dlq.await(Duration.ofSeconds(60), poison.getString("id"));
      List<JsonObject> fired = awaitEvents(events, id, TRIGGERED, Duration.ofSeconds(60));
      assertEquals(1, fired.size());
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void theSameTaskEventTwiceMakesOneJobAndOneScheduledEvent() {
    String user = api.user;
    String rid = UUID.randomUUID().toString();
    Instant at = inSeconds(5);
    var data =
        Json.createObjectBuilder(SampleEvents.task(UUID.randomUUID().toString(), user))
            .add(
                "reminders",
                Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("id", rid).add("at", at.toString())))
            .build();
    JsonObject event = SampleEvents.event("com.todo.task.created.v1", user, data);
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r =
            Platform.sidecarCall(
                "task-service",
                "POST",
                "/v1.0/publish/pubsub/task-events?metadata.partitionKey=" + user,
                event.toString(),
                "application/cloudevents+json");
        assertEquals(204, r.statusCode(), r.body());
      }
      awaitEvents(events, rid, TRIGGERED, Duration.ofSeconds(60));
      var all = settle(events, Duration.ofSeconds(3));
      assertEquals(1, events(all, rid, SCHEDULED).size());
      assertEquals(1, events(all, rid, TRIGGERED).size());
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void snoozeFiresAgainAfterItsDurationOnlyForItsOwnerAndWithinItsBounds() {
    try (KafkaTopic events = new KafkaTopic("reminder-events")) {
      JsonObject task = taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(3) + "\"}");
      String id = reminderId(task, 0);
      awaitEvents(events, id, TRIGGERED, Duration.ofSeconds(60));
      awaitStatus(id, "triggered");

      TaskApi other = new TaskApi("other-" + UUID.randomUUID());
      assertEquals(404, snooze(other, id, "{\"for\":\"PT10M\"}").statusCode());
      assertEquals(
          404, snooze(api, UUID.randomUUID().toString(), "{\"for\":\"PT10M\"}").statusCode());
      for (String bad :
          List.of(
              "{\"for\":\"PT10S\"}",
              "{\"for\":\"P30D\"}",
              "{\"for\":\"soon\"}",
              "{}",
              "[1]",
              "{")) {
        HttpResponse<String> r = snooze(api, id, bad);
        assertEquals(400, r.statusCode(), bad + ": " + r.body());
        assertTrue(
            r.headers()
                .firstValue("Content-Type")
                .orElse("")
                .startsWith("application/problem+json"));
      }
      Instant before = Instant.now();
      HttpResponse<String> ok = snooze(api, id, "{\"for\":\"PT1M\"}");
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("snoozed", Platform.json(ok.body()).getString("status"));

      List<JsonObject> fired =
          awaitEvents(
              events,
              id,
              TRIGGERED,
              Duration.ofSeconds(100)); // the first firing is already among them
      Platform.awaitTrue(
          Duration.ofSeconds(100),
          "the snoozed reminder to fire again",
          () -> events(settle(events, Duration.ofMillis(500)), id, TRIGGERED).size() >= 2);
      JsonObject again = events(settle(events, Duration.ZERO), id, TRIGGERED).get(1);
      Instant firedAt = Instant.parse(again.getJsonObject("data").getString("firedAt"));
      assertFalse(firedAt.isBefore(before.plusSeconds(60)), "fired before its snooze ended");
      assertFalse(fired.isEmpty());
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void theReminderListShowsOnlyTheCallersRemindersAndTheirStatus() {
    JsonObject task =
        taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(3) + "\"},{\"before\":\"PT10M\"}");
    String fires = reminderId(task, 0);
    String waits = reminderId(task, 1);
    awaitStatus(waits, "scheduled");
    awaitStatus(fires, "triggered");

    HttpResponse<String> scheduled = reminders("?status=scheduled");
    assertEquals(200, scheduled.statusCode(), scheduled.body());
    var items = Platform.json(scheduled.body()).getJsonArray("items");
    assertEquals(1, items.size(), scheduled.body());
    assertEquals(waits, items.getJsonObject(0).getString("id"));

    HttpResponse<String> paged = reminders("?limit=1");
    JsonObject page = Platform.json(paged.body());
    assertEquals(1, page.getJsonArray("items").size());
    assertEquals(fires, page.getJsonArray("items").getJsonObject(0).getString("id"));
    JsonObject next =
        Platform.json(reminders("?limit=1&cursor=" + page.getString("nextCursor")).body());
    assertEquals(waits, next.getJsonArray("items").getJsonObject(0).getString("id"));

    TaskApi other = new TaskApi("other-" + UUID.randomUUID());
    HttpResponse<String> theirs =
        Platform.send(
            HttpRequest.newBuilder(
                    URI.create(Platform.app("notification-service") + "/api/v1/reminders"))
                .header("Authorization", "Bearer " + other.token())
                .GET());
    assertEquals(0, Platform.json(theirs.body()).getJsonArray("items").size());
    assertEquals(400, reminders("?status=sleeping").statusCode());
    assertEquals(400, reminders("?limit=0").statusCode());
    assertEquals(400, reminders("?cursor=nonsense").statusCode());
    assertEquals(
        401,
        Platform.send(
                HttpRequest.newBuilder(
                        URI.create(Platform.app("notification-service") + "/api/v1/reminders"))
                    .GET())
            .statusCode());
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void aClientsAcknowledgementMarksTheFiringDelivered() {
    JsonObject task = taskWith(inSeconds(3600), "{\"at\":\"" + inSeconds(2) + "\"}");
    String id = reminderId(task, 0);
    awaitStatus(id, "triggered");
    var delivered =
        Json.createObjectBuilder()
            .add("reminderId", id)
            .add("taskId", task.getString("id"))
            .add("userId", api.user)
            .add("deliveredAt", Instant.now().toString())
            .build();
    JsonObject event =
        Json.createObjectBuilder(
                SampleEvents.event("com.todo.reminder.delivered.v1", api.user, delivered))
            .add("subject", id)
            .build();
    HttpResponse<String> r =
        Platform.sidecarCall(
            "task-service",
            "POST",
            "/v1.0/publish/pubsub/reminder-events?metadata.partitionKey=" + api.user,
            event.toString(),
            "application/cloudevents+json");
    assertEquals(204, r.statusCode(), r.body());

    awaitStatus(id, "delivered");
  }
}
