package com.todo.recurring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.todo.recurring.domain.SeriesRule.Basis;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The occurrence arithmetic as a table. Each row: the rule, basis and zone; the series' start
 * (DTSTART, the due date of occurrence {@code startOcc}); the occurrence asked for; the previous
 * occurrence's due date; when it was completed (basis completion) or the instant before which
 * instants are skipped (basis due, completed late); and the expected due date, as an offset
 * date-time so the offset the zone gives is checked too ("none": the series has no such
 * occurrence).
 */
class SeriesRuleTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
"""
# case                                  | rule                                   | basis      | zone             | start                     | startOcc | next | previousDue               | completedOrNotBefore      | expected
daily 09:00 Berlin, before March switch | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-03-27T09:00+01:00    | 1        | 2    | 2026-03-27T09:00+01:00    | -                         | 2026-03-28T09:00+01:00
daily 09:00 Berlin, across March switch | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-03-27T09:00+01:00    | 1        | 3    | 2026-03-28T09:00+01:00    | -                         | 2026-03-29T09:00+02:00
daily 09:00 Berlin, across Oct switch   | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-10-23T09:00+02:00    | 1        | 3    | 2026-10-24T09:00+02:00    | -                         | 2026-10-25T09:00+01:00
daily 09:00 Berlin, after Oct switch    | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-10-23T09:00+02:00    | 1        | 4    | 2026-10-25T09:00+01:00    | -                         | 2026-10-26T09:00+01:00
daily 02:30 Berlin, spring gap          | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-03-27T02:30+01:00    | 1        | 3    | 2026-03-28T02:30+01:00    | -                         | 2026-03-29T03:30+02:00
daily 02:30 Berlin, after the gap       | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-03-27T02:30+01:00    | 1        | 4    | 2026-03-29T03:30+02:00    | -                         | 2026-03-30T02:30+02:00
daily 02:30 Berlin, autumn overlap      | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-10-23T02:30+02:00    | 1        | 3    | 2026-10-24T02:30+02:00    | -                         | 2026-10-25T02:30+02:00
daily 02:30 Berlin, after the overlap   | FREQ=DAILY                             | due        | Europe/Berlin    | 2026-10-23T02:30+02:00    | 1        | 4    | 2026-10-25T02:30+02:00    | -                         | 2026-10-26T02:30+01:00
daily 09:00 New York, across March      | FREQ=DAILY                             | due        | America/New_York | 2026-03-06T09:00-05:00    | 1        | 3    | 2026-03-07T09:00-05:00    | -                         | 2026-03-08T09:00-04:00
daily 09:00 New York, across November   | FREQ=DAILY                             | due        | America/New_York | 2026-10-30T09:00-04:00    | 1        | 3    | 2026-10-31T09:00-04:00    | -                         | 2026-11-01T09:00-05:00
daily 02:30 New York, spring gap        | FREQ=DAILY                             | due        | America/New_York | 2026-03-07T02:30-05:00    | 1        | 2    | 2026-03-07T02:30-05:00    | -                         | 2026-03-08T03:30-04:00
daily 01:30 New York, autumn overlap    | FREQ=DAILY                             | due        | America/New_York | 2026-10-31T01:30-04:00    | 1        | 2    | 2026-10-31T01:30-04:00    | -                         | 2026-11-01T01:30-04:00
last day of month (BYMONTHDAY=-1)       | FREQ=MONTHLY;BYMONTHDAY=-1             | due        | Europe/Berlin    | 2026-01-31T09:00+01:00    | 1        | 2    | 2026-01-31T09:00+01:00    | -                         | 2026-02-28T09:00+01:00
last day of month, into summer time     | FREQ=MONTHLY;BYMONTHDAY=-1             | due        | Europe/Berlin    | 2026-01-31T09:00+01:00    | 1        | 3    | 2026-02-28T09:00+01:00    | -                         | 2026-03-31T09:00+02:00
second Monday (BYDAY=2MO)               | FREQ=MONTHLY;BYDAY=2MO                 | due        | Europe/Berlin    | 2026-01-12T09:00+01:00    | 1        | 2    | 2026-01-12T09:00+01:00    | -                         | 2026-02-09T09:00+01:00
second Monday, then a month from Monday| FREQ=MONTHLY;BYDAY=2MO                 | due        | Europe/Berlin    | 2026-05-11T09:00+02:00    | 1        | 2    | 2026-05-11T09:00+02:00    | -                         | 2026-06-08T09:00+02:00
weekdays, Friday to Monday              | FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR       | due        | Europe/Berlin    | 2026-01-05T09:00+01:00    | 1        | 6    | 2026-01-09T09:00+01:00    | -                         | 2026-01-12T09:00+01:00
weekdays, Monday to Tuesday             | FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR       | due        | Europe/Berlin    | 2026-01-05T09:00+01:00    | 1        | 7    | 2026-01-12T09:00+01:00    | -                         | 2026-01-13T09:00+01:00
yearly from 29 February                 | FREQ=YEARLY                            | due        | Europe/Berlin    | 2024-02-29T09:00+01:00    | 1        | 2    | 2024-02-29T09:00+01:00    | -                         | 2028-02-29T09:00+01:00
every third day (INTERVAL=3)            | FREQ=DAILY;INTERVAL=3                  | due        | Europe/Berlin    | 2026-01-01T09:00+01:00    | 1        | 2    | 2026-01-01T09:00+01:00    | -                         | 2026-01-04T09:00+01:00
every third day, third occurrence       | FREQ=DAILY;INTERVAL=3                  | due        | Europe/Berlin    | 2026-01-01T09:00+01:00    | 1        | 3    | 2026-01-04T09:00+01:00    | -                         | 2026-01-07T09:00+01:00
COUNT=3, occurrence 3                   | FREQ=DAILY;COUNT=3                     | due        | UTC              | 2026-01-01T09:00Z         | 1        | 3    | 2026-01-02T09:00Z         | -                         | 2026-01-03T09:00Z
COUNT=3, no occurrence 4                | FREQ=DAILY;COUNT=3                     | due        | UTC              | 2026-01-01T09:00Z         | 1        | 4    | 2026-01-03T09:00Z         | -                         | none
COUNT=3 set on occurrence 5             | FREQ=DAILY;COUNT=3                     | due        | UTC              | 2026-01-05T09:00Z         | 5        | 7    | 2026-01-06T09:00Z         | -                         | 2026-01-07T09:00Z
COUNT=3 set on occurrence 5, no 8th     | FREQ=DAILY;COUNT=3                     | due        | UTC              | 2026-01-05T09:00Z         | 5        | 8    | 2026-01-07T09:00Z         | -                         | none
COUNT=2, basis completion               | FREQ=DAILY;COUNT=2                     | completion | UTC              | 2026-01-01T09:00Z         | 1        | 3    | 2026-01-02T09:00Z         | 2026-01-05T12:00Z         | none
UNTIL in UTC, last one                  | FREQ=DAILY;UNTIL=20260103T090000Z      | due        | Europe/Berlin    | 2026-01-01T10:00+01:00    | 1        | 3    | 2026-01-02T10:00+01:00    | -                         | 2026-01-03T10:00+01:00
UNTIL in UTC, past it                   | FREQ=DAILY;UNTIL=20260103T090000Z      | due        | Europe/Berlin    | 2026-01-01T10:00+01:00    | 1        | 4    | 2026-01-03T10:00+01:00    | -                         | none
UNTIL a date: that whole local day      | FREQ=DAILY;UNTIL=20260103              | due        | Europe/Berlin    | 2026-01-01T23:30+01:00    | 1        | 3    | 2026-01-02T23:30+01:00    | -                         | 2026-01-03T23:30+01:00
UNTIL a date, past it                   | FREQ=DAILY;UNTIL=20260103              | due        | Europe/Berlin    | 2026-01-01T23:30+01:00    | 1        | 4    | 2026-01-03T23:30+01:00    | -                         | none
UNTIL, basis completion past it         | FREQ=DAILY;UNTIL=20260110T000000Z      | completion | UTC              | 2026-01-01T09:00Z         | 1        | 2    | 2026-01-01T09:00Z         | 2026-01-09T10:00Z         | none
due, completed late: past ones skipped  | FREQ=DAILY                             | due        | UTC              | 2026-01-01T09:00Z         | 1        | 2    | 2026-01-01T09:00Z         | 2026-01-03T10:00Z         | 2026-01-04T09:00Z
due, completed early: the next instant  | FREQ=DAILY                             | due        | UTC              | 2026-01-01T09:00Z         | 1        | 2    | 2026-01-01T09:00Z         | 2025-12-31T10:00Z         | 2026-01-02T09:00Z
due, late, weekly skips whole weeks     | FREQ=WEEKLY;BYDAY=MO                   | due        | UTC              | 2026-01-05T09:00Z         | 1        | 2    | 2026-01-05T09:00Z         | 2026-01-26T09:00Z         | 2026-01-26T09:00Z
due, late by years: fast-forwarded      | FREQ=MINUTELY;INTERVAL=5               | due        | UTC              | 2020-01-01T00:00Z         | 1        | 2    | 2020-01-01T00:00Z         | 2026-06-01T00:01Z         | 2026-06-01T00:05Z
completion, evening: next local day     | FREQ=DAILY                             | completion | Europe/Berlin    | 2026-03-01T09:00+01:00    | 1        | 2    | 2026-03-01T09:00+01:00    | 2026-03-10T22:30Z         | 2026-03-11T09:00+01:00
completion after midnight in the zone   | FREQ=DAILY                             | completion | Europe/Berlin    | 2026-03-01T09:00+01:00    | 1        | 2    | 2026-03-01T09:00+01:00    | 2026-03-10T23:30Z         | 2026-03-12T09:00+01:00
completion late night in New York       | FREQ=DAILY                             | completion | America/New_York | 2026-03-01T09:00-05:00    | 1        | 2    | 2026-03-01T09:00-05:00    | 2026-03-11T03:30Z         | 2026-03-11T09:00-04:00
completion, every 3 days from it        | FREQ=DAILY;INTERVAL=3                  | completion | Europe/Berlin    | 2026-03-01T09:00+01:00    | 1        | 2    | 2026-03-01T09:00+01:00    | 2026-03-10T15:00Z         | 2026-03-13T09:00+01:00
completion, keeps 09:00 over the switch | FREQ=DAILY                             | completion | Europe/Berlin    | 2026-03-01T09:00+01:00    | 1        | 2    | 2026-03-01T09:00+01:00    | 2026-03-28T20:00Z         | 2026-03-29T09:00+02:00
completion, weekly on Mondays           | FREQ=WEEKLY;BYDAY=MO                   | completion | UTC              | 2026-01-05T09:00Z         | 1        | 2    | 2026-01-05T09:00Z         | 2026-01-12T08:00Z         | 2026-01-19T09:00Z
""")
  void nextOccurrence(
      String name,
      String rule,
      String basis,
      String zone,
      String start,
      int startOcc,
      int next,
      String previousDue,
      String completedOrNotBefore,
      String expected) {
    Basis b = Basis.of(basis).orElseThrow();
    ZoneId z = ZoneId.of(zone);
    SeriesRule r = SeriesRule.of(rule, b, z);
    Instant mark = completedOrNotBefore == null ? null : instant(completedOrNotBefore);
    Optional<ZonedDateTime> due =
        r.next(
            OffsetDateTime.parse(start).atZoneSameInstant(z),
            startOcc,
            next,
            instant(previousDue),
            b == Basis.COMPLETION ? mark : null,
            b == Basis.DUE ? mark : null);
    if (expected.equals("none")) {
      assertEquals(Optional.empty(), due, name);
    } else {
      assertEquals(
          OffsetDateTime.parse(expected),
          due.map(ZonedDateTime::toOffsetDateTime).orElse(null),
          name);
    }
  }

  @Test
  void basisCompletionWithoutCompletionHasNoNext() {
    SeriesRule r = SeriesRule.of("FREQ=DAILY", Basis.COMPLETION, ZoneId.of("UTC"));
    ZonedDateTime start = ZonedDateTime.parse("2026-01-01T09:00Z");
    assertEquals(Optional.empty(), r.next(start, 1, 2, start.toInstant(), null, null));
  }

  @Test
  void anInvalidRuleIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SeriesRule.of("FREQ=SOMETIMES", Basis.DUE, ZoneId.of("UTC")));
  }

  private static Instant instant(String text) {
    return OffsetDateTime.parse(text).toInstant();
  }
}
