package com.todo.notification.domain;

import java.util.Locale;

/** Where a reminder stands (docs/api.md, reminder actions). */
public enum ReminderStatus {
  /** Its job waits for its instant. */
  SCHEDULED,
  /** It fired; no client has acknowledged it yet. */
  TRIGGERED,
  /** A client acknowledged it ({@code reminder.delivered.v1}). */
  DELIVERED,
  /**
   * It will not be delivered: {@code missed} (its instant passed before it could be scheduled) or
   * {@code undelivered} (no client acknowledged it in time).
   */
  FAILED,
  /** Its task was completed or deleted, the reminder removed, or the due date moved it away. */
  CANCELLED,
  /** Fired and snoozed: its job waits for the new instant. */
  SNOOZED;

  /** Its name in JSON and query parameters, e.g. {@code scheduled}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ReminderStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  /** A job is waiting for it. */
  public boolean waiting() {
    return this == SCHEDULED || this == SNOOZED;
  }
}
