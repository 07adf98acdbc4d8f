package com.todo.dapr;

import com.todo.dapr.InboundEvents.Outcome;
import com.todo.events.CloudEvent;

/**
 * A service's reaction to the events its subscriptions deliver, one CDI bean per service. It runs
 * only for valid events not handled before, and must be idempotent (delivery is at least once).
 */
public interface EventHandler {
  Outcome handle(CloudEvent event);
}
