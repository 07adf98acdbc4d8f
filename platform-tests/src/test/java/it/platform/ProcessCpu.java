package it.platform;

import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time (user + system) of the platform's processes, read from Linux's /proc and grouped by
 * part, so a benchmark can say where each request's CPU went. Empty where there is no /proc.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ). */
  private static final double TICKS_PER_MS = 100 / 1000.0;

  private static final String[] SERVICES = {
    "task-service", "notification-service", "recurring-service", "realtime-service"
  };

  /** Milliseconds of CPU used so far by each part that is running now. */
  static Map<String, Double> snapshot() {
    Map<String, Double> byPart = new TreeMap<>();
    for (Procs.Proc p : Procs.all()) {
      String part = part(p.cmdline());
      if (part == null) continue;
      try {
        double ms = (Long.parseLong(p.stat()[11]) + Long.parseLong(p.stat()[12])) / TICKS_PER_MS;
        byPart.merge(part, ms, Double::sum);
      } catch (RuntimeException unreadable) {
        // not a stat line of this kernel's format
      }
    }
    return byPart;
  }

  private static String part(String cmd) {
    for (String s : SERVICES) {
      if (cmd.contains("ws-server.jar " + s)) return s;
      if (cmd.contains("daprd") && cmd.contains("--app-id " + s + " ")) return "daprd-" + s;
    }
    if (cmd.contains("kafka.Kafka ")) return "kafka";
    if (cmd.contains("it.platform.CreateBenchmark") || cmd.contains("it.platform.BenchReport"))
      return "load generator";
    String exe = cmd.split(" ", 2)[0];
    // the server, and its backends and workers, which rename themselves "postgres: ..."
    if (exe.endsWith("/postgres") || exe.equals("postgres:")) return "postgresql";
    if (exe.endsWith("redis-server")) return "redis";
    if (exe.endsWith("/scheduler")) return "dapr scheduler";
    return null;
  }

  /** Milliseconds of CPU of all parts per request between two snapshots; NaN without /proc. */
  static double total(Map<String, Double> before, Map<String, Double> after, long requests) {
    if (after.isEmpty() || requests == 0) return Double.NaN;
    double total = 0;
    for (var e : after.entrySet()) total += used(before, after, e.getKey());
    return total / requests;
  }

  /** "part: x ms" per request between two snapshots, largest first. */
  static String perRequest(Map<String, Double> before, Map<String, Double> after, long requests) {
    return perRequest(before, after, requests, "create");
  }

  /** "part: x ms" per {@code what} between two snapshots, largest first. */
  static String perRequest(
      Map<String, Double> before, Map<String, Double> after, long requests, String what) {
    if (after.isEmpty()) return "(no /proc here)";
    if (requests == 0) return "(none to divide the CPU time by)";
    StringBuilder out = new StringBuilder();
    double total = 0;
    var parts =
        after.keySet().stream()
            .sorted((a, b) -> Double.compare(used(before, after, b), used(before, after, a)))
            .toList();
    for (String part : parts) {
      double ms = used(before, after, part) / requests;
      total += ms;
      out.append(String.format("%n  %-28s %5.2f ms", part, ms));
    }
    return String.format("%.2f ms of CPU per %s:", total, what) + out;
  }

  /**
   * CPU ms of {@code part} between two snapshots; a part restarted meanwhile (its counter began
   * again) counts what it used since its start, never a negative figure.
   */
  static double used(Map<String, Double> before, Map<String, Double> after, String part) {
    double a = after.getOrDefault(part, 0.0);
    double d = a - before.getOrDefault(part, 0.0);
    return d < 0 ? a : d;
  }

  /**
   * Waits until the parts that {@code parts} accepts used less than {@code cores} of CPU together
   * over half a second, at most {@code most}: whether they did (a quiet platform to measure on).
   */
  static boolean awaitQuiet(
      java.time.Duration most, double cores, java.util.function.Predicate<String> parts) {
    Map<String, Double>[] last = new Map[] {snapshot()};
    long[] at = {System.nanoTime()};
    return Poll.until(
        most,
        java.time.Duration.ofMillis(500),
        () -> {
          Map<String, Double> now = snapshot();
          long t = System.nanoTime();
          double usedMs = 0;
          for (var e : now.entrySet()) {
            if (parts.test(e.getKey())) {
              usedMs += e.getValue() - last[0].getOrDefault(e.getKey(), e.getValue());
            }
          }
          double elapsedMs = (t - at[0]) / 1e6;
          last[0] = now;
          at[0] = t;
          return elapsedMs >= 400 && usedMs / elapsedMs < cores;
        });
  }
}
