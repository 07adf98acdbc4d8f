package com.todo.recurring.interfaces.sidecar;

import static com.todo.events.EventType.TASK_COMPLETED;
import static com.todo.events.EventType.TASK_CREATED;
import static com.todo.events.EventType.TASK_DELETED;
import static com.todo.events.EventType.TASK_REOPENED;
import static com.todo.events.EventType.TASK_UPDATED;

import com.todo.dapr.EventHandler;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.recurring.application.SeriesService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Set;

/**
 * What recurring-service does with the events of its subscriptions
 * (dapr-config/resources/subscription-recurring-service.yaml), delivered by dapr-client's
 * EventRoutes: task changes start, change, advance and end series ({@link SeriesService}).
 */
@ApplicationScoped
public class RecurringEvents implements EventHandler {

  private static final Set<EventType> HANDLES =
      EnumSet.of(TASK_CREATED, TASK_UPDATED, TASK_COMPLETED, TASK_REOPENED, TASK_DELETED);

  @Inject SeriesService series;

  @Override
  public Set<EventType> handles() {
    return HANDLES;
  }

  @Override
  public Outcome handle(CloudEvent event) {
    series.onTaskEvent(event);
    return Outcome.HANDLED;
  }
}
