package com.todo.recurring.interfaces.sidecar;

import static com.todo.events.EventType.TASK_COMPLETED;
import static com.todo.events.EventType.TASK_CREATED;
import static com.todo.events.EventType.TASK_DELETED;
import static com.todo.events.EventType.TASK_REOPENED;
import static com.todo.events.EventType.TASK_UPDATED;

import com.todo.dapr.EventHandler;
import com.todo.dapr.SequenceGuard;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Set;

/**
 * What recurring-service does with the events of its subscriptions
 * (dapr-config/resources/subscription-recurring-service.yaml), delivered by dapr-client's
 * EventRoutes.
 */
@ApplicationScoped
public class RecurringEvents implements EventHandler {

  private static final Set<EventType> HANDLES =
      EnumSet.of(TASK_CREATED, TASK_UPDATED, TASK_COMPLETED, TASK_REOPENED, TASK_DELETED);

  @Inject SequenceGuard guard;

  @Override
  public Set<EventType> handles() {
    return HANDLES;
  }

  @Override
  public Outcome handle(CloudEvent event) {
    // Series are not built yet (README.md): each change is only applied, once and in sequence
    // order, to
    // a count of the changes of its aggregate.
    guard.apply(SequenceGuard.aggregateKey(event), event, SequenceGuard.COUNT_CHANGES);
    return Outcome.HANDLED;
  }
}
