package com.todo.notification.application;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.DaprSidecar;
import com.todo.dapr.SequenceGuard;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.events.Topic;
import com.todo.notification.domain.ReminderStatus;
import com.todo.notification.domain.TaskReminders;
import com.todo.notification.domain.TaskReminders.JobChange;
import com.todo.notification.domain.TaskReminders.Reminder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reminders follow their tasks: each task's reminders live in the state store under the sequence
 * guard's key of the task ({@code applied|task|<id>}, {@link TaskReminders}), one Dapr job per
 * reminder ({@code reminder-<id>}) fires it, and the events that announce each change are stored
 * with the change and published after it. A user's reminder ids are indexed under {@code
 * reminders|<user>} for listing and snoozing.
 */
@ApplicationScoped
public class ReminderService {

  private static final Logger LOG = Logger.getLogger(ReminderService.class.getName());

  /** The job callbacks' retries: a 5xx answer is delivered again for about a minute. */
  private static final JsonObject FAILURE_POLICY =
      JSON.createObjectBuilder()
          .add("constant", JSON.createObjectBuilder().add("interval", "2s").add("maxRetries", 30))
          .build();

  @Inject SequenceGuard guard;
  @Inject DaprSidecar sidecar;

  /**
   * How long before the change that set it (the event's time) a reminder's instant may have passed
   * and it still fires at once; earlier, it fails as missed.
   */
  @Inject
  @ConfigProperty(name = "reminders.grace", defaultValue = "PT1M")
  Duration grace;

  /** How long a triggered reminder waits for a client's acknowledgement before it fails. */
  @Inject
  @ConfigProperty(name = "reminders.delivery-window", defaultValue = "PT10M")
  Duration deliveryWindow;

  Clock clock = Clock.systemUTC();

  /**
   * The changes of one task in this process, one at a time: its reminders share one state entry,
   * and its jobs fire within moments of each other; serialised here they do not lose write races to
   * each other (several replicas still can, and retry).
   */
  private final TaskLocks locks = new TaskLocks();

  static String taskKey(String taskId) {
    return "applied|task|" + taskId;
  }

  static String indexKey(String user) {
    return "reminders|" + user;
  }

  static String fireJob(String reminderId) {
    return "reminder-" + reminderId;
  }

  /**
   * The job that checks, when their delivery window has ended, the firings of one user in one
   * minute: one job for all of them, since every job is a write to the scheduler's store.
   */
  static String deliveryCheckJob(String user, long minute) {
    return "reminder-check-" + TaskReminders.eventId("check", user).replace("-", "") + "-" + minute;
  }

  /** Delivery checks scheduled by this process: scheduling one again would only cost a write. */
  private final Set<String> checksScheduled = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @jakarta.annotation.Resource jakarta.enterprise.concurrent.ManagedExecutorService executor;

  // --- task events -----------------------------------------------------------------------------

  /** A task event: its reminders are scheduled, moved or cancelled. */
  public void onTaskEvent(CloudEvent event) {
    locks.run(event.data().getString("id", ""), () -> followTask(event));
  }

  private void followTask(CloudEvent event) {
    JsonObject data = event.data();
    boolean deleted = EventType.TASK_DELETED.type().equals(event.type());
    String taskId = data.getString("id");
    String key = taskKey(taskId);
    if (deleted ? guard.read(key).isEmpty() : !concernsReminders(data)) return;
    Instant now = clock.instant();
    List<JobChange> jobs = new ArrayList<>();
    JsonObject[] written = {null};
    SequenceGuard.Result result =
        guard.apply(
            key,
            event,
            before -> {
              TaskReminders t =
                  before == null
                      ? TaskReminders.none(taskId, event.userId())
                      : TaskReminders.fromJson(before);
              jobs.clear();
              jobs.addAll(
                  deleted
                      ? t.deleted(now)
                      : t.follow(data, now, event.time() == null ? now : event.time(), grace));
              written[0] = t.toJson();
              return written[0];
            });
    TaskReminders stored;
    if (result == SequenceGuard.Result.APPLIED) {
      stored = TaskReminders.fromJson(written[0]);
    } else {
      // the same event again after a failure past its write: bring the jobs in line with the state
      Optional<SequenceGuard.Applied> applied = guard.read(key);
      if (applied.isEmpty()
          || applied.get().state() == null
          || !applied.get().eventId().equals(event.id())) return;
      stored = TaskReminders.fromJson(applied.get().state());
      jobs.clear();
      for (Reminder r : stored.reminders()) {
        jobs.add(new JobChange(r.id(), r.status().waiting() ? r.fireAt() : null));
      }
    }
    index(stored);
    runAll(stored, jobs);
    publishPending(key, stored);
  }

  /** Whether a task event can change reminders: the task has some, or its reminders changed. */
  static boolean concernsReminders(JsonObject task) {
    boolean has = task.get("reminders") instanceof JsonArray list && !list.isEmpty();
    boolean changed =
        task.get("changed") instanceof JsonArray c && c.contains(JSON.createValue("reminders"));
    return has || changed;
  }

  /** A client acknowledged a firing ({@code reminder.delivered.v1}). */
  public void onDelivered(CloudEvent event) {
    JsonObject data = event.data();
    locks.run(data.getString("taskId"), () -> delivered(data));
  }

  private void delivered(JsonObject data) {
    String reminderId = data.getString("reminderId");
    Instant at = Instant.parse(data.getString("deliveredAt"));
    guard.update(
        taskKey(data.getString("taskId")),
        state -> {
          TaskReminders t = TaskReminders.fromJson(state);
          return t.delivered(reminderId, at) ? t.toJson() : null;
        });
  }

  // --- jobs ----------------------------------------------------------------------------------

  /**
   * The job of a reminder fired: it is triggered if it still waits for that instant. One read, one
   * publish, one write: the events are published before the state that records them is written. A
   * failure between the two answers the job with an error, and its retry announces the firing again
   * with the same event id (derived from the reminder and its instant), which consumers recognise
   * as a duplicate; a lost write race runs the change again on the newer state, with the same
   * effect.
   */
  public void fire(JsonObject job) {
    locks.run(job.getString("taskId"), () -> fireLocked(job));
  }

  private void fireLocked(JsonObject job) {
    String taskId = job.getString("taskId");
    String reminderId = job.getString("reminderId");
    Instant fireAt = Instant.parse(job.getString("fireAt"));
    Instant now = clock.instant();
    String key = taskKey(taskId);
    Optional<JsonObject> written =
        guard.update(
            key,
            state -> {
              TaskReminders t = TaskReminders.fromJson(state);
              if (!t.fire(reminderId, fireAt, now)) return null;
              publish(t);
              return t.toJson();
            });
    if (written.isEmpty()) {
      LOG.fine(() -> "job of reminder " + reminderId + " for " + fireAt + " is stale: ignored");
      return;
    }
    TaskReminders t = TaskReminders.fromJson(written.get());
    Reminder r = t.reminder(reminderId).orElseThrow();
    long minute = r.firedAt().getEpochSecond() / 60;
    String check = deliveryCheckJob(t.userId(), minute);
    if (!checksScheduled.contains(check)) {
      Instant due = Instant.ofEpochSecond((minute + 1) * 60).plus(deliveryWindow);
      sidecar.scheduleJob(
          check,
          due.toString(),
          null,
          JSON.createObjectBuilder().add("userId", t.userId()).add("check", true).build(),
          FAILURE_POLICY);
      if (checksScheduled.size() > 10_000) checksScheduled.clear();
      checksScheduled.add(check);
    }
  }

  /**
   * A delivery check: every triggered reminder of the user whose delivery window has ended fails
   * ({@code undelivered}).
   */
  public void checkDeliveries(String user) {
    Instant now = clock.instant();
    for (String taskId : new LinkedHashSet<>(readIndex(user).values())) {
      locks.run(taskId, () -> checkDeliveries(taskId, now));
    }
  }

  private void checkDeliveries(String taskId, Instant now) {
    String key = taskKey(taskId);
    Optional<JsonObject> written =
        guard.update(
            key,
            state -> {
              TaskReminders t = TaskReminders.fromJson(state);
              boolean any = false;
              for (Reminder r : t.reminders()) {
                boolean due =
                    r.status() == ReminderStatus.TRIGGERED
                        && !r.firedAt().plus(deliveryWindow).isAfter(now);
                if (due) any |= t.undelivered(r.id(), r.firedAt(), now);
              }
              return any ? t.toJson() : null;
            });
    written.ifPresent(w -> publishPending(key, TaskReminders.fromJson(w)));
  }

  // --- the user's actions --------------------------------------------------------------------

  /** A reminder of the user, as the REST API shows it. */
  public record View(TaskReminders task, Reminder reminder) {}

  /**
   * Fires the user's reminder again {@code delay} from now.
   *
   * @return empty when the user has no such reminder
   * @throws IllegalStateException when it cannot be snoozed (its task is closed, it was cancelled)
   */
  public Optional<View> snooze(String user, String reminderId, Duration delay) {
    Optional<String> taskId = taskOf(user, reminderId);
    if (taskId.isEmpty()) return Optional.empty();
    return locks.call(taskId.get(), () -> snooze(user, reminderId, taskId.get(), delay));
  }

  private Optional<View> snooze(String user, String reminderId, String taskId, Duration delay) {
    String key = taskKey(taskId);
    Instant now = clock.instant();
    JobChange[] job = {null};
    Optional<JsonObject> written =
        guard.update(
            key,
            state -> {
              TaskReminders t = TaskReminders.fromJson(state);
              if (!user.equals(t.userId())) return null;
              job[0] = t.snooze(reminderId, delay, now).orElse(null);
              return job[0] == null ? null : t.toJson();
            });
    if (written.isEmpty()) {
      boolean exists =
          guard
              .read(key)
              .map(a -> TaskReminders.fromJson(a.state()))
              .filter(t -> user.equals(t.userId()) && t.reminder(reminderId).isPresent())
              .isPresent();
      if (!exists) return Optional.empty();
      throw new IllegalStateException(
          "reminder " + reminderId + " cannot be snoozed: its task is closed or it was cancelled");
    }
    TaskReminders t = TaskReminders.fromJson(written.get());
    run(t, job[0]);
    publishPending(key, t);
    return Optional.of(new View(t, t.reminder(reminderId).orElseThrow()));
  }

  /** The user's reminders with {@code status} (all when null), by instant then id. */
  public List<View> list(String user, ReminderStatus status) {
    Map<String, String> index = readIndex(user);
    Set<String> taskIds = new LinkedHashSet<>(index.values());
    List<View> views = new ArrayList<>();
    if (taskIds.isEmpty()) return views;
    List<String> keys = taskIds.stream().map(ReminderService::taskKey).toList();
    for (JsonValue v : sidecar.readStates(keys).values()) {
      JsonValue state = v.asJsonObject().get("state");
      if (!(state instanceof JsonObject s)) continue;
      TaskReminders t = TaskReminders.fromJson(s);
      if (!user.equals(t.userId())) continue;
      for (Reminder r : t.reminders()) {
        if (status == null || r.status() == status) views.add(new View(t, r));
      }
    }
    views.sort(
        java.util.Comparator.comparing((View v) -> v.reminder().fireAt())
            .thenComparing(v -> v.reminder().id()));
    return views;
  }

  // --- state around the changes --------------------------------------------------------------

  /** The jobs of one change, side by side: each is a write to the scheduler's store. */
  private void runAll(TaskReminders t, List<JobChange> jobs) {
    if (jobs.size() < 2 || executor == null) {
      for (JobChange job : jobs) run(t, job);
      return;
    }
    var runs =
        jobs.stream()
            .map(
                job -> java.util.concurrent.CompletableFuture.runAsync(() -> run(t, job), executor))
            .toArray(java.util.concurrent.CompletableFuture[]::new);
    try {
      java.util.concurrent.CompletableFuture.allOf(runs).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) throw cause;
      throw e;
    }
  }

  private void run(TaskReminders t, JobChange job) {
    if (job.fireAt() == null) {
      sidecar.deleteJob(fireJob(job.reminderId()));
      return;
    }
    sidecar.scheduleJob(
        fireJob(job.reminderId()),
        job.fireAt().toString(),
        null,
        jobData(t, job.reminderId(), job.fireAt()),
        FAILURE_POLICY);
  }

  private static JsonObject jobData(TaskReminders t, String reminderId, Instant fireAt) {
    return JSON.createObjectBuilder()
        .add("userId", t.userId())
        .add("taskId", t.taskId())
        .add("reminderId", reminderId)
        .add("fireAt", fireAt.toString())
        .build();
  }

  /**
   * Publishes the events stored with the task's changes, then forgets them. Their ids are derived
   * from what they describe, so one published twice after a failure here is a duplicate consumers
   * recognise.
   */
  private void publishPending(String key, TaskReminders t) {
    if (t.pending().isEmpty()) return;
    List<String> published = new ArrayList<>();
    Set<String> failed = publishBulk(t, published);
    guard.update(
        key,
        state -> {
          TaskReminders now = TaskReminders.fromJson(state);
          now.published(published);
          return now.toJson();
        });
    if (!failed.isEmpty()) {
      throw new IllegalStateException(
          "events " + failed + " of task " + t.taskId() + " were not published; retried");
    }
  }

  /**
   * Publishes {@code t}'s pending events and forgets them in {@code t}, which the caller then
   * stores.
   *
   * @throws IllegalStateException when one was not published (the caller's write is then skipped)
   */
  private void publish(TaskReminders t) {
    if (t.pending().isEmpty()) return;
    List<String> published = new ArrayList<>();
    Set<String> failed = publishBulk(t, published);
    if (!failed.isEmpty()) {
      throw new IllegalStateException(
          "events " + failed + " of task " + t.taskId() + " were not published; retried");
    }
    t.published(published);
  }

  /** Publishes {@code t}'s pending events; adds those published to {@code published}. */
  private Set<String> publishBulk(TaskReminders t, List<String> published) {
    List<DaprSidecar.BulkEntry> entries = new ArrayList<>();
    for (JsonObject event : t.pending()) {
      entries.add(new DaprSidecar.BulkEntry(event.getString("id"), t.userId(), event.toString()));
    }
    Set<String> failed = sidecar.publishBulk(Topic.REMINDER_EVENTS, entries);
    for (DaprSidecar.BulkEntry e : entries) {
      if (!failed.contains(e.entryId())) published.add(e.entryId());
    }
    return failed;
  }

  /** Adds the task's reminder ids to its user's index, where they are not yet. */
  private void index(TaskReminders t) {
    for (int attempt = 1; attempt <= 3; attempt++) {
      var stored = sidecar.getState(indexKey(t.userId()));
      Map<String, String> index =
          stored.map(e -> parseIndex(e.json())).orElseGet(LinkedHashMap::new);
      boolean changed = false;
      for (Reminder r : t.reminders()) changed |= index.putIfAbsent(r.id(), t.taskId()) == null;
      if (!changed) return;
      var json = JSON.createObjectBuilder();
      index.forEach(json::add);
      String value = JSON.createObjectBuilder().add("reminders", json).build().toString();
      boolean written =
          stored.isPresent()
              ? sidecar.saveState(indexKey(t.userId()), value, stored.get().etag(), false)
              : sidecar.saveState(indexKey(t.userId()), value, null, true);
      if (written) return;
    }
    throw new IllegalStateException("the reminder index of " + t.userId() + " keeps changing");
  }

  private Optional<String> taskOf(String user, String reminderId) {
    return Optional.ofNullable(readIndex(user).get(reminderId));
  }

  private Map<String, String> readIndex(String user) {
    return sidecar
        .getState(indexKey(user))
        .map(e -> parseIndex(e.json()))
        .orElseGet(LinkedHashMap::new);
  }

  private static Map<String, String> parseIndex(String json) {
    Map<String, String> index = new LinkedHashMap<>();
    JsonObject o = JSON.createReader(new StringReader(json)).readObject();
    o.getJsonObject("reminders")
        .forEach((id, task) -> index.put(id, ((JsonString) task).getString()));
    return index;
  }
}
