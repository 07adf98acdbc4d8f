package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.Admission.Verdict;
import com.todo.dapr.EventHandler.Outcome;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.events.JsonDigest;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.logging.Logger;

/**
 * The answers for the events of one delivery (one event, or the entries of a bulk in topic order),
 * worked out step by step with no I/O of its own: {@link InboundEvents} reads the state this asks
 * for, lets it decide, and writes what it returns.
 */
final class Delivery {

  private static final Logger LOG = Logger.getLogger(Delivery.class.getName());

  /** The answer for one event. */
  enum Status {
    SUCCESS,
    RETRY,
    DROP
  }

  /** An event answered DROP, to be counted and logged. */
  record Dropped(String topic, String id, String type, DeadLetterReason reason, String detail) {}

  private final String route;
  private final Admission[] admitted;
  private final Status[] status;
  private final ConsumedPosition[] positions;
  /** The consumed-position key of each event, null where it has no position. */
  private final String[] positionKeys;

  private final List<Integer> handled = new ArrayList<>();
  private final List<Dropped> dropped = new ArrayList<>();

  /** Events without Kafka positions (one event per call, a direct call, a test). */
  Delivery(String route, List<JsonValue> delivered, Set<EventType> handles) {
    this(route, delivered, Collections.nCopies(delivered.size(), null), "", handles);
  }

  /**
   * Admits each event: drops what is malformed, breaks its schema or has an unknown major version
   * of a handled type; acknowledges types not handled here.
   *
   * @param positions the Kafka position of each event, null where there is none
   * @param consumer whose positions: {@link InboundEvents#consumer}, or empty
   */
  Delivery(
      String route,
      List<JsonValue> delivered,
      List<ConsumedPosition> positions,
      String consumer,
      Set<EventType> handles) {
    this.route = route;
    int n = delivered.size();
    admitted = new Admission[n];
    status = new Status[n];
    this.positions = positions.toArray(new ConsumedPosition[n]);
    positionKeys = new String[n];
    for (int i = 0; i < n; i++) {
      ConsumedPosition p = this.positions[i];
      if (p != null) positionKeys[i] = ConsumedPosition.key(consumer, route, p.topic(), p.partition());
      Admission a = Admission.of(delivered.get(i), handles);
      admitted[i] = a;
      switch (a.verdict()) {
        case IGNORE -> {
          LOG.fine(() -> "event " + a.id() + ": type " + a.type() + " is not handled here");
          status[i] = Status.SUCCESS;
        }
        case DROP -> drop(i, a.reason(), a.detail());
        case HANDLE -> {}
      }
    }
  }

  /**
   * The state keys this delivery reads: the consumed position of each partition an event to handle
   * comes from, and the processed-event record of each event to handle that has no position. Empty
   * when nothing is to be handled: then nothing is read or written.
   */
  List<String> inboxKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < admitted.length; i++) {
      if (admitted[i].verdict() != Verdict.HANDLE) continue;
      keys.add(positionKeys[i] != null ? positionKeys[i] : recordKey(admitted[i].event()));
    }
    return List.copyOf(keys);
  }

  /**
   * Handles each event not handled before, in order. An event the handler wants retried holds back
   * its user's later events of this delivery (they are retried after it), so one user's events are
   * handled in order; at its last allowed attempt it is dropped instead, and they go on.
   *
   * @param stored the values of {@link #inboxKeys()} that exist
   * @param lastAttempt records a failed attempt at (route, event id); true when it was the last
   * @return the state to write: each position this delivery moved, each new record
   */
  Map<String, JsonValue> handle(
      Map<String, JsonValue> stored, EventHandler handler, BiPredicate<String, String> lastAttempt) {
    Map<String, ConsumedPosition> consumed = new HashMap<>();
    for (String key : inboxKeys()) {
      if (key.startsWith("consumed|") && stored.get(key) instanceof JsonObject o) {
        consumed.put(key, ConsumedPosition.fromStored(o));
      }
    }
    Map<String, JsonValue> writes = new LinkedHashMap<>();
    Set<String> heldBack = new HashSet<>();
    for (int i = 0; i < admitted.length; i++) {
      if (admitted[i].verdict() != Verdict.HANDLE) continue;
      CloudEvent event = admitted[i].event();
      if (handledBefore(i, stored, consumed)) {
        LOG.fine(() -> "event " + event.id() + " on " + route + " was handled before");
        status[i] = Status.SUCCESS;
        continue;
      }
      String user = String.valueOf(event.userId());
      if (heldBack.contains(user)) {
        LOG.fine(() -> "event " + event.id() + " on " + route + " waits for its user's earlier one");
        status[i] = Status.RETRY;
        continue;
      }
      Outcome outcome;
      String failure = "the handler asked for a retry";
      try {
        outcome = handler.handle(event);
      } catch (RuntimeException e) {
        failure = e.toString();
        outcome = Outcome.RETRY;
      }
      switch (outcome) {
        case HANDLED -> {
          if (positions[i] == null) writes.put(recordKey(event), record(event));
          handled.add(i);
          status[i] = Status.SUCCESS;
        }
        case RETRY -> {
          if (lastAttempt.test(route, event.id())) {
            drop(i, DeadLetterReason.RETRIES_EXHAUSTED, failure);
          } else {
            String why = failure;
            LOG.warning(() -> "event " + event.id() + " on " + route + " will be retried: " + why);
            heldBack.add(user);
            status[i] = Status.RETRY;
          }
        }
        case DROP -> drop(i, DeadLetterReason.HANDLER, "");
      }
    }
    writes.putAll(positionsReached(consumed));
    return writes;
  }

  private void drop(int i, DeadLetterReason reason, String detail) {
    Admission a = admitted[i];
    String topic =
        positions[i] != null
            ? positions[i].topic()
            : a.topic() != null ? a.topic() : route.substring(route.lastIndexOf('/') + 1);
    dropped.add(new Dropped(topic, a.id(), a.type(), reason, detail));
    status[i] = Status.DROP;
  }

  private boolean handledBefore(
      int i, Map<String, JsonValue> stored, Map<String, ConsumedPosition> consumed) {
    if (positions[i] == null) return stored.containsKey(recordKey(admitted[i].event()));
    ConsumedPosition before = consumed.get(positionKeys[i]);
    return before != null && before.covers(positions[i]);
  }

  /**
   * Per partition read, the position up to which every event of this delivery is decided (answered
   * SUCCESS or DROP, up to the first RETRY), where the stored one does not cover it yet.
   */
  private Map<String, JsonValue> positionsReached(Map<String, ConsumedPosition> consumed) {
    Set<String> read = new HashSet<>(inboxKeys());
    Map<String, Integer> reached = new LinkedHashMap<>();
    Map<String, Integer> lastHandled = new HashMap<>();
    Set<String> blocked = new HashSet<>();
    for (int i = 0; i < positions.length; i++) {
      String key = positionKeys[i];
      if (key == null || !read.contains(key) || blocked.contains(key)) continue;
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
          ConsumedPosition before = consumed.get(key);
          if (before != null && before.covers(positions[i])) return;
          var value =
              positions[i].toJson().add("route", route).add("updatedAt", Instant.now().toString());
          Integer last = lastHandled.get(key);
          if (last != null) value.add("lastHandled", eventRecord(admitted[last].event(), positions[last]));
          writes.put(key, value.build());
        });
    return writes;
  }

  /** The state could not be read: every event still to decide goes again, never "treat as new". */
  void retryAll() {
    for (int i = 0; i < admitted.length; i++) {
      if (admitted[i].verdict() == Verdict.HANDLE) status[i] = Status.RETRY;
    }
  }

  /** The positions and records could not be written: the handled events go again (idempotent). */
  void retryHandled() {
    for (int i : handled) status[i] = Status.RETRY;
  }

  List<Status> statuses() {
    return List.of(status);
  }

  List<Dropped> dropped() {
    return List.copyOf(dropped);
  }

  List<String> handledIds() {
    return handled.stream().map(i -> admitted[i].id()).toList();
  }

  List<String> idsToHandle() {
    List<String> ids = new ArrayList<>();
    for (Admission a : admitted) if (a.verdict() == Verdict.HANDLE) ids.add(a.id());
    return ids;
  }

  String route() {
    return route;
  }

  static String recordKey(CloudEvent event) {
    return "inbox|" + event.id();
  }

  /**
   * The processed-event record of an event without a position: small (the event's attributes and
   * a digest of its data, not the data itself).
   */
  private JsonValue record(CloudEvent event) {
    return JSON.createObjectBuilder(eventRecord(event, null))
        .add("route", route)
        .add("handledAt", Instant.now().toString())
        .build();
  }

  /** What identifies a handled event: its attributes, a digest of its data, its Kafka offset. */
  private static JsonObject eventRecord(CloudEvent event, ConsumedPosition position) {
    JsonObject json = event.toJson();
    var attributes = JSON.createObjectBuilder();
    for (String name : List.of("id", "type", "source", "subject", "userid", "sequence")) {
      if (json.containsKey(name)) attributes.add(name, json.get(name));
    }
    var record =
        JSON.createObjectBuilder()
            .add("event", attributes)
            .add("dataSha256", JsonDigest.sha256(event.data()));
    if (position != null) record.add("offset", position.offset());
    return record.build();
  }
}
