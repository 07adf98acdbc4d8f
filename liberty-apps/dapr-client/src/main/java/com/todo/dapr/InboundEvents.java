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
import java.util.HashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The consumer rules of the event contract in one place: parse, check the schema, skip what was
 * handled before, handle, remember. Answers the sidecar with SUCCESS, RETRY or DROP, for one event
 * or for each entry of a bulk delivery (Dapr bulk subscribe: up to 250 events of one Kafka
 * partition per call).
 *
 * <p>What was handled before is remembered in the state store, as an optimisation on top of
 * handlers that are idempotent anyway (design/events.md), so it must cost little:
 *
 * <ul>
 *   <li>Events that come with their Kafka position (the {@code __topic}, {@code __partition},
 *       {@code __offset} and {@code __timestamp} metadata the Kafka pub/sub gives every bulk entry)
 *       are covered by one <em>consumed position</em> per route and partition: the offset up to
 *       which every event was decided. A delivery reads and writes that one key, not one key per
 *       event. A redelivery (a sidecar retry, a restart before the offset was committed, a
 *       rebalance) comes at the same offsets and is skipped. The record timestamp guards against
 *       a recreated topic, whose offsets start again at 0: a record newer than the position is
 *       never taken as handled. A producer publishing the same event again lands at a new offset
 *       and is handled again; the handlers' idempotence covers that.
 *   <li>Events without a position (a sidecar without Kafka metadata, a direct call) get one
 *       processed-event record per event id, as before.
 * </ul>
 */
@ApplicationScoped
public class InboundEvents {

  private static final Logger LOG = Logger.getLogger(InboundEvents.class.getName());

  /**
   * How long a consumed position or processed-event record is kept after its last write. It only
   * saves handling a redelivery again (every effect is idempotent), and redeliveries come within
   * minutes (the sidecar's retries, a restart before the offset was committed). A position is
   * rewritten by every delivery of its partition, so it expires only after an idle hour.
   */
  @Inject
  @ConfigProperty(name = "inbox.ttl", defaultValue = "PT1H")
  Duration inboxTtl;

  /**
   * Whose consumed positions these are. Empty (the default) for a subscription whose replicas
   * share one consumer group (the app id): a partition moving to another replica takes its
   * position along. A broadcast subscription (a consumer group per pod, Dapr {@code consumerID:
   * "{podName}"}) must set it to the pod name: replicas then consume every partition each, and a
   * shared position would make one skip what another handled.
   */
  @Inject
  @ConfigProperty(name = "inbox.consumer")
  Optional<String> consumer;

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

  /**
   * Where a delivered event sits on Kafka, from the bulk entry's metadata; {@code timestamp} is -1
   * when the broker gave none.
   */
  record Position(String topic, int partition, long offset, long timestamp) {

    /** The position of a bulk entry, or null when its metadata does not name one. */
    static Position fromMetadata(JsonValue metadata) {
      if (!(metadata instanceof JsonObject m)) return null;
      try {
        String topic = m.getString("__topic", null);
        String partition = m.getString("__partition", null);
        String offset = m.getString("__offset", null);
        if (topic == null || partition == null || offset == null) return null;
        String timestamp = m.getString("__timestamp", null);
        return new Position(
            topic,
            Integer.parseInt(partition),
            Long.parseLong(offset),
            timestamp == null ? -1 : Long.parseLong(timestamp));
      } catch (ClassCastException | NumberFormatException e) {
        return null;
      }
    }

    /** A stored consumed position, or null when the value is not one. */
    static Position fromStored(JsonObject stored) {
      try {
        return new Position(
            stored.getString("topic"),
            stored.getInt("partition"),
            stored.getJsonNumber("offset").longValueExact(),
            stored.getJsonNumber("timestamp").longValueExact());
      } catch (RuntimeException e) {
        return null;
      }
    }

    /**
     * True when this (stored) position covers {@code p}: {@code p} is at or before it and not
     * newer, so it was decided before. A record newer than the position comes from a recreated
     * topic, whatever its offset.
     */
    boolean covers(Position p) {
      if (p.offset > offset) return false;
      return p.timestamp < 0 || timestamp < 0 || p.timestamp <= timestamp;
    }
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
    return reply(receive(new Delivery(route, List.of(json)), handler).get(0));
  }

  /** The entries of a bulk delivery; answers {@code {"statuses": [{entryId, status}...]}}. */
  public Response receiveBulk(String route, JsonArray entries, EventHandler handler) {
    List<JsonValue> events = new ArrayList<>(entries.size());
    List<Position> positions = new ArrayList<>(entries.size());
    for (JsonValue entry : entries) {
      JsonObject o = entry instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
      JsonValue event = o.get("event");
      events.add(event == null ? JsonValue.NULL : event);
      positions.add(Position.fromMetadata(o.get("metadata")));
    }
    List<Status> statuses = receive(new Delivery(route, events, positions, consumer.orElse("").strip()), handler);
    return SubscriberReply.perEntry(entries, i -> statuses.get(i).name());
  }

  /**
   * The rules for events delivered together, in their order: one state read for all, the handler
   * for each new one, one state write for what was decided.
   */
  List<Status> receive(Delivery delivery, EventHandler handler) {
    List<String> keys = delivery.inboxKeys();
    Map<String, JsonValue> stored;
    try {
      stored = keys.isEmpty() ? Map.of() : sidecar.readStates(keys);
    } catch (RuntimeException e) {
      // never "treat as new": the sidecar delivers again
      LOG.warning(() -> "events " + delivery.eventIds() + " on " + delivery.route + " will be retried, the inbox is unreadable: " + e);
      delivery.retryAll();
      return delivery.statuses();
    }
    Map<String, JsonValue> writes = delivery.handle(stored, handler);
    try {
      sidecar.saveStates(writes, inboxTtl.toSeconds());
      LOG.fine(() -> delivery.handled.size() + " events handled on " + delivery.route);
    } catch (RuntimeException e) {
      // handled but not remembered: handlers are idempotent, so handling them again is safe
      LOG.warning(() -> "events " + delivery.handledIds() + " on " + delivery.route + " were handled and will be retried, the inbox write failed: " + e);
      delivery.retryHandled();
    }
    return delivery.statuses();
  }

  /** The answers for one delivery, worked out step by step; no I/O of its own. */
  static final class Delivery {
    private final String route;
    private final Status[] status;
    private final CloudEvent[] events;
    private final Position[] positions;
    /** The consumed-position key of each event, null where it has no position. */
    private final String[] positionKeys;
    private final String consumer;
    private final List<Integer> handled = new ArrayList<>();

    /** Events without Kafka positions (one event per call, a direct call, a test). */
    Delivery(String route, List<JsonValue> delivered) {
      this(route, delivered, Collections.<Position>nCopies(delivered.size(), null), "");
    }

    /**
     * Drops what is malformed or breaks its schema; acknowledges types not handled here.
     *
     * @param positions the Kafka position of each event, null where there is none
     * @param consumer whose positions: {@link InboundEvents#consumer}, or empty
     */
    Delivery(String route, List<JsonValue> delivered, List<Position> positions, String consumer) {
      this.route = route;
      this.consumer = consumer;
      int n = delivered.size();
      status = new Status[n];
      events = new CloudEvent[n];
      this.positions = positions.toArray(new Position[n]);
      positionKeys = new String[n];
      for (int i = 0; i < n; i++) if (this.positions[i] != null) positionKeys[i] = positionKey(this.positions[i]);
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

    /**
     * The state keys this delivery reads: the consumed position of each partition it comes from,
     * and the processed-event record of each event still to decide that has no position.
     */
    List<String> inboxKeys() {
      Set<String> keys = new LinkedHashSet<>();
      for (int i = 0; i < events.length; i++) {
        if (positionKeys[i] != null) keys.add(positionKeys[i]);
        else if (events[i] != null) keys.add(recordKey(events[i]));
      }
      return List.copyOf(keys);
    }

    /**
     * The consumed position of route and partition (and consumer, when set): one per route, since
     * routes fail apart.
     */
    String positionKey(Position p) {
      String routeName = route.substring(route.lastIndexOf('/') + 1);
      return "consumed|" + (consumer.isEmpty() ? "" : consumer + "|") + routeName + "|" + p.topic() + "|" + p.partition();
    }

    /**
     * Handles each event not handled before, in order. An event the handler wants retried holds
     * back its user's later events of this delivery (they are retried after it), so one user's
     * events are handled in order.
     *
     * @param stored the values of {@link #inboxKeys()} that exist
     * @return the state to write: each position this delivery moved, each new record
     */
    Map<String, JsonValue> handle(Map<String, JsonValue> stored, EventHandler handler) {
      Map<String, Position> consumed = new HashMap<>();
      for (String key : positionKeys) {
        if (key != null && stored.get(key) instanceof JsonObject o) consumed.computeIfAbsent(key, k -> Position.fromStored(o));
      }
      Map<String, JsonValue> writes = new LinkedHashMap<>();
      Set<String> heldBack = new HashSet<>();
      for (int i = 0; i < events.length; i++) {
        CloudEvent event = events[i];
        if (event == null) continue;
        if (handledBefore(i, stored, consumed)) {
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
            if (positions[i] == null) writes.put(recordKey(event), record(route, event));
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
      writes.putAll(positionsReached(consumed));
      return writes;
    }

    private boolean handledBefore(int i, Map<String, JsonValue> stored, Map<String, Position> consumed) {
      if (positions[i] == null) return stored.containsKey(recordKey(events[i]));
      Position before = consumed.get(positionKeys[i]);
      return before != null && before.covers(positions[i]);
    }

    /**
     * Per partition, the position up to which every event of this delivery is decided (answered
     * SUCCESS or DROP, up to the first RETRY), where it is not covered by the stored one yet.
     */
    private Map<String, JsonValue> positionsReached(Map<String, Position> consumed) {
      Map<String, Integer> reached = new LinkedHashMap<>();
      Map<String, Integer> lastHandled = new HashMap<>();
      Set<String> blocked = new HashSet<>();
      for (int i = 0; i < positions.length; i++) {
        String key = positionKeys[i];
        if (key == null || blocked.contains(key)) continue;
        if (status[i] == Status.RETRY) {
          blocked.add(key);
          continue;
        }
        reached.put(key, i);
        if (handled.contains(i)) lastHandled.put(key, i);
      }
      Map<String, JsonValue> writes = new LinkedHashMap<>();
      reached.forEach(
          (key, i) -> {
            Position before = consumed.get(key);
            if (before != null && before.covers(positions[i])) return;
            Position p = positions[i];
            var value =
                JSON.createObjectBuilder()
                    .add("topic", p.topic())
                    .add("partition", p.partition())
                    .add("offset", p.offset())
                    .add("timestamp", p.timestamp())
                    .add("route", route)
                    .add("updatedAt", Instant.now().toString());
            Integer last = lastHandled.get(key);
            if (last != null) value.add("lastHandled", eventRecord(events[last], positions[last]));
            writes.put(key, value.build());
          });
      return writes;
    }

    /** The inbox could not be read: every event still to decide goes again. */
    void retryAll() {
      for (int i = 0; i < events.length; i++) if (events[i] != null) status[i] = Status.RETRY;
    }

    /**
     * The positions and records could not be written: the handled events go again (handlers are
     * idempotent).
     */
    void retryHandled() {
      for (int i : handled) status[i] = Status.RETRY;
    }

    List<Status> statuses() {
      return List.of(status);
    }

    List<String> eventIds() {
      List<String> ids = new ArrayList<>();
      for (CloudEvent e : events) if (e != null) ids.add(e.id());
      return ids;
    }

    List<String> handledIds() {
      List<String> ids = new ArrayList<>();
      for (int i : handled) ids.add(events[i].id());
      return ids;
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

  private static String recordKey(CloudEvent event) {
    return "inbox|" + event.id();
  }

  /**
   * The processed-event record of an event without a position: small (the event's attributes and
   * a digest of its data, not the data itself).
   */
  private static JsonValue record(String route, CloudEvent event) {
    return JSON.createObjectBuilder(eventRecord(event, null))
        .add("route", route)
        .add("handledAt", Instant.now().toString())
        .build();
  }

  /** What identifies a handled event: its attributes, a digest of its data, its Kafka offset. */
  private static JsonObject eventRecord(CloudEvent event, Position position) {
    JsonObject json = event.toJson();
    var attributes = JSON.createObjectBuilder();
    for (String name : List.of("id", "type", "source", "subject", "userid", "sequence")) {
      if (json.containsKey(name)) attributes.add(name, json.get(name));
    }
    var record = JSON.createObjectBuilder().add("event", attributes).add("dataSha256", JsonDigest.sha256(event.data()));
    if (position != null) record.add("offset", position.offset());
    return record.build();
  }

  private static Response reply(Status status) {
    return switch (status) {
      case SUCCESS -> SubscriberReply.success();
      case RETRY -> SubscriberReply.retry();
      case DROP -> SubscriberReply.drop();
    };
  }
}
