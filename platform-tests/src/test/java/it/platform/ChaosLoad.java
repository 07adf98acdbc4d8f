package it.platform;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The steady mixed load of ./dev chaos and what it knows afterwards (the ledger): users that
 * create, update, complete, reopen and delete tasks, create tasks with a reminder due during the
 * run, complete the occurrences of recurring series, each with a WebSocket on realtime-service that
 * reconnects with {@code after}. Every change carries {@code If-Match} and every create an {@code
 * Idempotency-Key}, so an answer that never arrived (a timeout, a connection reset) is "unknown"
 * and settled exactly later: a create by repeating it with its key, a change by reading the task's
 * version.
 */
final class ChaosLoad {

  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final String FAR = "2030-01-07T08:00:00Z";

  /** One HTTP attempt: when, what, and its status (-1: no answer). */
  record Attempt(long at, String op, int status) {
    boolean refused() {
      return status < 200 || status >= 300;
    }
  }

  /** A change the server accepted (or that committed although the answer was lost or refused). */
  record Change(String user, String taskId, long sequence, String op, long at, int status) {
    /** A refusal (an HTTP answer that is not 2xx) for a change that committed nevertheless. */
    boolean refusedButCommitted() {
      return status >= 300;
    }
  }

  record Reminder(String user, String reminderId, String taskId, Instant due, long acceptedAt) {}

  /** An occurrence of a series the load completed: exactly one next occurrence must follow. */
  record Completion(String user, String seriesId, int occurrence, long at) {}

  // --- the ledger -----------------------------------------------------------------------------
  final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  final List<Change> changes = Collections.synchronizedList(new ArrayList<>());
  final List<Reminder> reminders = Collections.synchronizedList(new ArrayList<>());
  final List<Completion> completions = Collections.synchronizedList(new ArrayList<>());

  /** Creates never accepted (gave up at the end): their title must not appear on task-events. */
  final List<String> abandonedCreates = Collections.synchronizedList(new ArrayList<>());

  private final java.util.concurrent.atomic.AtomicLong accepted =
      new java.util.concurrent.atomic.AtomicLong();

  final List<User> users = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);

  /** Each user's requests, one thread per user (a request waits for its answer). */
  private final ScheduledExecutorService pacing;

  private final ScheduledExecutorService reconnects = Executors.newScheduledThreadPool(1);
  private final long periodMs;
  private final Random random;

  /**
   * {@code users} users in all (every third completes recurring series), {@code rate} requests per
   * second in all.
   */
  ChaosLoad(String run, int users, double rate, long seed) {
    this.random = new Random(seed);
    this.periodMs = Math.max(1, Math.round(1000.0 * users / rate));
    this.pacing =
        Executors.newScheduledThreadPool(
            users,
            r -> {
              Thread t = new Thread(r, "chaos-load");
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < users; i++) {
      this.users.add(new User("chaos-" + run + "-" + i, i % 3 == 2, seed + i));
    }
  }

  /** How many requests the platform has accepted (2xx) so far. */
  long accepted() {
    return accepted.get();
  }

  Map<String, User> byName() {
    Map<String, User> m = new HashMap<>();
    users.forEach(u -> m.put(u.name, u));
    return m;
  }

  void start() {
    for (User u : users) u.socket.connect();
    for (User u : users) {
      long first = u.rnd.nextInt((int) periodMs + 1);
      u.start = System.currentTimeMillis() + first;
      pacing.scheduleAtFixedRate(u::tick, first, periodMs, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the load, then settles every change whose outcome is unknown (within the timeout). */
  void stop(Duration settle) throws InterruptedException {
    running.set(false);
    pacing.shutdown();
    pacing.awaitTermination(30, TimeUnit.SECONDS);
    long deadline = System.currentTimeMillis() + settle.toMillis();
    for (User u : users) u.settle(deadline);
  }

  /** Closes the WebSockets. */
  void close() {
    reconnects.shutdownNow();
    for (User u : users) u.socket.close();
  }

  // --- HTTP ---------------------------------------------------------------------------------
  private record Answer(int status, JsonObject body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private Answer call(User u, String op, String method, String path, String body, String... hdrs) {
    long at = System.currentTimeMillis();
    HttpRequest.Builder b = u.api.request(method, path, body).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < hdrs.length; i += 2) b.header(hdrs[i], hdrs[i + 1]);
    int status;
    JsonObject json = null;
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      status = r.statusCode();
      if (r.body() != null && r.body().startsWith("{")) json = Platform.json(r.body());
    } catch (IOException e) {
      status = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = -1;
    }
    attempts.add(new Attempt(at, op, status));
    if (status >= 200 && status < 300) accepted.incrementAndGet();
    return new Answer(status, json);
  }

  // --- users --------------------------------------------------------------------------------
  /** A task of the load: its version as far as the user knows, and a change in doubt. */
  static final class Task {
    final String id;
    long version;
    boolean completed;
    boolean deleted;
    // a change whose outcome is not known yet
    String doubtOp;
    long doubtAt;
    int doubtStatus;
    // recurring: the series, the occurrence (1 = the template)
    String seriesId;
    int occurrence;

    Task(String id, long version) {
      this.id = id;
      this.version = version;
    }
  }

  /** A create not answered with 2xx yet: repeated with the same key until it is. */
  record PendingCreate(String key, String body, long at, boolean reminder, Instant due) {}

  final class User {
    final String name;
    final boolean recurring;
    final TaskApi api;
    final Random rnd;
    final List<Task> tasks = new ArrayList<>();
    final List<PendingCreate> pendingCreates = new ArrayList<>();
    final ChaosSocket socket;

    /** Series waiting for their next occurrence: series id to the occurrence completed. */
    final Map<String, Integer> awaitingNext = new HashMap<>();

    User(String name, boolean recurring, long seed) {
      this.name = name;
      this.recurring = recurring;
      this.api = new TaskApi(name);
      this.rnd = new Random(seed);
      this.socket = new ChaosSocket(this);
    }

    /** When the user's first request was due; its n-th is due n periods later. */
    long start;

    private long ticks;

    /**
     * One turn of the user's pace (at a fixed rate, never two at once): a request, unless the user
     * is more than five periods behind its pace after slow answers (those turns are dropped, not
     * sent in a burst).
     */
    void tick() {
      long due = start + ticks++ * periodMs;
      if (!running.get() || System.currentTimeMillis() - due > 5 * periodMs) return;
      try {
        step();
      } catch (RuntimeException e) {
        System.err.println(name + ": " + e);
      }
    }

    /** One request: settle something in doubt first, else a new operation. */
    void step() {
      if (!pendingCreates.isEmpty()) {
        retryCreate(pendingCreates.get(0));
        return;
      }
      for (Task t : tasks) {
        if (t.doubtOp != null) {
          resolve(t);
          return;
        }
      }
      if (recurring) recurringStep();
      else plainStep();
    }

    private void plainStep() {
      List<Task> live = tasks.stream().filter(t -> !t.deleted).toList();
      int r = rnd.nextInt(100);
      if (live.size() < 3 || r < 25) {
        boolean reminder = rnd.nextInt(100) < 40;
        create(reminder);
        return;
      }
      Task t = live.get(rnd.nextInt(live.size()));
      if (r < 55) {
        change(
            t,
            "update",
            "PATCH",
            "/tasks/" + t.id,
            "{\"title\":\"chaos " + UUID.randomUUID() + "\"}");
      } else if (r < 92) {
        change(
            t,
            t.completed ? "reopen" : "complete",
            "POST",
            "/tasks/" + t.id + (t.completed ? "/reopen" : "/complete"),
            null);
      } else {
        change(t, "delete", "DELETE", "/tasks/" + t.id, null);
      }
    }

    private void recurringStep() {
      long series = tasks.stream().filter(t -> t.seriesId != null).count();
      if (series + pendingCreates.size() < 2) {
        String key = UUID.randomUUID().toString();
        String body =
            "{\"title\":\"chaos series "
                + key
                + "\",\"dueAt\":\""
                + FAR
                + "\",\"timeZone\":\"UTC\",\"recurrence\":{\"rule\":\"FREQ=DAILY\",\"basis\":\"due\"}}";
        sendCreate(new PendingCreate(key, body, System.currentTimeMillis(), false, null));
        return;
      }
      // the current occurrence of each series, while it is open
      List<Task> open =
          tasks.stream()
              .filter(t -> t.seriesId != null && !t.completed && !t.deleted)
              .filter(t -> !awaitingNext.containsKey(t.seriesId))
              .toList();
      if (!awaitingNext.isEmpty() && (open.isEmpty() || rnd.nextBoolean())) {
        findNextOccurrences();
        return;
      }
      if (open.isEmpty()) return;
      Task t = open.get(rnd.nextInt(open.size()));
      change(t, "complete", "POST", "/tasks/" + t.id + "/complete", null);
    }

    /** Lists the open tasks: the next occurrence of each series waiting for one. */
    private void findNextOccurrences() {
      Answer a = call(this, "read", "GET", "/tasks?status=open&limit=200", null);
      if (!a.ok()) return;
      for (JsonValue v : a.body.getJsonArray("items")) {
        JsonObject o = v.asJsonObject();
        if (o.isNull("seriesId") || o.isNull("occurrence")) continue;
        String series = o.getString("seriesId");
        Integer done = awaitingNext.get(series);
        if (done != null && o.getInt("occurrence") == done + 1) {
          awaitingNext.remove(series);
          Task t = new Task(o.getString("id"), o.getJsonNumber("version").longValue());
          t.seriesId = series;
          t.occurrence = done + 1;
          tasks.removeIf(old -> series.equals(old.seriesId));
          tasks.add(t);
        }
      }
    }

    private void create(boolean reminder) {
      String key = UUID.randomUUID().toString();
      if (reminder) {
        Instant due =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(30 + rnd.nextInt(30));
        String body =
            "{\"title\":\"chaos reminder " + key + "\",\"reminders\":[{\"at\":\"" + due + "\"}]}";
        sendCreate(new PendingCreate(key, body, System.currentTimeMillis(), true, due));
      } else {
        sendCreate(
            new PendingCreate(
                key, "{\"title\":\"chaos " + key + "\"}", System.currentTimeMillis(), false, null));
      }
    }

    private void sendCreate(PendingCreate p) {
      if (!pendingCreates.contains(p)) pendingCreates.add(p);
      retryCreate(p);
    }

    /** Sends (again) a create with its key; true once it is settled. */
    private boolean retryCreate(PendingCreate p) {
      Answer a = call(this, "create", "POST", "/tasks", p.body, "Idempotency-Key", p.key);
      if (!a.ok()) {
        if (a.status >= 400 && a.status < 500) {
          System.err.println(name + ": create " + p.key + " refused with " + a.status);
          pendingCreates.remove(p);
          abandonedCreates.add(p.key);
          return true;
        }
        return false;
      }
      pendingCreates.remove(p);
      JsonObject o = a.body;
      String id = o.getString("id");
      changes.add(new Change(name, id, 1, "create", p.at, a.status));
      if (p.reminder) {
        reminders.add(
            new Reminder(
                name,
                o.getJsonArray("reminders").getJsonObject(0).getString("id"),
                id,
                p.due,
                System.currentTimeMillis()));
        return true; // reminder tasks are left alone: their reminder must fire
      }
      Task t = new Task(id, o.getJsonNumber("version").longValue());
      if (!o.isNull("recurrence")) {
        t.seriesId = id;
        t.occurrence = 1;
      }
      tasks.add(t);
      return true;
    }

    private void change(Task t, String op, String method, String path, String body) {
      long at = System.currentTimeMillis();
      Answer a = call(this, op, method, path, body, "If-Match", "\"" + t.version + "\"");
      if (a.ok()) {
        applied(t, op, at, a.status, a.body);
        return;
      }
      // refused or unknown: what the server did decides (its version), when it can be read
      t.doubtOp = op;
      t.doubtAt = at;
      t.doubtStatus = a.status;
      resolve(t);
    }

    private void applied(Task t, String op, long at, int status, JsonObject body) {
      if (op.equals("delete")) {
        t.deleted = true;
        changes.add(new Change(name, t.id, t.version + 1, op, at, status));
        return;
      }
      long v = body.getJsonNumber("version").longValue();
      if (v > t.version) changes.add(new Change(name, t.id, v, op, at, status));
      t.version = v;
      t.completed = "completed".equals(body.getString("status"));
      if (op.equals("complete") && t.seriesId != null) {
        completions.add(new Completion(name, t.seriesId, t.occurrence, at));
        awaitingNext.put(t.seriesId, t.occurrence);
      }
    }

    /** Reads the task to learn whether the change in doubt committed; true once known. */
    boolean resolve(Task t) {
      Answer a = call(this, "read", "GET", "/tasks/" + t.id, null);
      if (a.status == 404 && t.doubtOp.equals("delete")) {
        applied(t, "delete", t.doubtAt, t.doubtStatus, null);
      } else if (a.status == 200) {
        long v = a.body.getJsonNumber("version").longValue();
        if (v == t.version + 1) {
          applied(t, t.doubtOp, t.doubtAt, t.doubtStatus, a.body);
        } else if (v != t.version) {
          System.err.println(name + ": task " + t.id + " at version " + v + ", " + t.version);
          t.version = v;
        }
      } else if (a.status == 404) {
        System.err.println(name + ": task " + t.id + " vanished");
        t.deleted = true;
      } else {
        return false;
      }
      t.doubtOp = null;
      return true;
    }

    /** Settles what is in doubt: creates repeated with their keys, changes read back. */
    void settle(long deadline) {
      boolean settled =
          Poll.until(
              Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis())),
              Duration.ofSeconds(1),
              () -> {
                boolean done = true;
                for (PendingCreate p : List.copyOf(pendingCreates)) done &= retryCreate(p);
                for (Task t : tasks) if (t.doubtOp != null) done &= resolve(t);
                return done;
              });
      if (settled) return;
      for (PendingCreate p : pendingCreates) abandonedCreates.add(p.key);
      pendingCreates.clear();
    }
  }

  // --- WebSockets -------------------------------------------------------------------------------
  /** A user's WebSocket: every task event frame in order; reconnects with after when dropped. */
  final class ChaosSocket implements WebSocket.Listener {
    final User user;

    /** The ids of the task event frames, in the order they arrived. */
    final List<String> taskFrames = Collections.synchronizedList(new ArrayList<>());

    final Map<String, Long> frameArrival = new ConcurrentHashMap<>();
    volatile int connections;
    volatile int resyncs;
    private volatile String after;
    private volatile WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean closing;

    ChaosSocket(User user) {
      this.user = user;
    }

    void connect() {
      if (closing) return;
      String q = after == null ? "" : "?after=" + after;
      HTTP.newWebSocketBuilder()
          .subprotocols("todo-events.v1", "bearer." + user.api.token())
          .connectTimeout(Duration.ofSeconds(5))
          .buildAsync(
              URI.create(
                  "ws://127.0.0.1:" + Platform.appPort("realtime-service") + "/ws/v1/events" + q),
              this)
          .whenComplete(
              (ws, e) -> {
                if (e != null) reconnectLater();
                else {
                  socket = ws;
                  connections++;
                }
              });
    }

    private void reconnectLater() {
      if (closing) return;
      try {
        reconnects.schedule(this::connect, 1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // closed
      }
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      synchronized (partial) {
        partial.append(data);
        if (last) {
          JsonObject e = Platform.json(partial.toString());
          partial.setLength(0);
          String type = e.getString("type", "");
          if (type.startsWith("com.todo.task.")) {
            String id = e.getString("id");
            taskFrames.add(id);
            frameArrival.putIfAbsent(id, System.currentTimeMillis());
            after = id;
          } else if (type.equals("com.todo.realtime.resync-required.v1")) {
            resyncs++;
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      synchronized (partial) {
        partial.setLength(0);
      }
      reconnectLater();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      synchronized (partial) {
        partial.setLength(0);
      }
      reconnectLater();
    }

    void close() {
      closing = true;
      WebSocket s = socket;
      if (s != null) s.abort();
    }
  }

  /** Every (task id, sequence) the load changed, with the change. */
  Map<String, Change> changesByKey() {
    Map<String, Change> m = new HashMap<>();
    synchronized (changes) {
      for (Iterator<Change> it = changes.iterator(); it.hasNext(); ) {
        Change c = it.next();
        m.put(c.taskId + "#" + c.sequence, c);
      }
    }
    return m;
  }

  Random random() {
    return random;
  }
}
