package it.platform;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The public REST API of task-service as one user sees it (a token from ./dev token). */
final class TaskApi {

  private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  final String user;
  private final String token;

  TaskApi(String user) {
    this.user = user;
    this.token = TOKENS.computeIfAbsent(user, TaskApi::issue);
  }

  String token() {
    return token;
  }

  private static String issue(String user) {
    try {
      Process p =
          new ProcessBuilder(Platform.ROOT.resolve("dev").toString(), "token", user).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0)
        throw new IllegalStateException("./dev token failed");
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> call(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = request(method, path, body);
    headers.forEach(b::header);
    return Platform.send(b);
  }

  /**
   * A request to task-service's API ({@code path} below /api/v1) as this user, with the body's
   * content type (merge patch for PATCH).
   */
  HttpRequest.Builder request(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(Platform.app("task-service") + "/api/v1" + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null)
      b.header(
          "Content-Type",
          method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
    return b;
  }

  HttpResponse<String> call(String method, String path, String body) {
    return call(method, path, body, Map.of());
  }

  /** Creates a task and returns it; fails unless the answer is 201. */
  JsonObject create(String json) {
    HttpResponse<String> r = call("POST", "/tasks", json);
    if (r.statusCode() != 201)
      throw new AssertionError("create answered " + r.statusCode() + ": " + r.body());
    return Platform.json(r.body());
  }

  /** How many tasks this user has (all pages). */
  int count() {
    int n = 0;
    String cursor = null;
    do {
      HttpResponse<String> r =
          call("GET", "/tasks?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), null);
      if (r.statusCode() != 200)
        throw new AssertionError("list answered " + r.statusCode() + ": " + r.body());
      JsonObject page = Platform.json(r.body());
      n += page.getJsonArray("items").size();
      cursor =
          page.isNull("nextCursor") || !page.containsKey("nextCursor")
              ? null
              : page.getString("nextCursor");
    } while (cursor != null);
    return n;
  }
}
