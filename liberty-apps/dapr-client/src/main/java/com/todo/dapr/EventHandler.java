package com.todo.dapr;

import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import java.util.Set;

/**
 * A service's reaction to the events its subscriptions deliver, one CDI bean per service. It runs
 * only for valid events of the types it {@linkplain #handles() handles} that were not handled
 * before, and must be idempotent (delivery is at least once): apply each aggregate's events through
 * the {@link SequenceGuard}.
 */
public interface EventHandler {

  /** What a handler did with an event. */
  enum Outcome {
    /** Applied, or nothing to do: the event is acknowledged. */
    HANDLED,
    /** A transient failure: the sidecar delivers it again, up to the bounded attempts. */
    RETRY,
    /** It can never be handled: it goes to the dead-letter topic. */
    DROP
  }

  /**
   * The types, each in the major version this service knows, that it reacts to. A type of the same
   * family in another major version (e.g. {@code com.todo.task.created.v9} where this holds {@code
   * created.v1}) is dead-lettered; any other type is acknowledged and ignored.
   */
  Set<EventType> handles();

  Outcome handle(CloudEvent event);

  /**
   * Called once per delivery before {@link #handle} is called for each of {@code events}, in the
   * same order: the events of the delivery that are new and do not wait behind their user's parked
   * events. A handler that works in batches (one state read and one write per delivery instead of
   * per event) does its I/O here and answers {@link #handle} from what it did; it must not throw (a
   * failure is for {@link #handle} to answer RETRY). A parked event retried later gets {@link
   * #handle} alone. The default does nothing.
   */
  default void prepare(java.util.List<CloudEvent> events) {}

  /**
   * As {@link #prepare(java.util.List)}, with where each event sits on Kafka ({@code positions}, in
   * the same order; an entry is null when the delivery did not say). A handler whose effect must be
   * the same on several replicas that each consume every event (a broadcast subscription) can tell
   * by the offset whether another replica applied an event already. The default calls {@link
   * #prepare(java.util.List)}.
   */
  default void prepare(
      java.util.List<CloudEvent> events, java.util.List<ConsumedPosition> positions) {
    prepare(events);
  }
}
