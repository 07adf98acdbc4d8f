package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * What ./dev chaos (ChaosRun) found, each as a focused test that failed before its fix.
 *
 * <p>A completion that recurring-service handles while task-service cannot be reached for longer
 * than its parked retries lasted (10 attempts, about 30 s; a task-service restart takes 35-85 s on
 * this machine, and PostgreSQL down makes it unready too) was dead-lettered to {@code
 * task-events.dlq}, and its next occurrence was not created until something else touched the series
 * (basis {@code due}: its due date; basis {@code completion}: never). The chaos run saw it on
 * killing task-service and PostgreSQL (rescued there only by the outbox publishing the completion
 * again).
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: stops sidecars
class ChaosFindingsIT {

  private final RecurringIT it = new RecurringIT();

  private static boolean ofUser(ConsumerRecord<String, String> r, String user) {
    return r.value() != null && r.value().contains("\"" + user + "\"");
  }

  @Test
  void aCompletionWhileTaskServiceIsUnreachableForAMinuteYieldsItsOccurrenceOnceItIsBack()
      throws Exception {
    JsonObject template = it.recurring("FREQ=DAILY", RecurringIT.FAR, "");
    String seriesId = template.getString("id");
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "series " + seriesId + " to start",
        () -> RecurringIT.series(seriesId).isPresent());
    try (KafkaTopic events = new KafkaTopic("task-events");
        KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      // the completion waits on Kafka until recurring-service's sidecar is back...
      Platform.dev("stop", "daprd-recurring-service");
      try {
        it.complete(seriesId);
        events.poll(
            Duration.ofSeconds(30),
            seen ->
                seen.stream()
                    .anyMatch(
                        r ->
                            r.value().contains("com.todo.task.completed.v1")
                                && r.value().contains(seriesId)));
        // ...and then task-service cannot be reached for 50 s
        Platform.dev("stop", "daprd-task-service");
      } finally {
        Platform.dev("start", "daprd-recurring-service");
      }
      try {
        // 50 s without task-service's sidecar: longer than the parked retries last, and no next
        // occurrence meanwhile (task-service itself still answers its REST API)
        it.holdsAt(seriesId, 1, Duration.ofSeconds(50));
      } finally {
        Platform.dev("start", "daprd-task-service");
      }
      JsonObject second = it.awaitOccurrence(seriesId, 2, Duration.ofSeconds(90));
      assertEquals("2030-01-08T08:00:00Z", second.getString("dueAt"));
      it.holdsAt(seriesId, 2, Duration.ofSeconds(3));
      List<ConsumerRecord<String, String>> dead =
          dlq.poll(Duration.ofSeconds(1), seen -> false).stream()
              .filter(r -> ofUser(r, it.api.user))
              .toList();
      assertTrue(dead.isEmpty(), "dead-lettered: " + dead);
    }
  }
}
