package it.support;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
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
import java.util.function.Supplier;

/**
 * A service deployed by Arquillian on its test Liberty server, and the platform sidecar it calls
 * (ports from the failsafe configuration of the root POM, which reads them from the service's row
 * of platform/services.tsv; tokens from ./dev test's environment).
 */
public final class ServiceUnderTest {

  /** The table of the services, their app ids and local ports: the one place they are written. */
  public static final String TABLE = "platform/services.tsv";

  /** One row of {@link #TABLE}. */
  public record Definition(
      String name,
      String appId,
      int appPort,
      int daprHttpPort,
      int daprGrpcPort,
      int daprInternalGrpcPort,
      int daprMetricsPort,
      int itPort) {

    /** Every service, in the table's order. */
    public static List<Definition> all() {
      Path table = repositoryRoot().resolve(TABLE);
      try {
        return Files.readAllLines(table).stream()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .map(line -> parse(table, line))
            .toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + table, e);
      }
    }

    public static Definition of(String name) {
      return all().stream()
          .filter(d -> d.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no service " + name + " in " + TABLE));
    }

    private static Definition parse(Path table, String line) {
      String[] c = line.split("\t", -1);
      if (c.length != 8) {
        throw new IllegalStateException(table + ": expected 8 tab-separated columns in: " + line);
      }
      return new Definition(
          c[0], c[1], port(c[2]), port(c[3]), port(c[4]), port(c[5]), port(c[6]), port(c[7]));
    }

    private static int port(String cell) {
      return Integer.parseInt(cell.strip());
    }
  }

  /**
   * REPO_ROOT (set by ./dev test), else the nearest directory above this one that has the table.
   */
  public static Path repositoryRoot() {
    String env = System.getenv("REPO_ROOT");
    if (env != null && !env.isBlank()) return Path.of(env);
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(TABLE))) return d;
    }
    throw new IllegalStateException("no " + TABLE + " above " + Path.of("").toAbsolutePath());
  }

  /** The app token of the Arquillian servers (root POM, liberty.env.APP_API_TOKEN). */
  public static final String APP_TOKEN = "it-app-token";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String app;
  private final String sidecar;

  public ServiceUnderTest() {
    this.app = "http://127.0.0.1:" + required("it.http.port");
    this.sidecar = "http://127.0.0.1:" + required("it.dapr.http.port");
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null) throw new IllegalStateException("system property " + property + " is not set");
    return v;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(app + path)).GET());
  }

  /** POSTs a JSON body as the sidecar would, with {@code appToken} (null = no token header). */
  public HttpResponse<String> postFromSidecar(String path, String body, String appToken) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(app + path))
            .header("Content-Type", "application/cloudevents+json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (appToken != null) b.header("dapr-api-token", appToken);
    return send(b);
  }

  /** A key of the service's state store, read through the platform sidecar of the same app id. */
  public Optional<JsonObject> state(String key) {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                    URI.create(sidecar + "/v1.0/state/statestore/" + key.replace("|", "%7C")))
                .header("dapr-api-token", System.getenv().getOrDefault("DAPR_API_TOKEN", ""))
                .GET());
    if (r.statusCode() == 204 || r.body().isBlank()) return Optional.empty();
    if (r.statusCode() != 200)
      throw new IllegalStateException("state read " + key + ": " + r.statusCode());
    return Optional.of(json(r.body()));
  }

  /**
   * Resolved once: each {@code Json.createReader} looks the provider up with a ServiceLoader that
   * searches every jar of the classpath, which made the realtime benchmark's parsing of 1,000
   * frames a second the largest CPU cost of its load generator.
   */
  private static final JsonProvider JSON = JsonProvider.provider();

  public static JsonObject json(String body) {
    try (var reader = JSON.createReader(new StringReader(body))) {
      return reader.readObject();
    }
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls until {@code probe} yields a value, or fails after {@code timeout}. */
  public static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) return v.get();
      if (Instant.now().isAfter(deadline))
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }
}
