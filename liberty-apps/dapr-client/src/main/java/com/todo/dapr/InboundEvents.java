package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import com.todo.events.JsonDigest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The consumer rules of the event contract in one place: parse, check the schema, skip what was
 * handled before, handle, record. Answers the sidecar with SUCCESS, RETRY or DROP, for one event or
 * for each entry of a bulk delivery (Dapr bulk subscribe: one call, one inbox read and one inbox
 * write for up to a hundred events).
 */
@ApplicationScoped
public class InboundEvents {

  private static final Logger LOG = Logger.getLogger(InboundEvents.class.getName());

  /**
   * How long a processed-event record is kept. It only saves handling a redelivery again (every
   * effect is idempotent), and redeliveries come within minutes (the sidecar's retries, a restart
   * before the offset was committed); at a thousand events a second a week of records would not
   * fit any Redis.
   */
  @Inject
  @ConfigProperty(name = "inbox.ttl", defaultValue = "PT1H")
  Duration inboxTtl;

  /** What a handler did with an event. */
  public enum Outcome {
    HANDLED,
    RETRY,
    DROP
  }

  /** The answer for one event. */
  enum Status {
    SUCCESS,
    RETRY,
    DROP
  }

  @Inject DaprSidecar sidecar;

  /** True when {@code body} is a bulk delivery ({@code {"entries": [...]}}), not one event. */
  static boolean isBulk(JsonObject body) {
    return body.get("entries") instanceof JsonArray && !body.containsKey("specversion");
  }

  /** One event in the body (a route without bulk subscribe, or a test). */
  public Response receive(String route, String body, EventHandler handler) {
    JsonObject json;
    try {
      json = JSON.createReader(new StringReader(body)).readObject();
    } catch (JsonException | IllegalStateException e) {
      LOG.warning(() -> "route " + route + ": dropping a malformed event: " + e.getMessage());
      return reply(Status.DROP);
    }
    if (isBulk(json)) return receiveBulk(route, json.getJsonArray("entries"), handler);
    return reply(receive(route, List.of(json), handler).get(0));
  }

  /** The entries of a bulk delivery; answers {@code {"statuses": [{entryId, status}...]}}. */
  public Response receiveBulk(String route, JsonArray entries, EventHandler handler) {
    List<JsonValue> events = new ArrayList<>(entries.size());
    for (JsonValue entry : entries) {
      JsonValue event = entry instanceof JsonObject o ? o.get("event") : null;
      events.add(event == null ? JsonValue.NULL : event);
    }
    List<Status> statuses = receive(route, events, handler);
    return SubscriberReply.perEntry(entries, i -> statuses.get(i).name());
  }

  /**
   * The rules for events delivered together, in their order: one inbox read for all, the handler
   * for each new one, one inbox write for all handled.
   */
  List<Status> receive(String route, List<JsonValue> delivered, EventHandler handler) {
    Delivery delivery = new Delivery(route, delivered);
    List<String> keys = delivery.inboxKeys();
    Set<String> handledBefore;
    try {
      handledBefore = sidecar.existingKeys(keys);
    } catch (RuntimeException e) {
      // never "treat as new": the sidecar delivers again
      LOG.warning(() -> "events " + keys + " on " + route + " will be retried, the inbox is unreadable: " + e);
      delivery.retryAll();
      return delivery.statuses();
    }
    Map<String, JsonValue> records = delivery.handle(handledBefore, handler);
    try {
      sidecar.saveStates(records, inboxTtl.toSeconds());
      LOG.fine(() -> records.size() + " events handled on " + route);
    } catch (RuntimeException e) {
      // handled but not recorded: handlers are idempotent, so handling them again is safe
      LOG.warning(() -> "events " + records.keySet() + " on " + route + " were handled and will be retried, the inbox write failed: " + e);
      delivery.retryHandled();
    }
    return delivery.statuses();
  }

  /** The answers for one delivery, worked out step by step; no I/O of its own. */
  static final class Delivery {
    private final String route;
    private final Status[] status;
    private final CloudEvent[] events;
    private final List<Integer> handled = new ArrayList<>();

    /** Drops what is malformed or breaks its schema; acknowledges types not handled here. */
    Delivery(String route, List<JsonValue> delivered) {
      this.route = route;
      int n = delivered.size();
      status = new Status[n];
      events = new CloudEvent[n];
      for (int i = 0; i < n; i++) {
        CloudEvent event = valid(route, delivered.get(i));
        if (event == null) {
          status[i] = Status.DROP;
        } else if (EventType.of(event.type()).isEmpty()) {
          LOG.info(() -> "event " + event.id() + ": type " + event.type() + " is not handled here");
          status[i] = Status.SUCCESS;
        } else {
          events[i] = event;
        }
      }
    }

    /** The inbox keys of the events still to decide. */
    List<String> inboxKeys() {
      List<String> keys = new ArrayList<>();
      for (CloudEvent e : events) if (e != null) keys.add(inboxKey(e));
      return keys;
    }

    /**
     * Handles each event not handled before, in order. An event the handler wants retried holds
     * back its user's later events of this delivery (they are retried after it), so one user's
     * events are handled in order.
     *
     * @return the processed-event records to write
     */
    Map<String, JsonValue> handle(Set<String> handledBefore, EventHandler handler) {
      Map<String, JsonValue> records = new LinkedHashMap<>();
      Set<String> heldBack = new HashSet<>();
      for (int i = 0; i < events.length; i++) {
        CloudEvent event = events[i];
        if (event == null) continue;
        String key = inboxKey(event);
        if (handledBefore.contains(key)) {
          LOG.fine(() -> "event " + event.id() + " was handled before");
          status[i] = Status.SUCCESS;
          continue;
        }
        if (heldBack.contains(String.valueOf(event.userId()))) {
          status[i] = Status.RETRY;
          continue;
        }
        Outcome outcome;
        try {
          outcome = handler.handle(event);
        } catch (RuntimeException e) {
          LOG.warning(() -> "event " + event.id() + " will be retried: " + e);
          outcome = Outcome.RETRY;
        }
        switch (outcome) {
          case HANDLED -> {
            records.put(key, record(route, event));
            handled.add(i);
            status[i] = Status.SUCCESS;
          }
          case RETRY -> {
            heldBack.add(String.valueOf(event.userId()));
            status[i] = Status.RETRY;
          }
          case DROP -> {
            LOG.warning(() -> "event " + event.id() + " (" + event.type() + ") dropped by its handler");
            status[i] = Status.DROP;
          }
        }
      }
      return records;
    }

    /** The inbox could not be read: every event still to decide goes again. */
    void retryAll() {
      for (int i = 0; i < events.length; i++) if (events[i] != null) status[i] = Status.RETRY;
    }

    /** The records could not be written: the handled events go again (handlers are idempotent). */
    void retryHandled() {
      for (int i : handled) status[i] = Status.RETRY;
    }

    List<Status> statuses() {
      return List.of(status);
    }
  }

  /** The event if it is one of the contract and its data matches its schema; else null (drop). */
  private static CloudEvent valid(String route, JsonValue json) {
    CloudEvent event;
    try {
      if (!(json instanceof JsonObject o)) throw new IllegalArgumentException("not a JSON object");
      event = CloudEvent.fromJson(o);
    } catch (IllegalArgumentException e) {
      LOG.warning(() -> "route " + route + ": dropping a malformed event: " + e.getMessage());
      return null;
    }
    var type = EventType.of(event.type());
    if (type.isEmpty()) return event;
    List<String> violations = EventSchemas.violations(type.get(), event.data());
    if (!violations.isEmpty()) {
      LOG.warning(() -> "event " + event.id() + " (" + event.type() + ") dropped: " + violations);
      return null;
    }
    return event;
  }

  private static String inboxKey(CloudEvent event) {
    return "inbox|" + event.id();
  }

  /**
   * The processed-event record: small (the event's attributes and a digest of its data, not the
   * data itself), since every consumer keeps one per event.
   */
  private static JsonValue record(String route, CloudEvent event) {
    JsonObject json = event.toJson();
    var attributes = JSON.createObjectBuilder();
    for (String name : List.of("id", "type", "source", "subject", "userid", "sequence")) {
      if (json.containsKey(name)) attributes.add(name, json.get(name));
    }
    return JSON.createObjectBuilder()
        .add("route", route)
        .add("handledAt", Instant.now().toString())
        .add("event", attributes)
        .add("dataSha256", JsonDigest.sha256(event.data()))
        .build();
  }

  private static Response reply(Status status) {
    return switch (status) {
      case SUCCESS -> SubscriberReply.success();
      case RETRY -> SubscriberReply.retry();
      case DROP -> SubscriberReply.drop();
    };
  }
}
