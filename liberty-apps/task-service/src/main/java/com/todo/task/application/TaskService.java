package com.todo.task.application;

import com.todo.events.CloudEvent;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskEvents;
import com.todo.task.domain.TaskFields;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.TaskPage;
import com.todo.task.domain.TaskQuery;
import com.todo.task.domain.TaskRepository;
import com.todo.task.domain.TaskValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The task use cases. A change writes the task and its event in one transaction; after the commit
 * the relay publishes the event. A request that fails validation throws before anything is written.
 */
@ApplicationScoped
public class TaskService {

  private static final Logger LOG = Logger.getLogger(TaskService.class.getName());
  static final Set<String> OCCURRENCE_EXTRA_FIELDS = Set.of("userId", "seriesId", "occurrence");

  @Inject TaskRepository tasks;
  @Inject Outbox outbox;
  @Inject IdempotencyKeys idempotencyKeys;
  @Inject Transactions transactions;
  @Inject EventRelay relay;
  @Inject TraceContext trace;

  /**
   * Test-only fault hook for the platform test "the server dies between commit and publish": when
   * true, the JVM halts right after a create commits, before its event is published.
   */
  @Inject
  @ConfigProperty(name = "task-service.fault.halt-after-commit", defaultValue = "false")
  boolean haltAfterCommit;

  Clock clock = Clock.systemUTC();
  Supplier<String> reminderIds = () -> UUID.randomUUID().toString();

  /**
   * Creates a task. With an {@code Idempotency-Key} that this user sent before with the same body,
   * nothing is created and the original task is returned ({@code changed} = false).
   */
  public Outcome create(String userId, JsonValue body, String idempotencyKey) {
    TaskFields fields = TaskValidator.forCreate(body, reminderIds);
    String requestHash = idempotencyKey == null ? null : sha256(body.toString());
    Outcome outcome =
        transactions.write(
            userId,
            () -> {
              Task task = Task.create(TaskId.random(), userId, fields, now());
              if (idempotencyKey != null) {
                Optional<IdempotencyKeys.Earlier> earlier =
                    idempotencyKeys.claim(
                        userId, idempotencyKey, task.id(), requestHash, task.createdAt());
                if (earlier.isPresent())
                  return replay(userId, idempotencyKey, requestHash, earlier.get());
              }
              tasks.insert(task);
              store(TaskEvents.created(task));
              return new Outcome(task, true);
            });
    if (outcome.changed()) {
      if (haltAfterCommit) {
        LOG.severe(
            "task-service.fault.halt-after-commit is set: halting after the commit of task "
                + outcome.task().id());
        Runtime.getRuntime().halt(137);
      }
      relay.committed(userId);
    }
    return outcome;
  }

  private Outcome replay(
      String userId, String key, String requestHash, IdempotencyKeys.Earlier earlier) {
    if (!earlier.requestHash().equals(requestHash)) {
      throw new ConflictException(
          422, "Idempotency-Key " + key + " was used before with a different request body");
    }
    Task original =
        tasks
            .find(userId, earlier.taskId())
            .orElseThrow(
                () ->
                    new ConflictException(
                        409,
                        "Idempotency-Key "
                            + key
                            + " created task "
                            + earlier.taskId()
                            + ", which has been deleted since"));
    return new Outcome(original, false);
  }

  public Task get(String userId, TaskId id) {
    return transactions.read(
        () -> tasks.find(userId, id).orElseThrow(() -> new TaskNotFoundException(id)));
  }

  public TaskPage search(String userId, TaskQuery query) {
    return transactions.read(() -> TaskPage.of(query, tasks.search(userId, query)));
  }

  /** Applies a JSON Merge Patch; a patch that changes nothing stores and publishes nothing. */
  public Outcome update(String userId, TaskId id, JsonValue patch, IfMatch ifMatch) {
    return change(
        userId,
        id,
        ifMatch,
        current -> {
          TaskFields fields = TaskValidator.forPatch(current.fields(), patch, reminderIds);
          List<String> changed = fields.changedFrom(current.fields());
          if (changed.isEmpty()) return new Outcome(current, false);
          Task updated = current.withFields(fields, now());
          tasks.update(updated);
          store(TaskEvents.updated(updated, changed));
          return new Outcome(updated, true);
        });
  }

  /** Completes an open task; completing a completed one changes nothing. */
  public Outcome complete(String userId, TaskId id, IfMatch ifMatch) {
    return change(
        userId,
        id,
        ifMatch,
        current -> {
          if (current.isCompleted()) return new Outcome(current, false);
          Task completed = current.complete(now());
          tasks.update(completed);
          store(TaskEvents.completed(completed));
          return new Outcome(completed, true);
        });
  }

  /** Reopens a completed task; reopening an open one changes nothing. */
  public Outcome reopen(String userId, TaskId id, IfMatch ifMatch) {
    return change(
        userId,
        id,
        ifMatch,
        current -> {
          if (!current.isCompleted()) return new Outcome(current, false);
          Task reopened = current.reopen(now());
          tasks.update(reopened);
          store(TaskEvents.reopened(reopened));
          return new Outcome(reopened, true);
        });
  }

  public void delete(String userId, TaskId id, IfMatch ifMatch) {
    change(
        userId,
        id,
        ifMatch,
        current -> {
          tasks.delete(current.id());
          store(TaskEvents.deleted(current, now()));
          return new Outcome(current, true);
        });
  }

  /** The task's events, oldest first, including those not yet published. */
  public List<CloudEvent> history(String userId, TaskId id) {
    return transactions.read(
        () -> {
          List<CloudEvent> events = outbox.history(userId, id);
          if (events.isEmpty() && tasks.find(userId, id).isEmpty()) {
            throw new TaskNotFoundException(id);
          }
          return events;
        });
  }

  /**
   * Creates occurrence {@code occurrence} of series {@code seriesId} for {@code userId} exactly
   * once; asking again returns the task created the first time ({@code changed} = false).
   */
  public Outcome createOccurrence(String seriesId, int occurrence, String userId, JsonObject body) {
    TaskFields fields = TaskValidator.forOccurrence(body, OCCURRENCE_EXTRA_FIELDS, reminderIds);
    Outcome outcome =
        transactions.write(
            userId,
            () -> {
              Optional<Task> existing = tasks.findOccurrence(seriesId, occurrence);
              if (existing.isPresent()) return existingOccurrence(existing.get(), userId);
              Task task =
                  Task.occurrence(TaskId.random(), userId, fields, seriesId, occurrence, now());
              if (!tasks.insertOccurrence(task)) {
                return existingOccurrence(
                    tasks.findOccurrence(seriesId, occurrence).orElseThrow(), userId);
              }
              store(TaskEvents.created(task));
              return new Outcome(task, true);
            });
    if (outcome.changed()) relay.committed(userId);
    return outcome;
  }

  private static Outcome existingOccurrence(Task task, String userId) {
    if (!task.userId().equals(userId)) {
      throw new ConflictException(
          409,
          "occurrence "
              + task.occurrence()
              + " of series "
              + task.seriesId()
              + " exists for another user");
    }
    return new Outcome(task, false);
  }

  private Outcome change(
      String userId, TaskId id, IfMatch ifMatch, java.util.function.Function<Task, Outcome> work) {
    Outcome outcome =
        transactions.write(
            userId,
            () -> {
              Task current =
                  tasks.findForUpdate(userId, id).orElseThrow(() -> new TaskNotFoundException(id));
              if (!ifMatch.accepts(current.version())) {
                throw new VersionMismatchException(id, current.version());
              }
              return work.apply(current);
            });
    if (outcome.changed()) relay.committed(userId);
    return outcome;
  }

  private void store(CloudEvent made) {
    CloudEvent event = trace.traceParent().map(made::withTraceParent).orElse(made);
    outbox.add(event);
    LOG.log(
        Level.FINE,
        () -> "stored event " + event.id() + " " + event.type() + " of task " + event.subject());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
