package com.todo.realtime.interfaces.sidecar;

import static com.todo.events.EventType.REMINDER_TRIGGERED;
import static com.todo.events.EventType.TASK_COMPLETED;
import static com.todo.events.EventType.TASK_CREATED;
import static com.todo.events.EventType.TASK_DELETED;
import static com.todo.events.EventType.TASK_REOPENED;
import static com.todo.events.EventType.TASK_UPDATED;

import com.todo.dapr.ConsumedPosition;
import com.todo.dapr.EventHandler;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.realtime.application.EventLog;
import com.todo.realtime.interfaces.websocket.Connections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * What realtime-service does with the events of its subscriptions
 * (dapr-config/resources/subscription-realtime-service.yaml), delivered by dapr-client's
 * EventRoutes: each delivery is appended to its users' resume logs (reminders also to their pending
 * sets), by whichever replica comes first ({@link EventLog#append}, told where each event sits on
 * Kafka), then pushed to the users' open connections on this replica. An event that could not be
 * logged is answered RETRY, and dapr-client parks it.
 */
@ApplicationScoped
public class RealtimeEvents implements EventHandler {

  private static final Logger LOG = Logger.getLogger(RealtimeEvents.class.getName());

  private static final Set<EventType> HANDLES =
      EnumSet.of(
          TASK_CREATED,
          TASK_UPDATED,
          TASK_COMPLETED,
          TASK_REOPENED,
          TASK_DELETED,
          REMINDER_TRIGGERED);

  @Inject EventLog log;
  @Inject Connections connections;

  /** The outcome of each event prepared on this thread, by id, until {@link #handle} asks. */
  private final ThreadLocal<Map<String, Outcome>> prepared = ThreadLocal.withInitial(HashMap::new);

  @Override
  public Set<EventType> handles() {
    return HANDLES;
  }

  @Override
  public void prepare(List<CloudEvent> events, List<ConsumedPosition> positions) {
    Map<String, Outcome> outcomes = prepared.get();
    outcomes.clear();
    Outcome outcome;
    try {
      log.append(events, positions, connections::push);
      outcome = Outcome.HANDLED;
    } catch (RuntimeException e) {
      LOG.warning(() -> events.size() + " events could not be logged, they are retried: " + e);
      outcome = Outcome.RETRY;
    }
    for (CloudEvent e : events) outcomes.put(e.id(), outcome);
  }

  @Override
  public Outcome handle(CloudEvent event) {
    Outcome outcome = prepared.get().remove(event.id());
    if (outcome != null) return outcome;
    // not prepared: a parked event retried alone
    log.append(List.of(event), connections::push);
    return Outcome.HANDLED;
  }
}
