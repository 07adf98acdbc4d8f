package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.exception.DeploymentHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * realtime-service's WebSocket {@code /ws/v1/events} (docs/api.md) from the outside, with Tyrus's
 * WebSocket client (the JDK's for refused upgrades, and a raw socket for a client that reads
 * nothing), against the running platform: the events come from task-service and
 * notification-service through Kafka and the sidecars.
 *
 * <p>Each test has a user of its own and runs beside the other tests that leave the platform as it
 * is (the platform lock READ, {@link PlatformLock}), but for those that stop realtime-service or
 * load it on purpose: they run alone (READ_WRITE). The methods hold the lock, not the class.
 */
class RealtimeIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static URI uri(String after) {
    return uri(Platform.appPort("realtime-service"), after);
  }

  static URI uri(int port, String after) {
    return URI.create(
        "ws://127.0.0.1:" + port + "/ws/v1/events" + (after == null ? "" : "?after=" + after));
  }

  /**
   * The WebSocket client of these tests: Tyrus's (the Jakarta WebSocket client API), one container
   * for all connections. Not the JDK's {@code java.net.http.WebSocket}: JDK 17.0.15's client
   * sometimes fails a connection whose first frames arrive with the upgrade's answer (a resume's
   * backlog) with "Invalid UTF-8 in frame TEXT" at the frame that crosses its first 16 KB read,
   * although every byte realtime-service sent was right (seen in a capture of the loopback
   * interface); it then closes with 1007 and the test saw a resume stop after 16 events.
   */
  private static final ClientManager WEBSOCKETS = ClientManager.createClient();

  static {
    WEBSOCKETS.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
  }

  /** An upgrade the server refused, with the HTTP status of its answer. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, Throwable cause) {
      super("the upgrade was refused with " + status, cause);
      this.status = status;
    }
  }

  /** A client that keeps every text frame and the close it got. */
  static final class Client extends Endpoint implements AutoCloseable {
    final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();

    /** The close code the connection ended with (1006 when it ended without a close frame). */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    /** What failed the connection (e.g. a frame the client could not read), if anything. */
    volatile Throwable error;

    volatile Session session;

    @Override
    public void onOpen(Session session, EndpointConfig config) {
      this.session = session;
      session.addMessageHandler(String.class, (MessageHandler.Whole<String>) frames::add);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      closed.complete(reason.getCloseCode().getCode());
    }

    @Override
    public void onError(Session session, Throwable error) {
      this.error = error;
    }

    /** An error with its causes, e.g. a ProtocolException with what the client found wrong. */
    static String causes(Throwable t) {
      StringBuilder s = new StringBuilder(String.valueOf(t));
      for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        s.append(", caused by ").append(c);
      }
      return s.toString();
    }

    /** The next frame as JSON; fails after the wait. */
    JsonObject next() {
      try {
        String f = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (f == null) fail("no frame within " + WAIT);
        return Platform.json(f);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** The ids of the next {@code n} frames. */
    List<String> nextIds(int n) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) ids.add(next().getString("id"));
      return ids;
    }

    /** True when no frame comes within {@code period}. */
    boolean quietFor(Duration period) throws InterruptedException {
      return frames.poll(period.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    void send(String text) {
      try {
        session.getBasicRemote().sendText(text);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    String subprotocol() {
      return session.getNegotiatedSubprotocol();
    }

    @Override
    public void close() {
      Session s = session;
      if (s != null && s.isOpen()) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a connection the server closed meanwhile
        }
      }
    }
  }

  /**
   * Creates a task titled {@code title} while a client of the user is connected: the id of the
   * event that client got (what a later resume names as {@code after}).
   */
  static String idOfAChangeSeenLive(TaskApi api, String title) {
    try (Client c = connect(api.token(), null)) {
      api.create("{\"title\":" + jakarta.json.Json.createValue(title) + "}");
      return c.next().getString("id");
    }
  }

  /** Connects with the token in the Authorization header. */
  static Client connect(String token, String after) {
    return connect(Platform.appPort("realtime-service"), token, after);
  }

  /** Connects to the instance listening on {@code port}; {@link Refused} when it says no. */
  static Client connect(int port, String token, String after) {
    return connect(
        uri(port, after),
        ClientEndpointConfig.Builder.create()
            .configurator(
                new ClientEndpointConfig.Configurator() {
                  @Override
                  public void beforeRequest(java.util.Map<String, List<String>> headers) {
                    headers.put("Authorization", List.of("Bearer " + token));
                  }
                })
            .build());
  }

  /** Connects with the token as a subprotocol, as a browser does. */
  static Client connectWithSubprotocol(String token) {
    return connect(
        uri(null),
        ClientEndpointConfig.Builder.create()
            .preferredSubprotocols(List.of("todo-events.v1", "bearer." + token))
            .build());
  }

  private static Client connect(URI uri, ClientEndpointConfig config) {
    Client c = new Client();
    try {
      WEBSOCKETS.connectToServer(c, config, uri); // its onOpen keeps the session
      return c;
    } catch (DeploymentHandshakeException e) {
      throw new Refused(e.getHttpStatusCode(), e);
    } catch (DeploymentException | IOException e) {
      throw new IllegalStateException("cannot connect to " + uri, e);
    }
  }

  /** The HTTP status of a refused upgrade (the test fails if it is accepted). */
  static int refusal(WebSocket.Builder builder) {
    return refused(Platform.appPort("realtime-service"), builder).statusCode();
  }

  /** The answer to an upgrade the instance on {@code port} refused; fails if it is accepted. */
  static java.net.http.HttpResponse<?> refused(int port, WebSocket.Builder builder) {
    try {
      WebSocket ws = builder.buildAsync(uri(port, null), new WebSocket.Listener() {}).join();
      ws.abort();
      return fail("the upgrade was accepted");
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse();
      }
      throw e;
    }
  }

  /** A token of the local dev issuer with the given expiry. */
  static String token(String user, Instant expiresAt) {
    return BenchTokens.token(user, "todo-api", expiresAt);
  }

  private static String newUser(String what) {
    return "rt-" + what + "-" + UUID.randomUUID();
  }

  /** The events of one user on a topic, in topic order, once {@code n} arrived. */
  private static List<JsonObject> awaitUserEvents(KafkaTopic topic, String user, int n) {
    List<ConsumerRecord<String, String>> seen =
        topic.poll(
            Duration.ofSeconds(60), s -> s.stream().filter(r -> user.equals(r.key())).count() >= n);
    List<JsonObject> events =
        seen.stream().filter(r -> user.equals(r.key())).map(r -> Platform.json(r.value())).toList();
    assertEquals(n, events.size(), "events of " + user + " on Kafka");
    return events;
  }

  private static List<String> ids(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("id")).toList();
  }

  // --- authentication --------------------------------------------------------------------

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void anUpgradeWithoutAValidTokenIsRefusedWith401() throws Exception {
    String user = newUser("auth");
    String good = new TaskApi(user).token();
    String forged =
        good.substring(0, good.lastIndexOf('.') + 1)
            + "AAAA"
            + good.substring(good.lastIndexOf('.') + 5);
    assertEquals(401, refusal(HTTP.newWebSocketBuilder()), "no token");
    assertEquals(
        401, refusal(HTTP.newWebSocketBuilder().header("Authorization", "Bearer nonsense")), "bad");
    assertEquals(
        401,
        refusal(HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + forged)),
        "forged");
    assertEquals(
        401,
        refusal(
            HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token(user, Instant.now().minusSeconds(5)))),
        "expired");
    assertEquals(
        401,
        refusal(
            HTTP.newWebSocketBuilder()
                .subprotocols(
                    "todo-events.v1", "bearer." + token(user, Instant.now().minusSeconds(5)))),
        "expired, as a subprotocol");
    assertEquals(
        401,
        refusal(HTTP.newWebSocketBuilder().subprotocols("todo-events.v1", "bearer.x.y.z")),
        "bad, as a subprotocol");
  }

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void aClientAuthenticatedByHeaderOrSubprotocolGetsEachEventAsOnKafka() throws Exception {
    TaskApi api = new TaskApi(newUser("auth"));
    try (KafkaTopic topic = new KafkaTopic("task-events");
        Client byHeader = connect(api.token(), null);
        Client bySubprotocol = connectWithSubprotocol(api.token())) {
      assertEquals("todo-events.v1", bySubprotocol.subprotocol());
      JsonObject task = api.create("{\"title\":\"live\",\"tags\":[\"a\"]}");
      api.call("PATCH", "/tasks/" + task.getString("id"), "{\"title\":\"live 2\"}");

      List<JsonObject> onKafka = awaitUserEvents(topic, api.user, 2);
      for (Client c : List.of(byHeader, bySubprotocol)) {
        for (JsonObject expected : onKafka) {
          JsonObject frame = c.next();
          assertEquals(expected.getString("id"), frame.getString("id"));
          assertEquals(expected.getString("type"), frame.getString("type"));
          assertEquals(expected.getJsonObject("data"), frame.getJsonObject("data"));
          assertEquals(expected.getString("sequence"), frame.getString("sequence"));
          assertEquals(api.user, frame.getString("userid"));
        }
      }
    }
  }

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void theConnectionIsClosedWhenItsTokenExpires() throws Exception {
    String user = newUser("expiry");
    try (Client c = connect(token(user, Instant.now().plusSeconds(2)), null)) {
      int code = c.closed.get(20, TimeUnit.SECONDS);
      assertEquals(1008, code, "closed as a policy violation");
    }
  }

  // --- each user's own events, in order ------------------------------------------------

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void twoUsersEachSeeOnlyTheirOwnEventsInCommitOrder() throws Exception {
    TaskApi ann = new TaskApi(newUser("ann"));
    TaskApi bob = new TaskApi(newUser("bob"));
    int n = 15;
    try (KafkaTopic topic = new KafkaTopic("task-events");
        Client annClient = connect(ann.token(), null);
        Client bobClient = connect(bob.token(), null)) {
      for (int i = 0; i < n; i++) {
        JsonObject a = ann.create("{\"title\":\"ann " + i + "\"}");
        bob.create("{\"title\":\"bob " + i + "\"}");
        ann.call("POST", "/tasks/" + a.getString("id") + "/complete", null);
      }
      List<String> annOnKafka = ids(awaitUserEvents(topic, ann.user, 2 * n));
      List<String> bobOnKafka = ids(awaitUserEvents(topic, bob.user, n));
      assertEquals(annOnKafka, annClient.nextIds(2 * n), "ann's events in commit order");
      assertEquals(bobOnKafka, bobClient.nextIds(n), "bob's events in commit order");
      assertTrue(annClient.quietFor(Duration.ofSeconds(1)), "nothing else for ann");
      assertTrue(bobClient.quietFor(Duration.ofMillis(100)), "nothing else for bob");
    }
  }

  // --- resume --------------------------------------------------------------------------

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void aClientResumingAfterItsLastEventGetsExactlyWhatItMissedThenLive() throws Exception {
    TaskApi api = new TaskApi(newUser("resume"));
    String last = idOfAChangeSeenLive(api, "before");
    List<String> missed;
    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      JsonObject task = api.create("{\"title\":\"while away 0\"}");
      for (int i = 1; i < 20; i++) {
        api.call("PATCH", "/tasks/" + task.getString("id"), "{\"title\":\"while away " + i + "\"}");
      }
      missed = ids(awaitUserEvents(topic, api.user, 20));
      // realtime-service logged them: its consumed position reached the last one
      ConsumerRecord<String, String> lastRecord =
          topic.poll(Duration.ZERO, s -> true).stream()
              .filter(r -> r.value().contains(missed.get(19)))
              .findFirst()
              .orElseThrow();
      Platform.awaitConsumed("realtime-service", "/events/task-events", lastRecord);
    }
    try (Client again = connect(api.token(), last)) {
      assertEquals(missed, again.nextIds(20), "exactly the 20 missed, in order");
      JsonObject live = api.create("{\"title\":\"live again\"}");
      JsonObject next = again.next();
      assertEquals(live.getString("id"), next.getJsonObject("data").getString("id"), "then live");
      assertTrue(again.quietFor(Duration.ofSeconds(1)), "none twice");
    }
  }

  @Test
  @ResourceLock(
      value = PlatformLock.PLATFORM,
      mode = ResourceAccessMode.READ_WRITE) // alone: stops realtime-service
  void aRestartOfTheServiceLosesNothingAClientResumesFrom() throws Exception {
    TaskApi api = new TaskApi(newUser("restart"));
    String last = idOfAChangeSeenLive(api, "before the restart");
    List<String> missed;
    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      Platform.dev("stop", "realtime-service");
      try {
        for (int i = 0; i < 5; i++) api.create("{\"title\":\"while it is down " + i + "\"}");
        missed = ids(awaitUserEvents(topic, api.user, 5));
      } finally {
        Platform.dev("start", "realtime-service");
      }
    }
    // the log is in the state store: the restarted service resumes the client from it
    try (Client again = connect(api.token(), last)) {
      assertEquals(missed, again.nextIds(5), "exactly the 5 missed, in order");
      assertTrue(again.quietFor(Duration.ofSeconds(1)), "none twice");
    }
  }

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void clientsResumingWhileEventsAreBeingLoggedGetEachOnceInOrderAndNoResync() throws Exception {
    TaskApi api = new TaskApi(newUser("resume-racing"));
    String first = idOfAChangeSeenLive(api, "before");
    // resumes opened one after the other while 30 changes are committed and logged: some of them
    // read the log between a delivery's head and its slots
    List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < 30; i++) {
                created.add(api.create("{\"title\":\"racing " + i + "\"}").getString("id"));
              }
            });
    writer.start();
    List<Client> resumed = new ArrayList<>();
    try {
      while (writer.isAlive() && resumed.size() < 40) {
        resumed.add(connect(api.token(), first));
        // the next resume once another change is committed: resumes spread over the writes
        int committed = created.size();
        Poll.until(
            Duration.ofSeconds(5),
            Duration.ofMillis(5),
            () -> created.size() > committed || !writer.isAlive());
      }
      writer.join();
      assertEquals(30, created.size());
      for (int i = 0; i < resumed.size(); i++) {
        List<String> got = new ArrayList<>();
        for (int k = 0; k < created.size(); k++) {
          Client c = resumed.get(i);
          String text = c.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
          if (text == null) {
            fail(
                "resume "
                    + i
                    + " of "
                    + resumed.size()
                    + ": no frame within "
                    + WAIT
                    + " after "
                    + got.size()
                    + " of "
                    + created.size()
                    + " (closed: "
                    + (c.closed.isDone() ? c.closed.getNow(null) : "no")
                    + (c.error == null ? "" : ", error: " + Client.causes(c.error))
                    + "); got "
                    + got
                    + ", created "
                    + created);
          }
          JsonObject f = Platform.json(text);
          assertEquals("com.todo.task.created.v1", f.getString("type"), "resume " + i + ": " + f);
          got.add(f.getJsonObject("data").getString("id"));
        }
        assertEquals(created, got, "resume " + i + ": every change once, in commit order");
        assertTrue(resumed.get(i).quietFor(Duration.ofMillis(200)), "resume " + i + ": no more");
      }
    } finally {
      resumed.forEach(Client::close);
    }
  }

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void anUnknownAfterGetsTheResyncFrameFirst() {
    TaskApi api = new TaskApi(newUser("resync"));
    String unknown = UUID.randomUUID().toString();
    try (Client c = connect(api.token(), unknown)) {
      JsonObject first = c.next();
      assertEquals("com.todo.realtime.resync-required.v1", first.getString("type"));
      assertEquals(unknown, first.getJsonObject("data").getString("after"));
      JsonObject task = api.create("{\"title\":\"after the resync\"}");
      assertEquals(task.getString("id"), c.next().getJsonObject("data").getString("id"));
    }
  }

  // --- offline reminders ------------------------------------------------------------------

  @Test
  @ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
  void aReminderFiredWhileOfflineArrivesOnConnectAndOneAckPublishesOneDelivered() throws Exception {
    TaskApi api = new TaskApi(newUser("offline"));
    try (KafkaTopic reminders = new KafkaTopic("reminder-events")) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
      JsonObject task =
          api.create(
              "{\"title\":\"call back\",\"dueAt\":\""
                  + at.plusSeconds(3600)
                  + "\",\"reminders\":[{\"at\":\""
                  + at
                  + "\"}]}");
      String reminderId = task.getJsonArray("reminders").getJsonObject(0).getString("id");
      ConsumerRecord<String, String> fired =
          reminders
              .poll(
                  Duration.ofSeconds(60),
                  s -> s.stream().anyMatch(r -> isOf(r, "triggered", reminderId)))
              .stream()
              .filter(r -> isOf(r, "triggered", reminderId))
              .findFirst()
              .orElseThrow(() -> new AssertionError("the reminder did not fire"));
      String firedId = Platform.json(fired.value()).getString("id");
      Platform.awaitConsumed("realtime-service", "/events/reminder-events", fired);

      try (Client one = connect(api.token(), null);
          Client two = connect(api.token(), null)) {
        assertEquals(firedId, one.next().getString("id"), "pending on connect");
        assertEquals(firedId, two.next().getString("id"), "on every connection");
        one.send("{\"ack\":\"" + firedId + "\"}");
        two.send("{\"ack\":\"" + firedId + "\"}");
        var seen =
            reminders.poll(
                Duration.ofSeconds(20),
                s -> s.stream().anyMatch(r -> isOf(r, "delivered", reminderId)));
        assertTrue(seen.stream().anyMatch(r -> isOf(r, "delivered", reminderId)), "delivered");
        JsonObject delivered =
            seen.stream()
                .filter(r -> isOf(r, "delivered", reminderId))
                .map(r -> Platform.json(r.value()))
                .findFirst()
                .orElseThrow();
        JsonObject triggered = Platform.json(fired.value());
        assertFalse(Platform.traceIdOf(triggered).isEmpty(), "the firing's trace: " + triggered);
        assertEquals(
            Platform.traceIdOf(triggered),
            Platform.traceIdOf(delivered),
            "the ack in the firing's trace: " + delivered);
        var settled = reminders.poll(Duration.ofSeconds(3), s -> false);
        assertEquals(
            1, settled.stream().filter(r -> isOf(r, "delivered", reminderId)).count(), "once");
      }
      try (Client later = connect(api.token(), null)) {
        JsonObject created = api.create("{\"title\":\"after the ack\"}");
        assertEquals(
            created.getString("id"),
            later.next().getJsonObject("data").getString("id"),
            "no longer pending");
      }
    }
  }

  private static boolean isOf(ConsumerRecord<String, String> r, String what, String reminderId) {
    JsonObject e = Platform.json(r.value());
    return e.getString("type").equals("com.todo.reminder." + what + ".v1")
        && reminderId.equals(e.getJsonObject("data").getString("reminderId", ""));
  }

  // --- a client that reads nothing ------------------------------------------------------

  @Test
  @ResourceLock(
      value = PlatformLock.PLATFORM,
      mode = ResourceAccessMode.READ_WRITE) // alone: fills a send queue, and times the others
  void aClientThatReadsNothingIsClosedWith1013WithoutSlowingTheOthers() throws Exception {
    TaskApi api = new TaskApi(newUser("slow"));
    String big = "x".repeat(9_900);
    double closedBefore = closedWith(1013);
    try (Socket slow = openReadingNothing(api.token());
        Client fast = connect(api.token(), null)) {
      InputStream in = slow.getInputStream();

      // 10 KB changes of 4 tasks side by side: more than the slow client's socket buffer holds
      int changes = 100;
      int tasks = 4;
      List<String> taskIds = new ArrayList<>();
      for (int t = 0; t < tasks; t++)
        taskIds.add(api.create("{\"title\":\"big\"}").getString("id"));
      Set<String> seenByFast = new HashSet<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(tasks);
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < tasks; t++) {
        String id = taskIds.get(t);
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < changes / tasks; i++) {
                    api.call("PATCH", "/tasks/" + id, "{\"description\":\"" + i + big + "\"}");
                  }
                }));
      }
      for (var f : done) f.get();
      pool.shutdown();
      // the other client of the same user gets every change meanwhile
      for (int i = 0; i < changes + tasks; i++) seenByFast.add(fast.next().getString("id"));
      assertEquals(changes + tasks, seenByFast.size());

      // the slow one answered no ping meanwhile: within the stall limit (10 s) and the upkeep's
      // period (5 s) the server closes it (its metric counts the 1013); only then does it read
      // what was sent, then the close frame with 1013
      Platform.awaitTrue(
          Duration.ofSeconds(40),
          "realtime-service to close a connection with 1013",
          () -> closedWith(1013) > closedBefore);
      slow.setSoTimeout(30_000);
      int code = readUntilClose(in);
      assertEquals(1013, code, "closed as too far behind");
    }
  }

  @Test
  @ResourceLock(
      value = PlatformLock.PLATFORM,
      mode =
          ResourceAccessMode.READ_WRITE) // alone: has realtime-service close many clients at once
  void manySilentClientsClosedAtOnceDoNotStopTheServiceAnswering() throws Exception {
    // Liberty's Session.close waits up to 3 s for a client that sends nothing; 64 such closes on
    // the executor that serves requests held its threads, and the sidecar's health checks and
    // deliveries waited (the service was marked unhealthy under ./dev bench realtime)
    TaskApi api = new TaskApi(newUser("silent"));
    int silent = 64;
    double closedBefore = closedWith(1013) + closedWith(1001);
    List<Socket> sockets = new ArrayList<>();
    try (Client fast = connect(api.token(), null)) {
      for (int i = 0; i < silent; i++) sockets.add(openReadingNothing(api.token()));
      // a frame to each: none of them answers the pings that follow, so the server closes them
      // all at one turn of its upkeep
      api.create("{\"title\":\"to everyone\"}");
      fast.next();
      List<String> unanswered = new ArrayList<>();
      Poll.until(
          Duration.ofSeconds(120),
          Duration.ofMillis(250),
          () -> {
            try {
              HttpResponse<String> r =
                  Platform.send(
                      HttpRequest.newBuilder(
                          URI.create(Platform.app("realtime-service") + "/health/ready")),
                      Duration.ofSeconds(2));
              if (r.statusCode() != 200) unanswered.add(Instant.now() + ": " + r.statusCode());
            } catch (java.io.UncheckedIOException e) {
              unanswered.add(Instant.now() + ": " + e.getCause());
            }
            return closedWith(1013) + closedWith(1001) >= closedBefore + silent;
          });
      assertTrue(
          closedWith(1013) + closedWith(1001) >= closedBefore + silent,
          "the server closed the " + silent + " clients that answer no ping");
      assertEquals(
          List.of(),
          unanswered,
          "readiness answered within 2 s while the silent clients were closed");
      // and the client that reads still gets what happens
      String id = api.create("{\"title\":\"after the closes\"}").getString("id");
      assertEquals(id, fast.next().getJsonObject("data").getString("id"));
    } finally {
      for (Socket s : sockets) s.close();
    }
  }

  /**
   * A WebSocket of the token's user (a plain socket after the upgrade) that reads nothing and
   * answers nothing, with a small receive buffer.
   */
  private static Socket openReadingNothing(String token) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(
        new java.net.InetSocketAddress("127.0.0.1", Platform.appPort("realtime-service")));
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /ws/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer "
                + token
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status = readHeaders(socket.getInputStream());
    assertTrue(status.startsWith("HTTP/1.1 101"), status);
    return socket;
  }

  /** How many connections realtime-service closed with {@code code} (its /metrics). */
  private static double closedWith(int code) {
    HttpResponse<String> r =
        Platform.send(
            HttpRequest.newBuilder(
                    URI.create(Platform.app("realtime-service") + "/metrics?scope=application"))
                .GET());
    assertEquals(200, r.statusCode(), r.body());
    return r.body()
        .lines()
        .filter(l -> l.startsWith("todo_realtime_connections_closed_total{"))
        .filter(l -> l.contains("code=\"" + code + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static String readHeaders(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) break;
      b.append((char) c);
    }
    return b.toString();
  }

  /** Reads server frames until a close frame; its status code, or -1 at the end of the stream. */
  private static int readUntilClose(InputStream in) throws IOException {
    while (true) {
      int b0 = in.read();
      if (b0 < 0) return -1;
      int b1 = in.read();
      long len = b1 & 0x7f;
      if (len == 126) len = (in.read() << 8) | in.read();
      else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
      }
      byte[] payload = in.readNBytes((int) len);
      if ((b0 & 0x0f) == 0x8) {
        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
      }
    }
  }

  static void assertPresent(Object o) {
    assertNotNull(o);
  }
}
