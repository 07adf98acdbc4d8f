package com.todo.notification.domain;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The reminders of one task, as notification-service keeps them: what the task's events say they
 * are, where each stands, and the events that announce each change, waiting to be published ({@link
 * #pending()}: written with the change, removed once published). Pure logic: the caller stores the
 * JSON form and runs the jobs each step asks for.
 */
public final class TaskReminders {

  static final String SOURCE = "/notification-service";

  /**
   * One reminder.
   *
   * @param version increases with every change of the reminder: the {@code sequence} of its events
   */
  public record Reminder(
      String id,
      Instant fireAt,
      ReminderStatus status,
      String reason,
      Instant firedAt,
      Instant deliveredAt,
      long version) {

    Reminder with(Instant fireAt, ReminderStatus status, String reason) {
      return new Reminder(id, fireAt, status, reason, firedAt, deliveredAt, version + 1);
    }

    JsonObject toJson() {
      JsonObjectBuilder b =
          JSON.createObjectBuilder()
              .add("id", id)
              .add("fireAt", fireAt.toString())
              .add("status", status.wire())
              .add("version", version);
      if (reason != null) b.add("reason", reason);
      if (firedAt != null) b.add("firedAt", firedAt.toString());
      if (deliveredAt != null) b.add("deliveredAt", deliveredAt.toString());
      return b.build();
    }

    static Reminder fromJson(JsonObject o) {
      return new Reminder(
          o.getString("id"),
          Instant.parse(o.getString("fireAt")),
          ReminderStatus.fromWire(o.getString("status")),
          o.getString("reason", null),
          instant(o, "firedAt"),
          instant(o, "deliveredAt"),
          o.getJsonNumber("version").longValue());
    }
  }

  /** A job to schedule ({@code fireAt} set) or delete ({@code fireAt} null) for a reminder. */
  public record JobChange(String reminderId, Instant fireAt) {}

  private final String taskId;
  private final String userId;
  private String title;
  private Instant dueAt;
  private String taskStatus;
  private final Map<String, Reminder> reminders;
  private final List<JsonObject> pending;

  private TaskReminders(
      String taskId,
      String userId,
      String title,
      Instant dueAt,
      String taskStatus,
      Map<String, Reminder> reminders,
      List<JsonObject> pending) {
    this.taskId = taskId;
    this.userId = userId;
    this.title = title;
    this.dueAt = dueAt;
    this.taskStatus = taskStatus;
    this.reminders = reminders;
    this.pending = pending;
  }

  public static TaskReminders none(String taskId, String userId) {
    return new TaskReminders(
        taskId, userId, "", null, "open", new LinkedHashMap<>(), new ArrayList<>());
  }

  /** Whether a stored state ({@link #toJson()}, or null) is of a task completed or deleted. */
  public static boolean closed(JsonObject stored) {
    return stored != null && !"open".equals(stored.getString("taskStatus", "open"));
  }

  public String taskId() {
    return taskId;
  }

  public String userId() {
    return userId;
  }

  public String title() {
    return title;
  }

  public Instant dueAt() {
    return dueAt;
  }

  public List<Reminder> reminders() {
    return List.copyOf(reminders.values());
  }

  public Optional<Reminder> reminder(String id) {
    return Optional.ofNullable(reminders.get(id));
  }

  /** The events of the changes so far that are still to be published, oldest first. */
  public List<JsonObject> pending() {
    return List.copyOf(pending);
  }

  /** Forgets the pending events with these ids: they were published. */
  public void published(List<String> eventIds) {
    pending.removeIf(e -> eventIds.contains(e.getString("id")));
  }

  /**
   * Follows the task as an event carries it (the full task of created, updated, completed or
   * reopened): a reminder of an open task is scheduled at its instant ({@code at}, or {@code
   * before} its due date); a changed instant moves it; a removed reminder, or every reminder of a
   * completed task, is cancelled. A reminder whose instant had passed more than {@code grace}
   * before the change that set it was made ({@code changedAt}: the event's time, when task-service
   * committed it) fails with reason {@code missed}; otherwise it is scheduled, and fires at once if
   * its instant has passed meanwhile (the platform's own delay never makes a reminder missed); one
   * that already fired or was cancelled at the same instant stays as it is, so reopening a task
   * schedules again only the reminders still in the future.
   *
   * @return the jobs to schedule and delete
   */
  public List<JobChange> follow(JsonObject task, Instant now, Duration grace) {
    return follow(task, now, now, grace);
  }

  /** As {@link #follow(JsonObject, Instant, Duration)}, the change made at {@code changedAt}. */
  public List<JobChange> follow(JsonObject task, Instant now, Instant changedAt, Duration grace) {
    Instant missedBefore = (changedAt.isBefore(now) ? changedAt : now).minus(grace);
    title = task.getString("title", title);
    dueAt = instant(task, "dueAt");
    taskStatus = task.getString("status", "open");
    Map<String, Instant> wanted = new LinkedHashMap<>();
    if ("open".equals(taskStatus) && task.get("reminders") instanceof jakarta.json.JsonArray list) {
      for (JsonValue v : list) {
        JsonObject r = v.asJsonObject();
        Instant fireAt = fireAt(r, dueAt);
        if (fireAt != null) wanted.put(r.getString("id"), fireAt);
      }
    }
    List<JobChange> jobs = new ArrayList<>();
    for (Reminder r : List.copyOf(reminders.values())) {
      if (!wanted.containsKey(r.id()) && r.status().waiting()) {
        set(r.with(r.fireAt(), ReminderStatus.CANCELLED, null), now);
        jobs.add(new JobChange(r.id(), null));
      }
    }
    wanted.forEach(
        (id, fireAt) -> {
          Reminder r = reminders.get(id);
          if (r != null && r.fireAt().equals(fireAt)) {
            boolean cancelledInTheFuture =
                r.status() == ReminderStatus.CANCELLED && fireAt.isAfter(now);
            if (!cancelledInTheFuture) return; // fired, waiting or over at this instant
          }
          if (r != null && r.status() == ReminderStatus.CANCELLED && !fireAt.isAfter(now)) {
            return; // reopened after its instant: it stays cancelled
          }
          jobs.add(schedule(id, r, fireAt, now, missedBefore));
        });
    return jobs;
  }

  /** The task was deleted: every waiting reminder is cancelled. */
  public List<JobChange> deleted(Instant now) {
    taskStatus = "deleted";
    List<JobChange> jobs = new ArrayList<>();
    for (Reminder r : List.copyOf(reminders.values())) {
      if (r.status().waiting()) {
        set(r.with(r.fireAt(), ReminderStatus.CANCELLED, null), now);
        jobs.add(new JobChange(r.id(), null));
      }
    }
    return jobs;
  }

  private JobChange schedule(
      String id, Reminder before, Instant fireAt, Instant now, Instant missedBefore) {
    Reminder r =
        before != null
            ? before.with(fireAt, ReminderStatus.SCHEDULED, null)
            : new Reminder(id, fireAt, ReminderStatus.SCHEDULED, null, null, null, 1);
    if (fireAt.isBefore(missedBefore)) {
      set(r.with(fireAt, ReminderStatus.FAILED, "missed"), now);
      return new JobChange(id, null);
    }
    set(r, now);
    return new JobChange(id, fireAt);
  }

  /**
   * The job of a reminder fired for {@code fireAt}: if the reminder still waits for that instant,
   * it is triggered (its event says what the task is now).
   *
   * @return true when it was triggered now or before at that instant (its undelivered check is to
   *     be scheduled); false when the job is stale (moved, cancelled, snoozed elsewhere)
   */
  public boolean fire(String reminderId, Instant fireAt, Instant now) {
    Reminder r = reminders.get(reminderId);
    if (r == null || !r.fireAt().equals(fireAt)) return false;
    if (r.status() == ReminderStatus.TRIGGERED) return true;
    if (!r.status().waiting()) return false;
    Reminder fired =
        new Reminder(r.id(), fireAt, ReminderStatus.TRIGGERED, null, now, null, r.version() + 1);
    set(fired, now);
    return true;
  }

  /**
   * Fires the reminder again {@code delay} from {@code now}.
   *
   * @return the job to schedule, or empty when the reminder cannot be snoozed (its task is not
   *     open, or it was cancelled)
   */
  public Optional<JobChange> snooze(String reminderId, Duration delay, Instant now) {
    Reminder r = reminders.get(reminderId);
    if (r == null || !"open".equals(taskStatus) || r.status() == ReminderStatus.CANCELLED) {
      return Optional.empty();
    }
    Instant fireAt = now.plus(delay);
    set(r.with(fireAt, ReminderStatus.SNOOZED, null), now);
    return Optional.of(new JobChange(reminderId, fireAt));
  }

  /** A client acknowledged the firing ({@code reminder.delivered.v1}). */
  public boolean delivered(String reminderId, Instant deliveredAt) {
    Reminder r = reminders.get(reminderId);
    if (r == null) return false;
    boolean firing =
        r.status() == ReminderStatus.TRIGGERED
            || (r.status() == ReminderStatus.FAILED && "undelivered".equals(r.reason()));
    if (!firing) return false;
    reminders.put(
        r.id(),
        new Reminder(
            r.id(),
            r.fireAt(),
            ReminderStatus.DELIVERED,
            null,
            r.firedAt(),
            deliveredAt,
            r.version() + 1));
    return true;
  }

  /**
   * No client acknowledged the firing of {@code firedAt} in time: it failed, {@code undelivered}.
   */
  public boolean undelivered(String reminderId, Instant firedAt, Instant now) {
    Reminder r = reminders.get(reminderId);
    if (r == null || r.status() != ReminderStatus.TRIGGERED || !firedAt.equals(r.firedAt())) {
      return false;
    }
    set(r.with(r.fireAt(), ReminderStatus.FAILED, "undelivered"), now);
    return true;
  }

  /** Stores the reminder's new state and queues the event that announces it. */
  private void set(Reminder r, Instant now) {
    reminders.put(r.id(), r);
    JsonObjectBuilder data =
        JSON.createObjectBuilder()
            .add("reminderId", r.id())
            .add("taskId", taskId)
            .add("userId", userId);
    EventType type;
    String id;
    switch (r.status()) {
      case SCHEDULED, SNOOZED -> {
        type = EventType.REMINDER_SCHEDULED;
        data.add("fireAt", r.fireAt().toString()).add("title", title);
        id = eventId("scheduled", r.id(), r.fireAt().toString(), Long.toString(r.version()));
      }
      case TRIGGERED -> {
        type = EventType.REMINDER_TRIGGERED;
        data.add("fireAt", r.fireAt().toString())
            .add("firedAt", r.firedAt().toString())
            .add("title", title);
        if (dueAt != null) data.add("dueAt", dueAt.toString());
        else data.addNull("dueAt");
        // a second trigger of the same firing has the same id
        id = eventId("triggered", r.id(), r.fireAt().toString());
      }
      case FAILED -> {
        type = EventType.REMINDER_FAILED;
        data.add("reason", r.reason());
        id = eventId("failed", r.id(), r.fireAt().toString(), r.reason());
      }
      default -> {
        return; // cancelled and delivered have no event of their own
      }
    }
    pending.add(
        CloudEvent.of(type, id, SOURCE, r.id(), now, userId, r.version(), data.build()).toJson());
  }

  /** An event id derived from what it describes: the same change gives the same id. */
  public static String eventId(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("|", parts).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static Instant fireAt(JsonObject reminder, Instant dueAt) {
    if (reminder.get("at") instanceof jakarta.json.JsonString at)
      return Instant.parse(at.getString());
    if (reminder.get("before") instanceof jakarta.json.JsonString before && dueAt != null) {
      return dueAt.minus(Duration.parse(before.getString()));
    }
    return null;
  }

  private static Instant instant(JsonObject o, String name) {
    return o.get(name) instanceof jakarta.json.JsonString s ? Instant.parse(s.getString()) : null;
  }

  public JsonObject toJson() {
    JsonArrayBuilder list = JSON.createArrayBuilder();
    reminders.values().forEach(r -> list.add(r.toJson()));
    JsonArrayBuilder events = JSON.createArrayBuilder();
    pending.forEach(events::add);
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("taskId", taskId)
            .add("userId", userId)
            .add("title", title)
            .add("taskStatus", taskStatus)
            .add("reminders", list)
            .add("pending", events);
    if (dueAt != null) b.add("dueAt", dueAt.toString());
    return b.build();
  }

  public static TaskReminders fromJson(JsonObject o) {
    Map<String, Reminder> reminders = new LinkedHashMap<>();
    for (JsonValue v : o.getJsonArray("reminders")) {
      Reminder r = Reminder.fromJson(v.asJsonObject());
      reminders.put(r.id(), r);
    }
    List<JsonObject> pending = new ArrayList<>();
    for (JsonValue v : o.getJsonArray("pending")) pending.add(v.asJsonObject());
    return new TaskReminders(
        o.getString("taskId"),
        o.getString("userId"),
        o.getString("title"),
        instant(o, "dueAt"),
        o.getString("taskStatus"),
        reminders,
        pending);
  }
}
