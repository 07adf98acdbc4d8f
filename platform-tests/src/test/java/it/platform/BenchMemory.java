package it.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Memory of the parts of ./dev status, as it counts it: each part's process (its pid file in {@code
 * .dev/run}) and all its descendants, PSS from {@code /proc/<pid>/smaps_rollup} and RSS from {@code
 * /proc/<pid>/status}, in KiB. Sampled once a second by ./dev bench: the idle figure before the
 * load, the peak per phase while it runs.
 */
final class BenchMemory {
  private BenchMemory() {}

  /** The parts in ./dev status's order. */
  static final List<String> PARTS =
      List.of(
          "kafka",
          "redis",
          "postgres",
          "scheduler",
          "task-service",
          "daprd-task-service",
          "notification-service",
          "daprd-notification-service",
          "recurring-service",
          "daprd-recurring-service",
          "realtime-service",
          "daprd-realtime-service");

  /** PSS and RSS of one part, KiB. */
  record Usage(long pssKb, long rssKb) {}

  /** Every running part's usage now (a stopped part is absent). */
  static Map<String, Usage> sample(Path devDir) {
    List<Procs.Proc> procs = Procs.all();
    if (procs.isEmpty()) return Map.of();
    Map<Long, List<Long>> children = new HashMap<>();
    for (Procs.Proc p : procs) {
      children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
    }
    Map<String, Usage> out = new LinkedHashMap<>();
    for (String part : PARTS) {
      long pid;
      try {
        pid = Long.parseLong(Files.readString(devDir.resolve("run/" + part + ".pid")).trim());
      } catch (IOException | NumberFormatException none) {
        continue;
      }
      if (!Files.exists(Path.of("/proc/" + pid))) continue;
      long pss = 0;
      long rss = 0;
      List<Long> todo = new ArrayList<>(List.of(pid));
      while (!todo.isEmpty()) {
        long p = todo.remove(todo.size() - 1);
        todo.addAll(children.getOrDefault(p, List.of()));
        pss += field(Path.of("/proc/" + p + "/smaps_rollup"), "Pss:");
        rss += field(Path.of("/proc/" + p + "/status"), "VmRSS:");
      }
      out.put(part, new Usage(pss, rss));
    }
    return out;
  }

  /** The KiB figure of the line starting with {@code name}; 0 if there is none. */
  private static long field(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(name)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | RuntimeException gone) {
      // ended meanwhile
    }
    return 0;
  }

  /**
   * Between two samples of a phase. A sample reads the status of every process and the smaps of the
   * platform's: about 50 ms of CPU, so at one a second the sampler took 5 % of a core from the
   * platform it measures; memory changes slowly enough for one every 5 s.
   */
  static final long EVERY_MS = 5_000;

  /** The sampler's thread (a daemon). */
  private static final ScheduledExecutorService TICKS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-memory");
            t.setDaemon(true);
            return t;
          });

  /** Peaks per phase, fed one sample every {@link #EVERY_MS} by a daemon thread. */
  static final class Sampler {
    private final Path devDir;
    private final Map<String, Usage> idle = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> peakPss = new LinkedHashMap<>();
    private final Map<String, Long> peakTotal = new LinkedHashMap<>();
    private final Map<String, Long> peakRss = new HashMap<>();
    private final List<double[]> totalOverTime = new ArrayList<>();
    private final long origin = System.currentTimeMillis();
    private volatile String phase;
    private volatile ScheduledFuture<?> sampling;

    Sampler(Path devDir) {
      this.devDir = devDir;
    }

    /** The idle figure: the average of {@code n} samples a second apart. */
    void idle(int n) throws InterruptedException {
      Map<String, long[]> sums = new java.util.concurrent.ConcurrentHashMap<>();
      CountDownLatch taken = new CountDownLatch(n);
      ScheduledFuture<?> sampling =
          TICKS.scheduleAtFixedRate(
              () -> {
                if (taken.getCount() == 0) return;
                sample(devDir)
                    .forEach(
                        (part, u) -> {
                          long[] s = sums.computeIfAbsent(part, k -> new long[3]);
                          s[0] += u.pssKb();
                          s[1] += u.rssKb();
                          s[2]++;
                        });
                taken.countDown();
              },
              0,
              1,
              TimeUnit.SECONDS);
      try {
        if (!taken.await(n + 30L, TimeUnit.SECONDS)) {
          System.out.println("memory: " + taken.getCount() + " idle samples not taken in time");
        }
      } finally {
        sampling.cancel(false);
      }
      synchronized (this) {
        sums.forEach((part, s) -> idle.put(part, new Usage(s[0] / s[2], s[1] / s[2])));
      }
    }

    /** From now on samples count for {@code name}. */
    synchronized void phase(String name) {
      phase = name;
      peakPss.putIfAbsent(name, new LinkedHashMap<>());
      peakTotal.putIfAbsent(name, 0L);
    }

    void start() {
      sampling =
          TICKS.scheduleWithFixedDelay(
              () -> record(sample(devDir)), 0, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    void stop() {
      if (sampling != null) sampling.cancel(false);
    }

    private synchronized void record(Map<String, Usage> now) {
      long total = now.values().stream().mapToLong(Usage::pssKb).sum();
      totalOverTime.add(
          new double[] {(System.currentTimeMillis() - origin) / 1000.0, total / 1024.0});
      now.forEach((part, u) -> peakRss.merge(part, u.rssKb(), Math::max));
      if (phase == null) return;
      Map<String, Long> peaks = peakPss.get(phase);
      now.forEach((part, u) -> peaks.merge(part, u.pssKb(), Math::max));
      peakTotal.merge(phase, total, Math::max);
    }

    /** The table of the report. */
    synchronized BenchReportWriter.Memory table() {
      List<String> phases = new ArrayList<>(peakPss.keySet());
      List<BenchReportWriter.MemRow> rows = new ArrayList<>();
      for (String part : PARTS) {
        Usage i = idle.get(part);
        long[] peaks = new long[phases.size()];
        for (int k = 0; k < phases.size(); k++)
          peaks[k] = peakPss.get(phases.get(k)).getOrDefault(part, -1L);
        rows.add(
            new BenchReportWriter.MemRow(
                part,
                i == null ? -1 : i.pssKb(),
                i == null ? -1 : i.rssKb(),
                peaks,
                peakRss.getOrDefault(part, -1L)));
      }
      long[] totals = phases.stream().mapToLong(p -> peakTotal.getOrDefault(p, 0L)).toArray();
      return new BenchReportWriter.Memory(
          phases, rows, idle.values().stream().mapToLong(Usage::pssKb).sum(), totals);
    }

    /** Total PSS (MiB) over the run: {@code [seconds, MiB]}. */
    synchronized List<double[]> totalOverTime() {
      return new ArrayList<>(totalOverTime);
    }

    /** The parts' idle usage. */
    synchronized Map<String, Usage> idleUsage() {
      return new LinkedHashMap<>(idle);
    }

    /** The peak PSS of each part over all phases, KiB. */
    synchronized Map<String, Long> peakPssOverall() {
      Map<String, Long> out = new LinkedHashMap<>();
      peakPss.values().forEach(m -> m.forEach((part, k) -> out.merge(part, k, Math::max)));
      return out;
    }
  }
}
