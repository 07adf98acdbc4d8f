package com.todo.recurring.interfaces.sidecar;

import com.todo.dapr.EventHandler;
import com.todo.dapr.InboundEvents.Outcome;
import com.todo.events.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.logging.Logger;

/**
 * What recurring-service does with the events of its subscriptions
 * (dapr-config/resources/subscription-recurring-service.yaml), delivered by dapr-client's EventRoutes.
 */
@ApplicationScoped
public class RecurringEvents implements EventHandler {

  private static final Logger LOG = Logger.getLogger(RecurringEvents.class.getName());

  @Override
  public Outcome handle(CloudEvent event) {
    // Not built yet (see README.md): the event is only recorded in the inbox by InboundEvents.
    LOG.fine(() -> "event " + event.id() + " (" + event.type() + ") has no reaction yet");
    return Outcome.HANDLED;
  }
}
