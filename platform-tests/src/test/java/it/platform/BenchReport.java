package it.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./dev bench [creates|realtime|reminders|recurring]}: runs the benchmarks (every phase, or
 * the one named) against the running platform, one after the other, each after the subscribers
 * caught up with the previous one; then Kafka's own producer on the same broker as the physical
 * reference. Samples every part's memory every 5 s, prints a progress line every few seconds, and
 * writes {@code .dev/bench/<UTC timestamp>/report.md} with PNG plots beside it (see
 * BenchReportWriter). The settings are the benchmarks' system properties (platform/lib/bench.sh).
 */
public final class BenchReport {
  private BenchReport() {}

  static final List<String> PHASES = List.of("creates", "realtime", "reminders", "recurring");

  /** What one run measured; a phase that did not run is null. */
  record Results(
      CreateBenchmark.Result creates,
      RealtimeBenchmark.Result realtime,
      ReminderBenchmark.Result reminders,
      RecurringBenchmark.Result recurring,
      BenchRawKafka.Result rawFull,
      BenchRawKafka.Result rawFixed,
      int rawFixedRate) {}

  public static void main(String[] args) throws Exception {
    List<String> phases = args.length == 0 || args[0].equals("all") ? PHASES : List.of(args[0]);
    if (!PHASES.containsAll(phases))
      throw new IllegalArgumentException("phases: " + PHASES + " or none for all");
    Instant started = Instant.now();
    String given = settings();
    // every phase in about 10 minutes: a shorter warm-up than the creates phase's own 120 s
    if (phases.size() > 1 && System.getProperty("bench.warmup") == null)
      System.setProperty("bench.warmup", "60");
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(started);
    Path dir = Platform.DEV.resolve("bench").resolve(stamp);
    long t0 = System.nanoTime();
    String load = Files.readString(Path.of("/proc/loadavg")).trim();

    Tee tee = Tee.install();
    BenchProgress.start(Integer.getInteger("bench.progress", 5));
    BenchMemory.Sampler memory = new BenchMemory.Sampler(Platform.DEV);
    BenchProgress.phase("idle (memory)", "");
    awaitSubscribers("before the run");
    memory.idle(Integer.getInteger("bench.idle", 5));
    memory.start();

    Map<String, List<String>> output = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    Map<String, Double> took = new LinkedHashMap<>();
    CreateBenchmark.Result creates = null;
    RealtimeBenchmark.Result realtime = null;
    ReminderBenchmark.Result reminders = null;
    RecurringBenchmark.Result recurring = null;
    for (String phase : phases) {
      long p0 = System.nanoTime();
      say("phase " + phase);
      memory.phase(phase);
      tee.reset();
      // a phase that fails (a part restarted under it, on this shared machine) is reported as such
      // and the others still run
      try {
        switch (phase) {
          case "creates" -> creates = CreateBenchmark.run();
          case "realtime" -> realtime = RealtimeBenchmark.run();
          case "reminders" -> reminders = ReminderBenchmark.run();
          case "recurring" -> recurring = RecurringBenchmark.run();
          default -> throw new IllegalStateException(phase);
        }
      } catch (Exception | AssertionError e) {
        System.out.println("PHASE FAILED: " + e);
        failed.add(phase + " (" + e + ")");
      }
      output.put(phase, tee.lines());
      BenchProgress.phase(phase + ": catching up", "");
      awaitSubscribers("after " + phase);
      took.put(phase, (System.nanoTime() - p0) / 1e9);
    }

    long r0 = System.nanoTime();
    say("raw Kafka producer (reference)");
    memory.phase("raw Kafka");
    tee.reset();
    Path libs = Path.of(System.getProperty("bench.kafka-libs", ""));
    long rawRecords = Long.getLong("bench.raw-records", 300_000);
    int rawRate = Integer.getInteger("bench.raw-rate", 100);
    int rawSeconds = Integer.getInteger("bench.raw-seconds", 10);
    BenchProgress.phase("raw Kafka, full speed", "");
    Optional<BenchRawKafka.Result> rawFull = BenchRawKafka.run(libs, rawRecords, -1);
    rawFull.ifPresentOrElse(
        r -> System.out.println("full speed: " + r.line()),
        () -> System.out.println("full speed: ProducerPerformance gave no summary"));
    BenchProgress.phase("raw Kafka, " + rawRate + "/s", "");
    Optional<BenchRawKafka.Result> rawFixed =
        BenchRawKafka.run(libs, (long) rawRate * rawSeconds, rawRate);
    rawFixed.ifPresentOrElse(
        r -> System.out.println(rawRate + "/s: " + r.line()),
        () -> System.out.println(rawRate + "/s: ProducerPerformance gave no summary"));
    output.put("raw", tee.lines());
    took.put("raw Kafka", (System.nanoTime() - r0) / 1e9);
    memory.stop();
    tee.uninstall();

    Results results =
        new Results(
            creates,
            realtime,
            reminders,
            recurring,
            rawFull.orElse(null),
            rawFixed.orElse(null),
            rawRate);
    double wall = (System.nanoTime() - t0) / 1e9;
    List<String> about = new ArrayList<>();
    about.add(
        "command: `"
            + (given + " ./dev bench" + (args.length == 0 ? "" : " " + args[0])).trim()
            + "`");
    about.add(
        "started "
            + started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + ", wall time "
            + clock(wall)
            + " ("
            + Math.round(wall)
            + " s)");
    about.add(
        "time per phase, with the wait for the subscribers after it: "
            + took.entrySet().stream()
                .map(e -> e.getKey() + " " + clock(e.getValue()))
                .collect(Collectors.joining(", ")));
    about.add(
        "commit "
            + git("rev-parse", "--short", "HEAD")
            + (git("status", "--porcelain").isEmpty() ? "" : " (working tree with local changes)"));
    about.add(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + memTotal()
            + "; load average at the start: "
            + load);
    about.add(
        "every phase runs after the subscribing services caught up with the previous one, with"
            + " fresh users; CPU figures include the load generator (this JVM)");
    if (!failed.isEmpty())
      about.add("**phases that failed** (no figures): " + String.join("; ", failed));
    BenchReportWriter.Report report = build(results, output, memory, about);
    Path md = BenchReportWriter.write(report, dir);
    System.out.println();
    System.out.println("report: " + Platform.ROOT.relativize(md) + " (" + clock(wall) + ")");
    System.exit(failed.isEmpty() ? 0 : 1);
  }

  // ---------------------------------------------------------------------------------------------
  // the report from the results (no platform access: BenchReportTest calls it with fixed values)

  static BenchReportWriter.Report build(
      Results r, Map<String, List<String>> output, BenchMemory.Sampler memory, List<String> about) {
    List<BenchReportWriter.Row> rows = new ArrayList<>();
    List<BenchReportWriter.Section> sections = new ArrayList<>();
    Map<String, List<double[]>> throughput = new LinkedHashMap<>();
    BenchRawKafka.Result raw = r.rawFull();
    BenchRawKafka.Result rawSlow = r.rawFixed();
    String rawSlowName = "the raw producer's send→ack at " + r.rawFixedRate() + "/s";

    if (r.creates() != null) {
      CreateBenchmark.Phase full = r.creates().full();
      CreateBenchmark.Phase fixed = r.creates().fixed();
      rows.add(
          new BenchReportWriter.Row(
              "task creates/s at full speed (POST /api/v1/tasks, " + full.name() + ")",
              String.format(
                  Locale.ROOT,
                  "**%s/s** (%,d in %.1f s, %,d failed); latency p50 %s, p99 %s; %s CPU per create;"
                      + " subscribers %s",
                  num(full.perSecond()),
                  full.created(),
                  full.seconds(),
                  full.failures(),
                  msf(full.latencyP50()),
                  msf(full.latencyP99()),
                  Double.isNaN(full.cpuMsPerCreate()) ? "–" : msf(full.cpuMsPerCreate()),
                  caughtUp(full)),
              raw == null ? "" : percentOf(full.perSecond(), raw.perSecond())));
      rows.add(
          new BenchReportWriter.Row(
              "task creates at a fixed 100/s",
              String.format(
                  Locale.ROOT,
                  "%s/s (%,d in %.1f s, %,d failed); latency p50 %s, p99 %s; subscribers %s",
                  num(fixed.perSecond()),
                  fixed.created(),
                  fixed.seconds(),
                  fixed.failures(),
                  msf(fixed.latencyP50()),
                  msf(fixed.latencyP99()),
                  caughtUp(fixed)),
              ""));
      rows.add(
          new BenchReportWriter.Row(
              "commit→Kafka lag at a fixed 100/s (event time → record time)",
              String.format(
                  Locale.ROOT,
                  "**p50 %s, p99 %s** (%,d events)",
                  ms(fixed.lagP50()),
                  ms(fixed.lagP99()),
                  fixed.lagsSeen()),
              rawSlow == null ? "" : times(fixed.lagP50(), fixed.lagP99(), rawSlow, rawSlowName)));
      Map<String, List<double[]>> lat = new LinkedHashMap<>();
      for (CreateBenchmark.Phase p : List.of(fixed, full)) {
        String n = p.rate() > 0 ? p.rate() + "/s" : "full speed";
        List<BenchStats.Second> req = BenchStats.perSecond(p.latency().points(), p.startMillis());
        List<BenchStats.Second> lag = BenchStats.perSecond(p.lag().points(), p.startMillis());
        lat.put(n + ": request p50", col(req, BenchStats.Second::p50));
        lat.put(n + ": request p99", col(req, BenchStats.Second::p99));
        lat.put(n + ": commit→Kafka p50", col(lag, BenchStats.Second::p50));
        lat.put(n + ": commit→Kafka p99", col(lag, BenchStats.Second::p99));
        throughput.put("creates/s at " + n, BenchStats.rate(p.latency().points(), p.startMillis()));
      }
      sections.add(
          new BenchReportWriter.Section(
              "Task creates",
              output.getOrDefault("creates", List.of()),
              List.of(
                  new BenchReportWriter.Lines(
                      "latency-creates.png",
                      "Task creates: latency per second (fixed 100/s, then full speed)",
                      "seconds since the phase started",
                      "ms",
                      true,
                      lat))));
    }

    if (r.realtime() != null) {
      RealtimeBenchmark.Result rt = r.realtime();
      List<Long> l = rt.latencyMs();
      rows.add(
          new BenchReportWriter.Row(
              "commit→WebSocket frame with "
                  + count(rt.connections())
                  + " open connections (event time → frame received)",
              String.format(
                  Locale.ROOT,
                  "**p50 %s, p99 %s**, max %s; %,d creates at %s/s reached (%d failed); %,d of %,d"
                      + " frames, %d seen twice; commit→Kafka p50 %s p99 %s, Kafka→first frame"
                      + " p50 %s p99 %s",
                  ms(Bench.pct(l, 50)),
                  ms(Bench.pct(l, 99)),
                  ms(Bench.pct(l, 100)),
                  rt.created(),
                  num(rt.created() / rt.loadSeconds()),
                  rt.failures(),
                  rt.received(),
                  rt.expected(),
                  rt.duplicates(),
                  ms(rt.toKafkaP50()),
                  ms(rt.toKafkaP99()),
                  ms(rt.kafkaToFrameP50()),
                  ms(rt.kafkaToFrameP99())),
              rawSlow == null
                  ? ""
                  : times(Bench.pct(l, 50), Bench.pct(l, 99), rawSlow, rawSlowName)));
      rows.add(
          new BenchReportWriter.Row(
              "realtime-service memory per WebSocket connection",
              String.format(
                  Locale.ROOT,
                  "RSS %.1f KiB%s",
                  (rt.rssOpenKb() - rt.rssBeforeKb()) / (double) Math.max(1, rt.connections()),
                  rt.heapBefore() > 0 && rt.heapOpen() > 0
                      ? String.format(
                          Locale.ROOT,
                          ", live heap %.1f KiB",
                          (rt.heapOpen() - rt.heapBefore())
                              / 1024.0
                              / Math.max(1, rt.connections()))
                      : ""),
              ""));
      List<BenchStats.Second> s = BenchStats.perSecond(rt.frames().points(), rt.loadStartMillis());
      Map<String, List<double[]>> lat = new LinkedHashMap<>();
      lat.put("p50", col(s, BenchStats.Second::p50));
      lat.put("p99", col(s, BenchStats.Second::p99));
      lat.put("max", col(s, BenchStats.Second::max));
      throughput.put(
          "WebSocket frames/s ÷ " + Math.max(1, rt.expected() / Math.max(1, rt.created())),
          scale(
              BenchStats.rate(rt.frames().points(), rt.loadStartMillis()),
              1.0 / Math.max(1, rt.expected() / Math.max(1, rt.created()))));
      sections.add(
          new BenchReportWriter.Section(
              "WebSocket push (realtime-service)",
              output.getOrDefault("realtime", List.of()),
              List.of(
                  new BenchReportWriter.Lines(
                      "latency-realtime.png",
                      "Commit → WebSocket frame, per second of arrival",
                      "seconds since the creates started",
                      "ms",
                      true,
                      lat))));
    }

    if (r.reminders() != null) {
      ReminderBenchmark.Result rm = r.reminders();
      List<BenchStats.Point> pts = rm.latenessByInstant().points();
      double lastFired =
          pts.stream().mapToDouble(p -> p.atMillis() + p.ms()).max().orElse(rm.windowStartMillis());
      double firingSeconds = Math.max(1e-3, (lastFired - rm.windowStartMillis()) / 1000.0);
      double firedPerSecond = rm.fired() / firingSeconds;
      rows.add(
          new BenchReportWriter.Row(
              "reminder lateness, "
                  + count(rm.reminders())
                  + " reminders due within "
                  + rm.window()
                  + " s (firedAt − instant)",
              String.format(
                  Locale.ROOT,
                  "**p50 %s, p99 %s, max %s**; early %d, lost %d, fired twice %d (the same event"
                      + " again: %d); Kafka record − instant p99 %s",
                  ms(Bench.pct(rm.firedLateMs(), 50)),
                  ms(Bench.pct(rm.firedLateMs(), 99)),
                  ms(Bench.pct(rm.firedLateMs(), 100)),
                  rm.early(),
                  rm.lost(),
                  rm.twice(),
                  rm.duplicates(),
                  ms(Bench.pct(rm.recordLateMs(), 99))),
              ""));
      rows.add(
          new BenchReportWriter.Row(
              "reminders fired/s (first instant → last firing) and scheduled/s",
              String.format(
                  Locale.ROOT,
                  "%s/s fired (%,d in %.1f s); %s/s scheduled (%,d in %.1f s after the first"
                      + " create); %s CPU per firing",
                  num(firedPerSecond),
                  rm.fired(),
                  firingSeconds,
                  num(rm.scheduled() / Math.max(1e-3, rm.scheduleSeconds())),
                  rm.scheduled(),
                  rm.scheduleSeconds(),
                  Double.isNaN(rm.cpuMsPerFiring()) ? "–" : msf(rm.cpuMsPerFiring())),
              raw == null ? "" : percentOf(firedPerSecond, raw.perSecond()) + " (fired)"));
      List<BenchStats.Bucket> hist =
          BenchStats.histogram(rm.firedLateMs(), BenchStats.LATENESS_BOUNDS);
      List<BenchStats.Second> byInstant = BenchStats.perSecond(pts, rm.windowStartMillis());
      Map<String, List<double[]>> late = new LinkedHashMap<>();
      late.put("p50", col(byInstant, BenchStats.Second::p50));
      late.put("p99", col(byInstant, BenchStats.Second::p99));
      late.put("max", col(byInstant, BenchStats.Second::max));
      throughput.put(
          "reminders fired/s (from the window's start)",
          BenchStats.rate(
              pts.stream().map(p -> new BenchStats.Point(p.atMillis() + (long) p.ms(), 0)).toList(),
              rm.windowStartMillis()));
      sections.add(
          new BenchReportWriter.Section(
              "Reminders",
              output.getOrDefault("reminders", List.of()),
              List.of(
                  new BenchReportWriter.Bars(
                      "reminder-lateness-histogram.png",
                      "Reminder lateness (firedAt − instant), "
                          + count(rm.fired())
                          + " reminders fired",
                      "lateness",
                      "reminders",
                      hist.stream().map(BenchStats.Bucket::label).toList(),
                      BenchReportWriter.one(
                          "reminders", hist.stream().map(b -> (double) b.count()).toList())),
                  new BenchReportWriter.Lines(
                      "reminder-lateness-over-time.png",
                      "Reminder lateness by the second the reminder was due",
                      "seconds since the window started",
                      "ms late",
                      true,
                      late))));
    }

    if (r.recurring() != null) {
      RecurringBenchmark.Result rc = r.recurring();
      List<Long> l = rc.latencyMs();
      rows.add(
          new BenchReportWriter.Row(
              "completion→next occurrence (recurring series: POST …/complete → task-generated on"
                  + " Kafka)",
              String.format(
                  Locale.ROOT,
                  "**p50 %s, p99 %s**, max %s; %s occurrences/s (%,d of %,d completions of %d"
                      + " series, %d failed); generated twice %d, never %d",
                  ms(Bench.pct(l, 50)),
                  ms(Bench.pct(l, 99)),
                  ms(Bench.pct(l, 100)),
                  num(rc.perSecond()),
                  rc.generated(),
                  rc.sent(),
                  rc.series(),
                  rc.failures(),
                  rc.twice(),
                  rc.sent() - rc.generated()),
              (raw == null ? "" : percentOf(rc.perSecond(), raw.perSecond()) + " (occurrences)")
                  + (rawSlow == null
                      ? ""
                      : "; " + times(Bench.pct(l, 50), Bench.pct(l, 99), rawSlow, rawSlowName))));
      List<BenchStats.Second> s = BenchStats.perSecond(rc.latency().points(), rc.startMillis());
      Map<String, List<double[]>> lat = new LinkedHashMap<>();
      lat.put("p50", col(s, BenchStats.Second::p50));
      lat.put("p99", col(s, BenchStats.Second::p99));
      lat.put("max", col(s, BenchStats.Second::max));
      throughput.put(
          "recurring occurrences/s", BenchStats.rate(rc.latency().points(), rc.startMillis()));
      sections.add(
          new BenchReportWriter.Section(
              "Recurring series",
              output.getOrDefault("recurring", List.of()),
              List.of(
                  new BenchReportWriter.Lines(
                      "latency-recurring.png",
                      "Completion → next occurrence, per second of arrival",
                      "seconds since the completions started",
                      "ms",
                      true,
                      lat))));
    }

    BenchReportWriter.Memory mem = memory == null ? null : memory.table();
    if (mem != null) {
      long peak = Arrays.stream(mem.peakTotalPssKb()).max().orElse(0);
      long notIdle = mem.rows().stream().filter(m -> m.idlePssKb() < 0).count();
      rows.add(
          new BenchReportWriter.Row(
              "memory of the platform, PSS (idle before the load / peak during a phase)",
              "**"
                  + BenchReportWriter.mib(mem.idleTotalPssKb())
                  + " MiB** / "
                  + BenchReportWriter.mib(peak)
                  + " MiB (per process below)"
                  + (notIdle == 0
                      ? ""
                      : "; "
                          + notIdle
                          + " parts were not running while idle: the idle total lacks them"),
              ""));
    }
    if (raw != null)
      rows.add(
          new BenchReportWriter.Row(
              "raw Kafka producer, same broker, 1 KiB records, acks=1 (ProducerPerformance)",
              String.format(
                  Locale.ROOT,
                  "**%s records/s** (%,d records; send→ack p50 %s, p99 %s)%s",
                  num(raw.perSecond()),
                  raw.records(),
                  ms(raw.p50Ms()),
                  ms(raw.p99Ms()),
                  rawSlow == null
                      ? ""
                      : String.format(
                          Locale.ROOT,
                          "; at %d/s: send→ack p50 %s, p99 %s",
                          r.rawFixedRate(),
                          ms(rawSlow.p50Ms()),
                          ms(rawSlow.p99Ms()))),
              "1 (the reference)"));
    sections.add(
        new BenchReportWriter.Section(
            "Raw Kafka producer (reference)", output.getOrDefault("raw", List.of()), List.of()));

    List<BenchReportWriter.Chart> overview = new ArrayList<>();
    if (!throughput.isEmpty())
      overview.add(
          new BenchReportWriter.Lines(
              "throughput.png",
              "Throughput per phase, per second",
              "seconds since the phase started",
              "per second",
              false,
              throughput));
    if (mem != null) {
      List<String> parts = new ArrayList<>();
      List<Double> idle = new ArrayList<>();
      List<Double> peak = new ArrayList<>();
      for (BenchReportWriter.MemRow row : mem.rows()) {
        long p = Arrays.stream(row.peakPssKb()).max().orElse(-1);
        if (row.idlePssKb() < 0 && p < 0) continue;
        parts.add(row.part());
        idle.add(Math.max(0, row.idlePssKb()) / 1024.0);
        peak.add(Math.max(0, p) / 1024.0);
      }
      Map<String, List<Double>> bars = new LinkedHashMap<>();
      bars.put("idle", idle);
      bars.put("peak of the run", peak);
      overview.add(
          new BenchReportWriter.Bars(
              "memory.png", "Memory per process, PSS", "", "MiB", parts, bars));
      if (memory != null && !memory.totalOverTime().isEmpty())
        overview.add(
            new BenchReportWriter.Lines(
                "memory-over-time.png",
                "Memory of the platform over the run, PSS",
                "seconds since the run started",
                "MiB",
                false,
                BenchReportWriter.one("all parts", memory.totalOverTime())));
    }
    return new BenchReportWriter.Report("./dev bench report", about, rows, mem, sections, overview);
  }

  private static String caughtUp(CreateBenchmark.Phase p) {
    if (p.caughtUpMs() == -2) return "not running (BENCH_CONSUMERS=0)";
    if (p.caughtUpMs() < 0)
      return String.format(
          Locale.ROOT,
          "%,d events behind, NOT caught up (within 180 s, or no progress for %d s)",
          p.behind(),
          CreateBenchmark.STALL);
    return String.format(
        Locale.ROOT,
        "%,d events behind, caught up %.1f s later",
        p.behind(),
        p.caughtUpMs() / 1000.0);
  }

  private static List<double[]> col(
      List<BenchStats.Second> seconds, java.util.function.ToDoubleFunction<BenchStats.Second> f) {
    return seconds.stream().map(s -> new double[] {s.second(), f.applyAsDouble(s)}).toList();
  }

  private static List<double[]> scale(List<double[]> points, double factor) {
    return points.stream().map(p -> new double[] {p[0], p[1] * factor}).toList();
  }

  /** "0.81 % of 41,730/s" */
  static String percentOf(double value, double reference) {
    if (reference <= 0) return "";
    return String.format(Locale.ROOT, "%.2f %% of %s/s", 100 * value / reference, num(reference));
  }

  /** "p50 12×, p99 40× the raw producer's ... (p50 1 ms, p99 3 ms)"; "–" for a 0 reference. */
  static String times(long p50, long p99, BenchRawKafka.Result ref, String refName) {
    return String.format(
        Locale.ROOT,
        "p50 %s, p99 %s %s (p50 %s, p99 %s)",
        ratio(p50, ref.p50Ms()),
        ratio(p99, ref.p99Ms()),
        refName,
        ms(ref.p50Ms()),
        ms(ref.p99Ms()));
  }

  private static String ratio(long value, long reference) {
    if (reference <= 0 || value < 0) return "–";
    double x = value / (double) reference;
    return (x >= 10
            ? String.format(Locale.ROOT, "%,.0f", x)
            : String.format(Locale.ROOT, "%.1f", x))
        + "×";
  }

  /** 41730.2 → "41,730", 14.26 → "14.3" */
  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return "–";
    return Math.abs(v) >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  /** 1000 → "1,000" */
  static String count(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  /** whole ms, or seconds above 10 s; "–" for -1 (not measured) */
  static String ms(long v) {
    if (v == -1) return "–";
    if (Math.abs(v) >= 10_000) return String.format(Locale.ROOT, "%.1f s", v / 1000.0);
    return String.format(Locale.ROOT, "%,d ms", v);
  }

  /** "12.34 ms"; "–" for a figure not measured (negative or NaN) */
  static String msf(double v) {
    if (Double.isNaN(v) || v < 0) return "–";
    return String.format(Locale.ROOT, "%.2f ms", v);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s / 60 + " min " + s % 60 + " s";
  }

  // ---------------------------------------------------------------------------------------------
  // the run

  private static void say(String what) {
    System.out.println();
    System.out.println(
        "== "
            + what
            + " ("
            + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + ")");
  }

  /**
   * Waits until the three subscribing services acknowledged everything that was on their topics
   * when the wait began (sum of that end offset − committed offset over their groups' partitions;
   * later events, other load on a shared machine, aside), at most {@code bench.catch-up} (180)
   * seconds and no longer than {@code bench.stall} (30) seconds without progress, then {@code
   * bench.pause} (3) seconds more.
   */
  static void awaitSubscribers(String when) throws InterruptedException {
    if (!CreateBenchmark.CONSUMERS) return; // stopped (BENCH_CONSUMERS=0): nothing to wait for
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA);
    long[] lastSaid = {0};
    Poll.Drain drain = null;
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, Long> target = new java.util.HashMap<>();
      drain =
          Poll.untilNone(
              Duration.ofSeconds(Long.getLong("bench.catch-up", 180)),
              Duration.ofSeconds(CreateBenchmark.STALL),
              Duration.ofMillis(500),
              () -> {
                long behind = behind(admin, target);
                if (behind > 0 && System.nanoTime() - lastSaid[0] > 5_000_000_000L) {
                  System.out.printf("   subscribers %s: %,d events behind%n", when, behind);
                  lastSaid[0] = System.nanoTime();
                }
                return behind;
              });
    } catch (IllegalStateException e) {
      System.out.println("   subscribers' positions unavailable: " + e.getCause());
    }
    if (Thread.interrupted()) throw new InterruptedException();
    if (drain != null && drain.stalled())
      System.out.printf(
          "   subscribers %s: no progress for %d s (a subscriber not consuming?)%n",
          when, CreateBenchmark.STALL);
    if (drain != null && drain.left() > 0)
      System.out.printf(
          "   subscribers %s: still %,d events behind, going on%n", when, drain.left());
    // the next phase starts on a quiet machine: the platform under half a core, at most the pause
    ProcessCpu.awaitQuiet(Duration.ofSeconds(Long.getLong("bench.pause", 3)), 0.5, part -> true);
    if (Thread.interrupted()) throw new InterruptedException();
  }

  /**
   * Events not acknowledged by the subscribing groups up to {@code target}'s offsets, summed; the
   * partitions {@code target} does not have yet get their end offsets now.
   */
  // a failure to read the positions is an IllegalStateException with its cause; an interrupt
  // ends the wait (Poll.until sees it), the caller then throws InterruptedException
  private static long behind(Admin admin, Map<TopicPartition, Long> target) {
    try {
      return behindOrFail(admin, target);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Long.MAX_VALUE;
    }
  }

  private static long behindOrFail(Admin admin, Map<TopicPartition, Long> target)
      throws ExecutionException, InterruptedException {
    long behind = 0;
    for (String group : Bench.SUBSCRIBER_GROUPS) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest =
          offsets.keySet().stream()
              .filter(tp -> !tp.topic().endsWith(".dlq") && !target.containsKey(tp))
              .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      if (!latest.isEmpty()) {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
            admin.listOffsets(latest).all().get();
        ends.forEach((tp, info) -> target.put(tp, info.offset()));
      }
      for (var e : offsets.entrySet()) {
        Long end = target.get(e.getKey());
        if (end != null && e.getValue() != null) behind += Math.max(0, end - e.getValue().offset());
      }
    }
    return behind;
  }

  /** The bench.* settings given, as the environment variables of bench.sh. */
  private static String settings() {
    return System.getProperties().stringPropertyNames().stream()
        .filter(n -> n.startsWith("bench.") && !n.equals("bench.kafka-libs"))
        .sorted()
        .map(
            n ->
                "BENCH_"
                    + n.substring(6).toUpperCase(Locale.ROOT).replace('-', '_')
                    + "="
                    + (n.equals("bench.consumers") ? "0" : System.getProperty(n)))
        .collect(Collectors.joining(" "))
        .trim();
  }

  private static String git(String... args) {
    try {
      List<String> cmd = new ArrayList<>(List.of("git", "-C", Platform.ROOT.toString()));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo")))
        if (line.startsWith("MemTotal:"))
          return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)
              + " GiB";
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "? GiB";
  }

  /** System.out copied into a buffer, so each phase's console output goes into the report too. */
  static final class Tee extends OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    private Tee(PrintStream original) {
      this.original = original;
    }

    static Tee install() {
      Tee t = new Tee(System.out);
      System.setOut(new PrintStream(t, true, StandardCharsets.UTF_8));
      return t;
    }

    void uninstall() {
      System.out.flush();
      System.setOut(original);
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      buffer.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      buffer.write(b, off, len);
    }

    @Override
    public void flush() {
      original.flush();
    }

    synchronized void reset() {
      buffer.reset();
    }

    /** The lines since the last reset, without the progress lines. */
    synchronized List<String> lines() {
      return buffer
          .toString(StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("[bench ") && !l.startsWith("   subscribers"))
          .toList();
    }
  }
}
