package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * README "Multi-App Run": `dapr run -f dapr.yaml`, with the Dapr CLI that platform/lib/dapr-cli.sh
 * builds from its Go module, runs the four services with their sidecars in place of ./dev's, on the
 * infrastructure ./dev up started, with the tokens of .dev/secrets/tokens.env in the environment
 * (./dev test loads them, as the README says to). A task created through it reaches two
 * subscribers: notification-service lists its reminder, recurring-service keeps its series. The
 * sidecars offer the Dapr API on loopback only and look for no placement service. Ctrl-C (SIGINT to
 * the CLI's process group) ends it all; ./dev's services and sidecars are started again at the end,
 * whatever happened.
 */
class MultiAppRunIT {

  private static Path cli;

  /**
   * The Dapr CLI, before the platform lock is taken: on a fresh machine ./dev test builds it in the
   * background while the other platform tests run, and this waits for that build (dapr-cli.sh) with
   * the platform free for them.
   */
  @BeforeAll
  static void theDaprCli() {
    cli = cliDirectory();
  }

  @Test
  @ResourceLock(
      value = PlatformLock.PLATFORM,
      mode = ResourceAccessMode.READ_WRITE) // alone: stops ./dev's services and sidecars
  void daprRunFileRunsTheFourServicesWithTheirSidecars() {
    // POD_NAME: the sidecars inherit the CLI's environment; realtime-service's broadcast pub/sub
    // names its consumer group after it (dapr.yaml)
    Map<String, String> env =
        Map.of(
            "PATH",
            cli + ":" + System.getenv("PATH"),
            "DAPR_RUNTIME_PATH",
            cli.toString(),
            "POD_NAME",
            "realtime-service-0");
    List<Integer> ports = new ArrayList<>();
    for (String s : Platform.SERVICES) {
      ports.add(Platform.appPort(s));
      ports.add(Platform.sidecarHttpPort(s));
      ports.add(Platform.sidecarGrpcPort(s));
    }
    Instant started = Instant.now();
    LocalProcess run = null;
    Throwable failure = null;
    try {
      inParallel(
          "stop", Platform.SERVICES.stream().flatMap(s -> Stream.of("daprd-" + s, s)).toList());
      log("./dev's services and sidecars stopped", started);
      assertEquals(
          Optional.empty(),
          LocalProcess.awaitFree(Duration.ofSeconds(30), ports),
          "ports free once ./dev's services and sidecars are stopped");
      run =
          LocalProcess.start(
              Platform.ROOT,
              env,
              "dapr-run.log",
              // its own process group, as a command typed at a terminal has (Ctrl-C below)
              "setsid",
              cli.resolve("dapr").toString(),
              "run",
              "-f",
              "dapr.yaml");
      LocalProcess running = run;
      for (String s : Platform.SERVICES) {
        Platform.awaitTrue(
            Duration.ofSeconds(300),
            s + " and its sidecar to be ready under dapr run",
            () -> {
              if (!running.isAlive())
                throw new AssertionError("dapr run ended:\n" + running.tail(60));
              return sidecarSeesApp(s);
            });
      }
      run.rememberDescendants();
      log("all four ready under dapr run", started);
      for (String s : Platform.SERVICES) {
        assertTrue(
            run.output().contains("Started Dapr with app id \"" + s + "\""),
            "dapr run started " + s + "'s sidecar:\n" + run.tail(40));
      }

      for (String s : Platform.SERVICES) {
        assertFalse(
            reachableFromOutside(Platform.sidecarHttpPort(s)),
            s + "'s sidecar offers the Dapr API on loopback only");
        assertFalse(reachableFromOutside(Platform.appPort(s)), s + " listens on loopback only");
      }
      String disabled = "placement service is not configured";
      List<String> placement =
          daprdLog("task-service", started)
              .filter(l -> l.contains("placement") && !l.contains(disabled))
              .toList();
      assertEquals(List.of(), placement, "the sidecar looks for no placement service");
      assertTrue(
          daprdLog("task-service", started).anyMatch(l -> l.contains(disabled)),
          "the sidecar says: " + disabled);

      TaskApi api = new TaskApi("multi-app-run-" + UUID.randomUUID());
      JsonObject task =
          api.create(
              "{\"title\":\"Through dapr run\",\"dueAt\":\"2030-01-07T08:00:00Z\","
                  + "\"timeZone\":\"Europe/Berlin\",\"reminders\":[{\"before\":\"PT1H\"}],"
                  + "\"recurrence\":{\"rule\":\"FREQ=DAILY\",\"basis\":\"due\"}}");
      String id = task.getString("id");
      Platform.awaitTrue(
          Duration.ofSeconds(60),
          "notification-service to list the reminder of task " + id,
          () -> remindersOf(api).stream().anyMatch(r -> id.equals(r.getString("taskId", ""))));
      Platform.awaitTrue(
          Duration.ofSeconds(60),
          "recurring-service to keep the series of task " + id,
          () -> Platform.state("recurring-service", "series|" + id).isPresent());
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      log("checks done", started);
      restore(run, ports, failure);
      log("./dev's services and sidecars back", started);
    }
  }

  private static void log(String what, Instant since) {
    System.out.printf(
        "MultiAppRunIT: %s after %d s%n", what, Duration.between(since, Instant.now()).toSeconds());
  }

  /** ./dev start (or stop) of each part, side by side; fails with every part that failed. */
  private static void inParallel(String command, List<String> parts) {
    ExecutorService pool = Executors.newFixedThreadPool(parts.size());
    List<CompletableFuture<Void>> starts =
        parts.stream()
            .map(p -> CompletableFuture.runAsync(() -> Platform.dev(command, p), pool))
            .toList();
    List<Throwable> failed = new ArrayList<>();
    for (CompletableFuture<Void> f : starts) {
      try {
        f.join();
      } catch (CompletionException e) {
        failed.add(e.getCause());
      }
    }
    pool.shutdown();
    if (failed.isEmpty()) return;
    AssertionError e = new AssertionError("./dev " + command + " failed", failed.get(0));
    failed.stream().skip(1).forEach(e::addSuppressed);
    throw e;
  }

  /**
   * Ends dapr run and starts ./dev's sidecars and services again (each sidecar first: a service is
   * ready only with its sidecar), every step tried; a failure of this is added to the test's own.
   */
  private static void restore(LocalProcess run, List<Integer> ports, Throwable failure) {
    List<Runnable> steps = new ArrayList<>();
    if (run != null) {
      steps.add(
          () -> {
            // Ctrl-C, as the README says: `dapr stop -f dapr.yaml` does not find the apps, since
            // the CLI reads the sidecars' metadata without the API token (401)
            Instant t = Instant.now();
            run.interruptGroup();
            boolean exited = run.awaitExit(Duration.ofSeconds(60));
            log("dapr run " + (exited ? "ended" : "still running") + " after Ctrl-C", t);
            run.close();
          });
    }
    steps.add(
        () -> {
          for (String s : Platform.SERVICES) {
            if (LocalProcess.listening(Platform.appPort(s))) LocalProcess.stopLibertyServer(s);
          }
          assertEquals(
              Optional.empty(),
              LocalProcess.awaitFree(Duration.ofSeconds(30), ports),
              "ports free after Ctrl-C of dapr run");
        });
    // side by side, as ./dev up starts them: four Liberty servers one after the other would add
    // a minute or two to ./dev test
    Instant t = Instant.now();
    steps.add(() -> log("ports free", t));
    steps.add(
        () -> inParallel("start", Platform.SERVICES.stream().map(s -> "daprd-" + s).toList()));
    steps.add(() -> log("./dev's sidecars started", t));
    steps.add(() -> inParallel("start", Platform.SERVICES));
    steps.add(() -> log("./dev's services started", t));
    for (String s : Platform.SERVICES) {
      steps.add(
          () ->
              Platform.awaitTrue(
                  Duration.ofSeconds(60),
                  "./dev's sidecar of " + s + " to reach it again",
                  () -> sidecarSeesApp(s)));
    }
    LocalProcess.runEveryStep(steps, failure, "restoring ./dev's services");
  }

  /**
   * The CLI in DAPR_CLI_DIR when set, else platform/lib/dapr-cli.sh's (which waits for a build in
   * progress).
   */
  private static Path cliDirectory() {
    String prepared = System.getenv("DAPR_CLI_DIR");
    if (prepared != null && !prepared.isBlank()) return Path.of(prepared);
    try {
      Process p =
          new ProcessBuilder(Platform.ROOT.resolve("platform/lib/dapr-cli.sh").toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0)
        throw new AssertionError("platform/lib/dapr-cli.sh failed");
      return Path.of(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The app answers its sidecar's invocation of /health/ready: both run and see each other. */
  private static boolean sidecarSeesApp(String service) {
    try {
      return Platform.sidecarCall(
                  service, "GET", "/v1.0/invoke/" + service + "/method/health/ready", null)
              .statusCode()
          == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static List<JsonObject> remindersOf(TaskApi api) {
    HttpResponse<String> r =
        Platform.send(
            HttpRequest.newBuilder(
                    URI.create(Platform.app("notification-service") + "/api/v1/reminders"))
                .header("Authorization", "Bearer " + api.token())
                .GET());
    if (r.statusCode() != 200) return List.of();
    return Platform.json(r.body()).getJsonArray("items").stream()
        .map(JsonValue::asJsonObject)
        .toList();
  }

  /** The lines of the sidecar's log that the CLI wrote since {@code since}. */
  private static Stream<String> daprdLog(String service, Instant since) {
    Path logs = Platform.ROOT.resolve("liberty-apps/" + service + "/.dapr/logs");
    try (Stream<Path> files = Files.list(logs)) {
      List<Path> sidecar =
          files
              .filter(f -> f.getFileName().toString().startsWith(service + "_daprd_"))
              .filter(f -> f.toFile().lastModified() >= since.toEpochMilli())
              .toList();
      if (sidecar.isEmpty()) throw new AssertionError("no daprd log of " + service + " in " + logs);
      List<String> lines = new ArrayList<>();
      for (Path f : sidecar) lines.addAll(Files.readAllLines(f));
      return lines.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the port answers on an address of this machine other than loopback. */
  private static boolean reachableFromOutside(int port) {
    InetAddress address = externalAddress();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress externalAddress() {
    try {
      return NetworkInterface.networkInterfaces()
          .filter(
              i -> {
                try {
                  return i.isUp() && !i.isLoopback();
                } catch (SocketException e) {
                  return false;
                }
              })
          .flatMap(NetworkInterface::inetAddresses)
          .filter(a -> a instanceof Inet4Address)
          .findFirst()
          .orElseThrow(() -> new AssertionError("this machine has no address besides loopback"));
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }
}
