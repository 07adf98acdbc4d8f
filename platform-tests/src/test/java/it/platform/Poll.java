package it.platform;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Waiting for a condition where not reaching it is an outcome to report, not a failure (the
 * benchmarks and the chaos harness); tests that assert use {@link Platform#awaitTrue}. Needs none
 * of the platform's environment.
 */
final class Poll {
  private Poll() {}

  /**
   * Checks {@code condition} every {@code every} until it holds or {@code timeout} has passed;
   * whether it held. An interrupt ends the wait early with the condition's value then.
   */
  /** How a {@link #untilNone} wait ended and what was left then. */
  record Drain(long left, boolean stalled) {}

  /**
   * Reads {@code left} every {@code every} until it is 0, {@code timeout} has passed, or it has not
   * gone down for {@code stall} (something that does not progress at all); what was left then, and
   * whether the wait gave up for want of progress.
   */
  static Drain untilNone(Duration timeout, Duration stall, Duration every, LongSupplier left) {
    long[] last = {left.getAsLong()};
    long[] progressAt = {System.nanoTime()};
    boolean[] stalled = {false};
    until(
        timeout,
        every,
        () -> {
          if (last[0] == 0) return true;
          if (System.nanoTime() - progressAt[0] > stall.toNanos()) {
            stalled[0] = true;
            return true;
          }
          long now = left.getAsLong();
          if (now < last[0]) progressAt[0] = System.nanoTime();
          last[0] = now;
          return now == 0;
        });
    return new Drain(last[0], stalled[0]);
  }

  /**
   * Checks {@code condition} every {@code every} for {@code period}: whether it held every time
   * (false as soon as it does not, or when interrupted).
   */
  static boolean holds(Duration period, Duration every, BooleanSupplier condition) {
    boolean[] broke = {false};
    until(
        period,
        every,
        () -> {
          broke[0] = !condition.getAsBoolean();
          return broke[0];
        });
    return !broke[0] && !Thread.currentThread().isInterrupted();
  }

  /**
   * Reads {@code count} every {@code every} until it has not changed for {@code quiet}, at most
   * {@code timeout}: whether it went quiet.
   */
  static boolean quiet(Duration quiet, Duration timeout, Duration every, LongSupplier count) {
    long[] last = {count.getAsLong()};
    long[] changedAt = {System.nanoTime()};
    return until(
        timeout,
        every,
        () -> {
          long now = count.getAsLong();
          if (now != last[0]) {
            last[0] = now;
            changedAt[0] = System.nanoTime();
          }
          return System.nanoTime() - changedAt[0] >= quiet.toNanos();
        });
  }

  static boolean until(Duration timeout, Duration every, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) return true;
      if (System.nanoTime() - end >= 0 || Thread.currentThread().isInterrupted()) return false;
      LockSupport.parkNanos(Math.min(every.toNanos(), Math.max(0, end - System.nanoTime())));
    }
  }
}
