package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.Delivery.Status;
import com.todo.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The consumer rules of the event contract (docs/events.md) in one place: admit ({@link Admission}:
 * contract, schema, version), skip what was handled before, handle, remember. Answers the sidecar
 * with SUCCESS, RETRY or DROP, for one event or for each entry of a bulk delivery (Dapr bulk
 * subscribe: up to 250 events of one Kafka partition per call). What each event gets is decided by
 * {@link Delivery}, with no I/O; this class does the state reads and writes around it and reports
 * what was dropped to {@link DeadLetters}.
 *
 * <p>What was handled before is remembered in the state store, as an optimisation on top of
 * handlers that are idempotent anyway, so it must cost little:
 *
 * <ul>
 *   <li>Events that come with their Kafka position are covered by one {@link ConsumedPosition} per
 *       route and partition: the offset up to which every event was decided. A delivery reads and
 *       writes that one key. A redelivery (a sidecar retry, a restart before the offset was
 *       committed, a rebalance) comes at the same offsets and is skipped; the record timestamp
 *       guards against a recreated topic. A producer publishing the same event again lands at a new
 *       offset and reaches the handler, whose {@link SequenceGuard} ignores it.
 *   <li>Events without a position (a sidecar without Kafka metadata, a direct call) get one
 *       processed-event record per event id ({@code inbox|<id>}).
 * </ul>
 */
@ApplicationScoped
public class InboundEvents {

  private static final Logger LOG = Logger.getLogger(InboundEvents.class.getName());

  /**
   * How long a consumed position or processed-event record is kept after its last write. It only
   * saves handling a redelivery again, and redeliveries come within minutes. A position is
   * rewritten by every delivery of its partition, so it expires only after an idle hour.
   */
  @Inject
  @ConfigProperty(name = "inbox.ttl", defaultValue = "PT1H")
  Duration inboxTtl;

  /**
   * Whose consumed positions these are. Empty (the default) for a subscription whose replicas share
   * one consumer group (the app id). A broadcast subscription (a consumer group per pod, Dapr
   * {@code consumerID: "{podName}"}) must set it to the pod name, or one replica would skip what
   * another handled.
   */
  @Inject
  @ConfigProperty(name = "inbox.consumer")
  Optional<String> consumer;

  @Inject ConsumerState state;

  @Inject DeadLetters deadLetters;

  @Inject ParkedRetries retries;

  /** True when {@code body} is a bulk delivery ({@code {"entries": [...]}}), not one event. */
  static boolean isBulk(JsonObject body) {
    return body.get("entries") instanceof JsonArray && !body.containsKey("specversion");
  }

  /**
   * One event in the body, answered {@code {"status": ...}}, or a bulk delivery ({@code {"entries":
   * [...]}}), answered {@code {"statuses": [{entryId, status}...]}}.
   *
   * @return the JSON answer for the sidecar
   */
  public String receive(String route, String body, EventHandler handler) {
    JsonObject json;
    try {
      json = JSON.createReader(new StringReader(body)).readObject();
    } catch (JsonException | IllegalStateException e) {
      deadLetters.dropped(
          route,
          Delivery.topicOf(route, "?"),
          "?",
          "?",
          DeadLetterReason.MALFORMED,
          e.getMessage());
      return SubscriberReply.status(Status.DROP.name());
    }
    if (isBulk(json)) return receiveBulk(route, json.getJsonArray("entries"), handler);
    Status status = receive(new Delivery(route, List.of(json), handler.handles()), handler).get(0);
    return SubscriberReply.status(status.name());
  }

  private String receiveBulk(String route, JsonArray entries, EventHandler handler) {
    List<JsonValue> events = new ArrayList<>(entries.size());
    List<ConsumedPosition> positions = new ArrayList<>(entries.size());
    for (JsonValue entry : entries) {
      JsonObject o = entry instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
      JsonValue event = o.get("event");
      events.add(event == null ? JsonValue.NULL : event);
      positions.add(ConsumedPosition.fromMetadata(o.get("metadata")));
    }
    String whose = consumer.orElse("").strip();
    Set<EventType> handles = handler.handles();
    List<Status> statuses =
        receive(new Delivery(route, events, positions, whose, handles), handler);
    return SubscriberReply.perEntry(entries, i -> statuses.get(i).name());
  }

  /**
   * The rules for events delivered together, in their order: one state read for all, the handler
   * for each new one, one state write for what was decided.
   */
  List<Status> receive(Delivery delivery, EventHandler handler) {
    List<String> keys = delivery.inboxKeys();
    if (!keys.isEmpty()) handleAndRemember(delivery, keys, handler);
    else deadLetter(delivery);
    for (Delivery.Dropped d : delivery.dropped()) {
      // in the event's trace: the warning leads to the change that made the event
      EventSpans.within(
          d.event(),
          d.id(),
          d.type(),
          delivery.route(),
          () -> {
            deadLetters.dropped(
                delivery.route(), d.topic(), d.id(), d.type(), d.reason(), d.detail());
            return null;
          });
    }
    return delivery.statuses();
  }

  private void handleAndRemember(Delivery delivery, List<String> keys, EventHandler handler) {
    StatefulEventHandler stateful = handler instanceof StatefulEventHandler s ? s : null;
    Map<String, JsonValue> stored;
    try {
      stored = stateful == null ? state.readStates(keys) : readWith(delivery, keys, stateful);
    } catch (RuntimeException e) {
      // never "treat as new": the sidecar delivers again
      LOG.warning(
          () ->
              "events "
                  + delivery.idsToHandle()
                  + " on "
                  + delivery.route()
                  + " will be retried, the inbox is unreadable: "
                  + e);
      delivery.retryAll();
      deadLetter(delivery);
      return;
    }
    boolean written = false;
    try {
      delivery.firstRetry(retries.firstRetry).handle(stored, handler);
      if (delivery.parkedAny()) park(delivery);
      // before the positions are written: one that fails is not passed, and comes again
      deadLetter(delivery);
      Map<String, JsonValue> writes = delivery.progress();
      DaprSidecar.Writes own = delivery.handlerWrites();
      try {
        if (own == null) state.saveStates(writes, inboxTtl.toSeconds());
        else state.saveStates(List.of(own, new DaprSidecar.Writes(writes, inboxTtl.toSeconds())));
        written = true;
        LOG.fine(() -> "events " + delivery.handledIds() + " handled on " + delivery.route());
      } catch (RuntimeException e) {
        // handled but not remembered: handlers are idempotent, so handling them again is safe
        LOG.warning(
            () ->
                "events "
                    + delivery.handledIds()
                    + " on "
                    + delivery.route()
                    + " were handled and will be retried, the inbox write failed: "
                    + e);
        delivery.retryHandled();
      }
    } finally {
      if (delivery.preparedStatefully()) stateful.written(written);
    }
  }

  /**
   * The inbox and the stateful handler's keys in one read (with ETags, which the handler needs);
   * the inbox's values for the rules, the handler's entries kept in the delivery for its prepare.
   */
  private Map<String, JsonValue> readWith(
      Delivery delivery, List<String> keys, StatefulEventHandler handler) {
    Set<String> all = new java.util.LinkedHashSet<>(keys);
    all.addAll(handler.keysToRead(delivery.eventsToHandle()));
    Map<String, StateEntry> entries = state.readEntries(List.copyOf(all));
    Map<String, JsonValue> stored = new java.util.HashMap<>();
    Map<String, StateEntry> own = new java.util.HashMap<>(entries);
    for (String key : keys) {
      StateEntry e = own.remove(key);
      if (e != null) stored.put(key, e.value());
    }
    delivery.handlerRead(own);
    return stored;
  }

  /**
   * Puts each event of the delivery that goes to the dead-letter topic there, through the sidecar,
   * and answers it SUCCESS, rather than answering DROP for the sidecar to do it: daprd 1.18.3 looks
   * a bulk entry answered DROP up by its index in the whole delivery among the entries of its route
   * alone (pkg/runtime/subscription/postman/http/http.go, DeliverBulk), so when a delivery spans
   * routes it panics (index out of range: seen, the sidecar dies and dies again on the redelivery)
   * or dead-letters another event. An event that cannot be published is answered RETRY.
   */
  private void deadLetter(Delivery delivery) {
    for (Delivery.Dropped d : delivery.dropped()) {
      if (!(d.event() instanceof JsonObject event)) continue; // not an object: the sidecar's DROP
      try {
        deadLetters.publish(d.topic(), partitionKey(event), event);
        delivery.deadLettered(d.index());
      } catch (RuntimeException e) {
        LOG.warning(
            () ->
                "event "
                    + d.id()
                    + " on "
                    + delivery.route()
                    + " could not be put on "
                    + d.topic()
                    + ".dlq, it comes again: "
                    + e);
        delivery.deadLetterFailed(d.index());
      }
    }
  }

  /** The owner (the topic's partition key), else the id, of an event that may be malformed. */
  private static String partitionKey(JsonObject event) {
    for (String attribute : List.of("userid", "id")) {
      if (event.get(attribute) instanceof jakarta.json.JsonString s && !s.getString().isBlank()) {
        return s.getString();
      }
    }
    return "unknown";
  }

  /**
   * Writes the events this delivery parked, then the index that names them (only if it is still the
   * one read: a retry job may have changed it meanwhile), then schedules the retry job of each user
   * parked for the first time. Until the index is written they are not safe: on any failure they
   * are answered RETRY and the sidecar delivers them again.
   */
  private void park(Delivery delivery) {
    String indexKey = delivery.parkedIndexKey();
    try {
      state.saveStates(delivery.parkedEvents(), 0);
      Optional<StateEntry> current = state.getState(indexKey);
      JsonObject read = current.map(e -> e.value().asJsonObject()).orElse(null);
      boolean unchanged =
          delivery.parkedIndexExisted()
              ? delivery.parkedIndexBefore().equals(read)
              : read == null || ParkedEvents.parse(read).isEmpty();
      String after = delivery.parkedIndexAfter().toString();
      boolean written =
          unchanged
              && (current.isPresent()
                  ? state.saveState(indexKey, after, current.get().etag(), false)
                  : state.saveState(indexKey, after, null, true));
      if (!written) {
        LOG.warning(
            () ->
                "events parked on "
                    + delivery.route()
                    + " will be retried: "
                    + indexKey
                    + " changed meanwhile");
        delivery.retryParked();
        return;
      }
    } catch (RuntimeException e) {
      LOG.warning(
          () -> "events parked on " + delivery.route() + " will be retried, the park failed: " + e);
      delivery.retryParked();
      return;
    }
    String whose = consumer.orElse("").strip();
    try {
      delivery
          .parkedQueues()
          .forEach((user, q) -> retries.schedule(whose, delivery.route(), user, q.retryAt()));
    } catch (RuntimeException e) {
      // parked, but no job to retry them: delivered again, they are parked again (a duplicate is
      // harmless) and the job scheduled again
      LOG.warning(
          () -> "events parked on " + delivery.route() + " will be retried, no retry job: " + e);
      delivery.retryParked();
    }
  }
}
