package com.todo.recurring.domain;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.recurring.domain.SeriesRule.Basis;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One recurring series as recurring-service keeps it in the state store: its rule, basis and zone,
 * its current occurrence (number, task, due date), the task fields the next occurrence copies, the
 * generation it decided and has not confirmed yet ({@link Pending}), the time-trigger job it
 * scheduled, and the events of its changes not yet published (written with the change, published
 * after it: the state store is the outbox).
 *
 * <p>The series id is the id of the task the recurrence was first set on (the template, occurrence
 * 1); task-service leaves that task's own {@code seriesId} null and sets {@code seriesId} and
 * {@code occurrence} on every task it creates for the series.
 */
public final class Series {

  public static final String SOURCE = "/recurring-service";

  /** A generation decided and written, not yet confirmed by task-service's answer. */
  public record Pending(int occurrence, Instant dueAt) {}

  /** The time-trigger job scheduled for this series. */
  public record Job(String name, int occurrence, Instant dueAt) {}

  private final String seriesId;
  private final String userId;
  private boolean active;
  private String endReason;
  private String rule;
  private Basis basis;
  private String timeZone;
  private int ruleVersion;
  private ZonedDateTime start;
  private int startOccurrence;
  private int occurrence;
  private String taskId;
  private Instant dueAt;
  private Instant createdAt;

  /** The time trigger never targets an instant before this one (see {@link #nextTrigger}). */
  private Instant floor;

  private JsonObject fields;
  private Pending pending;
  private Job job;
  private long version;
  private final List<JsonObject> outbox = new ArrayList<>();

  private Series(String seriesId, String userId) {
    this.seriesId = seriesId;
    this.userId = userId;
  }

  /** The job of the time trigger that generates occurrence {@code n}. */
  public static String jobName(String seriesId, int n) {
    return "series-" + seriesId + "-" + n;
  }

  /** The idempotency key of occurrence {@code n} at task-service. */
  public static String occurrenceKey(String seriesId, int n) {
    return seriesId + ":" + n;
  }

  /**
   * A series starts on a task with a recurrence: the template (occurrence 1), or an occurrence of a
   * series this service no longer knows, which then starts it again from that occurrence.
   */
  public static Series start(String seriesId, JsonObject task, Instant now) {
    Series s = new Series(seriesId, task.getString("userId"));
    s.active = true;
    s.ruleVersion = 0;
    s.occurrence = task.get("occurrence") instanceof jakarta.json.JsonNumber n ? n.intValue() : 1;
    s.taskId = task.getString("id");
    s.floor = now;
    s.refresh(task);
    s.define(task.getJsonObject("recurrence"), now);
    return s;
  }

  public String seriesId() {
    return seriesId;
  }

  public String userId() {
    return userId;
  }

  public boolean active() {
    return active;
  }

  public String endReason() {
    return endReason;
  }

  public int occurrence() {
    return occurrence;
  }

  public String taskId() {
    return taskId;
  }

  public Instant dueAt() {
    return dueAt;
  }

  public Pending pending() {
    return pending;
  }

  public Job job() {
    return job;
  }

  public Basis basis() {
    return basis;
  }

  public String rule() {
    return rule;
  }

  public List<JsonObject> outbox() {
    return List.copyOf(outbox);
  }

  /**
   * A created, updated or completed task event of the current occurrence: its fields become what
   * the next occurrence copies; a changed recurrence redefines the series from the next occurrence
   * on; a recurrence set to null ends it. Events of other tasks change nothing.
   *
   * @return whether anything changed
   */
  public boolean follow(JsonObject task, Instant now) {
    if (!task.getString("id").equals(taskId)) return false;
    JsonObject before = toJson();
    JsonValue recurrence = task.get("recurrence");
    boolean differs =
        recurrence instanceof JsonObject r
            && (!r.getString("rule").equals(rule)
                || !r.getString("basis", "due").equals(basis.json())
                || !task.getString("timeZone", "UTC").equals(timeZone));
    refresh(task);
    if (!(recurrence instanceof JsonObject r)) {
      if (active) end("recurrence-removed");
    } else {
      if (differs || (!active && "recurrence-removed".equals(endReason))) {
        active = true;
        endReason = null;
        define(r, now);
      } else if (startOccurrence == occurrence) {
        start = startOf(dueAt, createdAt, zone());
      }
    }
    return !before.equals(toJson());
  }

  /** The current occurrence was deleted: the series ends. */
  public boolean deleted(String deletedTaskId) {
    if (!active || !deletedTaskId.equals(taskId)) return false;
    end("deleted");
    return true;
  }

  /**
   * The current occurrence was completed at {@code completedAt}: the next occurrence is decided (or
   * the series ends when the rule has no more). Nothing when it is not the current one, or a
   * generation is already decided (the time trigger came first).
   */
  public boolean completed(String completedTaskId, Instant completedAt) {
    if (!active || pending != null || !completedTaskId.equals(taskId)) return false;
    Optional<ZonedDateTime> next =
        seriesRule()
            .next(
                start,
                startOccurrence,
                occurrence + 1,
                previousDue(),
                completedAt,
                basis == Basis.DUE ? completedAt : null);
    if (next.isEmpty()) {
      end("finished");
      return true;
    }
    pending = new Pending(occurrence + 1, next.get().toInstant());
    return true;
  }

  /**
   * The time trigger of occurrence {@code n}, due at {@code due}: the occurrence is decided if the
   * series still waits for exactly that one (its previous occurrence is the current one, nothing
   * decided yet, and the rule still gives that instant).
   */
  public boolean triggered(int n, Instant due) {
    if (job != null && job.occurrence() == n) job = null; // it has fired
    Optional<Instant> expected = nextTrigger();
    if (!active || pending != null || n != occurrence + 1 || expected.isEmpty()) return false;
    if (!expected.get().equals(due)) return false;
    pending = new Pending(n, due);
    return true;
  }

  /** task-service created (or had created) occurrence {@code n} as task {@code newTaskId}. */
  public boolean generated(int n, String newTaskId, Instant now) {
    if (pending == null || pending.occurrence() != n) return false;
    occurrence = n;
    taskId = newTaskId;
    dueAt = pending.dueAt();
    floor = now;
    pending = null;
    version++;
    JsonObjectBuilder data =
        JSON.createObjectBuilder()
            .add("seriesId", seriesId)
            .add("userId", userId)
            .add("occurrence", n)
            .add("taskId", newTaskId)
            .add("dueAt", dueAt.toString());
    outbox.add(event(EventType.RECURRING_TASK_GENERATED, "generated|" + n, now, data.build()));
    return true;
  }

  /** task-service refused occurrence {@code n} for good (4xx): the series ends. */
  public boolean refused(int n, String reason) {
    if (pending == null || pending.occurrence() != n) return false;
    pending = null;
    end("refused: " + reason);
    return true;
  }

  /**
   * The instant of the time trigger of the next occurrence: basis {@code due} only, while nothing
   * is decided and the current occurrence has a due date; empty when the series has no next
   * occurrence. It is the rule's first instant after the current due date that is not before the
   * moment the current occurrence became current (or the rule was set): a template created with a
   * due date long past gets its next occurrence at the next instant to come, not one for every
   * instant missed since.
   */
  public Optional<Instant> nextTrigger() {
    if (!active || pending != null || basis != Basis.DUE || dueAt == null) return Optional.empty();
    return seriesRule()
        .next(start, startOccurrence, occurrence + 1, previousDue(), null, floor)
        .map(ZonedDateTime::toInstant);
  }

  /** The job there should be now, or null. */
  public Job wantedJob() {
    return nextTrigger()
        .map(due -> new Job(jobName(seriesId, occurrence + 1), occurrence + 1, due))
        .orElse(null);
  }

  /** A copy, to work out a change before it is written. */
  public Series copy() {
    return fromJson(toJson());
  }

  public void jobScheduled(Job scheduled) {
    job = scheduled;
  }

  /** The events with these ids were published. */
  public void published(List<String> ids) {
    outbox.removeIf(e -> ids.contains(e.getString("id")));
  }

  /**
   * The body of task-service's {@code POST /internal/series/{seriesId}/occurrences/{n}} for the
   * pending occurrence: the current occurrence's title, description, tags, priority, time zone,
   * relative reminders and recurrence; the decided due date; the owner, series and number.
   */
  public JsonObject occurrenceBody() {
    if (pending == null) throw new IllegalStateException("no occurrence decided");
    JsonObjectBuilder body = JSON.createObjectBuilder(fields);
    body.add("dueAt", pending.dueAt().toString())
        .add("timeZone", timeZone)
        .add("recurrence", JSON.createObjectBuilder().add("rule", rule).add("basis", basis.json()))
        .add("userId", userId)
        .add("seriesId", seriesId)
        .add("occurrence", pending.occurrence());
    return body.build();
  }

  // --- inside --------------------------------------------------------------------------------

  private void end(String reason) {
    active = false;
    endReason = reason;
    pending = null;
  }

  private void define(JsonObject recurrence, Instant now) {
    rule = recurrence.getString("rule");
    basis = Basis.of(recurrence.getString("basis", "due")).orElse(Basis.DUE);
    startOccurrence = occurrence;
    start = startOf(dueAt, createdAt, zone());
    floor = now;
    ruleVersion++;
    version++;
    JsonObjectBuilder data =
        JSON.createObjectBuilder()
            .add("seriesId", seriesId)
            .add("userId", userId)
            .add("rule", rule)
            .add("basis", basis.json())
            .add("timeZone", timeZone)
            .add("templateTaskId", taskId);
    outbox.add(
        event(EventType.RECURRING_RULE_DEFINED, "defined|" + ruleVersion, now, data.build()));
  }

  /** The fields the next occurrence copies, and the current one's due date and zone. */
  private void refresh(JsonObject task) {
    JsonObjectBuilder f = JSON.createObjectBuilder().add("title", task.getString("title"));
    if (task.get("description") instanceof JsonString d) f.add("description", d);
    f.add("tags", task.getJsonArray("tags"));
    f.add("priority", task.getString("priority", "none"));
    JsonArrayBuilder reminders = JSON.createArrayBuilder();
    if (task.get("reminders") instanceof JsonArray list) {
      for (JsonValue v : list) {
        if (v instanceof JsonObject r && r.get("before") instanceof JsonString before) {
          reminders.add(JSON.createObjectBuilder().add("before", before));
        }
      }
    }
    f.add("reminders", reminders);
    fields = f.build();
    timeZone = task.getString("timeZone", "UTC");
    dueAt = task.get("dueAt") instanceof JsonString d ? Instant.parse(d.getString()) : null;
    // only read when there is no due date: kept otherwise, so the created event of a generated
    // occurrence changes nothing
    if (dueAt == null || createdAt == null) createdAt = Instant.parse(task.getString("createdAt"));
  }

  private ZoneId zone() {
    try {
      return ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      return ZoneId.of("UTC");
    }
  }

  private static ZonedDateTime startOf(Instant due, Instant created, ZoneId zone) {
    return (due != null ? due : created).atZone(zone);
  }

  private Instant previousDue() {
    return dueAt != null ? dueAt : createdAt;
  }

  private SeriesRule seriesRule() {
    return SeriesRule.of(rule, basis, zone());
  }

  private JsonObject event(EventType type, String what, Instant now, JsonObject data) {
    String id =
        UUID.nameUUIDFromBytes((seriesId + "|" + what).getBytes(StandardCharsets.UTF_8)).toString();
    return CloudEvent.of(type, id, SOURCE, seriesId, now, userId, version, data).toJson();
  }

  // --- JSON ----------------------------------------------------------------------------------

  public JsonObject toJson() {
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("seriesId", seriesId)
            .add("userId", userId)
            .add("active", active)
            .add("rule", rule)
            .add("basis", basis.json())
            .add("timeZone", timeZone)
            .add("ruleVersion", ruleVersion)
            .add("start", start.toOffsetDateTime().toString())
            .add("startOccurrence", startOccurrence)
            .add("occurrence", occurrence)
            .add("taskId", taskId)
            .add("createdAt", createdAt.toString())
            .add("triggerFloor", floor.toString())
            .add("fields", fields)
            .add("version", version);
    if (endReason != null) b.add("endReason", endReason);
    if (dueAt != null) b.add("dueAt", dueAt.toString());
    if (pending != null) {
      b.add(
          "pending",
          JSON.createObjectBuilder()
              .add("occurrence", pending.occurrence())
              .add("dueAt", pending.dueAt().toString()));
    }
    if (job != null) {
      b.add(
          "job",
          JSON.createObjectBuilder()
              .add("name", job.name())
              .add("occurrence", job.occurrence())
              .add("dueAt", job.dueAt().toString()));
    }
    JsonArrayBuilder events = JSON.createArrayBuilder();
    outbox.forEach(events::add);
    return b.add("outbox", events).build();
  }

  public static Series fromJson(JsonObject o) {
    Series s = new Series(o.getString("seriesId"), o.getString("userId"));
    s.active = o.getBoolean("active");
    s.endReason = o.getString("endReason", null);
    s.rule = o.getString("rule");
    s.basis = Basis.of(o.getString("basis")).orElseThrow();
    s.timeZone = o.getString("timeZone");
    s.ruleVersion = o.getInt("ruleVersion");
    s.start = OffsetDateTime.parse(o.getString("start")).atZoneSameInstant(s.zone());
    s.startOccurrence = o.getInt("startOccurrence");
    s.occurrence = o.getInt("occurrence");
    s.taskId = o.getString("taskId");
    s.createdAt = Instant.parse(o.getString("createdAt"));
    s.floor = Instant.parse(o.getString("triggerFloor", Instant.EPOCH.toString()));
    s.fields = o.getJsonObject("fields");
    s.version = o.getJsonNumber("version").longValue();
    s.dueAt = o.containsKey("dueAt") ? Instant.parse(o.getString("dueAt")) : null;
    if (o.get("pending") instanceof JsonObject p) {
      s.pending = new Pending(p.getInt("occurrence"), Instant.parse(p.getString("dueAt")));
    }
    if (o.get("job") instanceof JsonObject j) {
      s.job =
          new Job(j.getString("name"), j.getInt("occurrence"), Instant.parse(j.getString("dueAt")));
    }
    for (JsonValue e : o.getJsonArray("outbox")) s.outbox.add(e.asJsonObject());
    return s;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Series s && s.toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return Objects.hash(seriesId, version, occurrence);
  }
}
