package com.todo.realtime.interfaces.sidecar;

import static com.todo.events.EventType.REMINDER_TRIGGERED;
import static com.todo.events.EventType.TASK_COMPLETED;
import static com.todo.events.EventType.TASK_CREATED;
import static com.todo.events.EventType.TASK_DELETED;
import static com.todo.events.EventType.TASK_REOPENED;
import static com.todo.events.EventType.TASK_UPDATED;

import com.todo.dapr.ConsumedPosition;
import com.todo.dapr.DaprSidecar;
import com.todo.dapr.EventSpans;
import com.todo.dapr.StateEntry;
import com.todo.dapr.StatefulEventHandler;
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
 * sets), by whichever replica comes first ({@link EventLog#begin}, told where each event sits on
 * Kafka), then pushed to the users' open connections on this replica, each push in its event's
 * trace (a span {@code websocket send}, dapr-client EventSpans). A stateful handler: the logs'
 * heads are read in the consumer rules' read of the delivery and the slots written in their write
 * (three state calls per delivery, not five), and the pushes follow that write. An event that could
 * not be logged is answered RETRY, and dapr-client parks it.
 */
@ApplicationScoped
public class RealtimeEvents implements StatefulEventHandler {

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

  /** The delivery being logged on this thread, from prepare until it is written. */
  private final ThreadLocal<EventLog.Appending> appending = new ThreadLocal<>();

  @Override
  public Set<EventType> handles() {
    return HANDLES;
  }

  @Override
  public List<String> keysToRead(List<CloudEvent> events) {
    return log.keysToRead(events);
  }

  @Override
  public DaprSidecar.Writes prepare(
      List<CloudEvent> events, List<ConsumedPosition> positions, Map<String, StateEntry> read) {
    Map<String, Outcome> outcomes = prepared.get();
    outcomes.clear();
    appending.remove();
    Map<String, CloudEvent> byId = new HashMap<>();
    for (CloudEvent e : events) byId.put(e.id(), e);
    Outcome outcome;
    DaprSidecar.Writes writes = null;
    try {
      EventLog.Appending a = log.begin(events, positions, read, l -> push(byId.get(l.id()), l));
      appending.set(a);
      writes = a.writes();
      outcome = Outcome.HANDLED;
    } catch (RuntimeException e) {
      LOG.warning(() -> events.size() + " events could not be logged, they are retried: " + e);
      outcome = Outcome.RETRY;
    }
    for (CloudEvent e : events) outcomes.put(e.id(), outcome);
    return writes;
  }

  @Override
  public void written(boolean ok) {
    EventLog.Appending a = appending.get();
    appending.remove();
    prepared.get().clear();
    if (a != null) a.written(ok);
  }

  @Override
  public Outcome handle(CloudEvent event) {
    Outcome outcome = prepared.get().remove(event.id());
    if (outcome != null) return outcome;
    // not prepared: a parked event retried alone
    log.append(List.of(event), l -> push(event, l));
    return Outcome.HANDLED;
  }

  /** Pushes an event to its user's connections here, in the event's trace. */
  private void push(CloudEvent event, EventLog.Logged logged) {
    if (!connections.has(logged.user())) return; // nobody here to send it to: no span either
    EventSpans.sending(event, "websocket", () -> connections.push(logged));
  }
}
