package it.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.client.domain.ScheduleJobRequest;
import io.dapr.config.Properties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A job scheduled with the Dapr Java SDK fires once, on time, through the real scheduler, with the
 * app token and its data. That jobs survive a restart of the scheduler, a stopped service and a
 * stopped sidecar is proven with notification-service's own reminders (RemindersIT).
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class JobsIT {

  private static ProbeApp probe;

  @BeforeAll
  static void startProbe() throws Exception {
    probe = new ProbeApp();
  }

  @AfterAll
  static void stopProbe() throws Exception {
    if (probe != null) probe.close();
  }

  @Test
  void aJobDueInThreeSecondsCallsTheAppOnce() throws Exception {
    String name = "it-once-" + UUID.randomUUID();
    Instant due = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    try (DaprClient dapr =
        new DaprClientBuilder()
            .withPropertyOverride(Properties.SIDECAR_IP, "127.0.0.1")
            .withPropertyOverride(Properties.GRPC_PORT, Integer.toString(ProbeApp.GRPC_PORT))
            .withPropertyOverride(Properties.HTTP_PORT, Integer.toString(ProbeApp.HTTP_PORT))
            .withPropertyOverride(Properties.API_TOKEN, Platform.DAPR_TOKEN)
            .build()) {
      dapr.scheduleJob(
              new ScheduleJobRequest(name, due)
                  .setData("{\"reminderId\":\"r-1\"}".getBytes(StandardCharsets.UTF_8)))
          .block(Duration.ofSeconds(15));
    }

    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "the callback of job " + name,
        () -> !probe.jobCalls(name).isEmpty());
    ProbeApp.Call call = probe.jobCalls(name).get(0);
    assertTrue(call.authorized(), "the sidecar sends the app token with a job callback");
    assertFalse(
        call.at().isBefore(due.minusMillis(500)),
        "fired at " + call.at() + ", before its due time " + due);
    assertTrue(call.body().contains("r-1"), "the job's data is the body: " + call.body());
    Platform.holdsFor(
        Duration.ofSeconds(5),
        "job " + name + " fired once",
        () -> probe.jobCalls(name).size() == 1);
  }
}
