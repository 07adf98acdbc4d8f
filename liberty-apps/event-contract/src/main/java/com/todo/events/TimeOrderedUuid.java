package com.todo.events;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then 74 random bits. Ids made
 * one after the other sort by time, so a B-tree index on them grows at its right edge instead of
 * touching a random page per insert (the tasks' primary key, the outbox's event ids and task ids).
 * The random part comes from {@link SecureRandom}, like {@link UUID#randomUUID()}.
 */
public final class TimeOrderedUuid {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TimeOrderedUuid() {}

  public static UUID next() {
    return at(System.currentTimeMillis());
  }

  static UUID at(long unixMillis) {
    byte[] r = new byte[10];
    RANDOM.nextBytes(r);
    long randA = ((r[0] & 0xFFL) << 8 | (r[1] & 0xFFL)) & 0x0FFFL;
    long msb = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
    long lsb = 0;
    for (int i = 2; i < 10; i++) lsb = lsb << 8 | (r[i] & 0xFFL);
    lsb = lsb & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
