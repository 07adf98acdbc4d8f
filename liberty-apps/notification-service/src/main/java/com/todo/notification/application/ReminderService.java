package com.todo.notification.application;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.CurrentSpan;
import com.todo.dapr.DaprSidecar;
import com.todo.dapr.SequenceGuard;
import com.todo.dapr.StateEntry;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.events.Topic;
import com.todo.notification.application.GroupCommit.Pending;
import com.todo.notification.domain.ReminderIndex;
import com.todo.notification.domain.ReminderStatus;
import com.todo.notification.domain.TaskReminders;
import com.todo.notification.domain.TaskReminders.JobChange;
import com.todo.notification.domain.TaskReminders.Reminder;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;

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

  /**
   * How long a closed (completed or deleted) task's reminders are kept after its last change: the
   * history {@code GET /api/v1/reminders} shows, and the sequence guard's record of the task. Then
   * its state expires and the user's index forgets it. At least {@link SequenceGuard.Lifetime#MIN}:
   * past Kafka's 7-day retention of {@code task-events}, no redelivery of its events can arrive to
   * find the guard's record gone.
   */
  @Inject
  @ConfigProperty(name = "reminders.history", defaultValue = "P30D")
  Duration history;

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
   * When the delivery check of the user's firings of {@code minute} runs: after the window of the
   * minute's last firing, spread over the next minute by user, so that a minute's checks of many
   * users (each a read, a publish and a write of their tasks) do not all start at the same second
   * and hold up the firings of that second (seen in ./dev bench reminders: 4-6 s late at the turn).
   * A reminder not acknowledged is thus failed between its window and its window plus two minutes.
   */
  static Instant deliveryCheckDue(String user, long minute, Duration window) {
    long spread = Math.floorMod(user.hashCode(), 60_000);
    return Instant.ofEpochSecond((minute + 1) * 60).plus(window).plusMillis(spread);
  }

  /**
   * The job that checks, when their delivery window has ended, the firings of one user in one
   * minute: one job for all of them, since every job is a write to the scheduler's store.
   */
  static String deliveryCheckJob(String user, long minute) {
    return "reminder-check-" + TaskReminders.eventId("check", user).replace("-", "") + "-" + minute;
  }

  /** Delivery checks scheduled by this process: scheduling one again would only cost a write. */
  private final Set<String> checksScheduled = ConcurrentHashMap.newKeySet();

  @Resource ManagedThreadFactory threads;

  /**
   * Scheduler writes side by side (a change's reminder jobs, a minute's delivery checks), on
   * threads of their own: the callers wait for them on Liberty's executor threads, and tasks queued
   * to that same executor were starved once every one of its threads waited (seen under 167
   * firings/s: notification-service stopped answering).
   */
  private ExecutorService executor;

  private Counter groupsCounter;
  private Counter firingsCounter;

  @PostConstruct
  void start() {
    history = SequenceGuard.Lifetime.atLeastMin("reminders.history", history);
    if (metrics != null && metrics.isResolvable()) {
      groupsCounter = metrics.get().counter(GROUPS_METRIC);
      firingsCounter = metrics.get().counter(FIRINGS_METRIC);
    }
    if (threads != null) {
      executor = Executors.newFixedThreadPool(SCHEDULER_WRITERS, threads);
    }
  }

  @PreDestroy
  void stop() {
    if (executor != null) executor.shutdown();
  }

  /** Scheduler writes in flight at most: each is an etcd write, which batches concurrent ones. */
  private static final int SCHEDULER_WRITERS = 8;

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
    Set<String> known = new LinkedHashSet<>();
    SequenceGuard.Result result =
        guard.apply(
            key,
            event,
            before -> {
              TaskReminders t =
                  before == null
                      ? TaskReminders.none(taskId, event.userId())
                      : TaskReminders.fromJson(before);
              known.clear();
              t.reminders().forEach(r -> known.add(r.id()));
              jobs.clear();
              jobs.addAll(
                  deleted
                      ? t.deleted(now)
                      : t.follow(data, now, event.time() == null ? now : event.time(), grace));
              written[0] = t.toJson();
              return written[0];
            },
            this::lifetime);
    TaskReminders stored;
    boolean added;
    if (result == SequenceGuard.Result.APPLIED) {
      stored = TaskReminders.fromJson(written[0]);
      added = stored.reminders().stream().anyMatch(r -> !known.contains(r.id()));
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
      added = true;
    }
    // reminders already in the task's state were indexed before their event was acknowledged
    if (added) index(stored);
    runAll(stored, jobs);
    publishPending(key, stored);
  }

  /**
   * A closed task's state expires {@link #history} after its last change; a task reopened keeps its
   * state for good again; an open one keeps it as it was (for good).
   */
  long lifetime(JsonObject before, JsonObject after) {
    if (TaskReminders.closed(after)) return history.toSeconds();
    return TaskReminders.closed(before)
        ? SequenceGuard.Lifetime.FOREVER
        : SequenceGuard.Lifetime.AS_IT_WAS;
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
   *
   * <p>Firings that arrive while others are being handled are handled together, by whichever
   * request thread is free first (group commit): one read of all their tasks, one publish of all
   * their events, one state transaction. Alone, a firing is handled at once, as before; under load
   * the calls per firing fall with the size of the group (docs/performance.md, "Reminders").
   *
   * @throws RuntimeException when it could not be recorded: the job's retry fires it again
   */
  public void fire(JsonObject job) {
    firings.submit(job);
  }

  /** The most firings handled together: one read and one transaction of up to this many tasks. */
  private static final int GROUP = 100;

  private final GroupCommit<JsonObject> firings = new GroupCommit<>(GROUP, this::fireGroup);

  /**
   * Metrics {@code todo.reminders.firing.groups} and {@code todo.reminders.firing.firings}: their
   * ratio is the mean group size ({@code /metrics?scope=application}).
   */
  static final String GROUPS_METRIC = "todo.reminders.firing.groups";

  static final String FIRINGS_METRIC = "todo.reminders.firing.firings";

  @Inject Instance<MetricRegistry> metrics;

  /** Handles a group of firings; completes each, exceptionally when it is to be retried. */
  private void fireGroup(List<Pending<JsonObject>> group) {
    if (groupsCounter != null) {
      groupsCounter.inc();
      firingsCounter.inc(group.size());
    }
    Map<String, List<Pending<JsonObject>>> byTask = new LinkedHashMap<>();
    for (Pending<JsonObject> f : group)
      byTask.computeIfAbsent(taskIdOf(f), t -> new ArrayList<>()).add(f);
    Map<String, DeliveryCheck> checks = new LinkedHashMap<>();
    locks.runAll(byTask.keySet(), () -> fireTasks(byTask, checks));
    scheduleDeliveryChecks(checks);
  }

  /**
   * With the tasks' locks held: triggers what still waits, publishes, writes; adds to {@code
   * checks} the delivery checks the firings written need (by job name, with their firings).
   */
  private void fireTasks(
      Map<String, List<Pending<JsonObject>>> byTask, Map<String, DeliveryCheck> checks) {
    Instant now = clock.instant();
    Map<String, SequenceGuard.Versioned> read =
        guard.readAll(byTask.keySet().stream().map(ReminderService::taskKey).toList());
    Map<String, TaskReminders> changed = new LinkedHashMap<>();
    for (var task : byTask.entrySet()) {
      SequenceGuard.Versioned v = read.get(taskKey(task.getKey()));
      if (v == null) continue; // no such task any more: every job of it is stale
      TaskReminders t = TaskReminders.fromJson(v.applied().state());
      boolean any = false;
      for (Pending<JsonObject> f : task.getValue()) {
        any |= t.fire(reminderIdOf(f), fireAtOf(f), now);
      }
      if (any) changed.put(task.getKey(), t);
    }
    // each task's events in the trace of (the first of) its firings' job callbacks
    Written written =
        publishThenWrite(changed, read, taskId -> byTask.get(taskId).get(0).traceParent());
    for (String taskId : written.unpublished()) {
      RuntimeException e =
          new IllegalStateException(
              "events of task " + taskId + " were not published; the job is retried");
      byTask.get(taskId).forEach(f -> f.fail(e));
    }
    if (!written.all()) {
      // some task changed since the read (or the write failed): one at a time on what is stored
      // now; a firing already written is found triggered, one not written publishes again with
      // the same event id, which consumers drop as a duplicate
      for (SequenceGuard.Update u : written.updates()) {
        String taskId = TaskReminders.fromJson(u.state()).taskId();
        for (Pending<JsonObject> f : byTask.get(taskId)) {
          try {
            fireAlone(f.item(), f.traceParent());
          } catch (RuntimeException e) {
            f.fail(e);
          }
        }
      }
      return;
    }
    List<SequenceGuard.Update> updates = written.updates();
    for (SequenceGuard.Update u : updates) {
      TaskReminders t = TaskReminders.fromJson(u.state());
      for (Pending<JsonObject> f : byTask.get(t.taskId())) {
        t.reminder(reminderIdOf(f))
            .filter(r -> r.firedAt() != null)
            .ifPresent(
                r -> {
                  long minute = r.firedAt().getEpochSecond() / 60;
                  String check = deliveryCheckJob(t.userId(), minute);
                  if (checksScheduled.contains(check)) return;
                  checks
                      .computeIfAbsent(
                          check, c -> new DeliveryCheck(t.userId(), minute, new ArrayList<>()))
                      .firings()
                      .add(f);
                });
      }
    }
  }

  /**
   * What {@link #publishThenWrite} did: the updates it wrote (all of them when {@code all}; when
   * not, some may be written), and the tasks it left unwritten as their events were not published.
   */
  private record Written(
      List<SequenceGuard.Update> updates, boolean all, Set<String> unpublished) {}

  /**
   * The events of the changed tasks (read with {@code read}) in one publish, then the tasks whose
   * events were all published in one state transaction: the events first, then the state that
   * records them, so that a failure in between publishes them again with the same ids.
   */
  private Written publishThenWrite(
      Map<String, TaskReminders> changed,
      Map<String, SequenceGuard.Versioned> read,
      java.util.function.UnaryOperator<String> traceOf) {
    List<DaprSidecar.BulkEntry> entries = new ArrayList<>();
    for (var c : changed.entrySet()) addEntries(c.getValue(), entries, traceOf.apply(c.getKey()));
    Set<String> failed = sidecar.publishBulk(Topic.REMINDER_EVENTS, entries);
    List<SequenceGuard.Update> updates = new ArrayList<>();
    Set<String> unpublished = new LinkedHashSet<>();
    for (var c : changed.entrySet()) {
      TaskReminders t = c.getValue();
      List<String> ids = t.pending().stream().map(e -> e.getString("id")).toList();
      if (ids.stream().anyMatch(failed::contains)) {
        unpublished.add(c.getKey());
        continue;
      }
      t.published(ids);
      updates.add(new SequenceGuard.Update(read.get(taskKey(c.getKey())), t.toJson()));
    }
    return new Written(updates, guard.updateAll(updates), unpublished);
  }

  /** The delivery check of a user's firings of one minute, with the firings that need it. */
  private record DeliveryCheck(String user, long minute, List<Pending<JsonObject>> firings) {}

  /**
   * Schedules the delivery checks side by side (at a minute's turn every user with a firing needs
   * one: a hundred scheduler writes one after the other held every firing for seconds); a firing
   * whose check could not be scheduled fails, and its job's retry schedules it again.
   */
  private void scheduleDeliveryChecks(Map<String, DeliveryCheck> checks) {
    if (checks.isEmpty()) return;
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (DeliveryCheck c : checks.values()) {
      Runnable schedule = () -> scheduleDeliveryCheck(c.user(), c.minute());
      runs.add(
          executor == null || checks.size() == 1
              ? CompletableFuture.runAsync(schedule, Runnable::run)
              : CompletableFuture.runAsync(schedule, executor));
    }
    int i = 0;
    for (DeliveryCheck c : checks.values()) {
      try {
        runs.get(i++).join();
      } catch (CompletionException e) {
        c.firings().forEach(f -> f.fail(e.getCause() instanceof RuntimeException r ? r : e));
      }
    }
  }

  private static String taskIdOf(Pending<JsonObject> f) {
    return f.item().getString("taskId");
  }

  private static String reminderIdOf(Pending<JsonObject> f) {
    return f.item().getString("reminderId");
  }

  private static Instant fireAtOf(Pending<JsonObject> f) {
    return Instant.parse(f.item().getString("fireAt"));
  }

  /**
   * One firing on its own, its task's lock held: read, publish (in the trace {@code traceParent}),
   * write.
   */
  private void fireAlone(JsonObject job, String traceParent) {
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
              publish(t, traceParent);
              return t.toJson();
            });
    if (written.isEmpty()) {
      LOG.fine(() -> "job of reminder " + reminderId + " for " + fireAt + " is stale: ignored");
      return;
    }
    TaskReminders t = TaskReminders.fromJson(written.get());
    scheduleDeliveryCheck(
        t.userId(), t.reminder(reminderId).orElseThrow().firedAt().getEpochSecond() / 60);
  }

  /** The job that checks the delivery of the user's firings of that minute, once per process. */
  private void scheduleDeliveryCheck(String user, long minute) {
    String check = deliveryCheckJob(user, minute);
    if (checksScheduled.contains(check)) return;
    Instant due = deliveryCheckDue(user, minute, deliveryWindow);
    sidecar.scheduleJob(
        check,
        due.toString(),
        null,
        JSON.createObjectBuilder().add("userId", user).add("check", true).build(),
        FAILURE_POLICY);
    if (checksScheduled.size() > 10_000) checksScheduled.clear();
    checksScheduled.add(check);
  }

  /**
   * A delivery check: every triggered reminder of the user whose delivery window has ended fails
   * ({@code undelivered}).
   */
  public void checkDeliveries(String user) {
    Instant now = clock.instant();
    List<String> taskIds = new ArrayList<>(readIndex(user).taskIds());
    for (int from = 0; from < taskIds.size(); from += GROUP) {
      List<String> some = taskIds.subList(from, Math.min(taskIds.size(), from + GROUP));
      locks.runAll(some, () -> checkDeliveries(some, now));
    }
  }

  /**
   * The delivery check of some of a user's tasks, their locks held: one read, one publish of the
   * {@code failed.v1} events, one transaction; a task changed meanwhile is checked again alone.
   * Checks come in bursts (a minute's firings of every user, a window later), and task by task they
   * took four sidecar calls each.
   *
   * @throws IllegalStateException when events were not published: the check job is retried
   */
  private void checkDeliveries(List<String> taskIds, Instant now) {
    Map<String, SequenceGuard.Versioned> read =
        guard.readAll(taskIds.stream().map(ReminderService::taskKey).toList());
    Map<String, TaskReminders> changed = new LinkedHashMap<>();
    for (String taskId : taskIds) {
      SequenceGuard.Versioned v = read.get(taskKey(taskId));
      if (v == null) continue;
      TaskReminders t = TaskReminders.fromJson(v.applied().state());
      if (undelivered(t, now)) changed.put(taskId, t);
    }
    String trace = CurrentSpan.currentTraceParent().orElse(null);
    Written written = publishThenWrite(changed, read, taskId -> trace);
    if (!written.all()) {
      for (SequenceGuard.Update u : written.updates()) {
        checkDeliveries(TaskReminders.fromJson(u.state()).taskId(), now);
      }
    }
    if (!written.unpublished().isEmpty()) {
      throw new IllegalStateException(
          "events of tasks " + written.unpublished() + " were not published; the check is retried");
    }
  }

  /** Fails the triggered reminders of {@code t} whose delivery window has ended; true if any. */
  private boolean undelivered(TaskReminders t, Instant now) {
    boolean any = false;
    for (Reminder r : t.reminders()) {
      boolean due =
          r.status() == ReminderStatus.TRIGGERED && !r.firedAt().plus(deliveryWindow).isAfter(now);
      if (due) any |= t.undelivered(r.id(), r.firedAt(), now);
    }
    return any;
  }

  private void checkDeliveries(String taskId, Instant now) {
    String key = taskKey(taskId);
    Optional<JsonObject> written =
        guard.update(
            key,
            state -> {
              TaskReminders t = TaskReminders.fromJson(state);
              return undelivered(t, now) ? t.toJson() : null;
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
    runAll(t, List.of(job[0]));
    publishPending(key, t);
    return Optional.of(new View(t, t.reminder(reminderId).orElseThrow()));
  }

  /** The user's reminders with {@code status} (all when null), by instant then id. */
  public List<View> list(String user, ReminderStatus status) {
    Optional<StateEntry> stored = sidecar.getState(indexKey(user));
    ReminderIndex index = indexOf(stored);
    List<View> views = new ArrayList<>();
    if (index.size() == 0) return views;
    Set<String> taskIds = index.taskIds();
    Set<String> existing = new LinkedHashSet<>();
    List<String> keys = taskIds.stream().map(ReminderService::taskKey).toList();
    for (JsonValue v : sidecar.readStates(keys).values()) {
      JsonValue state = v.asJsonObject().get("state");
      if (!(state instanceof JsonObject s)) continue;
      TaskReminders t = TaskReminders.fromJson(s);
      existing.add(t.taskId());
      if (!user.equals(t.userId())) continue;
      for (Reminder r : t.reminders()) {
        if (status == null || r.status() == status) views.add(new View(t, r));
      }
    }
    if (index.forgetGone(taskIds, existing)) {
      // best effort: a concurrent change of the index wins, and the next list forgets them
      try {
        sidecar.saveState(indexKey(user), index.toJson(), stored.get().etag(), false);
      } catch (RuntimeException e) {
        LOG.fine(() -> "the reminder index of " + user + " was not pruned: " + e);
      }
    }
    views.sort(
        Comparator.comparing((View v) -> v.reminder().fireAt())
            .thenComparing(v -> v.reminder().id()));
    return views;
  }

  // --- state around the changes --------------------------------------------------------------

  /** The jobs of one change, side by side: each is a write to the scheduler's store. */
  private void runAll(TaskReminders t, List<JobChange> jobs) {
    List<Runnable> writes = new ArrayList<>();
    for (JobChange job : jobs) writes.add(() -> run(t, job));
    // the delivery check of each minute a job is due in, scheduled now rather than by the firing:
    // at a minute's turn every user with a firing needs one, and those writes held the firings
    // for up to a second (the firing schedules one only if it falls into another minute)
    jobs.stream()
        .filter(job -> job.fireAt() != null)
        .map(job -> job.fireAt().getEpochSecond() / 60)
        .distinct()
        .filter(minute -> !checksScheduled.contains(deliveryCheckJob(t.userId(), minute)))
        .forEach(minute -> writes.add(() -> scheduleDeliveryCheck(t.userId(), minute)));
    if (writes.size() < 2 || executor == null) {
      for (Runnable write : writes) write.run();
      return;
    }
    var runs =
        writes.stream()
            .map(write -> CompletableFuture.runAsync(write, executor))
            .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(runs).join();
    } catch (CompletionException e) {
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
    Set<String> failed = publishBulk(t, published, CurrentSpan.currentTraceParent().orElse(null));
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
  private void publish(TaskReminders t, String traceParent) {
    if (t.pending().isEmpty()) return;
    List<String> published = new ArrayList<>();
    Set<String> failed = publishBulk(t, published, traceParent);
    if (!failed.isEmpty()) {
      throw new IllegalStateException(
          "events " + failed + " of task " + t.taskId() + " were not published; retried");
    }
    t.published(published);
  }

  /**
   * Publishes {@code t}'s pending events (in the trace {@code traceParent}); adds those published
   * to {@code published}.
   */
  private Set<String> publishBulk(TaskReminders t, List<String> published, String traceParent) {
    List<DaprSidecar.BulkEntry> entries = new ArrayList<>();
    addEntries(t, entries, traceParent);
    Set<String> failed = sidecar.publishBulk(Topic.REMINDER_EVENTS, entries);
    for (DaprSidecar.BulkEntry e : entries) {
      if (!failed.contains(e.entryId())) published.add(e.entryId());
    }
    return failed;
  }

  /**
   * Adds {@code t}'s pending events to {@code entries}, keyed by its user, each in the trace {@code
   * traceParent} (the span of the change or firing that made it; null: none, the sidecar's).
   */
  private static void addEntries(
      TaskReminders t, List<DaprSidecar.BulkEntry> entries, String traceParent) {
    for (JsonObject event : t.pending()) {
      JsonObject traced = CloudEvent.withTraceParent(event, traceParent);
      entries.add(new DaprSidecar.BulkEntry(event.getString("id"), t.userId(), traced.toString()));
    }
  }

  /**
   * Adds the task's reminder ids to its user's index (called when reminders new to the task's state
   * were added); when the index has grown enough, forgets the tasks whose state is gone. The index
   * is written even if it holds them already: the new ETag makes a concurrent check that read the
   * task's state as gone (expired, now recreated) read again rather than forget it.
   */
  private void index(TaskReminders t) {
    String key = indexKey(t.userId());
    List<String> ids = t.reminders().stream().map(Reminder::id).toList();
    for (int attempt = 1; attempt <= 3; attempt++) {
      Optional<StateEntry> stored = sidecar.getState(key);
      ReminderIndex index = indexOf(stored);
      index.add(t.taskId(), ids);
      if (index.dueForCheck()) forgetGone(index);
      boolean written =
          stored.isPresent()
              ? sidecar.saveState(key, index.toJson(), stored.get().etag(), false)
              : sidecar.saveState(key, index.toJson(), null, true);
      if (written) return;
    }
    throw new IllegalStateException("the reminder index of " + t.userId() + " keeps changing");
  }

  /** Reads the states of every task of the index and forgets those that are gone. */
  private boolean forgetGone(ReminderIndex index) {
    List<String> taskIds = List.copyOf(index.taskIds());
    Set<String> existing = new LinkedHashSet<>();
    for (int from = 0; from < taskIds.size(); from += GROUP) {
      List<String> some = taskIds.subList(from, Math.min(taskIds.size(), from + GROUP));
      Set<String> found =
          sidecar.readStates(some.stream().map(ReminderService::taskKey).toList()).keySet();
      for (String taskId : some) if (found.contains(taskKey(taskId))) existing.add(taskId);
    }
    return index.forgetGone(new LinkedHashSet<>(taskIds), existing);
  }

  private Optional<String> taskOf(String user, String reminderId) {
    return readIndex(user).taskOf(reminderId);
  }

  private ReminderIndex readIndex(String user) {
    return indexOf(sidecar.getState(indexKey(user)));
  }

  private static ReminderIndex indexOf(Optional<StateEntry> stored) {
    return stored.map(e -> ReminderIndex.parse(e.json())).orElseGet(ReminderIndex::empty);
  }
}
