package com.todo.web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@code /api/*} on the page's origin: forwards {@code /api/v1/tasks…} to task-service and {@code
 * /api/v1/reminders…} to notification-service through Dapr service invocation of this app's own
 * sidecar, so that the page reaches the REST API without CORS. Only these two path prefixes, only
 * the request headers the API reads (the caller's {@code Authorization} goes through unchanged:
 * each service checks the token itself) and only the response headers a client uses. In Kubernetes
 * the Ingress routes {@code /api} to the services directly and this servlet is not on the path.
 */
@WebServlet(urlPatterns = "/api/*")
public class ApiForwarder extends HttpServlet {

  /** Path prefix, app id: {@code web.api.routes}, default below. */
  static final String DEFAULT_ROUTES =
      "/api/v1/tasks=task-service,/api/v1/reminders=notification-service";

  static final int MAX_BODY = 256 * 1024;

  private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private static final List<String> REQUEST_HEADERS =
      List.of(
          "Authorization",
          "Content-Type",
          "Accept",
          "If-Match",
          "If-None-Match",
          "Idempotency-Key",
          "Accept-Language");
  private static final List<String> RESPONSE_HEADERS =
      List.of(
          "Content-Type",
          "ETag",
          "Location",
          "Retry-After",
          "WWW-Authenticate",
          "Allow",
          "Content-Language");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private volatile Map<String, String> routes;
  private volatile String sidecar;
  private volatile String daprToken;

  @Override
  public void init() {
    Config config = ConfigProvider.getConfig();
    routes =
        parseRoutes(config.getOptionalValue("web.api.routes", String.class).orElse(DEFAULT_ROUTES));
    sidecar =
        "http://127.0.0.1:"
            + config.getOptionalValue("DAPR_HTTP_PORT", String.class).orElse("3500");
    daprToken = config.getOptionalValue("DAPR_API_TOKEN", String.class).orElse(null);
  }

  static Map<String, String> parseRoutes(String spec) {
    var m = new java.util.LinkedHashMap<String, String>();
    for (String entry : spec.split(",")) {
      String[] kv = entry.strip().split("=", 2);
      if (kv.length == 2) m.put(kv[0].strip(), kv[1].strip());
    }
    return Map.copyOf(m);
  }

  /**
   * The app id that serves {@code path}, when the path is one of the routes' (a prefix followed by
   * nothing or by further plain segments; no dot segments, no percent-encoding).
   */
  static Optional<String> appFor(Map<String, String> routes, String path) {
    if (!SAFE_PATH.matcher(path).matches()) return Optional.empty();
    for (String segment : path.split("/")) {
      if (segment.equals(".") || segment.equals("..")) return Optional.empty();
    }
    return routes.entrySet().stream()
        .filter(e -> path.equals(e.getKey()) || path.startsWith(e.getKey() + "/"))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** A Location of the service, absolute with its own host, made relative to this origin. */
  static String relativeLocation(String location) {
    try {
      URI u = URI.create(location);
      if (!u.isAbsolute()) return location;
      return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    } catch (IllegalArgumentException e) {
      return location;
    }
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getRequestURI().substring(req.getContextPath().length());
    Optional<String> app = appFor(routes, path);
    if (app.isEmpty()) {
      problem(resp, 404, "urn:todo:problem:not-found", "Not Found", "no API at " + path);
      return;
    }
    if (!METHODS.contains(req.getMethod())) {
      resp.setHeader("Allow", String.join(", ", METHODS));
      problem(resp, 405, "about:blank", "Method Not Allowed", req.getMethod() + " is not allowed");
      return;
    }
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      problem(
          resp,
          413,
          "urn:todo:problem:payload-too-large",
          "Payload Too Large",
          "the body is larger than " + MAX_BODY + " bytes");
      return;
    }
    String query = req.getQueryString();
    URI target =
        URI.create(
            sidecar
                + "/v1.0/invoke/"
                + app.get()
                + "/method"
                + path
                + (query == null ? "" : "?" + query));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(30))
            .method(
                req.getMethod(),
                body.length == 0
                        && !"POST".equals(req.getMethod())
                        && !"PATCH".equals(req.getMethod())
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String h : REQUEST_HEADERS) {
      String v = req.getHeader(h);
      if (v != null) b.header(h, v);
    }
    if (daprToken != null && !daprToken.isBlank()) b.header("dapr-api-token", daprToken);
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      unavailable(resp, "the sidecar could not be reached: " + e.getClass().getSimpleName());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      unavailable(resp, "interrupted");
      return;
    }
    if (r.statusCode() >= 500 && isDaprError(r)) {
      // the sidecar could not reach the service (down, restarting): a retry can succeed
      unavailable(resp, app.get() + " is not reachable now");
      return;
    }
    resp.setStatus(r.statusCode());
    for (String h : RESPONSE_HEADERS) {
      for (String v : r.headers().allValues(h)) {
        resp.addHeader(h, h.equals("Location") ? relativeLocation(v) : v);
      }
    }
    resp.setHeader("Cache-Control", "no-store");
    if (r.body().length > 0 && !"HEAD".equals(req.getMethod())) {
      resp.setContentLength(r.body().length);
      resp.getOutputStream().write(r.body());
    }
  }

  /** An error of the sidecar itself ({@code {"errorCode": "ERR_…"}}), not of the service. */
  static boolean isDaprError(HttpResponse<byte[]> r) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    return body.contains("\"errorCode\":\"ERR_") || body.contains("\"errorCode\": \"ERR_");
  }

  private static void unavailable(HttpServletResponse resp, String detail) throws IOException {
    resp.setHeader("Retry-After", "2");
    problem(resp, 503, "urn:todo:problem:unavailable", "Service Unavailable", detail);
  }

  private static void problem(
      HttpServletResponse resp, int status, String type, String title, String detail)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/problem+json");
    resp.setCharacterEncoding("UTF-8");
    resp.getWriter()
        .write(
            jakarta.json.Json.createObjectBuilder()
                .add("type", type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail)
                .build()
                .toString());
  }
}
