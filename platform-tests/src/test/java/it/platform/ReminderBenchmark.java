package it.platform;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Benchmark of reminders on the running platform (not a test; {@code ./dev bench reminders}): tasks
 * with reminders created through the REST API, their reminders due spread over one window; reports
 * how fast they were scheduled, how late they fired (the event's {@code firedAt} and its Kafka
 * record time, each minus the reminder's instant), and how many fired early, never, or twice.
 */
public final class ReminderBenchmark {

  /**
   * The figures: reminders created (and failed creates), the window's first instant, scheduled and
   * how long after the first create the last was, fired (once or more), lateness of {@code firedAt}
   * and of the Kafka record (sorted, ms), early, lost, fired twice, the same event again, CPU per
   * firing (ms, NaN if not measured), and lateness by the reminder's instant (epoch ms).
   */
  record Result(
      int reminders,
      int window,
      int failures,
      double createSeconds,
      long windowStartMillis,
      int scheduled,
      double scheduleSeconds,
      int fired,
      List<Long> firedLateMs,
      List<Long> recordLateMs,
      int early,
      int lost,
      long twice,
      int duplicates,
      double cpuMsPerFiring,
      String cpu,
      BenchStats.Timeline latenessByInstant) {}

  public static void main(String[] args) throws Exception {
    run();
  }

  /** The benchmark with the settings of the system properties (bench.reminders, ...). */
  static Result run() throws Exception {
    int reminders = Integer.parseInt(System.getProperty("bench.reminders", "10000"));
    int window = Integer.parseInt(System.getProperty("bench.window", "60"));
    int lead = Integer.parseInt(System.getProperty("bench.lead", "60"));
    int users = Integer.parseInt(System.getProperty("bench.users", "100"));
    int perTask = 10;
    int tasks = (reminders + perTask - 1) / perTask;
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(lead);
    String run = "rbench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> tokens = new ArrayList<>();
    for (int u = 0; u < users; u++) tokens.add(BenchTokens.token(run + u));

    Map<String, Instant> due = new ConcurrentHashMap<>(); // reminder id -> its instant
    Map<String, Integer> triggered = new HashMap<>();
    Set<String> triggerIds = new HashSet<>();
    int duplicates = 0;
    int early = 0;
    List<Long> firedLateMs = new ArrayList<>();
    List<Long> recordLateMs = new ArrayList<>();
    Set<String> scheduled = new HashSet<>();
    long lastScheduledAt = 0;
    BenchStats.Timeline latenessByInstant = new BenchStats.Timeline();

    // the figures come from the events and their record times, not from when they are read: fetch
    // in batches (a fetch per few records cost this JVM and Kafka ~4 ms of CPU per firing)
    java.util.Properties fetch = new java.util.Properties();
    fetch.put("fetch.min.bytes", "65536");
    fetch.put("fetch.max.wait.ms", "250");
    try (KafkaConsumer<String, String> consumer = Bench.tail("reminder-events", fetch)) {
      URI uri = URI.create(Platform.app("task-service") + "/api/v1/tasks");
      AtomicInteger next = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      long createStart = System.currentTimeMillis();
      BenchProgress.phase("reminders: create", "tasks");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (int c = 0; c < 8; c++) {
        pool.submit(
            () -> {
              try (BenchHttp http = new BenchHttp(uri)) {
                for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                  StringBuilder body =
                      new StringBuilder("{\"title\":\"reminder bench ")
                          .append(t)
                          .append("\",\"reminders\":[");
                  List<String> ids = new ArrayList<>();
                  for (int r = 0; r < perTask && t * perTask + r < reminders; r++) {
                    int n = t * perTask + r;
                    Instant at = start.plusMillis((long) n * window * 1000 / reminders);
                    String id = UUID.randomUUID().toString();
                    ids.add(id);
                    due.put(id, at);
                    if (r > 0) body.append(',');
                    body.append("{\"id\":\"")
                        .append(id)
                        .append("\",\"at\":\"")
                        .append(at)
                        .append("\"}");
                  }
                  body.append("]}");
                  int status = http.post(tokens.get(t % tokens.size()), body.toString());
                  if (status != 201) {
                    failures.incrementAndGet();
                    ids.forEach(due::remove);
                  } else {
                    BenchProgress.count();
                  }
                }
              } catch (Exception e) {
                failures.incrementAndGet();
              }
              return null;
            });
      }
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.MINUTES);
      long createMs = System.currentTimeMillis() - createStart;
      System.out.printf(
          "%-28s %d tasks with %d reminders created in %.1f s (%d failed); window %s + %d s%n",
          "create", tasks, due.size(), createMs / 1000.0, failures.get(), start, window);

      Instant end = start.plusSeconds(window).plusSeconds(60);
      BenchProgress.phase("reminders: fire", "reminders fired");
      long lastProgress = 0;
      // CPU from the first instant on: the firings (scheduling is over by then, or it is late)
      java.util.Map<String, Double> cpuAtStart = null;
      int firedAtStart = 0;
      while (Instant.now().isBefore(end) && triggered.size() < due.size()) {
        if (cpuAtStart == null && !Instant.now().isBefore(start)) {
          cpuAtStart = ProcessCpu.snapshot();
          firedAtStart = triggered.size();
        }
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(500))) {
          JsonObject e = Platform.json(rec.value());
          String id = e.getJsonObject("data").getString("reminderId", "");
          Instant at = due.get(id);
          if (at == null) continue;
          switch (e.getString("type")) {
            case "com.todo.reminder.scheduled.v1" -> {
              if (scheduled.add(id)) lastScheduledAt = Math.max(lastScheduledAt, rec.timestamp());
            }
            case "com.todo.reminder.triggered.v1" -> {
              if (!triggerIds.add(e.getString("id"))) {
                duplicates++;
                continue;
              }
              triggered.merge(id, 1, Integer::sum);
              Instant firedAt = Instant.parse(e.getJsonObject("data").getString("firedAt"));
              if (firedAt.isBefore(at)) early++;
              firedLateMs.add(Duration.between(at, firedAt).toMillis());
              recordLateMs.add(rec.timestamp() - at.toEpochMilli());
              latenessByInstant.add(at.toEpochMilli(), Duration.between(at, firedAt).toMillis());
              BenchProgress.count();
            }
            default -> {}
          }
        }
        if (System.currentTimeMillis() - lastProgress > 5000) {
          lastProgress = System.currentTimeMillis();
          System.out.printf(
              "%-28s scheduled %d, fired %d of %d%n",
              "  progress", scheduled.size(), triggered.size(), due.size());
        }
      }
      java.util.Map<String, Double> cpuAtEnd = ProcessCpu.snapshot();
      long twice = triggered.values().stream().filter(n -> n > 1).count();
      int lost = due.size() - triggered.size();
      double scheduleSeconds =
          scheduled.isEmpty() ? Double.NaN : (lastScheduledAt - createStart) / 1000.0;
      System.out.printf(
          "%-28s %d reminders scheduled in %.1f s after the first create: %.0f/s%n",
          "scheduling", scheduled.size(), scheduleSeconds, scheduled.size() / scheduleSeconds);
      Collections.sort(firedLateMs);
      Collections.sort(recordLateMs);
      System.out.printf(
          "%-28s firedAt - instant p50 %d ms, p99 %d ms, max %d ms; Kafka record - instant p50 %d ms, p99 %d ms, max %d ms%n",
          "lateness",
          Bench.pct(firedLateMs, 50),
          Bench.pct(firedLateMs, 99),
          Bench.pct(firedLateMs, 100),
          Bench.pct(recordLateMs, 50),
          Bench.pct(recordLateMs, 99),
          Bench.pct(recordLateMs, 100));
      System.out.printf(
          "%-28s early %d, lost %d, fired twice %d (the same event again: %d)%n",
          "accuracy", early, lost, twice, duplicates);
      String cpu = "";
      double cpuPerFiring = Double.NaN;
      if (cpuAtStart != null) {
        cpu =
            ProcessCpu.perRequest(
                cpuAtStart, cpuAtEnd, triggered.size() - firedAtStart, "reminder fired");
        cpuPerFiring = ProcessCpu.total(cpuAtStart, cpuAtEnd, triggered.size() - firedAtStart);
        System.out.printf("%-28s %s%n", "firing", cpu);
      }
      return new Result(
          due.size(),
          window,
          failures.get(),
          createMs / 1000.0,
          start.toEpochMilli(),
          scheduled.size(),
          scheduleSeconds,
          triggered.size(),
          firedLateMs,
          recordLateMs,
          early,
          lost,
          twice,
          duplicates,
          cpuPerFiring,
          cpu,
          latenessByInstant);
    }
  }
}
