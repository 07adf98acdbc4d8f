package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * README "Developing one service": `mvn liberty:dev` in task-service's folder, with nothing
 * changed, in place of ./dev's task-service (its sidecar stays): the server comes up on the
 * service's usual port, with the platform's JWT key (an authenticated request is answered), its
 * JDBC driver from its own build (the task is stored in PostgreSQL and read back) and the
 * platform's sidecar token (its event is published through the sidecar to Kafka). ./dev's
 * task-service is started again at the end, whatever happened.
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: replaces task-service by a dev-mode server
class LibertyDevIT {

  private static final String SERVICE = "task-service";

  @Test
  void devModeServesTheServiceOnItsPortAgainstThePlatform() {
    int port = Platform.appPort(SERVICE);
    Platform.dev("stop", SERVICE);
    LocalProcess dev = null;
    Throwable failure = null;
    try {
      assertEquals(
          Optional.empty(),
          LocalProcess.awaitFree(Duration.ofSeconds(30), List.of(port)),
          "port " + port + " free once ./dev's " + SERVICE + " is stopped");
      // what the README says a developer types in the service's folder (-B -ntp: plain output)
      dev =
          LocalProcess.start(
              Platform.ROOT.resolve("liberty-apps/" + SERVICE),
              Map.of(),
              "liberty-dev-" + SERVICE + ".log",
              "mvn",
              "-B",
              "-ntp",
              "liberty:dev");
      LocalProcess running = dev;
      Platform.awaitTrue(
          Duration.ofSeconds(240),
          SERVICE + " in dev mode to be ready on port " + port,
          () -> {
            if (!running.isAlive())
              throw new AssertionError("mvn liberty:dev ended:\n" + running.tail(60));
            // the plugin prints its banner after the server is ready: wait for both, or a
            // fast readiness answer races the banner (fresh-clone CI of 37aee86)
            return LocalProcess.listening(port)
                && ready(port)
                && running.output().contains("Liberty is running in dev mode");
          });
      dev.rememberDescendants();

      TaskApi api = new TaskApi("devmode-" + UUID.randomUUID());
      try (KafkaTopic topic = new KafkaTopic("task-events")) {
        String title = "Written in dev mode " + UUID.randomUUID();
        JsonObject created = api.create("{\"title\":\"" + title + "\"}");
        String id = created.getString("id");
        HttpResponse<String> read = api.call("GET", "/tasks/" + id, null);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(title, Platform.json(read.body()).getString("title"));
        var records =
            topic.poll(
                Duration.ofSeconds(60),
                seen -> seen.stream().anyMatch(r -> r.value().contains("\"" + id + "\"")));
        JsonObject event =
            records.stream()
                .map(r -> Platform.json(r.value()))
                .filter(e -> id.equals(e.getString("subject", "")))
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("no event of task " + id + " on task-events"));
        assertEquals("com.todo.task.created.v1", event.getString("type"));
      }
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      restore(dev, port, failure);
    }
  }

  /**
   * Quits dev mode as a developer does (q), ends what is left of it, and starts ./dev's
   * task-service again; each step is tried, a failure of this is added to the test's own.
   */
  private static void restore(LocalProcess dev, int port, Throwable failure) {
    List<Runnable> steps = new ArrayList<>();
    if (dev != null) {
      steps.add(
          () -> {
            dev.type("q"); // dev mode's own way out: stops the server
            dev.awaitExit(Duration.ofSeconds(60));
            dev.close();
          });
    }
    steps.add(
        () -> {
          if (LocalProcess.awaitFree(Duration.ofSeconds(10), List.of(port)).isPresent()) {
            LocalProcess.stopLibertyServer(SERVICE);
          }
          assertEquals(
              Optional.empty(),
              LocalProcess.awaitFree(Duration.ofSeconds(30), List.of(port)),
              "port " + port + " free after dev mode ended");
        });
    steps.add(() -> Platform.dev("start", SERVICE));
    LocalProcess.runEveryStep(steps, failure, "restoring ./dev's " + SERVICE);
  }

  private static boolean ready(int port) {
    try {
      return Platform.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")))
              .statusCode()
          == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
