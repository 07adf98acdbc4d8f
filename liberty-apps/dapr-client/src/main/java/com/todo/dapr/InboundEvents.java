package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * The consumer rules of the event contract in one place: parse, check the schema, skip what was
 * handled before, handle, record. Answers the sidecar with SUCCESS, RETRY or DROP.
 */
@ApplicationScoped
public class InboundEvents {

  private static final Logger LOG = Logger.getLogger(InboundEvents.class.getName());

  /** Inbox records expire after a week: redeliveries come long before that. */
  static final long INBOX_TTL_SECONDS = 7 * 24 * 3600;

  /** What a handler did with an event. */
  public enum Outcome {
    HANDLED,
    RETRY,
    DROP
  }

  @Inject DaprSidecar sidecar;

  public Response receive(String route, String body, EventHandler handler) {
    CloudEvent event;
    try {
      event = CloudEvent.fromJson(body);
    } catch (IllegalArgumentException e) {
      LOG.warning(() -> "route " + route + ": dropping a malformed event: " + e.getMessage());
      return SubscriberReply.drop();
    }
    var type = EventType.of(event.type());
    if (type.isEmpty()) {
      LOG.info(() -> "event " + event.id() + ": type " + event.type() + " is not handled here");
      return SubscriberReply.success();
    }
    List<String> violations = EventSchemas.violations(type.get(), event.data());
    if (!violations.isEmpty()) {
      LOG.warning(() -> "event " + event.id() + " (" + event.type() + ") dropped: " + violations);
      return SubscriberReply.drop();
    }
    String key = "inbox|" + event.id();
    try {
      if (sidecar.getState(key).isPresent()) {
        LOG.fine(() -> "event " + event.id() + " was handled before");
        return SubscriberReply.success();
      }
      Outcome outcome = handler.handle(event);
      if (outcome == Outcome.RETRY) return SubscriberReply.retry();
      if (outcome == Outcome.DROP) {
        LOG.warning(() -> "event " + event.id() + " (" + event.type() + ") dropped by its handler");
        return SubscriberReply.drop();
      }
      String record =
          JSON.createObjectBuilder()
              .add("route", route)
              .add("handledAt", Instant.now().toString())
              .add("event", event.toJson())
              .build()
              .toString();
      sidecar.saveState(key, record, null, false, INBOX_TTL_SECONDS);
      LOG.info(() -> "event " + event.id() + " (" + event.type() + ") handled on " + route);
      return SubscriberReply.success();
    } catch (RuntimeException e) {
      // the state store or the handler failed: never "treat as new", let the sidecar redeliver
      LOG.warning(() -> "event " + event.id() + " will be retried: " + e);
      return SubscriberReply.retry();
    }
  }
}
