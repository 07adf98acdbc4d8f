package com.todo.recurring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.todo.recurring.domain.SeriesRule.Basis;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import net.fortuna.ical4j.model.Recur;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;
import org.junit.jupiter.api.Test;

/**
 * Why the occurrence arithmetic uses lib-recur 0.17.1 iterated in floating local time, and not
 * ical4j 4.3.0 (the two candidates), shown on the facts that decided it: iterated in the
 * zone, neither gives RFC 5545's answer in the autumn overlap (lib-recur always takes the later
 * offset; ical4j depends on WKST, its open issue #716); iterated in floating local time and placed
 * in the zone with {@code ZonedDateTime.of}, both give the RFC's answer and agree (WKST included).
 * So either works the one way that is right, and lib-recur is the one task-service already
 * validates rules with: one library for validation and generation, no change to task-service, no
 * new runtime dependency (ical4j stays a test dependency of this test). If a library changes its
 * behaviour on an upgrade, this test says so.
 */
class LibraryChoiceTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /**
   * RFC 5545 §3.3.10's own WKST example: every other week on Tuesday and Sunday from Tuesday 5
   * August 1997. With WKST=MO: 5, 10, 19, 24 August; with WKST=SU: 5, 17, 19, 31 August.
   */
  private static final String WKST_MO = "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO";

  private static final String WKST_SU = "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU";
  private static final LocalDateTime RFC_START = LocalDateTime.of(1997, 8, 5, 9, 0);

  @Test
  void libRecurFollowsWkst() throws Exception {
    assertEquals(days(5, 10, 19, 24), libRecurFloating(WKST_MO, RFC_START, 10));
    assertEquals(days(5, 17, 19, 31), libRecurFloating(WKST_SU, RFC_START, 10));
  }

  /** ical4j 4.3.0 in floating local time follows WKST too. */
  @Test
  void ical4jFloatingFollowsWkst() {
    assertEquals(days(5, 10, 19, 24), ical4j(WKST_MO, RFC_START));
    assertEquals(days(5, 17, 19, 31), ical4j(WKST_SU, RFC_START));
  }

  /**
   * ical4j's open issue #716, still in 4.3.0: iterated in a zone, a weekly rule with WKST=SU puts
   * the ambiguous 01:30 of 3 November 2019 in Los Angeles at the later offset (-08:00), where
   * WKST=MO gives the first (-07:00). So ical4j too could only be used in floating time.
   */
  @Test
  void ical4jInTheZoneDependsOnWkstInTheOverlap() {
    ZoneId la = ZoneId.of("America/Los_Angeles");
    ZonedDateTime start = ZonedDateTime.of(LocalDateTime.of(2019, 11, 1, 1, 30), la);
    OffsetDateTime expected = OffsetDateTime.parse("2019-11-03T01:30-07:00");
    assertEquals(expected, ical4jZoned("FREQ=WEEKLY;BYDAY=FR,SA,SU,MO;WKST=MO", start, 2));
    assertNotEquals(
        expected,
        ical4jZoned("FREQ=WEEKLY;BYDAY=FR,SA,SU,MO;WKST=SU", start, 2),
        "ical4j #716 fixed? the choice may be revisited");
  }

  private static OffsetDateTime ical4jZoned(String rule, ZonedDateTime start, int index) {
    Recur<ZonedDateTime> recur = new Recur<>(rule);
    return recur.getDates(start, start, start.plusWeeks(1)).get(index).toOffsetDateTime();
  }

  /**
   * 02:30 on 25 October 2026 exists twice in Berlin (02:30 CEST, then 02:30 CET). RFC 5545 §3.3.5
   * means the first (+02:00). lib-recur iterated in the zone gives the later one (+01:00).
   */
  @Test
  void libRecurInTheZoneTakesTheLaterOffsetInTheOverlap() throws Exception {
    RecurrenceRuleIterator it =
        new RecurrenceRule("FREQ=DAILY")
            .iterator(new DateTime(TimeZone.getTimeZone(BERLIN), 2026, 9, 24, 2, 30, 0));
    it.nextMillis(); // 24 October
    OffsetDateTime overlap =
        java.time.Instant.ofEpochMilli(it.nextMillis()).atZone(BERLIN).toOffsetDateTime();
    assertEquals(OffsetDateTime.parse("2026-10-25T02:30+01:00"), overlap);
  }

  /** Floating iteration then {@code ZonedDateTime.of}, what SeriesRule does, gives the RFC's. */
  @Test
  void floatingIterationPlacedInTheZoneGivesTheRfcResult() throws Exception {
    LocalDateTime overlap =
        libRecurFloating("FREQ=DAILY", LocalDateTime.of(2026, 10, 24, 2, 30), 2).get(1);
    assertEquals(
        OffsetDateTime.parse("2026-10-25T02:30+02:00"),
        ZonedDateTime.of(overlap, BERLIN).toOffsetDateTime());
    LocalDateTime fromIcal4j =
        ical4j("FREQ=DAILY;COUNT=2", LocalDateTime.of(2026, 10, 24, 2, 30)).get(1);
    assertEquals(overlap, fromIcal4j);
    ZonedDateTime start = ZonedDateTime.of(LocalDateTime.of(2026, 10, 24, 2, 30), BERLIN);
    assertEquals(
        OffsetDateTime.parse("2026-10-25T02:30+02:00"),
        SeriesRule.of("FREQ=DAILY", Basis.DUE, BERLIN)
            .next(start, 1, 2, start.toInstant(), null, null)
            .orElseThrow()
            .toOffsetDateTime());
  }

  private static List<LocalDateTime> days(int... augustDays) {
    List<LocalDateTime> list = new ArrayList<>();
    for (int d : augustDays) list.add(LocalDateTime.of(1997, 8, d, 9, 0));
    return list;
  }

  private static List<LocalDateTime> libRecurFloating(String rule, LocalDateTime start, int max)
      throws Exception {
    RecurrenceRuleIterator it =
        new RecurrenceRule(rule, RecurrenceRule.RfcMode.RFC5545_STRICT)
            .iterator(
                new DateTime(
                    start.getYear(),
                    start.getMonthValue() - 1,
                    start.getDayOfMonth(),
                    start.getHour(),
                    start.getMinute(),
                    0));
    List<LocalDateTime> out = new ArrayList<>();
    while (it.hasNext() && out.size() < max) {
      DateTime t = it.nextDateTime();
      out.add(
          LocalDateTime.of(
              t.getYear(), t.getMonth() + 1, t.getDayOfMonth(), t.getHours(), t.getMinutes()));
    }
    return out;
  }

  private static List<LocalDateTime> ical4j(String rule, LocalDateTime start) {
    Recur<LocalDateTime> recur = new Recur<>(rule);
    return new ArrayList<>(recur.getDates(start, start, start.plusYears(1)));
  }
}
