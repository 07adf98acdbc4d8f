package it.platform;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Benchmark of POST /api/v1/tasks on the running platform (not a test): sustained creates per
 * second with latency p50/p99, and the lag from commit (the event's time) to the record on Kafka
 * (its timestamp), at a fixed rate and at full speed. Run with {@code ./dev bench}.
 */
public final class CreateBenchmark {

  /** False when ./dev bench stopped the subscribing services (BENCH_CONSUMERS=0). */
  static final boolean CONSUMERS =
      Boolean.parseBoolean(System.getProperty("bench.consumers", "true"));

  /**
   * One phase's figures: creates, seconds, failures, latency p50/p99 (ms), commit→Kafka lag p50/p99
   * (ms) and how many events were seen, subscribers behind at the end and the ms until they caught
   * up (-1: not within 180 s; -2: not measured), CPU ms per create over all processes (NaN when not
   * measured), and the time series: request latency by completion time, lag by the record's time
   * (epoch ms).
   */
  record Phase(
      String name,
      int rate,
      int created,
      double seconds,
      long failures,
      double latencyP50,
      double latencyP99,
      long lagP50,
      long lagP99,
      int lagsSeen,
      long behind,
      long caughtUpMs,
      double cpuMsPerCreate,
      String cpu,
      long startMillis,
      BenchStats.Timeline latency,
      BenchStats.Timeline lag) {
    double perSecond() {
      return created / seconds;
    }
  }

  /** The three phases' figures: warm-up (null when none), fixed 100/s, full speed. */
  record Result(Phase warmUp, Phase fixed, Phase full) {}

  /** Seconds without progress after which a wait for the subscribers gives up (bench.stall). */
  static final long STALL = Long.getLong("bench.stall", 30);

  public static void main(String[] args) throws Exception {
    run();
  }

  /** The phases with the settings of the system properties (bench.seconds, ...). */
  static Result run() throws Exception {
    int seconds = Integer.parseInt(System.getProperty("bench.seconds", "20"));
    int threads = Integer.parseInt(System.getProperty("bench.threads", "16"));
    int warmUp = Integer.parseInt(System.getProperty("bench.warmup", "120"));
    // the JVMs compile the hot paths in the first tens of seconds: not what is measured
    Phase w = null;
    if (warmUp > 0) {
      BenchProgress.phase("creates warm-up", "creates");
      w = run("warm-up (not a result)", 0, threads, warmUp);
    }
    BenchProgress.phase("creates at 100/s", "creates");
    Phase fixed = run("fixed rate 100/s", 100, threads, seconds);
    BenchProgress.phase("creates full speed", "creates");
    Phase full = run("full speed, " + threads + " clients", 0, threads, seconds);
    return new Result(w, fixed, full);
  }

  static Phase run(String name, int ratePerSecond, int threads, int seconds) throws Exception {
    // many users, as in production: one user's writes are serialized (per-user order of events)
    int userCount = Integer.parseInt(System.getProperty("bench.users", "64"));
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> tokens = new ArrayList<>();
    for (int u = 0; u < userCount; u++) tokens.add(BenchTokens.token(run + u));
    URI tasks = URI.create(Platform.app("task-service") + "/api/v1/tasks");
    ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
    BenchStats.Timeline latencyOverTime = new BenchStats.Timeline();
    BenchStats.Timeline lagOverTime = new BenchStats.Timeline();
    long startMillis = System.currentTimeMillis();
    AtomicLong failures = new AtomicLong();

    Properties adminProps = new Properties();
    adminProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA);
    try (KafkaConsumer<String, String> consumer = Bench.tail("task-events");
        Admin admin = Admin.create(adminProps)) {
      Map<String, Double> cpuBefore = ProcessCpu.snapshot();
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      AtomicLong issued = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        pool.submit(
            () -> {
              // a failed exchange counts as a failure; the client connects anew for the next one
              try (BenchHttp http = new BenchHttp(tasks)) {
                while (true) {
                  long n = issued.getAndIncrement();
                  if (ratePerSecond > 0) {
                    long due = start + n * 1_000_000_000L / ratePerSecond;
                    if (due >= end) return null;
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                  } else if (System.nanoTime() >= end) {
                    return null;
                  }
                  long t0 = System.nanoTime();
                  String token = tokens.get((int) (n % tokens.size()));
                  int status;
                  try {
                    status =
                        http.post(token, "{\"title\":\"bench " + n + "\",\"tags\":[\"bench\"]}");
                  } catch (java.io.IOException e) {
                    status = -1;
                  }
                  if (status == 201) {
                    long micros = (System.nanoTime() - t0) / 1000;
                    latenciesMicros.add(micros);
                    latencyOverTime.add(System.currentTimeMillis(), micros / 1000.0);
                    BenchProgress.count();
                  } else {
                    failures.incrementAndGet();
                  }
                }
              }
            });
      }
      pool.shutdown();
      pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
      double elapsed = (System.nanoTime() - start) / 1e9;
      int created = latenciesMicros.size();
      Map<String, Double> cpuAfter = ProcessCpu.snapshot();
      long loadEnd = System.nanoTime();
      long behind = CONSUMERS ? consumersBehind(consumer, admin) : 0;

      List<Long> lagsMillis = new ArrayList<>();
      Instant deadline = Instant.now().plusSeconds(60);
      while (lagsMillis.size() < created && Instant.now().isBefore(deadline)) {
        for (var rec : consumer.poll(Duration.ofMillis(500))) {
          if (rec.key() == null || !rec.key().startsWith(run)) continue;
          Instant committed = Instant.parse(Platform.json(rec.value()).getString("time"));
          lagsMillis.add(rec.timestamp() - committed.toEpochMilli());
          lagOverTime.add(rec.timestamp(), rec.timestamp() - committed.toEpochMilli());
        }
      }

      List<Long> lat = new ArrayList<>(latenciesMicros);
      Collections.sort(lat);
      Collections.sort(lagsMillis);
      System.out.printf(
          "%-28s creates=%d in %.1fs -> %.0f/s, failed=%d, latency p50=%.1fms p99=%.1fms, "
              + "commit->Kafka p50=%dms p99=%dms (%d events seen)%n",
          name,
          created,
          elapsed,
          created / elapsed,
          failures.get(),
          Bench.pct(lat, 50) / 1000.0,
          Bench.pct(lat, 99) / 1000.0,
          Bench.pct(lagsMillis, 50),
          Bench.pct(lagsMillis, 99),
          lagsMillis.size());
      // sustained means the subscribers keep up too, not only that the API answers
      long caughtUp = -2;
      if (CONSUMERS) {
        // caught up with this load: every event on task-events now (this phase's are, unless the
        // wait above ran out) acknowledged; later events (other load on a shared machine) aside
        Map<TopicPartition, Long> target = ends(consumer);
        // at most 180 s, and no longer than STALL seconds without any progress (a subscriber
        // that does not consume at all, e.g. stopped by someone else on a shared machine)
        Poll.Drain drain =
            Poll.untilNone(
                Duration.ofSeconds(180),
                Duration.ofSeconds(STALL),
                Duration.ofMillis(200),
                () -> consumersBehind(consumer, admin, target));
        String notCaughtUp =
            drain.stalled()
                ? "NOT caught up: no progress for " + STALL + " s, " + drain.left() + " left"
                : "NOT caught up within 180 s";
        caughtUp = drain.left() == 0 ? (System.nanoTime() - loadEnd) / 1_000_000 : -1;
        System.out.printf(
            "%-28s subscribers (3 services) were %d task-events behind when the load stopped; %s%n",
            "", behind, caughtUp < 0 ? notCaughtUp : "all caught up " + caughtUp + " ms later");
      } else {
        System.out.printf(
            "%-28s subscribing services stopped (BENCH_CONSUMERS=0): the producing path alone%n",
            "");
      }
      // at full speed the machine is busy with creates only; at a fixed rate idle work would count
      double cpuPerCreate = Double.NaN;
      String cpu = "";
      if (ratePerSecond == 0 && !name.startsWith("warm-up")) {
        cpu = ProcessCpu.perRequest(cpuBefore, cpuAfter, created);
        System.out.printf("%-28s %s%n", "", cpu);
        cpuPerCreate = ProcessCpu.total(cpuBefore, cpuAfter, created);
      }
      return new Phase(
          name,
          ratePerSecond,
          created,
          elapsed,
          failures.get(),
          Bench.pct(lat, 50) / 1000.0,
          Bench.pct(lat, 99) / 1000.0,
          Bench.pct(lagsMillis, 50),
          Bench.pct(lagsMillis, 99),
          lagsMillis.size(),
          behind,
          caughtUp,
          cpuPerCreate,
          cpu,
          startMillis,
          latencyOverTime,
          lagOverTime);
    }
  }

  /** The end offsets of task-events now. */
  private static Map<TopicPartition, Long> ends(KafkaConsumer<String, String> consumer) {
    List<TopicPartition> parts =
        consumer.partitionsFor("task-events").stream()
            .map(i -> new TopicPartition("task-events", i.partition()))
            .toList();
    return consumer.endOffsets(parts);
  }

  /** Events of task-events the subscribing services have not acknowledged yet, summed. */
  private static long consumersBehind(KafkaConsumer<String, String> consumer, Admin admin) {
    return consumersBehind(consumer, admin, ends(consumer));
  }

  /** Events up to {@code end} the subscribing services have not acknowledged yet, summed. */
  private static long consumersBehind(
      KafkaConsumer<String, String> consumer, Admin admin, Map<TopicPartition, Long> end) {
    try {
      List<TopicPartition> parts = List.copyOf(end.keySet());
      long behind = 0;
      for (String group : Bench.SUBSCRIBER_GROUPS) {
        var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        for (TopicPartition tp : parts) {
          var at = committed.get(tp);
          behind += Math.max(0, end.get(tp) - (at == null ? 0 : at.offset()));
        }
      }
      return behind;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("consumer group offsets unavailable: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
