package com.todo.task.domain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecurrenceRuleCheckTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "FREQ=DAILY",
        "freq=daily;interval=2",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=DAILY;BYHOUR=2;BYMINUTE=30",
        "FREQ=DAILY;COUNT=3",
        "FREQ=DAILY;UNTIL=20300101T000000Z",
        "FREQ=MINUTELY",
        "FREQ=MINUTELY;BYSECOND=0",
        "FREQ=HOURLY;BYMINUTE=0,30",
        "FREQ=MONTHLY;BYDAY=-1FR",
      })
  void accepts(String rule) {
    Optional<String> problem =
        RecurrenceRuleCheck.problem(rule, BERLIN, Instant.parse("2030-03-30T23:30:15Z"));
    assertTrue(problem.isEmpty(), rule + ": " + problem.orElse(""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "RRULE:FREQ=DAILY",
        "EVERY DAY",
        "FREQ=FORTNIGHTLY",
        "FREQ=DAILY;COUNT=3;UNTIL=20300101T000000Z",
        "FREQ=DAILY;BYHOUR=25",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;X-NAME=1",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=SECONDLY",
        "FREQ=SECONDLY;INTERVAL=120",
        "FREQ=MINUTELY;BYSECOND=0,30",
        "FREQ=HOURLY;BYMINUTE=0,59;BYSECOND=0,59",
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0,1",
      })
  void refuses(String rule) {
    assertTrue(RecurrenceRuleCheck.problem(rule, BERLIN, null).isPresent(), rule);
  }

  @org.junit.jupiter.api.Test
  void refusesVeryLongRules() {
    String rule = "FREQ=DAILY;BYHOUR=" + "1,".repeat(600) + "1";
    assertTrue(RecurrenceRuleCheck.problem(rule, BERLIN, null).isPresent());
  }
}
