package com.todo.recurring.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * The occurrence arithmetic of a series: an RFC 5545 RRULE, a basis and the task's time zone. The
 * RRULE itself is expanded by lib-recur (the library task-service validates rules with), in
 * floating local time; each local date-time is then placed in the zone with {@link
 * ZonedDateTime#of(LocalDateTime, ZoneId)}, which is what RFC 5545 §3.3.5 (referred to by §3.3.10)
 * asks for: a local time that does not exist (spring forward) is read with the offset before the
 * gap, i.e. moved forward by the gap's length (02:30 becomes 03:30 on a one-hour gap); a local time
 * that exists twice (fall back) is the first of the two (the earlier instant, summer time). Asked
 * to iterate in the zone itself, lib-recur 0.17.1 takes the later offset in the overlap
 * (LibraryChoiceTest shows it), so it is never asked to.
 *
 * <p>{@code COUNT} and {@code UNTIL} are applied here, not by the library, so that they mean the
 * same for both bases: {@code COUNT} is the number of occurrences (tasks) of the rule, counted from
 * the occurrence the rule was set on, that one included; {@code UNTIL} is the last instant an
 * occurrence may be due (a date-only {@code UNTIL} is the whole of that local date, a floating one
 * a local date-time in the zone, one in UTC an instant).
 */
public final class SeriesRule {

  /** What the next occurrence counts from. */
  public enum Basis {
    /** From the previous due date (Todoist "every"). */
    DUE("due"),
    /** From the completion instant, at the template's local time of day (Todoist "every!"). */
    COMPLETION("completion");

    private final String json;

    Basis(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }

    public static Optional<Basis> of(String json) {
      return Arrays.stream(values()).filter(b -> b.json.equals(json)).findFirst();
    }
  }

  /** Instances looked at for one next occurrence before giving up (a rule gone wrong). */
  static final int MAX_STEPS = 200_000;

  private final String rule;
  private final Basis basis;
  private final ZoneId zone;
  private final RecurrenceRule expansion;
  private final Integer count;
  private final DateTime until;

  private SeriesRule(
      String rule,
      Basis basis,
      ZoneId zone,
      RecurrenceRule expansion,
      Integer count,
      DateTime until) {
    this.rule = rule;
    this.basis = basis;
    this.zone = zone;
    this.expansion = expansion;
    this.count = count;
    this.until = until;
  }

  /**
   * @throws IllegalArgumentException when the rule is not a valid RFC 5545 RRULE value
   */
  public static SeriesRule of(String rule, Basis basis, ZoneId zone) {
    RecurrenceRule parsed = parse(rule);
    // The expansion without COUNT and UNTIL: both are applied by this class.
    String open =
        Arrays.stream(rule.split(";"))
            .filter(
                part -> {
                  String name = part.split("=", 2)[0].trim().toUpperCase(Locale.ROOT);
                  return !name.equals("COUNT") && !name.equals("UNTIL");
                })
            .collect(Collectors.joining(";"));
    return new SeriesRule(rule, basis, zone, parse(open), parsed.getCount(), parsed.getUntil());
  }

  private static RecurrenceRule parse(String rule) {
    try {
      return new RecurrenceRule(rule, RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (InvalidRecurrenceRuleException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid RFC 5545 RRULE: " + rule + ": " + e, e);
    }
  }

  public String rule() {
    return rule;
  }

  public Basis basis() {
    return basis;
  }

  public ZoneId zone() {
    return zone;
  }

  /**
   * The due date of the next occurrence.
   *
   * @param start the series' start in its zone (RFC 5545 DTSTART): the due date of the occurrence
   *     the rule was set on ({@code startOccurrence})
   * @param startOccurrence the number of that occurrence (1 for the template)
   * @param next the number of the occurrence asked for (greater than {@code startOccurrence})
   * @param previousDue the due date of occurrence {@code next - 1}
   * @param completedAt when occurrence {@code next - 1} was completed (basis {@code completion}),
   *     or null when it is not (a time trigger of basis {@code due})
   * @param notBefore basis {@code due} only: instants before it are skipped (the previous
   *     occurrence was completed late: its successors already in the past are not generated), or
   *     null to skip none
   * @return empty when the series has no such occurrence (COUNT, UNTIL, or the rule has no more
   *     instances)
   */
  public Optional<ZonedDateTime> next(
      ZonedDateTime start,
      int startOccurrence,
      int next,
      Instant previousDue,
      Instant completedAt,
      Instant notBefore) {
    if (count != null && next - startOccurrence + 1 > count) return Optional.empty();
    Optional<ZonedDateTime> due =
        switch (basis) {
          case DUE ->
              nextByDue(start.withZoneSameInstant(zone).toLocalDateTime(), previousDue, notBefore);
          case COMPLETION ->
              nextByCompletion(start.withZoneSameInstant(zone).toLocalTime(), completedAt);
        };
    return due.filter(this::notPastUntil);
  }

  /** The first instance of the rule from {@code start} after {@code previousDue} and notBefore. */
  private Optional<ZonedDateTime> nextByDue(
      LocalDateTime start, Instant previousDue, Instant notBefore) {
    Instant after = previousDue;
    RecurrenceRuleIterator it = expansion.iterator(floating(start));
    // Jump close to the first candidate (a day early: the zone's offset is not known in floating
    // time), then walk.
    Instant from = notBefore != null && notBefore.isAfter(after) ? notBefore : after;
    LocalDateTime jump = LocalDateTime.ofInstant(from, zone).minusDays(1);
    if (jump.isAfter(start)) it.fastForward(floating(jump));
    for (int step = 0; step < MAX_STEPS && it.hasNext(); step++) {
      ZonedDateTime candidate = place(it.nextDateTime());
      Instant instant = candidate.toInstant();
      if (!instant.isAfter(after)) continue;
      if (notBefore != null && instant.isBefore(notBefore)) continue;
      return Optional.of(candidate);
    }
    return Optional.empty();
  }

  /**
   * The first instance of the rule after the completion's local date at the template's time of day,
   * the rule started on that date: {@code FREQ=DAILY;INTERVAL=3} completed on the 10th (local) is
   * due on the 13th at the template's time, whatever the completion's time of day.
   */
  private Optional<ZonedDateTime> nextByCompletion(LocalTime timeOfDay, Instant completedAt) {
    if (completedAt == null) return Optional.empty();
    LocalDate day = LocalDateTime.ofInstant(completedAt, zone).toLocalDate();
    LocalDateTime start = LocalDateTime.of(day, timeOfDay);
    RecurrenceRuleIterator it = expansion.iterator(floating(start));
    for (int step = 0; step < MAX_STEPS && it.hasNext(); step++) {
      DateTime instance = it.nextDateTime();
      if (local(instance).isAfter(start)) return Optional.of(place(instance));
    }
    return Optional.empty();
  }

  private boolean notPastUntil(ZonedDateTime due) {
    if (until == null) return true;
    if (until.isAllDay()) {
      LocalDate last = LocalDate.of(until.getYear(), until.getMonth() + 1, until.getDayOfMonth());
      return !due.toLocalDate().isAfter(last);
    }
    if (until.isFloating()) return !due.toLocalDateTime().isAfter(local(until));
    return !due.toInstant().isAfter(Instant.ofEpochMilli(until.getTimestamp()));
  }

  /** RFC 5545 §3.3.5: gap → offset before it (moved forward), overlap → the first of the two. */
  private ZonedDateTime place(DateTime floating) {
    return ZonedDateTime.of(local(floating), zone);
  }

  private static LocalDateTime local(DateTime t) {
    if (t.isAllDay()) {
      return LocalDate.of(t.getYear(), t.getMonth() + 1, t.getDayOfMonth()).atStartOfDay();
    }
    if (!t.isFloating()) {
      return LocalDateTime.ofInstant(Instant.ofEpochMilli(t.getTimestamp()), ZoneOffset.UTC);
    }
    return LocalDateTime.of(
        t.getYear(),
        t.getMonth() + 1,
        t.getDayOfMonth(),
        t.getHours(),
        t.getMinutes(),
        t.getSeconds());
  }

  private static DateTime floating(LocalDateTime t) {
    return new DateTime(
        t.getYear(),
        t.getMonthValue() - 1,
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond());
  }
}
