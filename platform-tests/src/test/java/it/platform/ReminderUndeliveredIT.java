package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A reminder nobody acknowledges fails as {@code undelivered} once its delivery window has passed,
 * through the delivery-check job of its user and minute (one check for all the user's tasks). With
 * notification-service's window shortened to 5 s for the test (restored at the end): several tasks
 * of one user with reminders that fire and are never acknowledged; each gets exactly one {@code
 * reminder.failed.v1} with reason {@code undelivered}, valid against its schema, keyed by the user,
 * not before its window ended, and the REST API lists it as failed.
 */
@ResourceLock(
    PlatformLock.PLATFORM) // alone: restarts notification-service with another delivery window
class ReminderUndeliveredIT {

  private static final String TRIGGERED = "com.todo.reminder.triggered.v1";
  private static final String FAILED = "com.todo.reminder.failed.v1";
  private static final Duration WINDOW = Duration.ofSeconds(5);

  @Test
  void aReminderNobodyAcknowledgesFailsAsUndeliveredOnce() {
    TaskApi api = new TaskApi(userCheckedEarly());
    Platform.devWithEnv(
        Map.of("TODO_SERVICE_ENV_EXTRA", "REMINDERS_DELIVERY_WINDOW=" + WINDOW),
        "restart",
        "notification-service");
    try (KafkaTopic topic = new KafkaTopic("reminder-events")) {
      Instant at = lateInAMinute(Instant.now().plusSeconds(4));
      List<String> ids = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        JsonObject task =
            api.create(
                "{\"title\":\"Unacknowledged "
                    + t
                    + "\",\"reminders\":[{\"at\":\""
                    + at
                    + "\"},{\"at\":\""
                    + at.plusSeconds(1)
                    + "\"}]}");
        for (JsonValue r : task.getJsonArray("reminders")) {
          ids.add(r.asJsonObject().getString("id"));
        }
      }
      // the check runs after the window of the minute's firings, spread over the next minute
      topic.poll(
          Duration.ofMinutes(4),
          records -> ids.stream().allMatch(id -> !of(records, id, FAILED).isEmpty()));
      // everything since the topic was opened, after a few more seconds for a second copy
      var all = topic.poll(Duration.ofSeconds(5), records -> false);

      Map<String, Instant> firedAt = new HashMap<>();
      for (String id : ids) {
        List<JsonObject> fired = of(all, id, TRIGGERED);
        assertEquals(1, fired.size(), "reminder " + id + " fired once");
        firedAt.put(id, Instant.parse(fired.get(0).getJsonObject("data").getString("firedAt")));
        List<JsonObject> failed = of(all, id, FAILED);
        assertEquals(1, failed.size(), "reminder " + id + " failed once: " + failed);
        JsonObject data = failed.get(0).getJsonObject("data");
        assertEquals("undelivered", data.getString("reason"), data.toString());
        assertEquals(
            List.of(), EventSchemas.violations(EventType.REMINDER_FAILED, data), data.toString());
        Instant failedAt = Instant.parse(failed.get(0).getString("time"));
        assertFalse(
            failedAt.isBefore(firedAt.get(id).plus(WINDOW)),
            "failed at " + failedAt + ", before the window after its firing " + firedAt.get(id));
      }
      for (ConsumerRecord<String, String> r : all) {
        JsonObject e = Platform.json(r.value());
        if (ids.contains(e.getJsonObject("data").getString("reminderId", ""))) {
          assertEquals(api.user, r.key(), "partition key: the user");
        }
      }
      HttpResponse<String> list =
          Platform.send(
              HttpRequest.newBuilder(
                      URI.create(
                          Platform.app("notification-service") + "/api/v1/reminders?status=failed"))
                  .header("Authorization", "Bearer " + api.token())
                  .GET());
      assertEquals(200, list.statusCode(), list.body());
      List<String> listed = new ArrayList<>();
      for (JsonValue v : Platform.json(list.body()).getJsonArray("items")) {
        assertEquals("undelivered", v.asJsonObject().getString("reason", ""), v.toString());
        listed.add(v.asJsonObject().getString("id"));
      }
      assertEquals(ids.stream().sorted().toList(), listed.stream().sorted().toList());
    } finally {
      Platform.dev("restart", "notification-service");
    }
  }

  /**
   * A user whose delivery checks come early in their minute: notification-service spreads the
   * checks of a minute's firings over the next minute by the user's hash (ReminderService
   * deliveryCheckDue); a random user waits 30 s more on average.
   */
  private static String userCheckedEarly() {
    while (true) {
      String user = "undelivered-" + UUID.randomUUID();
      if (Math.floorMod(user.hashCode(), 60_000) < 2_000) return user;
    }
  }

  /**
   * The instant 5 s before the end of the minute of {@code notBefore}, or of the next minute when
   * that is earlier: the two firings of each task (that instant and a second later) fall in one
   * minute, whose delivery check runs right after the minute and the window.
   */
  static Instant lateInAMinute(Instant notBefore) {
    Instant at = notBefore.truncatedTo(ChronoUnit.MINUTES).plusSeconds(55);
    return at.isBefore(notBefore) ? at.plusSeconds(60) : at;
  }

  private static List<JsonObject> of(
      List<ConsumerRecord<String, String>> records, String reminderId, String type) {
    return records.stream()
        .map(r -> Platform.json(r.value()))
        .filter(e -> type.equals(e.getString("type")))
        .filter(e -> reminderId.equals(e.getJsonObject("data").getString("reminderId", "")))
        .toList();
  }
}
