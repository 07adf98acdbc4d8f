package com.todo.realtime.interfaces.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConnectionsTest {

  private static Connection of(Hub hub, String user) {
    return new Connection(user, Instant.MAX, null, hub, null, 8);
  }

  @Test
  void theCountFollowsAddsAndRemovesAndARemovalTwiceCountsOnce() {
    Hub hub = new Hub(Runnable::run, Runnable::run, Runnable::run, code -> {});
    Connection a = of(hub, "ann"), b = of(hub, "ann"), c = of(hub, "bob");
    hub.add(a);
    hub.add(b);
    hub.add(c);
    hub.add(c);
    assertEquals(3, hub.count());
    // a server close removes it, then the container's onClose removes it again
    hub.remove(a);
    hub.remove(a);
    assertEquals(2, hub.count());
    hub.remove(b);
    hub.remove(c);
    assertEquals(0, hub.count());
    assertFalse(hub.has("ann"));
    hub.add(a);
    assertEquals(1, hub.count());
  }

  /**
   * Upgrades let in count against the limit until their connection opens (then as open), fails or
   * has not opened for the reservation's lifetime: upgrades at the same moment cannot pass it.
   */
  @Test
  void upgradesLetInCountAgainstTheLimitUntilTheyOpenFailOrExpire() {
    Hub hub = new Hub(Runnable::run, Runnable::run, Runnable::run, code -> {});
    Connection open = of(hub, "ann"), a = of(hub, "ann"), b = of(hub, "bob"), c = of(hub, "cy");
    hub.add(open);
    long now = 1_000_000;
    assertTrue(hub.reserve(a, 3, now));
    assertTrue(hub.reserve(b, 3, now));
    assertFalse(hub.reserve(c, 3, now), "one open and two on their way: full");

    hub.add(a);
    assertEquals(2, hub.count());
    assertEquals(1, hub.reservedCount(), "opened: counted once, as open");
    assertFalse(hub.reserve(c, 3, now));

    hub.release(b);
    assertTrue(hub.reserve(c, 3, now), "a failed upgrade frees its place");

    // c's client went away before its connection opened: its place is freed after the TTL
    Connection d = of(hub, "dan");
    assertFalse(hub.reserve(d, 3, now + Hub.RESERVATION_TTL_MS));
    assertTrue(hub.reserve(d, 3, now + Hub.RESERVATION_TTL_MS + 1));
  }

  @Test
  void theLimitIsTheConfiguredOneElseWhatTheHeapHoldsBesidesItsBase() {
    assertEquals(7, Connections.limitFor(7, 128L << 20));
    // (128 MiB - 64 MiB) / 40 KiB, and (256 MiB - 64 MiB) / 40 KiB
    assertEquals(1638, Connections.limitFor(0, 128L << 20));
    assertEquals(4915, Connections.limitFor(0, 256L << 20));
    // a heap smaller than the base still takes a connection
    assertEquals(1, Connections.limitFor(0, 32L << 20));
  }
}
