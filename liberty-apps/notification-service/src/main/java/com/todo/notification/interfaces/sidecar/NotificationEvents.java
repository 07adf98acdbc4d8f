package com.todo.notification.interfaces.sidecar;

import static com.todo.events.EventType.REMINDER_DELIVERED;
import static com.todo.events.EventType.TASK_COMPLETED;
import static com.todo.events.EventType.TASK_CREATED;
import static com.todo.events.EventType.TASK_DELETED;
import static com.todo.events.EventType.TASK_REOPENED;
import static com.todo.events.EventType.TASK_UPDATED;

import com.todo.dapr.EventHandler;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.notification.application.ReminderService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Set;

/**
 * What notification-service does with the events of its subscriptions
 * (dapr-config/resources/subscription-notification-service.yaml): task changes move its reminders;
 * a client's acknowledgement marks a firing delivered.
 */
@ApplicationScoped
public class NotificationEvents implements EventHandler {

  private static final Set<EventType> HANDLES =
      EnumSet.of(
          TASK_CREATED,
          TASK_UPDATED,
          TASK_COMPLETED,
          TASK_REOPENED,
          TASK_DELETED,
          REMINDER_DELIVERED);

  @Inject ReminderService reminders;

  @Override
  public Set<EventType> handles() {
    return HANDLES;
  }

  @Override
  public Outcome handle(CloudEvent event) {
    if (REMINDER_DELIVERED.type().equals(event.type())) reminders.onDelivered(event);
    else reminders.onTaskEvent(event);
    return Outcome.HANDLED;
  }
}
