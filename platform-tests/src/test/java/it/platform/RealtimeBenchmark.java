package it.platform;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * ./dev bench realtime: {@code bench.users} (100) users with {@code bench.per-user} (10) open
 * WebSockets each on realtime-service, tasks created through the REST API at {@code bench.rate}
 * (100/s) for {@code bench.seconds} (20) spread over the users; for every frame received, the time
 * from the event's {@code time} (task-service's commit) to its arrival: p50/p99/max; frames
 * missing; realtime-service's RSS before and after opening the connections, per connection.
 */
public final class RealtimeBenchmark {

  private RealtimeBenchmark() {}

  /**
   * The figures: connections and the ms to open them, realtime-service's RSS (KiB) and live heap
   * (bytes, 0 when not measured) before and with the connections, creates issued in how many
   * seconds and failed, frames received of expected and duplicates, commit → frame (sorted, ms),
   * commit → Kafka and Kafka → first frame p50/p99 (-1 when not measured), and the frames' latency
   * by arrival time (epoch ms) from {@code loadStartMillis}.
   */
  record Result(
      int connections,
      long openMs,
      long rssBeforeKb,
      long rssOpenKb,
      long heapBefore,
      long heapOpen,
      long created,
      double loadSeconds,
      int failures,
      int received,
      long expected,
      int duplicates,
      List<Long> latencyMs,
      long toKafkaP50,
      long toKafkaP99,
      long kafkaToFrameP50,
      long kafkaToFrameP99,
      long loadStartMillis,
      BenchStats.Timeline frames) {}

  static final class Socket implements WebSocket.Listener {
    /** Every frame's latency by its arrival, for the report; null outside a report. */
    static volatile BenchStats.Timeline timeline;

    final List<Long> latencies;
    final AtomicInteger frames;
    static final java.util.Map<String, Long> FIRST_SEEN =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** Frames whose event id this connection had received before: duplicates a user saw. */
    static final AtomicInteger DUPLICATES = new AtomicInteger();

    private final StringBuilder partial = new StringBuilder();
    private final java.util.Set<String> seen = new java.util.HashSet<>();

    Socket(List<Long> latencies, AtomicInteger frames) {
      this.latencies = latencies;
      this.frames = frames;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        long now = System.currentTimeMillis();
        JsonObject e = Platform.json(partial.toString());
        partial.setLength(0);
        if (e.getString("type").startsWith("com.todo.task.")) {
          if (!seen.add(e.getString("id"))) DUPLICATES.incrementAndGet();
          long latency = now - Instant.parse(e.getString("time")).toEpochMilli();
          latencies.add(latency);
          frames.incrementAndGet();
          BenchStats.Timeline t = timeline;
          if (t != null) t.add(now, latency);
          BenchProgress.count();
          FIRST_SEEN.putIfAbsent(e.getString("id"), now);
        }
      }
      ws.request(1);
      return null;
    }
  }

  public static void main(String[] args) throws Exception {
    run();
    // the WebSocket client's threads would keep the JVM alive
    System.exit(0);
  }

  /** The benchmark with the settings of the system properties (bench.users, ...). */
  static Result run() throws Exception {
    Socket.DUPLICATES.set(0);
    Socket.FIRST_SEEN.clear();
    BenchStats.Timeline frames = new BenchStats.Timeline();
    Socket.timeline = frames;
    BenchProgress.phase("realtime: connect", "");
    int users = Integer.getInteger("bench.users", 100);
    int perUser = Integer.getInteger("bench.per-user", 10);
    int rate = Integer.getInteger("bench.rate", 100);
    int seconds = Integer.getInteger("bench.seconds", 20);
    String run = Long.toString(System.currentTimeMillis(), 36);

    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < users; i++) tokens.add(BenchTokens.token("rtbench-" + run + "-" + i));
    // warm the paths once, as a user without connections: its frame would reach the clients that
    // opened before realtime-service logged it, and count as a frame of the load
    create(BenchTokens.token("rtbench-" + run + "-warm-up"), "{\"title\":\"warm-up\"}");

    long rssBefore = rssKb();
    long heapBefore = liveHeapBytes();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger received = new AtomicInteger();
    HttpClient http = HttpClient.newHttpClient();
    List<WebSocket> sockets = new ArrayList<>();
    URI uri =
        URI.create("ws://127.0.0.1:" + Platform.appPort("realtime-service") + "/ws/v1/events");
    long t0 = System.nanoTime();
    List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
    for (String token : tokens) {
      for (int k = 0; k < perUser; k++) {
        opening.add(
            http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(uri, new Socket(latencies, received)));
      }
      if (opening.size() >= 100) {
        for (var f : opening) sockets.add(f.join());
        opening.clear();
      }
    }
    for (var f : opening) sockets.add(f.join());
    long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.printf("opened %d connections in %d ms%n", sockets.size(), openMs);
    // measured once realtime-service is done with the upgrades (under 5 % of a core), at most the
    // hold
    ProcessCpu.awaitQuiet(
        Duration.ofSeconds(Long.getLong("bench.hold", 5)), 0.05, "realtime-service"::equals);
    long rssOpen = rssKb();
    long heapOpen = liveHeapBytes();
    if (heapBefore > 0 && heapOpen > 0) {
      System.out.printf(
          "realtime-service live heap (after a full GC): %d MiB before, %d MiB with %d connections:"
              + " %.1f KiB per connection%n",
          heapBefore >> 20,
          heapOpen >> 20,
          sockets.size(),
          (heapOpen - heapBefore) / 1024.0 / sockets.size());
    }
    System.out.printf(
        "realtime-service RSS: %d MiB before, %d MiB with %d connections: %.1f KiB per connection%n",
        rssBefore / 1024,
        rssOpen / 1024,
        sockets.size(),
        (rssOpen - rssBefore) / (double) sockets.size());

    KafkaTopic topic = new KafkaTopic("task-events");
    ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
    ExecutorService workers = Executors.newFixedThreadPool(32);
    AtomicLong created = new AtomicLong();
    AtomicInteger failures = new AtomicInteger();
    int total = rate * seconds;
    AtomicInteger next = new AtomicInteger();
    long periodMicros = 1_000_000L / rate;
    BenchProgress.phase("realtime: 100 creates/s".replace("100", Integer.toString(rate)), "frames");
    var ticker =
        pace.scheduleAtFixedRate(
            () -> {
              int i = next.getAndIncrement();
              if (i >= total) return;
              workers.execute(
                  () -> {
                    try {
                      create(tokens.get(i % users), "{\"title\":\"bench " + i + "\"}");
                      created.incrementAndGet();
                    } catch (RuntimeException | AssertionError e) {
                      failures.incrementAndGet();
                    }
                  });
            },
            0,
            periodMicros,
            TimeUnit.MICROSECONDS);
    long start = System.nanoTime();
    long loadStartMillis = System.currentTimeMillis();
    // every create issued, or twice the planned time at most (a platform that cannot keep up)
    Poll.until(
        Duration.ofSeconds(2L * seconds + 30), Duration.ofMillis(100), () -> next.get() >= total);
    ticker.cancel(false);
    workers.shutdown();
    workers.awaitTermination(60, TimeUnit.SECONDS);
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    long expected = created.get() * perUser;
    Poll.until(Duration.ofSeconds(30), Duration.ofMillis(200), () -> received.get() >= expected);
    pace.shutdown();

    List<Long> sorted;
    synchronized (latencies) {
      sorted = new ArrayList<>(latencies);
    }
    Collections.sort(sorted);
    System.out.printf(
        "%d creates in %.1f s (%.0f/s, %d failed); %d of %d frames received, %d of them an id"
            + " the connection had received before%n",
        created.get(),
        loadSeconds,
        created.get() / loadSeconds,
        failures.get(),
        received.get(),
        expected,
        Socket.DUPLICATES.get());
    if (!sorted.isEmpty()) {
      System.out.printf(
          "commit (event time) -> frame: p50 %d ms, p99 %d ms, max %d ms%n",
          Bench.pct(sorted, 50), Bench.pct(sorted, 99), sorted.get(sorted.size() - 1));
    }
    // where the time goes: commit -> Kafka record (task-service's outbox), Kafka -> frame (the
    // subscription, realtime-service, the socket)
    List<Long> toKafka = new ArrayList<>();
    java.util.Map<String, Long> kafkaAt = new java.util.HashMap<>();
    for (var r : topic.poll(Duration.ofSeconds(5), x -> false)) {
      if (!r.key().startsWith("rtbench-" + run)) continue;
      JsonObject e = Platform.json(r.value());
      kafkaAt.put(e.getString("id"), r.timestamp());
      toKafka.add(r.timestamp() - Instant.parse(e.getString("time")).toEpochMilli());
    }
    topic.close();
    List<Long> kafkaToFrame = new ArrayList<>();
    Socket.FIRST_SEEN.forEach(
        (id, at) -> {
          Long k = kafkaAt.get(id);
          if (k != null) kafkaToFrame.add(at - k);
        });
    Collections.sort(toKafka);
    Collections.sort(kafkaToFrame);
    if (!toKafka.isEmpty() && !kafkaToFrame.isEmpty()) {
      System.out.printf(
          "commit -> Kafka: p50 %d ms, p99 %d ms; Kafka -> first frame: p50 %d ms, p99 %d ms, max %d ms%n",
          Bench.pct(toKafka, 50),
          Bench.pct(toKafka, 99),
          Bench.pct(kafkaToFrame, 50),
          Bench.pct(kafkaToFrame, 99),
          kafkaToFrame.get(kafkaToFrame.size() - 1));
    }
    for (WebSocket ws : sockets) ws.abort();
    Socket.timeline = null;
    boolean split = !toKafka.isEmpty() && !kafkaToFrame.isEmpty();
    return new Result(
        sockets.size(),
        openMs,
        rssBefore,
        rssOpen,
        heapBefore,
        heapOpen,
        created.get(),
        loadSeconds,
        failures.get(),
        received.get(),
        expected,
        Socket.DUPLICATES.get(),
        sorted,
        split ? Bench.pct(toKafka, 50) : -1,
        split ? Bench.pct(toKafka, 99) : -1,
        split ? Bench.pct(kafkaToFrame, 50) : -1,
        split ? Bench.pct(kafkaToFrame, 99) : -1,
        loadStartMillis,
        frames);
  }

  /** POST /api/v1/tasks as the token's user; fails unless the answer is 201. */
  private static void create(String token, String json) {
    var r =
        Platform.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(Platform.app("task-service") + "/api/v1/tasks"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
    if (r.statusCode() != 201)
      throw new AssertionError("create answered " + r.statusCode() + ": " + r.body());
  }

  /**
   * The bytes of live objects in realtime-service's heap, from {@code jcmd GC.class_histogram}
   * (which runs a full GC first); 0 when jcmd or the process is not there.
   */
  static long liveHeapBytes() {
    try {
      long pid = pid();
      if (pid == 0) return 0;
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      for (String line : out.split("\n")) {
        if (line.startsWith("Total")) {
          String[] f = line.trim().split("\\s+");
          return Long.parseLong(f[f.length - 1]);
        }
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** realtime-service's process id, from /proc; 0 where there is none. */
  static long pid() throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmd.contains("ws-server.jar realtime-service")) {
            return Long.parseLong(p.getFileName().toString());
          }
        } catch (IOException | RuntimeException gone) {
          // ended meanwhile
        }
      }
    }
    return 0;
  }

  /** realtime-service's resident set (KiB), from /proc; 0 where there is none. */
  static long rssKb() throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (!cmd.contains("ws-server.jar realtime-service")) continue;
          for (String line : Files.readAllLines(p.resolve("status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        } catch (IOException | RuntimeException gone) {
          // ended meanwhile
        }
      }
    }
    return 0;
  }
}
