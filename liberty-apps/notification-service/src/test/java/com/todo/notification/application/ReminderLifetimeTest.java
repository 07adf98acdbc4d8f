package com.todo.notification.application;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.todo.dapr.SequenceGuard.Lifetime;
import com.todo.notification.domain.TaskReminders;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How long notification-service keeps a task's reminders: for good while open, then a history. */
class ReminderLifetimeTest {

  private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
  private static final long HISTORY = Duration.ofDays(30).toSeconds();

  private final ReminderService service = new ReminderService();
  private final TaskReminders t = TaskReminders.none("t1", "ann");

  ReminderLifetimeTest() {
    service.history = Duration.ofDays(30);
  }

  private JsonObject follow(String status) {
    JsonObject task =
        Json.createObjectBuilder()
            .add("id", "t1")
            .add("userId", "ann")
            .add("title", "Pay rent")
            .add("status", status)
            .add("dueAt", "2026-12-02T10:00:00Z")
            .add(
                "reminders",
                Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("id", "r1").add("before", "PT1H")))
            .build();
    t.follow(task, NOW, Duration.ofMinutes(1));
    return t.toJson();
  }

  @Test
  void anOpenTaskIsKeptForGoodAClosedOneForItsHistoryAndAReopenedOneForGoodAgain() {
    JsonObject open = follow("open");
    assertEquals(Lifetime.AS_IT_WAS, service.lifetime(null, open), "new and open: no expiry");
    assertEquals(Lifetime.AS_IT_WAS, service.lifetime(open, follow("open")));

    JsonObject completed = follow("completed");
    assertEquals(HISTORY, service.lifetime(open, completed));
    assertEquals(HISTORY, service.lifetime(completed, completed), "each change restarts it");

    JsonObject reopened = follow("open");
    assertEquals(Lifetime.FOREVER, service.lifetime(completed, reopened), "the expiry is removed");

    t.deleted(NOW);
    assertEquals(HISTORY, service.lifetime(reopened, t.toJson()), "a deleted task's record too");
  }

  @Test
  void aHistoryShorterThanKafkasRetentionIsRaisedToItsMinimum() {
    service.history = Duration.ofDays(1);
    service.start();
    assertEquals(Lifetime.MIN, service.history);
  }
}
