package com.todo.task.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * Checks an RRULE: RFC 5545 syntax (strict), never {@code FREQ=SECONDLY}, and no two consecutive
 * occurrences less than a minute apart. The gap is measured on the first {@value #SAMPLE}
 * occurrences from a fixed start and from the due date, in the task's time zone, because BYxxx
 * parts (e.g. {@code FREQ=MINUTELY;BYSECOND=0,30}) can fire more often than FREQ suggests.
 */
public final class RecurrenceRuleCheck {

  static final int SAMPLE = 1000;
  static final long MIN_GAP_MILLIS = 60_000;
  static final int MAX_LENGTH = 1000;

  private RecurrenceRuleCheck() {}

  /** Why the rule is refused, or empty when it is acceptable. */
  public static Optional<String> problem(String rule, ZoneId zone, Instant dueAt) {
    if (rule.isBlank()) return Optional.of("must not be empty");
    if (rule.length() > MAX_LENGTH)
      return Optional.of("must be at most " + MAX_LENGTH + " characters");
    if (rule.toUpperCase(Locale.ROOT).startsWith("RRULE:")) {
      return Optional.of("give the RRULE value without the \"RRULE:\" prefix, e.g. FREQ=DAILY");
    }
    RecurrenceRule parsed;
    try {
      parsed = new RecurrenceRule(rule, RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (InvalidRecurrenceRuleException | RuntimeException e) {
      return Optional.of("not a valid RFC 5545 RRULE: " + e.getMessage());
    }
    if (parsed.getFreq() == Freq.SECONDLY) {
      return Optional.of("FREQ=SECONDLY is not allowed: a task recurs at most once a minute");
    }
    TimeZone tz = TimeZone.getTimeZone(zone);
    try {
      long gap = minimumGap(parsed, new DateTime(tz, 2024, 0, 1, 0, 0, 0));
      if (dueAt != null)
        gap = Math.min(gap, minimumGap(parsed, new DateTime(tz, dueAt.toEpochMilli())));
      if (gap < MIN_GAP_MILLIS) {
        return Optional.of(
            "occurrences come " + gap / 1000 + " s apart; a task recurs at most once a minute");
      }
    } catch (RuntimeException e) {
      // lib-recur gives up on rules that produce no instances (e.g. BYMONTH=2;BYMONTHDAY=30)
      return Optional.of("the rule produces no occurrences: " + e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * The smallest step forward between consecutive occurrences. lib-recur maps local times that a
   * DST change skips onto the hour after, so around that change an occurrence can repeat or go back
   * in time; those are not steps forward and are left out.
   */
  private static long minimumGap(RecurrenceRule rule, DateTime start) {
    RecurrenceRuleIterator it = rule.iterator(start);
    long latest = Long.MIN_VALUE;
    long min = Long.MAX_VALUE;
    for (int n = 0; n < SAMPLE && it.hasNext(); n++) {
      long next = it.nextMillis();
      if (latest != Long.MIN_VALUE && next > latest) min = Math.min(min, next - latest);
      latest = Math.max(latest, next);
    }
    return min;
  }
}
