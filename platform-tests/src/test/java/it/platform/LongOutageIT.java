package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * An outage longer than the sidecars' delivery retries last (about 40 s,
 * dapr-config/resources/resiliency.yaml) while a user keeps changing tasks: nothing is
 * dead-lettered and nothing is lost. The sidecar's app health check finds the service not ready
 * within about 9 s (stopped, or its state store not answering: SidecarReadiness) and stops
 * delivering; the events wait in Kafka and arrive, in order, once it is back.
 *
 * <p>Both kinds of outage in one minute: realtime-service is stopped (the app gone) while Redis is
 * stopped (the state store gone, for notification- and recurring-service, which keep running). Run
 * one after the other (until session 13, with notification-service stopped as well) they took a
 * minute more of ./dev test and found nothing more.
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: stops realtime-service and Redis for a minute
class LongOutageIT {

  /** Outage length: one change every 12 s (-Doutage.seconds, default 60). */
  private static final int CHANGES = (int) (Long.getLong("outage.seconds", 60) / 12);

  @Test
  void aConsumerAndTheStateStoreStoppedForAMinute() {
    // Redis first, so that realtime-service finds its store when it starts again
    changesWhileDown(List.of("redis", "realtime-service"));
  }

  private void changesWhileDown(List<String> stopped) {
    TaskApi api = new TaskApi("outage-" + UUID.randomUUID());
    String before = RealtimeIT.idOfAChangeSeenLive(api, "before the outage");
    Instant remindAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofHours(2));
    List<String> made = new ArrayList<>();
    try (KafkaTopic dlq = new KafkaTopic("task-events.dlq")) {
      stopped.forEach(s -> Platform.dev("stop", s));
      try {
        // one change every 12 s for a minute: some reach the sidecars while the services are
        // gone but not yet unhealthy, some while their deliveries would be retried, some after
        for (int i = 0; i < CHANGES; i++) {
          made.add(
              api.create(
                      "{\"title\":\"during the outage "
                          + i
                          + "\",\"reminders\":[{\"at\":\""
                          + remindAt
                          + "\"}]}")
                  .getString("id"));
          LockSupport.parkNanos(Duration.ofSeconds(12).toNanos());
        }
      } finally {
        stopped.forEach(s -> Platform.dev("start", s));
      }

      // realtime-service: a client resuming after the last event it saw gets every change, in order
      try (RealtimeIT.Client client = RealtimeIT.connect(api.token(), before)) {
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < made.size(); i++) {
          tasks.add(client.next().getJsonObject("data").getString("id"));
        }
        assertEquals(made, tasks, "the changes made during the outage, in commit order");
      }
      // notification-service: every reminder scheduled
      Platform.awaitTrue(
          Duration.ofSeconds(60),
          "every reminder scheduled",
          () -> scheduledTasks(api).containsAll(made));
      // nothing of this user's dead-lettered by either consumer
      List<String> dead =
          dlq.poll(Duration.ofSeconds(5), seen -> false).stream()
              .filter(r -> api.user.equals(r.key()) || r.value().contains(api.user))
              .map(r -> r.value())
              .toList();
      assertEquals(List.of(), dead, "dead-lettered");
    }
  }

  private static List<String> scheduledTasks(TaskApi api) {
    HttpResponse<String> r =
        Platform.send(
            HttpRequest.newBuilder(
                    URI.create(
                        Platform.app("notification-service")
                            + "/api/v1/reminders?status=scheduled&limit=100"))
                .header("Authorization", "Bearer " + api.token())
                .GET());
    if (r.statusCode() != 200) return List.of();
    return Platform.json(r.body()).getJsonArray("items").stream()
        .map(JsonValue::asJsonObject)
        .map((JsonObject o) -> o.getString("taskId"))
        .toList();
  }
}
