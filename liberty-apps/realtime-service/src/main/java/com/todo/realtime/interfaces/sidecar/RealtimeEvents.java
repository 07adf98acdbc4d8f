package com.todo.realtime.interfaces.sidecar;

import com.todo.dapr.EventHandler;
import com.todo.dapr.InboundEvents.Outcome;
import com.todo.events.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.logging.Logger;

/**
 * What realtime-service does with the events of its subscriptions
 * (dapr-config/resources/subscription-realtime-service.yaml), delivered by dapr-client's EventRoutes.
 */
@ApplicationScoped
public class RealtimeEvents implements EventHandler {

  private static final Logger LOG = Logger.getLogger(RealtimeEvents.class.getName());

  @Override
  public Outcome handle(CloudEvent event) {
    // Not built yet (see README.md): the event is only recorded in the inbox by InboundEvents.
    LOG.fine(() -> "event " + event.id() + " (" + event.type() + ") has no reaction yet");
    return Outcome.HANDLED;
  }
}
