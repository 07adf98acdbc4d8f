package com.todo.recurring.interfaces.sidecar;

import static com.todo.events.EventType.TASK_COMPLETED;
import static com.todo.events.EventType.TASK_CREATED;
import static com.todo.events.EventType.TASK_DELETED;
import static com.todo.events.EventType.TASK_REOPENED;
import static com.todo.events.EventType.TASK_UPDATED;

import com.todo.dapr.EventHandler;
import com.todo.dapr.EventSpans;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.recurring.application.SeriesService;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * What recurring-service does with the events of its subscriptions
 * (dapr-config/resources/subscription-recurring-service.yaml), delivered by dapr-client's
 * EventRoutes: task changes start, change, advance and end series ({@link SeriesService}).
 *
 * <p>A delivery holds the events of many users, handed over one at a time; each event of a series
 * costs a few sidecar round trips and one service invocation. So {@link #prepare} handles them
 * ahead, the users spread over {@value #LANES} lanes run side by side, each user's events in their
 * order, a user's events after one that failed left alone; {@link #handle} then answers from what
 * was done (a failure is thrown again, so the consumer rules park the event and, behind it, the
 * user's later ones). An event that was not prepared (a parked one retried) is handled at once.
 */
@ApplicationScoped
public class RecurringEvents implements EventHandler {

  private static final Logger LOG = Logger.getLogger(RecurringEvents.class.getName());

  static final int LANES = 8;

  private static final Set<EventType> HANDLES =
      EnumSet.of(TASK_CREATED, TASK_UPDATED, TASK_COMPLETED, TASK_REOPENED, TASK_DELETED);

  /** Marks an event prepared without failure. */
  private static final Object DONE = new Object();

  @Inject SeriesService series;

  @Resource ManagedExecutorService executor;

  /** What {@link #prepare} did with each event id, for {@link #handle} on the same thread. */
  private final ThreadLocal<Map<String, Object>> prepared = ThreadLocal.withInitial(HashMap::new);

  @Override
  public Set<EventType> handles() {
    return HANDLES;
  }

  @Override
  public void prepare(List<CloudEvent> events) {
    prepared.remove();
    List<List<CloudEvent>> lanes = new ArrayList<>();
    for (int i = 0; i < LANES; i++) lanes.add(new ArrayList<>());
    int relevant = 0;
    for (CloudEvent e : events) {
      if (!series.concerns(e)) continue;
      relevant++;
      lanes.get(Math.floorMod(String.valueOf(e.userId()).hashCode(), LANES)).add(e);
    }
    if (relevant < 2 || executor == null) return;
    Map<String, Object> results = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (List<CloudEvent> lane : lanes) {
      if (lane.isEmpty()) continue;
      runs.add(CompletableFuture.runAsync(() -> run(lane, results), executor));
    }
    try {
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
    } catch (RuntimeException e) {
      LOG.warning(() -> "a lane of " + events.size() + " events failed: " + e);
    }
    prepared.set(new HashMap<>(results));
  }

  private void run(List<CloudEvent> lane, Map<String, Object> results) {
    Set<String> failedUsers = new java.util.HashSet<>();
    for (CloudEvent e : lane) {
      String user = String.valueOf(e.userId());
      if (failedUsers.contains(user)) continue;
      try {
        // in the event's trace: the occurrence it creates and the events it publishes are too
        EventSpans.within(
            e,
            () -> {
              series.onTaskEvent(e);
              return null;
            });
        results.put(e.id(), DONE);
      } catch (RuntimeException failure) {
        results.put(e.id(), failure);
        failedUsers.add(user);
      }
    }
  }

  @Override
  public Outcome handle(CloudEvent event) {
    Object done = prepared.get().remove(event.id());
    if (done == DONE) return Outcome.HANDLED;
    if (done instanceof RuntimeException failure) throw failure;
    series.onTaskEvent(event);
    return Outcome.HANDLED;
  }
}
