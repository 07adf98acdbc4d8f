package it.platform;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * {@code ./dev bench recurring}: {@code bench.series} (100) daily series of {@code bench.users}
 * (10) users, created through the REST API; then {@code bench.completions} (1,000) completions,
 * each of the current occurrence of a series as soon as recurring-service generated it (so every
 * series is a chain: complete, wait for the next, complete it), at most {@code bench.rate}
 * completions per second (0: as fast as the platform allows). Reports occurrences generated per
 * second and the completion → next occurrence latency (from sending {@code POST
 * /tasks/{id}/complete} to its {@code recurring.task-generated.v1} arriving on Kafka), p50/p99/max,
 * occurrences generated twice or never, and the CPU time per completion of each part of the
 * platform (from /proc).
 */
public final class RecurringBenchmark {

  /**
   * The figures: series defined of created, completions sent and failed, occurrences generated in
   * how many seconds, completion → task-generated (sorted, ms), generated twice, CPU ms per
   * completion over all processes (NaN if not measured), and the latencies by arrival (epoch ms)
   * from {@code startMillis}.
   */
  record Result(
      int series,
      int defined,
      int sent,
      int failures,
      int generated,
      double seconds,
      List<Long> latencyMs,
      long twice,
      double cpuMsPerCompletion,
      String cpu,
      long startMillis,
      BenchStats.Timeline latency) {
    double perSecond() {
      return generated / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    run();
  }

  /** The benchmark with the settings of the system properties (bench.series, ...). */
  static Result run() throws Exception {
    BenchProgress.phase("recurring: series", "");
    int seriesCount = Integer.parseInt(System.getProperty("bench.series", "100"));
    int completions = Integer.parseInt(System.getProperty("bench.completions", "1000"));
    int users = Integer.parseInt(System.getProperty("bench.users", "10"));
    double rate = Double.parseDouble(System.getProperty("bench.rate", "0"));
    String run = "recbench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> tokens = new ArrayList<>();
    for (int u = 0; u < users; u++) tokens.add(BenchTokens.token(run + u));
    // HTTP/1.1: the default (HTTP/2) sends an h2c upgrade on every new connection, and Liberty
    // parks a thread per upgrade until the connection is set up
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String base = Platform.app("task-service") + "/api/v1/tasks";

    Map<String, String> tokenOf = new HashMap<>(); // series id -> its owner's token
    Map<String, String> current = new ConcurrentHashMap<>(); // series id -> open occurrence
    Map<String, Long> sentAt = new ConcurrentHashMap<>(); // series id -> completion sent (nanos)
    LinkedBlockingQueue<String> ready = new LinkedBlockingQueue<>();
    AtomicInteger failures = new AtomicInteger();

    try (KafkaConsumer<String, String> consumer = Bench.tail("recurring-events")) {
      for (int i = 0; i < seriesCount; i++) {
        String token = tokens.get(i % users);
        String body =
            "{\"title\":\"bench "
                + i
                + "\",\"dueAt\":\"2030-01-01T08:00:00Z\",\"timeZone\":\"Europe/Berlin\","
                + "\"tags\":[\"bench\"],\"reminders\":[{\"before\":\"PT10M\"}],"
                + "\"recurrence\":{\"rule\":\"FREQ=DAILY\",\"basis\":\"due\"}}";
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IllegalStateException("create: " + r.body());
        String id = Platform.json(r.body()).getString("id");
        tokenOf.put(id, token);
        current.put(id, id);
      }
      // every series defined before the first completion
      Set<String> defined = new HashSet<>();
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (defined.size() < seriesCount && System.nanoTime() < waitUntil) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
          JsonObject e = Platform.json(rec.value());
          if (e.getString("type").endsWith("rule-defined.v1")
              && tokenOf.containsKey(e.getString("subject"))) {
            defined.add(e.getString("subject"));
          }
        }
      }
      System.out.printf("series defined: %d of %d%n", defined.size(), seriesCount);
      ready.addAll(tokenOf.keySet());

      AtomicInteger sent = new AtomicInteger();
      Map<String, Double> cpuBefore = ProcessCpu.snapshot();
      long start = System.nanoTime();
      long startMillis = System.currentTimeMillis();
      BenchStats.Timeline latencyOverTime = new BenchStats.Timeline();
      BenchProgress.phase("recurring: completions", "occurrences");
      Thread completer =
          new Thread(
              () -> {
                long interval = rate > 0 ? (long) (1e9 / rate) : 0;
                long nextAt = System.nanoTime();
                while (sent.get() < completions) {
                  String series;
                  try {
                    series = ready.poll(1, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    return;
                  }
                  if (series == null) {
                    if (Thread.currentThread().isInterrupted()) return;
                    continue;
                  }
                  if (interval > 0) {
                    long wait = nextAt - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    nextAt = Math.max(nextAt + interval, System.nanoTime() - interval);
                  }
                  sent.incrementAndGet();
                  sentAt.put(series, System.nanoTime());
                  http.sendAsync(
                          HttpRequest.newBuilder(
                                  URI.create(base + "/" + current.get(series) + "/complete"))
                              .header("Authorization", "Bearer " + tokenOf.get(series))
                              .POST(HttpRequest.BodyPublishers.noBody())
                              .build(),
                          HttpResponse.BodyHandlers.discarding())
                      .whenComplete(
                          (r, e) -> {
                            if (e != null || r.statusCode() != 200) failures.incrementAndGet();
                          });
                }
              },
              "completer");
      completer.setDaemon(true);
      completer.start();

      List<Long> latencyMs = new ArrayList<>();
      Map<String, Integer> generated = new HashMap<>(); // "<series>:<n>" -> times seen
      Set<String> eventIds = new HashSet<>();
      long last = start;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (latencyMs.size() < completions && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          JsonObject e = Platform.json(rec.value());
          String series = e.getString("subject", "");
          if (!e.getString("type").endsWith("task-generated.v1") || !tokenOf.containsKey(series))
            continue;
          if (!eventIds.add(e.getString("id"))) continue; // the same event published again
          JsonObject data = e.getJsonObject("data");
          String key = series + ":" + data.getInt("occurrence");
          if (generated.merge(key, 1, Integer::sum) > 1) continue;
          Long sentNanos = sentAt.remove(series);
          if (sentNanos != null) {
            latencyMs.add((now - sentNanos) / 1_000_000);
            latencyOverTime.add(System.currentTimeMillis(), (now - sentNanos) / 1_000_000);
          }
          BenchProgress.count();
          last = now;
          current.put(series, data.getString("taskId"));
          ready.add(series);
        }
      }
      completer.interrupt();
      Map<String, Double> cpuAfter = ProcessCpu.snapshot();
      double seconds = (last - start) / 1e9;
      Collections.sort(latencyMs);
      long twice = generated.values().stream().filter(n -> n > 1).count();
      System.out.printf(
          "completions sent %d (failed %d); occurrences generated %d in %.1f s: %.0f/s%n",
          sent.get(), failures.get(), latencyMs.size(), seconds, latencyMs.size() / seconds);
      System.out.printf(
          "completion -> task-generated on Kafka: p50 %d ms, p99 %d ms, max %d ms%n",
          Bench.pct(latencyMs, 50), Bench.pct(latencyMs, 99), Bench.pct(latencyMs, 100));
      System.out.printf(
          "generated twice: %d, never (sent, not generated): %d%n",
          twice, sent.get() - latencyMs.size());
      StringBuilder cpu = new StringBuilder("CPU ms per completion:");
      double total = 0;
      for (var e : cpuAfter.entrySet()) {
        double ms = ProcessCpu.used(cpuBefore, cpuAfter, e.getKey()) / latencyMs.size();
        total += ms;
        cpu.append(String.format(" %s %.1f,", e.getKey(), ms));
      }
      System.out.println(cpu.append(String.format(" total %.1f", total)));
      return new Result(
          seriesCount,
          defined.size(),
          sent.get(),
          failures.get(),
          latencyMs.size(),
          seconds,
          latencyMs,
          twice,
          latencyMs.isEmpty() ? Double.NaN : total,
          cpu.toString(),
          startMillis,
          latencyOverTime);
    }
  }
}
