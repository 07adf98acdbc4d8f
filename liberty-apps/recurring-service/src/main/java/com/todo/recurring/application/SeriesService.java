package com.todo.recurring.application;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.CurrentSpan;
import com.todo.dapr.DaprSidecar;
import com.todo.dapr.SequenceGuard;
import com.todo.dapr.SidecarException;
import com.todo.dapr.StateEntry;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.events.Topic;
import com.todo.recurring.domain.Series;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Recurring series follow their tasks' events. Each series lives under {@code series|<seriesId>}
 * ({@link Series}), written with the ETag read; each task event is applied once, in order, through
 * the {@link SequenceGuard} of its task ({@code applied|task|<taskId>}). A change writes what it
 * decided into the series (a pending generation, the events to publish) and then carries it out,
 * every step idempotent, so a failure anywhere is repaired by the retry of the event or the job:
 *
 * <ol>
 *   <li>a pending occurrence is created through Dapr service invocation of task-service's {@code
 *       POST /internal/series/<seriesId>/occurrences/<n>} (created once, 201; the same task again,
 *       200), and confirmed in the series with its task id and a {@code task-generated} event;
 *   <li>the time-trigger job of the series is brought in line with what the series waits for (one
 *       job, {@code series-<seriesId>-<n>}, for basis {@code due});
 *   <li>the events stored with the changes are published to {@code recurring-events} and removed.
 * </ol>
 */
@ApplicationScoped
public class SeriesService {

  private static final Logger LOG = Logger.getLogger(SeriesService.class.getName());

  /** The job callbacks' retries: a 5xx answer is delivered again for about a minute. */
  private static final JsonObject FAILURE_POLICY =
      JSON.createObjectBuilder()
          .add("constant", JSON.createObjectBuilder().add("interval", "2s").add("maxRetries", 30))
          .build();

  private static final int ATTEMPTS = 5;

  /**
   * The answers of task-service's occurrence endpoint that no retry can change (docs/api.md): the
   * body refused, another caller, the occurrence exists for another user. Any other answer (a 404
   * while task-service is redeployed, a 5xx, the sidecar's 500 while task-service is unhealthy) is
   * retried.
   */
  private static final Set<Integer> REFUSALS = Set.of(400, 403, 409, 413, 422);

  @Inject SequenceGuard guard;
  @Inject DaprSidecar sidecar;

  @Inject
  @ConfigProperty(name = "recurring.task-service.app-id", defaultValue = "task-service")
  String taskService;

  /**
   * How long the sequence guard's record of a task ({@code applied|task|<taskId>}, one per task of
   * a series: the template and every occurrence) is kept after the last event applied to it. It
   * only orders and de-duplicates that task's events, and past Kafka's 7-day retention of {@code
   * task-events} no redelivery of one can arrive: a later event, with a higher sequence, applies as
   * to a task seen for the first time. At least {@link SequenceGuard.Lifetime#MIN}.
   */
  @Inject
  @ConfigProperty(name = "recurring.applied.ttl", defaultValue = "P30D")
  Duration appliedTtl;

  @PostConstruct
  void start() {
    appliedTtl = SequenceGuard.Lifetime.atLeastMin("recurring.applied.ttl", appliedTtl);
  }

  Clock clock = Clock.systemUTC();

  static String seriesKey(String seriesId) {
    return "series|" + seriesId;
  }

  static String taskKey(String taskId) {
    return "applied|task|" + taskId;
  }

  // --- task events -----------------------------------------------------------------------------

  /** A task event: it may start, change, advance or end the series of its task. */
  public void onTaskEvent(CloudEvent event) {
    JsonObject data = event.data();
    boolean deleted = EventType.TASK_DELETED.type().equals(event.type());
    boolean completed = EventType.TASK_COMPLETED.type().equals(event.type());
    boolean created = EventType.TASK_CREATED.type().equals(event.type());
    if (EventType.TASK_REOPENED.type().equals(event.type())) return;
    String taskId = data.getString("id");
    String taskSeries = data.get("seriesId") instanceof JsonString s ? s.getString() : null;
    String seriesId = taskSeries != null ? taskSeries : taskId;
    if (deleted) {
      if (taskSeries == null && read(seriesId).isEmpty()) return;
    } else if (!concernsSeries(data)) {
      return;
    } else if (created && taskSeries != null) {
      // An occurrence this service had created: the series knows it already (its fields are what
      // was sent). Only when the series is unknown (its state lost) does it start one from it.
      Optional<Series> known = find(seriesId);
      if (known.isPresent()) {
        carryOut(known.get());
        return;
      }
    }
    Instant now = clock.instant();
    Series[] seen = {null};
    boolean[] ran = {false};
    guard.apply(
        taskKey(taskId),
        event,
        before -> {
          ran[0] = true;
          seen[0] =
              change(
                  seriesId,
                  series -> {
                    if (series == null) {
                      if (deleted || !(data.get("recurrence") instanceof JsonObject)) return null;
                      series = Series.start(seriesId, data, now);
                      if (completed) series.completed(taskId, completedAt(data, now));
                      return series;
                    }
                    boolean changed;
                    if (deleted) {
                      changed = series.deleted(taskId);
                    } else {
                      changed = series.follow(data, now);
                      if (completed) changed |= series.completed(taskId, completedAt(data, now));
                    }
                    return changed ? series : null;
                  });
          return JSON.createObjectBuilder().add("seriesId", seriesId).build();
        },
        (before, after) -> appliedTtl.toSeconds());
    // also when the guard found the event applied before: what it decided may not be carried out
    carryOut(ran[0] ? seen[0] : find(seriesId).orElse(null));
  }

  /**
   * Whether an event may concern a series (no state read): a task event with a recurrence, a series
   * or a recurrence just removed, or any deletion (its task may be a template).
   */
  public boolean concerns(CloudEvent event) {
    if (EventType.TASK_DELETED.type().equals(event.type())) return true;
    if (EventType.TASK_REOPENED.type().equals(event.type())) return false;
    return concernsSeries(event.data());
  }

  /** Whether a task event can concern a series: it has a recurrence, a series, or lost one. */
  static boolean concernsSeries(JsonObject task) {
    if (task.get("recurrence") instanceof JsonObject) return true;
    if (task.get("seriesId") instanceof JsonString) return true;
    return task.get("changed") instanceof JsonArray c && c.contains(JSON.createValue("recurrence"));
  }

  private static Instant completedAt(JsonObject task, Instant now) {
    return task.get("completedAt") instanceof JsonString c ? Instant.parse(c.getString()) : now;
  }

  // --- jobs ----------------------------------------------------------------------------------

  /** The time trigger of occurrence {@code n} fired. */
  public void onTrigger(String seriesId, int n, Instant due) {
    carryOut(
        change(seriesId, series -> series != null && series.triggered(n, due) ? series : null));
  }

  // --- carrying out ------------------------------------------------------------------------

  /** Carries out what the series decided: generation, job, events. Idempotent. */
  void carryOut(Series seen) {
    Series series = seen;
    for (int round = 0; round < ATTEMPTS; round++) {
      if (series == null) return;
      if (series.pending() != null) {
        series = generate(series);
        continue;
      }
      Series.Job wanted = series.wantedJob();
      if (!Objects.equals(wanted, series.job())) {
        Series.Job had = series.job();
        applyJob(series.seriesId(), had, wanted);
        series =
            change(
                series.seriesId(),
                s -> {
                  if (!Objects.equals(s.job(), had)) return null;
                  s.jobScheduled(wanted);
                  return s;
                });
        continue;
      }
      publish(series);
      return;
    }
    throw new IllegalStateException("series " + seen.seriesId() + " keeps changing; retried");
  }

  /** Deletes the job there was (unless it is the one wanted) and schedules the one wanted. */
  private void applyJob(String seriesId, Series.Job had, Series.Job wanted) {
    if (had != null && (wanted == null || !had.name().equals(wanted.name()))) {
      sidecar.deleteJob(had.name());
    }
    if (wanted != null && !wanted.equals(had)) {
      sidecar.scheduleJob(
          wanted.name(),
          wanted.dueAt().toString(),
          null,
          JSON.createObjectBuilder()
              .add("seriesId", seriesId)
              .add("occurrence", Integer.toString(wanted.occurrence()))
              .add("dueAt", wanted.dueAt().toString())
              .build(),
          FAILURE_POLICY);
    }
  }

  /**
   * Has task-service create the pending occurrence, brings the job in line with the series after
   * it, and confirms it in the series (its task id, its event), in that order: a failure before the
   * confirmation repeats the same steps, each idempotent.
   *
   * @return the series as it is now
   */
  private Series generate(Series series) {
    Series.Pending p = series.pending();
    String seriesId = series.seriesId();
    String method = "internal/series/" + seriesId + "/occurrences/" + p.occurrence();
    DaprSidecar.InvocationResult r =
        sidecar.invoke(
            taskService,
            method,
            Series.occurrenceKey(seriesId, p.occurrence()),
            series.occurrenceBody().toString());
    Instant now = clock.instant();
    if (r.status() == 200 || r.status() == 201) {
      String newTaskId = JSON.createReader(new StringReader(r.body())).readObject().getString("id");
      Series after = series.copy();
      after.generated(p.occurrence(), newTaskId, now);
      Series.Job had = series.job();
      Series.Job wanted = after.wantedJob();
      applyJob(seriesId, had, wanted);
      LOG.fine(() -> "occurrence " + p.occurrence() + " of " + seriesId + ": task " + newTaskId);
      return change(
          seriesId,
          s -> {
            if (!s.generated(p.occurrence(), newTaskId, now)) return null;
            if (Objects.equals(s.job(), had)) s.jobScheduled(wanted);
            return s;
          });
    }
    if (REFUSALS.contains(r.status())) {
      LOG.severe(
          () ->
              "task-service refused occurrence "
                  + p.occurrence()
                  + " of series "
                  + seriesId
                  + ", the series ends: HTTP "
                  + r.status()
                  + " "
                  + r.body());
      return change(seriesId, s -> s.refused(p.occurrence(), "HTTP " + r.status()) ? s : null);
    }
    throw new SidecarException(
        "occurrence "
            + p.occurrence()
            + " of series "
            + seriesId
            + " not created: HTTP "
            + r.status()
            + " "
            + r.body());
  }

  private void publish(Series series) {
    List<JsonObject> events = series.outbox();
    if (events.isEmpty()) return;
    // in the trace of the event or job callback being handled (the span current here)
    String trace = CurrentSpan.currentTraceParent().orElse(null);
    List<DaprSidecar.BulkEntry> entries = new ArrayList<>();
    for (JsonObject e : events) {
      String traced = CloudEvent.withTraceParent(e, trace).toString();
      entries.add(new DaprSidecar.BulkEntry(e.getString("id"), series.userId(), traced));
    }
    Set<String> failed = sidecar.publishBulk(Topic.RECURRING_EVENTS, entries);
    List<String> published =
        entries.stream()
            .map(DaprSidecar.BulkEntry::entryId)
            .filter(id -> !failed.contains(id))
            .toList();
    change(
        series.seriesId(),
        s -> {
          s.published(published);
          return s;
        });
    if (!failed.isEmpty()) {
      throw new IllegalStateException(
          "events " + failed + " of series " + series.seriesId() + " were not published; retried");
    }
  }

  // --- state -------------------------------------------------------------------------------

  /** A series as read, with the ETag for writing it back. */
  record Stored(Series series, String etag) {}

  public Optional<Series> find(String seriesId) {
    return read(seriesId).map(Stored::series);
  }

  Optional<Stored> read(String seriesId) {
    Optional<StateEntry> entry = sidecar.getState(seriesKey(seriesId));
    return entry.map(
        e ->
            new Stored(
                Series.fromJson(JSON.createReader(new StringReader(e.json())).readObject()),
                e.etag()));
  }

  /**
   * Changes the series with the ETag read, reading again when a concurrent write won.
   *
   * @param change the series after the change from the series before (null when there is none);
   *     null to write nothing
   * @return the series after the change, or as it is when nothing was written (null: none)
   */
  Series change(String seriesId, Function<Series, Series> change) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Optional<Stored> before = read(seriesId);
      Series seen = before.map(Stored::series).orElse(null);
      Series after = change.apply(seen == null ? null : seen.copy());
      if (after == null) return seen;
      String value = after.toJson().toString();
      boolean written =
          before.isPresent()
              ? sidecar.saveState(seriesKey(seriesId), value, before.get().etag(), false)
              : sidecar.saveState(seriesKey(seriesId), value, null, true);
      if (written) return after;
    }
    throw new SidecarException(
        "series " + seriesId + ": lost " + ATTEMPTS + " writes to concurrent ones");
  }
}
