package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The harness's wait: reports whether the condition came true instead of failing. */
class PollTest {

  @Test
  void returnsAsSoonAsTheConditionHolds() {
    AtomicInteger checks = new AtomicInteger();
    assertTrue(
        Poll.until(
            Duration.ofMinutes(1), Duration.ofMillis(1), () -> checks.incrementAndGet() == 3));
    assertEquals(3, checks.get());
  }

  @Test
  void reportsAConditionThatNeverHolds() {
    AtomicInteger checks = new AtomicInteger();
    assertFalse(
        Poll.until(
            Duration.ofMillis(50), Duration.ofMillis(10), () -> checks.incrementAndGet() < 0));
    assertTrue(checks.get() >= 2, "checked again before giving up: " + checks.get());
  }

  @Test
  void anInterruptEndsTheWait() {
    Thread.currentThread().interrupt();
    try {
      assertFalse(Poll.until(Duration.ofMinutes(1), Duration.ofSeconds(1), () -> false));
    } finally {
      assertTrue(Thread.interrupted());
    }
  }
}
