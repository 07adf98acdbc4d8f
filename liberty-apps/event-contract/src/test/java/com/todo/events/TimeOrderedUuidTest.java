package com.todo.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedUuidTest {

  @Test
  void isAVersion7UuidWithTheTimeInItsFirst48Bits() {
    long t = 1_795_000_000_123L;
    UUID id = TimeOrderedUuid.at(t);
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(t, id.getMostSignificantBits() >>> 16);
    assertEquals(id, UUID.fromString(id.toString()));
  }

  @Test
  void laterIdsSortAfterEarlierOnesAndIdsOfOneMillisecondDiffer() {
    UUID earlier = TimeOrderedUuid.at(1_795_000_000_123L);
    UUID later = TimeOrderedUuid.at(1_795_000_000_124L);
    assertTrue(earlier.toString().compareTo(later.toString()) < 0, earlier + " < " + later);
    assertNotEquals(TimeOrderedUuid.at(1_795_000_000_123L), TimeOrderedUuid.at(1_795_000_000_123L));
  }
}
