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

  /**
   * An event that goes to the dead-letter topic, to be published there, counted and logged: the
   * {@code index}-th of the delivery, as delivered ({@code event}).
   */
  record Dropped(
      int index,
      JsonValue event,
      String topic,
      String id,
      String type,
      DeadLetterReason reason,
      String detail) {}

  private final String route;
  private final String consumer;
  private final Admission[] admitted;
  private final Status[] status;
  private final ConsumedPosition[] positions;

  /** The consumed-position key of each event, null where it has no position. */
  private final String[] positionKeys;

  private final List<Integer> handled = new ArrayList<>();
  private final List<Dropped> dropped = new ArrayList<>();

  /** The events as delivered, in order. */
  private final List<JsonValue> delivered;

  /** The parked queues as read, and as this delivery leaves them. */
  private Map<String, ParkedEvents.Queue> parkedBefore = Map.of();

  private final Map<String, ParkedEvents.Queue> parked = new LinkedHashMap<>();

  /** The events this delivery parked, and the keys they are written under. */
  private final List<Integer> parkedHere = new ArrayList<>();

  private final Map<String, JsonValue> parkedEvents = new LinkedHashMap<>();

  /** The users with events parked by this delivery: their retry jobs are (re)scheduled. */
  private final Set<String> parkedUsers = new LinkedHashSet<>();

  /** What a {@link StatefulEventHandler} read and asked to write; whether it was prepared. */
  private Map<String, StateEntry> handlerRead = Map.of();

  private DaprSidecar.Writes handlerWrites;
  private boolean preparedStatefully;

  private java.time.Duration firstRetry = java.time.Duration.ofMillis(500);
  private Map<String, ConsumedPosition> consumed = Map.of();

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
    this.consumer = consumer;
    this.delivered = List.copyOf(delivered);
    int n = delivered.size();
    admitted = new Admission[n];
    status = new Status[n];
    this.positions = positions.toArray(new ConsumedPosition[n]);
    positionKeys = new String[n];
    for (int i = 0; i < n; i++) {
      ConsumedPosition p = this.positions[i];
      if (p != null)
        positionKeys[i] = ConsumedPosition.key(consumer, route, p.topic(), p.partition());
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
   * comes from, the processed-event record of each event to handle that has no position, and the
   * route's index of parked events. Empty when nothing is to be handled: then nothing is read or
   * written.
   */
  List<String> inboxKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < admitted.length; i++) {
      if (admitted[i].verdict() != Verdict.HANDLE) continue;
      keys.add(positionKeys[i] != null ? positionKeys[i] : recordKey(admitted[i].event()));
    }
    if (!keys.isEmpty()) keys.add(parkedIndexKey());
    return List.copyOf(keys);
  }

  String parkedIndexKey() {
    return ParkedEvents.indexKey(consumer, route);
  }

  /** The valid events of the delivery this service handles (new or not), in order. */
  List<CloudEvent> eventsToHandle() {
    List<CloudEvent> events = new ArrayList<>();
    for (Admission a : admitted) if (a.verdict() == Verdict.HANDLE) events.add(a.event());
    return events;
  }

  /** What a {@link StatefulEventHandler} read with the inbox: its keys that exist. */
  Delivery handlerRead(Map<String, StateEntry> read) {
    handlerRead = read;
    return this;
  }

  /** What a {@link StatefulEventHandler} asked to write with the progress; null when nothing. */
  DaprSidecar.Writes handlerWrites() {
    return handlerWrites;
  }

  /** True when a {@link StatefulEventHandler} was prepared: it is to be told of the write. */
  boolean preparedStatefully() {
    return preparedStatefully;
  }

  /**
   * Handles each event not handled before, in order. An event the handler cannot handle now is
   * parked, and so are its user's later events, in order (this delivery's and those of later
   * deliveries, while the user has parked events): the sidecar gets SUCCESS and goes on with every
   * other user, and {@link ParkedRetries} tries them again.
   *
   * @param stored the values of {@link #inboxKeys()} that exist
   */
  void handle(Map<String, JsonValue> stored, EventHandler handler) {
    consumed = new HashMap<>();
    for (String key : inboxKeys()) {
      if (key.startsWith("consumed|") && stored.get(key) instanceof JsonObject o) {
        consumed.put(key, ConsumedPosition.fromStored(o));
      }
    }
    parkedBefore = ParkedEvents.parse(stored.get(parkedIndexKey()));
    parked.putAll(parkedBefore);
    prepare(stored, handler);
    for (int i = 0; i < admitted.length; i++) {
      if (admitted[i].verdict() != Verdict.HANDLE) continue;
      CloudEvent event = admitted[i].event();
      if (handledBefore(i, stored)) {
        LOG.fine(() -> "event " + event.id() + " on " + route + " was handled before");
        status[i] = Status.SUCCESS;
        continue;
      }
      String user = String.valueOf(event.userId());
      if (parked.containsKey(user)) {
        LOG.info(
            () ->
                "event " + event.id() + " on " + route + " waits behind its user's parked events");
        park(i, user, false);
        continue;
      }
      HandlerResult result = HandlerResult.of(handler, event, route);
      Outcome outcome = result.outcome();
      String failure = result.failure();
      switch (outcome) {
        case HANDLED -> {
          handled.add(i);
          status[i] = Status.SUCCESS;
        }
        case RETRY -> {
          String why = failure;
          LOG.warning(
              () -> "event " + event.id() + " on " + route + " is parked for a retry: " + why);
          park(i, user, true);
        }
        case DROP -> drop(i, DeadLetterReason.HANDLER, "");
      }
    }
  }

  /** Lets the handler see at once the events it is about to get one by one. */
  private void prepare(Map<String, JsonValue> stored, EventHandler handler) {
    List<CloudEvent> events = new ArrayList<>();
    List<ConsumedPosition> at = new ArrayList<>();
    for (int i = 0; i < admitted.length; i++) {
      if (admitted[i].verdict() != Verdict.HANDLE || handledBefore(i, stored)) continue;
      CloudEvent event = admitted[i].event();
      if (!parked.containsKey(String.valueOf(event.userId()))) {
        events.add(event);
        at.add(positions[i]);
      }
    }
    if (events.isEmpty()) return;
    try {
      if (handler instanceof StatefulEventHandler stateful) {
        preparedStatefully = true;
        handlerWrites =
            stateful.prepare(events, java.util.Collections.unmodifiableList(at), handlerRead);
      } else {
        handler.prepare(events, java.util.Collections.unmodifiableList(at));
      }
    } catch (RuntimeException e) {
      LOG.warning(() -> "the handler failed to prepare " + events.size() + " events: " + e);
    }
  }

  /**
   * Parks event i at the end of its user's queue; the failure that parks it counts as its first
   * attempt, and the queue is tried again {@code firstRetry} later.
   */
  private void park(int i, String user, boolean failed) {
    ParkedEvents.Queue q = parked.get(user);
    if (q == null) {
      q =
          new ParkedEvents.Queue(
              0, 0, failed ? 1 : 0, topicOf(i), System.currentTimeMillis() + firstRetry.toMillis());
    }
    parkedEvents.put(
        ParkedEvents.eventKey(consumer, route, user, q.next()), admitted[i].event().toJson());
    parked.put(
        user,
        new ParkedEvents.Queue(q.first(), q.next() + 1, q.attempts(), q.topic(), q.retryAt()));
    parkedUsers.add(user);
    parkedHere.add(i);
    status[i] = Status.SUCCESS;
  }

  /** True when this delivery parked events: they are safe only once written. */
  boolean parkedAny() {
    return !parkedHere.isEmpty();
  }

  /** The parked events to write, each under its own key. */
  Map<String, JsonValue> parkedEvents() {
    return Map.copyOf(parkedEvents);
  }

  /** The index as read (to check it is still the stored one) and as it is to be written. */
  JsonObject parkedIndexBefore() {
    return ParkedEvents.toJson(parkedBefore);
  }

  JsonObject parkedIndexAfter() {
    return ParkedEvents.toJson(parked);
  }

  boolean parkedIndexExisted() {
    return !parkedBefore.isEmpty();
  }

  /**
   * The queue of each user with events parked by this delivery: its retry job is scheduled (again,
   * at the same instant: scheduling is idempotent) for {@code retryAt}.
   */
  Map<String, ParkedEvents.Queue> parkedQueues() {
    Map<String, ParkedEvents.Queue> queues = new LinkedHashMap<>();
    for (String user : parkedUsers) queues.put(user, parked.get(user));
    return queues;
  }

  /** How long after its first failure a parked event is tried again (inbound.retry.first). */
  Delivery firstRetry(java.time.Duration delay) {
    firstRetry = delay;
    return this;
  }

  /** The parked events could not be written: they go again, with the sidecar's retry. */
  void retryParked() {
    for (int i : parkedHere) status[i] = Status.RETRY;
  }

  private void drop(int i, DeadLetterReason reason, String detail) {
    Admission a = admitted[i];
    dropped.add(new Dropped(i, delivered.get(i), topicOf(i), a.id(), a.type(), reason, detail));
    status[i] = Status.DROP;
  }

  /**
   * The service put the dropped event on the dead-letter topic itself: the sidecar is answered
   * SUCCESS (InboundEvents#deadLetter says why), and its position is passed as for DROP.
   */
  void deadLettered(int i) {
    if (status[i] == Status.DROP) status[i] = Status.SUCCESS;
  }

  /**
   * The dropped event could not be put on the dead-letter topic: it is delivered again (RETRY, and
   * no position passes it), and dropped again then.
   */
  void deadLetterFailed(int i) {
    status[i] = Status.RETRY;
    dropped.removeIf(d -> d.index() == i);
  }

  private String topicOf(int i) {
    Admission a = admitted[i];
    if (positions[i] != null) return positions[i].topic();
    return a.topic() != null ? a.topic() : topicOf(route, a.type());
  }

  private boolean handledBefore(int i, Map<String, JsonValue> stored) {
    if (positions[i] == null) return stored.containsKey(recordKey(admitted[i].event()));
    ConsumedPosition before = consumed.get(positionKeys[i]);
    return before != null && before.covers(positions[i]);
  }

  /**
   * What to write once the events are decided: the processed-event record of each handled event
   * without a position, and per partition read the position up to which every event of this
   * delivery is decided (answered SUCCESS or DROP, up to the first RETRY), where the stored one
   * does not cover it yet.
   */
  Map<String, JsonValue> progress() {
    Map<String, JsonValue> writes = new LinkedHashMap<>();
    for (int i : handled) {
      if (positions[i] == null)
        writes.put(recordKey(admitted[i].event()), record(admitted[i].event()));
    }
    writes.putAll(positionsReached());
    return writes;
  }

  private Map<String, JsonValue> positionsReached() {
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
          if (last != null)
            value.add("lastHandled", eventRecord(admitted[last].event(), positions[last]));
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

  /**
   * The positions and records could not be written: the handled events go again (idempotent), and
   * so do the parked ones (parked again, or found handled).
   */
  void retryHandled() {
    for (int i : handled) status[i] = Status.RETRY;
    retryParked();
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

  /**
   * The topic of an event that names none (a direct call): the route's, or else the topic of the
   * contract's types of the same family.
   */
  static String topicOf(String route, String type) {
    String name = route.substring(route.lastIndexOf('/') + 1);
    if (name.endsWith("-events")) return name;
    return EventType.familyOf(type)
        .flatMap(
            family ->
                java.util.Arrays.stream(EventType.values())
                    .filter(t -> t.family().equals(family))
                    .findFirst())
        .map(t -> t.topic().topicName())
        .orElse("unknown");
  }

  static String recordKey(CloudEvent event) {
    return "inbox|" + event.id();
  }

  /**
   * The processed-event record of an event without a position: small (the event's attributes and a
   * digest of its data, not the data itself).
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
