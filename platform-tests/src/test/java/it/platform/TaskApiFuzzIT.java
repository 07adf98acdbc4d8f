package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.platform.TaskApiFuzzInputs.Request;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.PropagationMode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Property-based tests of the REST contract against the running task-service: for any mutation of a
 * valid request the answer is 2xx or a 4xx problem+json, never 5xx, and a 4xx stores and publishes
 * nothing. Each property runs as a fresh user; what that user has stored is followed from the 2xx
 * answers and checked after every refused write, and at the end the user's events on task-events
 * are exactly one per stored version (nothing is ever deleted here). Seeded: {@code -Dfuzz.seed=},
 * {@code -Dfuzz.tries=} (TaskApiFuzzSettings).
 */
@AddLifecycleHook(
    value = TaskApiFuzzSettings.class,
    propagateTo = PropagationMode.DIRECT_DESCENDANTS)
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class TaskApiFuzzIT {

  private static final URI SERVICE = URI.create(Platform.app("task-service"));

  private TaskApi user;
  private KafkaTopic topic;
  private String taskId;

  /** id → version of every task the user has, as the 2xx answers reported them. */
  private final Map<String, Long> stored = new HashMap<>();

  private final Map<Integer, Integer> statuses = new TreeMap<>();

  @BeforeProperty
  void freshUserWithOneTask() {
    user = new TaskApi("fuzz-" + UUID.randomUUID());
    topic = new KafkaTopic("task-events");
    JsonObject task = user.create("{\"title\":\"the task every patch aims at\"}");
    taskId = task.getString("id");
    stored.put(taskId, task.getJsonNumber("version").longValue());
  }

  @AfterProperty
  void storedAndPublishedOnlyWhatWasAccepted() {
    try {
      assertEquals(stored, storedNow(), "the tasks of " + user.user + " after the run");
      long events = stored.values().stream().mapToLong(Long::longValue).sum();
      topic.poll(Duration.ofSeconds(30), seen -> ofUser(seen) >= events);
      // an event of a refused request would come on top of those: give it a moment to show
      long published = ofUser(topic.poll(Duration.ofSeconds(2), seen -> false));
      assertEquals(events, published, "events of " + user.user + " on task-events");
    } finally {
      topic.close();
      System.out.println(
          "TaskApiFuzzIT statuses of "
              + user.user
              + " (negative: refused by the container before the application): "
              + statuses);
    }
  }

  @Property(shrinking = ShrinkingMode.BOUNDED)
  void anyCreateBodyIsAcceptedOrRefusedAs4xx(@ForAll("creates") Request request) {
    Answer a = send(request);
    checkContract(request, a);
    if (a.status() == 201) remember(a);
    else unchanged(request);
  }

  @Property(shrinking = ShrinkingMode.BOUNDED)
  void anyMergePatchIsAcceptedOrRefusedAs4xx(@ForAll("patches") Request request) {
    Answer a = send(request);
    checkContract(request, a);
    if (a.status() == 200) remember(a);
    else unchanged(request);
  }

  @Property(shrinking = ShrinkingMode.BOUNDED)
  void anyQueryStringIsAnsweredOrRefusedAs4xx(@ForAll("searches") Request request) {
    Answer a = send(request);
    checkContract(request, a);
    if (a.status() == 200) {
      JsonObject page = Platform.json(a.body());
      assertTrue(page.containsKey("items"), request + ": " + a.body());
    }
  }

  @Property(shrinking = ShrinkingMode.BOUNDED)
  void anyMethodOnATaskPathIsAnsweredOrRefusedAs4xx(@ForAll("paths") Request request) {
    Answer a = send(request);
    checkContract(request, a);
    unchanged(request);
  }

  @Provide
  Arbitrary<Request> creates() {
    return TaskApiFuzzInputs.create();
  }

  @Provide
  Arbitrary<Request> patches() {
    return TaskApiFuzzInputs.patch(taskId);
  }

  @Provide
  Arbitrary<Request> searches() {
    return TaskApiFuzzInputs.search();
  }

  @Provide
  Arbitrary<Request> paths() {
    return TaskApiFuzzInputs.taskPath(taskId);
  }

  // ---- the contract ----

  /**
   * Refusals the application never sees, so they cannot be problem+json: the web container refuses
   * %00 and other encoded control characters in a path (CWWWC0005I) before any filter, and the HTTP
   * channel answers an overlong request line with a bare 400. Counted and printed, still 4xx. (A
   * path or query that is not UTF-8 and an unparsable Content-Type or Accept are refused as
   * problem+json by dapr-client's RequestLineGuard since session 7; they were the container's HTML
   * page, and with {@code charset="} a 500.)
   */
  static boolean containerRefusal(Answer a) {
    return a.status() == 400
        && (a.body().startsWith("Error 400: SRVE0295E")
            // the application writes no HTML: the container's error page, in the request's charset
            || a.header("content-type").startsWith("text/html")
            || a.body().contains("CWWWC0005I")
            || (a.body().isEmpty() && a.header("content-type").isEmpty()));
  }

  /** Never 5xx; every 4xx is problem+json with its own status (401/403 may come bare). */
  private void checkContract(Request request, Answer a) {
    checkContract(request, a, statuses);
  }

  static void checkContract(Request request, Answer a, Map<Integer, Integer> statuses) {
    boolean container = containerRefusal(a);
    statuses.merge(container ? -a.status() : a.status(), 1, Integer::sum);
    assertTrue(
        a.status() >= 200 && a.status() < 500,
        request + "\nanswered " + a.status() + ": " + cut(a.body()));
    // a HEAD answer has no body to be problem+json
    if (a.status() < 400 || a.status() == 401 || a.status() == 403 || container) return;
    if (request.method().equals("HEAD")) return;
    String type = a.header("content-type");
    assertTrue(
        type.startsWith("application/problem+json"),
        request + "\nanswered " + a.status() + " as " + type + ": " + cut(a.body()));
    JsonObject problem = Platform.json(a.body());
    assertEquals(a.status(), problem.getInt("status"), request + "\n" + a.body());
    String problemType = problem.getString("type");
    assertTrue(
        problemType.equals("about:blank") || problemType.startsWith("urn:todo:problem:"),
        request + "\n" + a.body());
  }

  static String cut(String text) {
    return text.length() > 600
        ? text.substring(0, 600) + "... (" + text.length() + " chars)"
        : text;
  }

  private void remember(Answer a) {
    JsonObject task = Platform.json(a.body());
    stored.put(task.getString("id"), task.getJsonNumber("version").longValue());
  }

  /**
   * After a request that changed nothing by its answer, the patched task keeps its version and the
   * newest task is still one the user was told about: two small reads instead of a full listing.
   */
  private void unchanged(Request request) {
    Answer task = send(new Request("GET", "/tasks/" + taskId, null, null, null));
    assertEquals(200, task.status(), task.body());
    assertEquals(
        stored.get(taskId),
        Platform.json(task.body()).getJsonNumber("version").longValue(),
        request + "\nchanged the task it was refused for");
    Answer newest = send(new Request("GET", "/tasks?sort=-createdAt&limit=1", null, null, null));
    List<JsonObject> items =
        Platform.json(newest.body()).getJsonArray("items").getValuesAs(JsonObject.class);
    assertTrue(
        items.size() == 1 && stored.containsKey(items.get(0).getString("id")),
        request + "\nstored a task although it was refused: " + newest.body());
  }

  /** Every task of the user, id → version, all pages. */
  private Map<String, Long> storedNow() {
    Map<String, Long> tasks = new HashMap<>();
    String cursor = null;
    do {
      Answer a =
          send(
              new Request(
                  "GET",
                  "/tasks?limit=200" + (cursor == null ? "" : "&cursor=" + cursor),
                  null,
                  null,
                  null));
      assertEquals(200, a.status(), a.body());
      JsonObject page = Platform.json(a.body());
      for (JsonObject t : page.getJsonArray("items").getValuesAs(JsonObject.class))
        tasks.put(t.getString("id"), t.getJsonNumber("version").longValue());
      cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
    } while (cursor != null);
    return tasks;
  }

  private long ofUser(List<ConsumerRecord<String, String>> records) {
    return records.stream().filter(r -> user.user.equals(r.key())).count();
  }

  // ---- raw HTTP/1.1: the bytes and the request line exactly as generated ----

  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }
  }

  private Answer send(Request request) {
    return send(SERVICE, user.token(), request);
  }

  /**
   * {@code request} to {@code service}'s /api/v1 as the token's user, on a connection of its own.
   */
  static Answer send(URI service, String token, Request request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(service.getHost(), service.getPort()), 5_000);
      socket.setSoTimeout(20_000);
      StringBuilder head =
          new StringBuilder()
              .append(request.method())
              .append(" /api/v1")
              .append(request.path())
              .append(" HTTP/1.1\r\nHost: ")
              .append(service.getHost())
              .append(':')
              .append(service.getPort())
              .append("\r\nAuthorization: Bearer ")
              .append(token)
              .append("\r\nAccept: application/json\r\nConnection: close\r\n");
      if (request.contentType() != null)
        head.append("Content-Type: ").append(request.contentType()).append("\r\n");
      if (request.ifMatch() != null)
        head.append("If-Match: ").append(request.ifMatch()).append("\r\n");
      byte[] body = request.body();
      if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
      else if (!request.method().equals("GET") && !request.method().equals("HEAD"))
        head.append("Content-Length: 0\r\n");
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before it has read all: its answer is what counts
        if (head.length() < 32 * 1024) throw e;
      }
      return read(socket.getInputStream(), request.method().equals("HEAD"));
    } catch (IOException e) {
      throw new UncheckedIOException(request + ": no answer", e);
    }
  }

  private static Answer read(InputStream in, boolean head) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new IOException("no complete answer: " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0)
        headers.put(
            lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip());
    }
    byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if (!head && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) rest = dechunk(rest);
    return new Answer(status, headers, new String(rest, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < chunked.length) {
      int lineEnd = i;
      while (lineEnd + 1 < chunked.length
          && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) lineEnd++;
      String size = new String(chunked, i, lineEnd - i, StandardCharsets.ISO_8859_1);
      int n = Integer.parseInt(size.split(";")[0].strip(), 16);
      if (n == 0) break;
      out.write(chunked, lineEnd + 2, n);
      i = lineEnd + 2 + n + 2;
    }
    return out.toByteArray();
  }
}
