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
}
