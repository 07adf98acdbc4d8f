package it.platform;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

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
  static boolean until(Duration timeout, Duration every, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) return true;
      if (System.nanoTime() - end >= 0 || Thread.currentThread().isInterrupted()) return false;
      LockSupport.parkNanos(Math.min(every.toNanos(), Math.max(0, end - System.nanoTime())));
    }
  }
}
