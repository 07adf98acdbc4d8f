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
  void aDrainEndsAtNoneLeft() {
    AtomicInteger left = new AtomicInteger(3);
    Poll.Drain d =
        Poll.untilNone(
            Duration.ofMinutes(1),
            Duration.ofMinutes(1),
            Duration.ofMillis(1),
            left::getAndDecrement);
    assertEquals(new Poll.Drain(0, false), d);
  }

  @Test
  void aDrainWithoutProgressGivesUpAsStalled() {
    Poll.Drain d =
        Poll.untilNone(Duration.ofMinutes(1), Duration.ofMillis(30), Duration.ofMillis(5), () -> 7);
    assertEquals(new Poll.Drain(7, true), d);
  }

  @Test
  void aDrainThatRunsOutOfTimeIsNotStalled() {
    AtomicInteger left = new AtomicInteger(1_000_000);
    Poll.Drain d =
        Poll.untilNone(
            Duration.ofMillis(50),
            Duration.ofMinutes(1),
            Duration.ofMillis(5),
            left::decrementAndGet);
    assertFalse(d.stalled());
    assertTrue(d.left() > 0, "still left: " + d.left());
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
