package com.todo.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import com.todo.notification.domain.TaskReminders.JobChange;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reminders of one task as they follow its events, fire, snooze and get acknowledged. */
class TaskRemindersTest {

  private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(1);
  private static final String TASK = "7d2a3f60-0000-4000-8000-000000000001";
  private static final String R1 = "7d2a3f60-0000-4000-8000-0000000000a1";
  private static final String R2 = "7d2a3f60-0000-4000-8000-0000000000a2";

  private final TaskReminders t = TaskReminders.none(TASK, "ann");

  /** A task as its events carry it; reminders as (id, "before"|"at", value) triples. */
  private static JsonObject task(String status, String dueAt, String... reminders) {
    JsonArrayBuilder list = Json.createArrayBuilder();
    for (int i = 0; i < reminders.length; i += 3) {
      list.add(
          Json.createObjectBuilder()
              .add("id", reminders[i])
              .add(reminders[i + 1], reminders[i + 2]));
    }
    var b =
        Json.createObjectBuilder()
            .add("id", TASK)
            .add("userId", "ann")
            .add("title", "Pay rent")
            .add("status", status)
            .add("reminders", list);
    if (dueAt != null) b.add("dueAt", dueAt);
    return b.build();
  }

  private ReminderStatus status(String id) {
    return t.reminder(id).orElseThrow().status();
  }

  private List<String> pendingTypes() {
    return t.pending().stream().map(e -> e.getString("type")).toList();
  }

  @Test
  void aReminderBeforeTheDueDateIsScheduledAtItsInstantAndAnnounced() {
    var jobs = t.follow(task("open", "2026-12-01T10:00:00Z", R1, "before", "PT1H"), NOW, GRACE);

    assertEquals(List.of(new JobChange(R1, Instant.parse("2026-12-01T09:00:00Z"))), jobs);
    assertEquals(ReminderStatus.SCHEDULED, status(R1));
    assertEquals(List.of("com.todo.reminder.scheduled.v1"), pendingTypes());
  }

  @Test
  void movingTheDueDateMovesTheJobAndTheOldInstantIsStale() {
    t.follow(task("open", "2026-12-01T10:00:00Z", R1, "before", "PT1H"), NOW, GRACE);

    var jobs = t.follow(task("open", "2026-12-01T12:00:00Z", R1, "before", "PT1H"), NOW, GRACE);

    assertEquals(List.of(new JobChange(R1, Instant.parse("2026-12-01T11:00:00Z"))), jobs);
    assertFalse(t.fire(R1, Instant.parse("2026-12-01T09:00:00Z"), NOW.plusSeconds(3600)));
    assertEquals(ReminderStatus.SCHEDULED, status(R1));
  }

  @Test
  void theSameTaskAgainChangesNothing() {
    JsonObject task = task("open", "2026-12-01T10:00:00Z", R1, "before", "PT1H");
    t.follow(task, NOW, GRACE);

    assertEquals(List.of(), t.follow(task, NOW.plusSeconds(5), GRACE));
    assertEquals(1, t.pending().size());
  }

  @Test
  void aRemovedReminderAndAllRemindersOfACompletedTaskAreCancelled() {
    t.follow(
        task("open", null, R1, "at", "2026-12-01T09:00:00Z", R2, "at", "2026-12-01T09:30:00Z"),
        NOW,
        GRACE);

    assertEquals(
        List.of(new JobChange(R2, null)),
        t.follow(task("open", null, R1, "at", "2026-12-01T09:00:00Z"), NOW, GRACE));
    assertEquals(ReminderStatus.CANCELLED, status(R2));
    assertEquals(
        List.of(new JobChange(R1, null)),
        t.follow(task("completed", null, R1, "at", "2026-12-01T09:00:00Z"), NOW, GRACE));
    assertEquals(ReminderStatus.CANCELLED, status(R1));
  }

  @Test
  void reopeningSchedulesAgainOnlyTheRemindersStillInTheFuture() {
    String past = "2026-12-01T07:30:00Z";
    String future = "2026-12-01T09:00:00Z";
    t.follow(task("open", null, R1, "at", future, R2, "at", "2026-12-01T08:00:30Z"), NOW, GRACE);
    t.follow(
        task("completed", null, R1, "at", future, R2, "at", "2026-12-01T08:00:30Z"), NOW, GRACE);

    var jobs =
        t.follow(
            task("open", null, R1, "at", future, R2, "at", "2026-12-01T08:00:30Z"),
            NOW.plusSeconds(60),
            GRACE);

    assertEquals(List.of(new JobChange(R1, Instant.parse(future))), jobs);
    assertEquals(
        ReminderStatus.CANCELLED, status(R2), "its instant passed while the task was closed");
    assertTrue(Instant.parse(past).isBefore(NOW));
  }

  @Test
  void aReminderSetInTimeFiresEvenWhenItsEventArrivesLongAfterItsInstant() {
    // committed at 07:55 with a reminder at 07:58; notification-service gets the event at 08:00
    // (Kafka or the service was down): late, not missed
    var jobs =
        t.follow(
            task("open", null, R1, "at", "2026-12-01T07:58:00Z"),
            NOW,
            Instant.parse("2026-12-01T07:55:00Z"),
            GRACE);

    assertEquals(List.of(new JobChange(R1, Instant.parse("2026-12-01T07:58:00Z"))), jobs);
    assertEquals(ReminderStatus.SCHEDULED, status(R1));
  }

  @Test
  void aReminderScheduledPastItsGraceFailsAsMissedWithinItFiresAtOnce() {
    var jobs =
        t.follow(
            task("open", null, R1, "at", "2026-12-01T07:55:00Z", R2, "at", "2026-12-01T07:59:30Z"),
            NOW,
            GRACE);

    assertEquals(
        List.of(new JobChange(R1, null), new JobChange(R2, Instant.parse("2026-12-01T07:59:30Z"))),
        jobs);
    assertEquals(ReminderStatus.FAILED, status(R1));
    assertEquals("missed", t.reminder(R1).orElseThrow().reason());
    assertEquals(ReminderStatus.SCHEDULED, status(R2));
    assertEquals(
        List.of("com.todo.reminder.failed.v1", "com.todo.reminder.scheduled.v1"), pendingTypes());
  }

  @Test
  void aFiringTriggersOnceWithAnIdDerivedFromReminderAndInstant() {
    Instant at = Instant.parse("2026-12-01T09:00:00Z");
    t.follow(task("open", "2026-12-01T10:00:00Z", R1, "at", at.toString()), NOW, GRACE);

    assertTrue(t.fire(R1, at, at.plusMillis(300)));
    assertTrue(
        t.fire(R1, at, at.plusMillis(900)), "a second delivery of the job: still this firing");

    assertEquals(
        List.of("com.todo.reminder.scheduled.v1", "com.todo.reminder.triggered.v1"),
        pendingTypes());
    JsonObject triggered = t.pending().get(1);
    assertEquals(TaskReminders.eventId("triggered", R1, at.toString()), triggered.getString("id"));
    assertEquals("2026-12-01T10:00:00Z", triggered.getJsonObject("data").getString("dueAt"));
    assertEquals(ReminderStatus.TRIGGERED, status(R1));
  }

  @Test
  void snoozeFiresAgainAfterTheDurationButNotForACompletedTask() {
    Instant at = Instant.parse("2026-12-01T09:00:00Z");
    t.follow(task("open", null, R1, "at", at.toString()), NOW, GRACE);
    t.fire(R1, at, at);

    var job = t.snooze(R1, Duration.ofMinutes(10), at.plusSeconds(5)).orElseThrow();

    assertEquals(new JobChange(R1, at.plusSeconds(605)), job);
    assertEquals(ReminderStatus.SNOOZED, status(R1));
    assertTrue(t.fire(R1, at.plusSeconds(605), at.plusSeconds(606)));
    t.follow(task("completed", null, R1, "at", at.toString()), at.plusSeconds(700), GRACE);
    assertTrue(t.snooze(R1, Duration.ofMinutes(10), at.plusSeconds(800)).isEmpty());
  }

  @Test
  void anAcknowledgedFiringIsDeliveredAnUnacknowledgedOneFails() {
    Instant at = Instant.parse("2026-12-01T09:00:00Z");
    t.follow(task("open", null, R1, "at", at.toString(), R2, "at", at.toString()), NOW, GRACE);
    t.fire(R1, at, at);
    t.fire(R2, at, at);

    assertTrue(t.delivered(R1, at.plusSeconds(2)));
    assertTrue(t.undelivered(R2, at, at.plusSeconds(600)));

    assertEquals(ReminderStatus.DELIVERED, status(R1));
    assertEquals(ReminderStatus.FAILED, status(R2));
    assertEquals("undelivered", t.reminder(R2).orElseThrow().reason());
    assertFalse(t.undelivered(R1, at, at.plusSeconds(600)), "delivered stays delivered");
  }

  @Test
  void everyEventIsValidAgainstItsSchemaAndTheStateSurvivesItsJsonForm() {
    Instant at = Instant.parse("2026-12-01T09:00:00Z");
    t.follow(
        task("open", null, R1, "at", at.toString(), R2, "at", "2026-12-01T07:00:00Z"), NOW, GRACE);
    t.fire(R1, at, at);

    for (JsonObject e : t.pending()) {
      EventType type = EventType.of(e.getString("type")).orElseThrow();
      assertEquals(List.of(), EventSchemas.violations(type, e.getJsonObject("data")), e.toString());
      assertEquals("ann", e.getString("userid"));
    }
    assertEquals(t.toJson(), TaskReminders.fromJson(t.toJson()).toJson());
    t.published(List.of(t.pending().get(0).getString("id")));
    assertEquals(2, t.pending().size());
  }
}
