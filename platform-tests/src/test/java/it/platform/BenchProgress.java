package it.platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ./dev bench's progress line: every few seconds the phase, the time since the run and the phase
 * started, and the live rate of what the phase counts (creates, frames, reminders fired...). The
 * benchmarks call {@link #count()}; nothing is printed unless {@link #start} was called (a
 * benchmark run on its own keeps its own output only).
 */
final class BenchProgress {
  private BenchProgress() {}

  private static final AtomicLong COUNT = new AtomicLong();
  private static volatile String phase = "idle";
  private static volatile String unit = "";
  private static volatile long phaseStart = System.nanoTime();
  private static volatile long runStart = System.nanoTime();
  private static volatile boolean started;

  /** Prints a line every {@code everySeconds} from now on (daemon thread). */
  static synchronized void start(int everySeconds) {
    if (started) return;
    started = true;
    runStart = System.nanoTime();
    long[] last = {COUNT.get(), System.nanoTime()};
    String[] lastPhase = {phase};
    ScheduledExecutorService ticks =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-progress");
              t.setDaemon(true);
              return t;
            });
    ticks.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          long c = COUNT.get();
          String p = phase;
          if (!p.equals(lastPhase[0])) { // the counter was reset by the new phase
            last[0] = 0;
            lastPhase[0] = p;
          }
          double rate = (c - last[0]) / ((now - last[1]) / 1e9);
          System.out.printf(
              "[bench %s] %-22s phase %s  %s%n",
              clock(now - runStart),
              p,
              clock(now - phaseStart),
              unit.isEmpty() ? "" : String.format("%,.0f %s/s (%,d so far)", rate, unit, c));
          last[0] = c;
          last[1] = now;
        },
        everySeconds,
        everySeconds,
        TimeUnit.SECONDS);
  }

  /** A new phase: its name and what {@link #count()} counts in it ("" for nothing). */
  static void phase(String name, String counts) {
    COUNT.set(0);
    unit = counts;
    phaseStart = System.nanoTime();
    phase = name;
  }

  static String phase() {
    return phase;
  }

  static void count() {
    COUNT.incrementAndGet();
  }

  /** mm:ss */
  static String clock(long nanos) {
    long s = nanos / 1_000_000_000L;
    return String.format("%02d:%02d", s / 60, s % 60);
  }
}
