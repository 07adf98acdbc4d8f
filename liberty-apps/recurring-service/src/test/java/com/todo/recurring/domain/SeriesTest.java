package com.todo.recurring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A series as it follows its tasks' events, its time trigger and task-service's answers. */
class SeriesTest {

  private static final String T1 = "7d2a3f60-0000-4000-8000-000000000001";
  private static final String T2 = "7d2a3f60-0000-4000-8000-000000000002";
  private static final String T3 = "7d2a3f60-0000-4000-8000-000000000003";
  private static final Instant NOW = Instant.parse("2026-03-01T07:00:00Z");

  private static JsonObject task(String id, String rule, String dueAt) {
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", id)
            .add("userId", "ann")
            .add("title", "water the plants")
            .add("description", "all of them")
            .add("status", "open")
            .add("priority", "high")
            .add("tags", Json.createArrayBuilder().add("home"))
            .add("timeZone", "Europe/Berlin")
            .add(
                "reminders",
                Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("id", "r1").add("before", "PT10M"))
                    .add(
                        Json.createObjectBuilder()
                            .add("id", "r2")
                            .add("at", "2026-03-01T07:30:00Z")))
            .add("version", 1)
            .add("createdAt", "2026-03-01T06:00:00Z")
            .add("updatedAt", "2026-03-01T06:00:00Z");
    if (dueAt != null) b.add("dueAt", dueAt);
    if (rule == null) b.addNull("recurrence");
    else b.add("recurrence", Json.createObjectBuilder().add("rule", rule).add("basis", "due"));
    return b.build();
  }

  private static Series daily() {
    return Series.start(T1, task(T1, "FREQ=DAILY", "2026-03-01T08:00:00Z"), NOW);
  }

  @Test
  void aTemplateStartsASeriesAndDefinesItsRule() {
    Series s = daily();
    assertTrue(s.active());
    assertEquals(1, s.occurrence());
    assertEquals(T1, s.taskId());
    List<JsonObject> events = s.outbox();
    assertEquals(1, events.size());
    JsonObject e = events.get(0);
    assertEquals(EventType.RECURRING_RULE_DEFINED.type(), e.getString("type"));
    assertEquals(T1, e.getString("subject"));
    assertEquals(
        List.of(),
        EventSchemas.violations(EventType.RECURRING_RULE_DEFINED, e.getJsonObject("data")));
    assertEquals(T1, e.getJsonObject("data").getString("templateTaskId"));
    assertEquals(Instant.parse("2026-03-02T08:00:00Z"), s.nextTrigger().orElseThrow());
    assertEquals(Series.jobName(T1, 2), s.wantedJob().name());
  }

  @Test
  void completionDecidesTheNextOccurrenceOnce() {
    Series s = daily();
    assertTrue(s.completed(T1, Instant.parse("2026-03-01T09:00:00Z")));
    assertEquals(new Series.Pending(2, Instant.parse("2026-03-02T08:00:00Z")), s.pending());
    assertNull(s.wantedJob(), "no time trigger while a generation is decided");
    assertFalse(s.completed(T1, Instant.parse("2026-03-01T09:00:00Z")), "twice");
    JsonObject body = s.occurrenceBody();
    assertEquals("water the plants", body.getString("title"));
    assertEquals("all of them", body.getString("description"));
    assertEquals("high", body.getString("priority"));
    assertEquals("Europe/Berlin", body.getString("timeZone"));
    assertEquals("2026-03-02T08:00:00Z", body.getString("dueAt"));
    assertEquals(1, body.getJsonArray("reminders").size(), "the relative reminder only");
    assertEquals("PT10M", body.getJsonArray("reminders").getJsonObject(0).getString("before"));
    assertFalse(body.getJsonArray("reminders").getJsonObject(0).containsKey("id"));
    assertEquals("FREQ=DAILY", body.getJsonObject("recurrence").getString("rule"));
    assertEquals(T1, body.getString("seriesId"));
    assertEquals(2, body.getInt("occurrence"));
    assertEquals("ann", body.getString("userId"));

    assertTrue(s.generated(2, T2, NOW));
    assertFalse(s.generated(2, T2, NOW), "confirmed twice");
    assertEquals(2, s.occurrence());
    assertEquals(T2, s.taskId());
    JsonObject generated = s.outbox().get(1);
    assertEquals(EventType.RECURRING_TASK_GENERATED.type(), generated.getString("type"));
    assertEquals(
        List.of(),
        EventSchemas.violations(
            EventType.RECURRING_TASK_GENERATED, generated.getJsonObject("data")));
    assertFalse(s.completed(T1, NOW), "the old occurrence completed again: nothing");
    assertEquals(Instant.parse("2026-03-03T08:00:00Z"), s.nextTrigger().orElseThrow());
  }

  @Test
  void theTriggerComingFirstWinsAndTheLateCompletionCreatesNothing() {
    Series s = daily();
    Instant due2 = Instant.parse("2026-03-02T08:00:00Z");
    assertFalse(s.triggered(2, due2.plusSeconds(60)), "a stale instant");
    assertFalse(s.triggered(3, due2), "not the next occurrence");
    assertTrue(s.triggered(2, due2));
    assertFalse(s.completed(T1, due2.plusSeconds(5)), "completion while generating");
    assertTrue(s.generated(2, T2, due2));
    assertFalse(s.completed(T1, due2.plusSeconds(10)), "completion of the old one after");
    assertFalse(s.triggered(2, due2), "the same trigger again");
  }

  @Test
  void dueBasisCompletedLateSkipsPastInstants() {
    Series s = daily();
    assertTrue(s.completed(T1, Instant.parse("2026-03-04T12:00:00Z")));
    assertEquals(Instant.parse("2026-03-05T08:00:00Z"), s.pending().dueAt());
  }

  @Test
  void countEndsTheSeries() {
    Series s = Series.start(T1, task(T1, "FREQ=DAILY;COUNT=2", "2026-03-01T08:00:00Z"), NOW);
    assertTrue(s.completed(T1, NOW));
    assertTrue(s.generated(2, T2, NOW));
    assertNull(s.wantedJob(), "no third occurrence to trigger");
    assertTrue(s.completed(T2, NOW));
    assertFalse(s.active());
    assertEquals("finished", s.endReason());
    assertNull(s.pending());
  }

  @Test
  void recurrenceSetToNullEndsTheSeriesAndAChangedRuleAppliesFromTheNextOccurrence() {
    Series s = daily();
    s.completed(T1, NOW);
    s.generated(2, T2, NOW);
    JsonObject weekly = task(T2, "FREQ=WEEKLY", "2026-03-02T08:00:00Z");
    assertTrue(s.follow(weekly, NOW));
    assertEquals("FREQ=WEEKLY", s.rule());
    assertEquals(Instant.parse("2026-03-09T08:00:00Z"), s.nextTrigger().orElseThrow());
    assertEquals(EventType.RECURRING_RULE_DEFINED.type(), s.outbox().get(2).getString("type"));
    assertFalse(s.follow(weekly, NOW), "the same event again changes nothing");
    assertFalse(s.follow(task(T1, null, null), NOW), "an old occurrence's change: nothing");
    assertTrue(s.follow(task(T2, null, "2026-03-02T08:00:00Z"), NOW));
    assertFalse(s.active());
    assertNull(s.wantedJob());
    assertFalse(s.completed(T2, NOW));
  }

  @Test
  void deletingTheCurrentOccurrenceEndsTheSeries() {
    Series s = daily();
    assertFalse(s.deleted(T3));
    assertTrue(s.deleted(T1));
    assertFalse(s.active());
    assertEquals("deleted", s.endReason());
  }

  @Test
  void aDueDateLongPastTriggersAtTheNextInstantToComeNotOncePerInstantMissed() {
    Series s = Series.start(T1, task(T1, "FREQ=DAILY", "2001-03-01T08:00:00Z"), NOW);
    assertEquals(Instant.parse("2026-03-01T08:00:00Z"), s.nextTrigger().orElseThrow());
    assertTrue(s.triggered(2, Instant.parse("2026-03-01T08:00:00Z")));
    assertTrue(s.generated(2, T2, Instant.parse("2026-03-01T08:00:01Z")));
    assertEquals(Instant.parse("2026-03-02T08:00:00Z"), s.nextTrigger().orElseThrow());
  }

  @Test
  void aTaskWithoutDueDateHasNoTimeTrigger() {
    Series s = Series.start(T1, task(T1, "FREQ=DAILY", null), NOW);
    assertEquals(java.util.Optional.empty(), s.nextTrigger());
    assertNull(s.wantedJob());
    assertTrue(s.completed(T1, Instant.parse("2026-03-01T09:00:00Z")));
    assertEquals(Instant.parse("2026-03-02T06:00:00Z"), s.pending().dueAt(), "from createdAt");
  }

  @Test
  void roundTripsThroughJson() {
    Series s = daily();
    s.completed(T1, NOW);
    s.jobScheduled(new Series.Job("series-x-2", 2, NOW));
    assertEquals(s.toJson(), Series.fromJson(s.toJson()).toJson());
    s.published(List.of(s.outbox().get(0).getString("id")));
    assertEquals(List.of(), s.outbox());
  }
}
