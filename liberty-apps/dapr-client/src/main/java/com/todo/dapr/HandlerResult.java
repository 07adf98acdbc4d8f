package com.todo.dapr;

import com.todo.dapr.EventHandler.Outcome;
import com.todo.events.CloudEvent;

/**
 * What a handler made of an event; a handler that throws asks for a retry.
 *
 * @param failure why it is to be retried, for the log ("" when handled)
 */
record HandlerResult(Outcome outcome, String failure) {

  /** The handler's answer for {@code event}, delivered on {@code route}, handled in its trace. */
  static HandlerResult of(EventHandler handler, CloudEvent event, String route) {
    return EventSpans.within(event, route, () -> of(handler, event));
  }

  private static HandlerResult of(EventHandler handler, CloudEvent event) {
    try {
      Outcome outcome = handler.handle(event);
      return new HandlerResult(
          outcome, outcome == Outcome.RETRY ? "the handler asked for a retry" : "");
    } catch (RuntimeException e) {
      return new HandlerResult(Outcome.RETRY, e.toString());
    }
  }
}
