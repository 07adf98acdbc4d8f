package it.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * task-service is ready only while PostgreSQL and its sidecar answer, so Kubernetes takes it out of
 * the Service when either is gone, and puts it back when they return.
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: stops PostgreSQL and a sidecar
class ReadinessIT {

  private static HttpResponse<String> ready() {
    return Platform.send(
        HttpRequest.newBuilder(URI.create(Platform.app("task-service") + "/health/ready")).GET());
  }

  private static boolean down(String check) {
    HttpResponse<String> r = ready();
    return r.statusCode() == 503 && r.body().contains("\"" + check + "\",\"status\":\"DOWN\"");
  }

  @Test
  void unreadyWithoutPostgres() {
    assertTrue(
        Files.exists(Platform.DEV.resolve("run/postgres.pid")),
        "PostgreSQL is not run by ./dev here (an existing server is reused), so this test cannot"
            + " stop it: stop that server and let ./dev start its own");
    Platform.dev("stop", "postgres");
    try {
      Platform.awaitTrue(
          Duration.ofSeconds(30),
          "task-service unready without PostgreSQL",
          () -> down("postgresql"));
    } finally {
      Platform.dev("start", "postgres");
    }
    Platform.awaitTrue(
        Duration.ofSeconds(60), "task-service ready again", () -> ready().statusCode() == 200);
  }

  @Test
  void unreadyWithoutItsSidecar() {
    Platform.dev("stop", "daprd-task-service");
    try {
      Platform.awaitTrue(
          Duration.ofSeconds(30),
          "task-service unready without its sidecar",
          () -> down("dapr-sidecar"));
    } finally {
      Platform.dev("start", "daprd-task-service");
    }
    Platform.awaitTrue(
        Duration.ofSeconds(60), "task-service ready again", () -> ready().statusCode() == 200);
  }
}
