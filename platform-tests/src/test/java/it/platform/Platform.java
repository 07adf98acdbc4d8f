package it.platform;

import it.support.ServiceUnderTest;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The running local platform as ./dev lays it out (platform/lib/common.sh): ports, tokens, and the
 * ./dev commands the tests use to stop and start its parts.
 */
final class Platform {

  static final String DAPR_TOKEN = env("DAPR_API_TOKEN");
  static final String APP_TOKEN = env("APP_API_TOKEN");
  static final Path ROOT = Path.of(env("REPO_ROOT"));
  static final Path DEV = Path.of(env("DEV_DIR"));
  static final String KAFKA =
      "127.0.0.1:" + System.getenv().getOrDefault("TODO_KAFKA_PORT", "9092");

  /** The services of platform/services.tsv, in its order. */
  static final List<String> SERVICES =
      ServiceUnderTest.Definition.all().stream().map(ServiceUnderTest.Definition::name).toList();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Platform() {}

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " is not set: run the platform tests with ./dev test");
    }
    return v;
  }

  /** The ports of platform/services.tsv, the one place they are written. */
  static int appPort(String service) {
    return ServiceUnderTest.Definition.of(service).appPort();
  }

  static int sidecarHttpPort(String service) {
    return ServiceUnderTest.Definition.of(service).daprHttpPort();
  }

  static int sidecarGrpcPort(String service) {
    return ServiceUnderTest.Definition.of(service).daprGrpcPort();
  }

  static String sidecar(String service) {
    return "http://127.0.0.1:" + sidecarHttpPort(service);
  }

  static String app(String service) {
    return "http://127.0.0.1:" + appPort(service);
  }

  /** A call to a sidecar's HTTP API, with the API token. */
  static HttpResponse<String> sidecarCall(String service, String method, String path, String json) {
    return sidecarCall(service, method, path, json, "application/json");
  }

  static HttpResponse<String> sidecarCall(
      String service, String method, String path, String json, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(sidecar(service) + path))
            .header("dapr-api-token", DAPR_TOKEN)
            .header("Content-Type", contentType)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    return send(b);
  }

  /** A value of a service's state store (keys are prefixed with the app id by Dapr). */
  static Optional<JsonObject> state(String service, String key) {
    HttpResponse<String> r =
        sidecarCall(service, "GET", "/v1.0/state/statestore/" + key.replace("|", "%7C"), null);
    if (r.statusCode() == 204 || r.body().isBlank()) return Optional.empty();
    if (r.statusCode() != 200)
      throw new IllegalStateException("state " + key + ": HTTP " + r.statusCode() + " " + r.body());
    return Optional.of(json(r.body()));
  }

  /**
   * How far a service's route has consumed the partition of {@code record}: InboundEvents' consumed
   * position ({@code offset}, {@code lastHandled}, ...), if the route has consumed any of it.
   */
  static Optional<JsonObject> consumedPosition(
      String service, String route, org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record) {
    return state(
        service,
        com.todo.dapr.ConsumedPosition.key(
            consumer(service), route, record.topic(), record.partition()));
  }

  /**
   * The consumer name a service's ./dev instance keeps its consumed positions under: its pod name
   * for realtime-service (a broadcast subscription, INBOX_CONSUMER), none for a shared group.
   */
  static String consumer(String service) {
    return "realtime-service".equals(service) ? "realtime-service-0" : "";
  }

  /** The consumed position of a service's route once it reached {@code record} (within 60 s). */
  static JsonObject awaitConsumed(
      String service, String route, org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record) {
    return await(
        Duration.ofSeconds(60),
        service
            + " to consume offset "
            + record.offset()
            + " of "
            + record.topic()
            + "/"
            + record.partition()
            + " on "
            + route,
        () ->
            consumedPosition(service, route, record)
                .filter(p -> p.getJsonNumber("offset").longValue() >= record.offset()));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request, Duration.ofSeconds(20));
  }

  /** As {@link #send(HttpRequest.Builder)}, giving up after {@code timeout}. */
  static HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) {
    try {
      return HTTP.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonObject json(String body) {
    return ServiceUnderTest.json(body);
  }

  /** A new W3C {@code traceparent} (version 00, sampled), as a caller's tracer would send it. */
  static String newTraceParent() {
    return "00-"
        + java.util.UUID.randomUUID().toString().replace("-", "")
        + "-"
        + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16)
        + "-01";
  }

  /** The trace id of an event's {@code traceparent}, "" when it has none. */
  static String traceIdOf(JsonObject event) {
    String[] parts = event.getString("traceparent", "").split("-");
    return parts.length == 4 ? parts[1] : "";
  }

  /** Runs {@code ./dev args...} and fails the test when it fails. */
  static void dev(String... args) {
    devWithEnv(java.util.Map.of(), args);
  }

  static void devWithEnv(java.util.Map<String, String> env, String... args) {
    try {
      var cmd = new java.util.ArrayList<String>();
      cmd.add(ROOT.resolve("dev").toString());
      cmd.addAll(List.of(args));
      Path log = Files.createTempFile("dev-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new AssertionError(
            "./dev " + String.join(" ", args) + " failed:\n" + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The lines the service has written to its log so far (./dev keeps it in .dev/logs). */
  static java.util.stream.Stream<String> log(String service) {
    try {
      return java.nio.file.Files.readAllLines(DEV.resolve("logs/" + service + ".log")).stream();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Polls until {@code probe} yields a value; fails after {@code timeout}. */
  static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
    return ServiceUnderTest.await(timeout, what, probe);
  }

  static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) {
    await(timeout, what, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
  }

  /** Asserts that {@code condition} holds during the whole {@code period}. */
  static void holdsFor(Duration period, String what, BooleanSupplier condition) {
    Instant end = Instant.now().plus(period);
    while (Instant.now().isBefore(end)) {
      if (!condition.getAsBoolean()) throw new AssertionError("no longer true: " + what);
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }

  /**
   * One command of redis-cli against the platform's Redis (observing from outside what the sidecars
   * stored); its answer, trimmed.
   */
  static String redis(String... command) {
    List<String> line =
        new java.util.ArrayList<>(List.of("redis-cli", "--no-raw", "-p", redisPort()));
    line.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("redis-cli " + command[0] + " failed: " + out);
      }
      // --no-raw: integers as "(integer) 5", strings quoted
      return out.replaceFirst("^\\(integer\\) ", "");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String redisPort() {
    return System.getenv().getOrDefault("TODO_REDIS_PORT", "6379");
  }
}
