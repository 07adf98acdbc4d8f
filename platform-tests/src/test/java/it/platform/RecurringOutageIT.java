package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A completion that arrives while recurring-service, or its sidecar, is stopped: the next
 * occurrence appears once it is back, once (the task event waits in Kafka or is delivered again;
 * task-service's endpoint creates an occurrence once).
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: stops parts of the recurring path
class RecurringOutageIT {

  private final RecurringIT it = new RecurringIT();

  private void completedWhileStopped(String part) {
    JsonObject template = it.recurring("FREQ=DAILY", RecurringIT.FAR, "");
    String seriesId = template.getString("id");
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "series " + seriesId + " to start",
        () -> RecurringIT.series(seriesId).isPresent());
    Platform.dev("stop", part);
    try {
      it.complete(seriesId);
      Platform.holdsFor(
          Duration.ofSeconds(5),
          "no occurrence while " + part + " is stopped",
          () -> it.occurrences(seriesId, 2).isEmpty());
    } finally {
      Platform.dev("start", part);
    }
    JsonObject second = it.awaitOccurrence(seriesId, 2, Duration.ofSeconds(90));
    assertEquals("2030-01-08T08:00:00Z", second.getString("dueAt"));
    it.holdsAt(seriesId, 2, Duration.ofSeconds(3));
    assertEquals(1, it.occurrences(seriesId, 2).size());
  }

  @Test
  void recurringServiceStopped() {
    completedWhileStopped("recurring-service");
  }

  @Test
  void itsSidecarStopped() {
    completedWhileStopped("daprd-recurring-service");
  }
}
