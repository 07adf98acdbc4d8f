package it.platform;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A tiny app of the tests' own behind a real daprd (app id {@code platform-probe}) connected to the
 * platform's scheduler: it records every job callback the sidecar makes, to show exactly what the
 * Dapr runtime delivers, independent of any service's code.
 */
final class ProbeApp implements AutoCloseable {

  record Call(Instant at, String body, boolean authorized) {}

  static final String APP_TOKEN = "probe-app-token";
  static final int HTTP_PORT = 3504;
  static final int GRPC_PORT = 3514;

  private final HttpServer server;
  private final Process daprd;
  private final Map<String, List<Call>> jobCalls = new ConcurrentHashMap<>();

  ProbeApp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/job/",
        exchange -> {
          String name = exchange.getRequestURI().getPath().substring("/job/".length());
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          boolean authorized =
              APP_TOKEN.equals(exchange.getRequestHeaders().getFirst("dapr-api-token"));
          jobCalls
              .computeIfAbsent(name, k -> new CopyOnWriteArrayList<>())
              .add(new Call(Instant.now(), body, authorized));
          exchange.sendResponseHeaders(authorized ? 200 : 401, -1);
          exchange.close();
        });
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();

    String daprdPath = System.getenv("DAPRD");
    if (daprdPath == null)
      throw new IllegalStateException("DAPRD is not set: run the platform tests with ./dev test");
    Path resources = Files.createTempDirectory("probe-resources");
    Path log = Path.of("target", "probe-daprd.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(
                daprdPath,
                "--mode",
                "standalone",
                "--app-id",
                "platform-probe",
                "--app-port",
                Integer.toString(server.getAddress().getPort()),
                "--app-channel-address",
                "127.0.0.1",
                "--dapr-listen-addresses",
                "127.0.0.1",
                "--dapr-http-port",
                Integer.toString(HTTP_PORT),
                "--dapr-grpc-port",
                Integer.toString(GRPC_PORT),
                "--dapr-internal-grpc-port",
                "3524",
                "--dapr-internal-grpc-listen-address",
                "127.0.0.1",
                "--metrics-port",
                "9199",
                "--resources-path",
                resources.toString(),
                "--scheduler-host-address",
                "127.0.0.1:" + System.getenv().getOrDefault("TODO_SCHEDULER_PORT", "3530"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("DAPR_API_TOKEN", Platform.DAPR_TOKEN);
    pb.environment().put("APP_API_TOKEN", APP_TOKEN);
    daprd = pb.start();
    Platform.awaitTrue(
        Duration.ofSeconds(60), "the probe's daprd (log: " + log + ")", this::sidecarReady);
  }

  private boolean sidecarReady() {
    if (!daprd.isAlive())
      throw new AssertionError("the probe's daprd exited: see target/probe-daprd.log");
    try {
      return Platform.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://127.0.0.1:" + HTTP_PORT + "/v1.0/healthz/outbound"))
                          .GET())
                  .statusCode()
              / 100
          == 2;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  List<Call> jobCalls(String name) {
    return jobCalls.getOrDefault(name, List.of());
  }

  @Override
  public void close() throws InterruptedException {
    daprd.destroy();
    if (!daprd.waitFor(20, TimeUnit.SECONDS)) daprd.destroyForcibly();
    server.stop(0);
  }
}
