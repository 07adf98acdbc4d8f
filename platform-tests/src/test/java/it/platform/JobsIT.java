package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * Jobs of the Dapr Jobs API fire once, on time, through the real scheduler, and survive a restart
 * of the scheduler (its etcd data directory is persistent).
 */
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

  @Test
  void aJobScheduledBeforeTheSchedulerRestartsStillFires() {
    String name = "it-restart-" + UUID.randomUUID();
    Instant due = Instant.now().plusSeconds(20);
    assertEquals(
        204, probe.scheduleOverHttp(name, "{\"dueTime\":\"" + due + "\",\"data\":{\"n\":1}}"));

    Platform.dev("restart", "scheduler");
    assertTrue(probe.jobCalls(name).isEmpty(), "fired before its due time");

    Platform.awaitTrue(
        Duration.ofSeconds(90),
        "job " + name + " after the scheduler restart",
        () -> !probe.jobCalls(name).isEmpty());
    Platform.holdsFor(
        Duration.ofSeconds(3),
        "job " + name + " fired once",
        () -> probe.jobCalls(name).size() == 1);
  }
}
