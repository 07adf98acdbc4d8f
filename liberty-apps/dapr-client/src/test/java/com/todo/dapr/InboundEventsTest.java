package com.todo.dapr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.dapr.InboundEvents.Delivery;
import com.todo.dapr.InboundEvents.Outcome;
import com.todo.dapr.InboundEvents.Position;
import com.todo.dapr.InboundEvents.Status;
import it.support.SampleEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rules of one delivery as pure logic (which events are handled, in which order, what each
 * entry answers, which consumed positions and records to write). The state reads and writes
 * through the sidecar are covered by the services' Arquillian tests and the platform tests against
 * the real sidecar, Kafka and Redis.
 */
class InboundEventsTest {

  private final List<String> handled = new ArrayList<>();
  private final Set<String> retryIds = new HashSet<>();

  private final EventHandler handler =
      e -> {
        handled.add(e.id());
        return retryIds.contains(e.id()) ? Outcome.RETRY : Outcome.HANDLED;
      };

  private static Delivery delivery(JsonValue... events) {
    return new Delivery("/events/task-events", List.of(events));
  }

  private static JsonObject created(String user) {
    return event("com.todo.task.created.v1", user, SampleEvents.task(UUID.randomUUID().toString(), user));
  }

  private static JsonObject event(String type, String user, JsonObject data) {
    return SampleEvents.event(type, user, data);
  }

  private static String key(JsonObject event) {
    return "inbox|" + event.getString("id");
  }

  private static Map<String, JsonValue> stored(String key) {
    return Map.of(key, JsonValue.EMPTY_JSON_OBJECT);
  }

  /** Events of partition 0 of task-events at consecutive offsets from {@code first}, record time = offset. */
  private static Delivery atOffsets(long first, JsonValue... events) {
    List<Position> positions = new ArrayList<>();
    for (int i = 0; i < events.length; i++) positions.add(new Position("task-events", 0, first + i, first + i));
    return new Delivery("/events/task-events", List.of(events), positions, "");
  }

  private static final String POSITION = "consumed|task-events|task-events|0";

  private static Map<String, JsonValue> consumedUpTo(long offset, long timestamp) {
    return Map.of(
        POSITION,
        Json.createObjectBuilder()
            .add("topic", "task-events")
            .add("partition", 0)
            .add("offset", offset)
            .add("timestamp", timestamp)
            .build());
  }

  private static String id(JsonObject event) {
    return event.getString("id");
  }

  @Test
  void eachEntryGetsItsOwnAnswerAndOnlyNewValidKnownEventsAreHandled() {
    JsonObject fresh = created("ann");
    JsonObject before = created("bob");
    JsonObject broken = event("com.todo.task.created.v1", "cy", Json.createObjectBuilder().add("id", "x").build());
    JsonObject newer = event("com.todo.task.created.v9", "cy", fresh.getJsonObject("data"));
    Delivery d = delivery(fresh, before, broken, newer, Json.createValue("not an event"));

    assertEquals(List.of(key(fresh), key(before)), d.inboxKeys(), "only these need the inbox");
    var records = d.handle(stored(key(before)), handler);

    assertEquals(List.of(Status.SUCCESS, Status.SUCCESS, Status.DROP, Status.SUCCESS, Status.DROP), d.statuses());
    assertEquals(List.of(id(fresh)), handled);
    assertEquals(Set.of(key(fresh)), records.keySet());
    JsonObject record = records.get(key(fresh)).asJsonObject();
    assertEquals("/events/task-events", record.getString("route"));
    assertEquals(id(fresh), record.getJsonObject("event").getString("id"));
  }

  @Test
  void aRetriedEventHoldsBackItsUsersLaterEventsButNoOneElses() {
    JsonObject ann1 = created("ann");
    JsonObject bob1 = created("bob");
    JsonObject ann2 = created("ann");
    JsonObject bob2 = created("bob");
    retryIds.add(id(ann1));
    Delivery d = delivery(ann1, bob1, ann2, bob2);

    var records = d.handle(Map.of(), handler);

    assertEquals(List.of(Status.RETRY, Status.SUCCESS, Status.RETRY, Status.SUCCESS), d.statuses());
    assertEquals(List.of(id(ann1), id(bob1), id(bob2)), handled, "ann2 must wait for ann1");
    assertEquals(Set.of(key(bob1), key(bob2)), records.keySet());
  }

  @Test
  void anUnreadableInboxMeansRetryNeverTreatAsNew() {
    JsonObject broken = event("com.todo.task.created.v1", "ann", Json.createObjectBuilder().add("id", "x").build());
    Delivery d = delivery(created("ann"), broken);

    d.retryAll();

    assertEquals(List.of(Status.RETRY, Status.DROP), d.statuses());
    assertEquals(List.of(), handled);
  }

  @Test
  void handledEventsWhoseRecordsCannotBeWrittenAreRetried() {
    JsonObject before = created("bob");
    Delivery d = delivery(created("ann"), before, created("cy"));
    d.handle(stored(key(before)), handler);

    d.retryHandled();

    assertEquals(List.of(Status.RETRY, Status.SUCCESS, Status.RETRY), d.statuses());
  }

  @Test
  void eventsWithKafkaPositionsShareOneConsumedPositionPerPartition() {
    JsonObject e10 = created("ann");
    JsonObject e11 = created("bob");
    JsonObject e12 = created("ann");
    JsonObject e13 = created("cy");
    Delivery d = atOffsets(10, e10, e11, e12, e13);
    assertEquals(List.of(POSITION), d.inboxKeys(), "one key for the whole delivery");

    var writes = d.handle(consumedUpTo(11, 11), handler);

    assertEquals(List.of(Status.SUCCESS, Status.SUCCESS, Status.SUCCESS, Status.SUCCESS), d.statuses());
    assertEquals(List.of(id(e12), id(e13)), handled, "offsets 10 and 11 were consumed before");
    assertEquals(Set.of(POSITION), writes.keySet(), "no record per event");
    JsonObject position = writes.get(POSITION).asJsonObject();
    assertEquals(13, position.getInt("offset"));
    assertEquals(id(e13), position.getJsonObject("lastHandled").getJsonObject("event").getString("id"));
  }

  @Test
  void aRedeliveryOfConsumedOffsetsHandlesAndWritesNothing() {
    Delivery d = atOffsets(5, created("ann"), created("bob"));

    var writes = d.handle(consumedUpTo(6, 6), handler);

    assertEquals(List.of(Status.SUCCESS, Status.SUCCESS), d.statuses());
    assertEquals(List.of(), handled);
    assertEquals(Map.of(), writes);
  }

  @Test
  void thePositionStopsBeforeTheFirstRetriedEventSoItIsDeliveredAgain() {
    JsonObject ann1 = created("ann");
    JsonObject ann2 = created("ann");
    JsonObject bob = created("bob");
    JsonObject cy = created("cy");
    retryIds.add(id(ann1));
    Delivery d = atOffsets(0, bob, ann1, ann2, cy);

    var writes = d.handle(Map.of(), handler);

    assertEquals(List.of(Status.SUCCESS, Status.RETRY, Status.RETRY, Status.SUCCESS), d.statuses());
    assertEquals(0, writes.get(POSITION).asJsonObject().getInt("offset"), "only bob's offset is consumed");

    handled.clear();
    retryIds.clear();
    Delivery again = atOffsets(0, bob, ann1, ann2, cy);
    var next = again.handle(consumedUpTo(0, 0), handler);
    assertEquals(List.of(id(ann1), id(ann2), id(cy)), handled, "cy again: handlers are idempotent");
    assertEquals(3, next.get(POSITION).asJsonObject().getInt("offset"));
  }

  @Test
  void aRecreatedTopicIsNotMistakenForConsumedOffsets() {
    JsonObject fresh = created("ann");
    Delivery d =
        new Delivery("/events/task-events", List.of(fresh), List.of(new Position("task-events", 0, 3, 9_000)), "");

    var writes = d.handle(consumedUpTo(500, 2_000), handler);

    assertEquals(List.of(id(fresh)), handled, "offset 3 of a newer record is new, whatever the old position");
    assertEquals(3, writes.get(POSITION).asJsonObject().getInt("offset"));
  }

  @Test
  void aBroadcastConsumerKeepsItsOwnPositions() {
    Position p = new Position("task-events", 2, 0, 0);
    var events = List.<JsonValue>of(created("ann"));
    assertEquals("consumed|task-events|task-events|2", new Delivery("/events/task-events", events, List.of(p), "").positionKey(p));
    assertEquals(
        "consumed|realtime-1|task-events|task-events|2",
        new Delivery("/events/task-events", events, List.of(p), "realtime-1").positionKey(p));
  }

  @Test
  void aPositionIsReadFromTheKafkaMetadataOfABulkEntry() {
    var metadata =
        Json.createObjectBuilder()
            .add("__topic", "task-events")
            .add("__partition", "2")
            .add("__offset", "41")
            .add("__timestamp", "1764200000000")
            .add("__key", "ann")
            .build();
    assertEquals(new Position("task-events", 2, 41, 1764200000000L), Position.fromMetadata(metadata));
    assertEquals(null, Position.fromMetadata(Json.createObjectBuilder().add("__topic", "t").build()));
    assertEquals(null, Position.fromMetadata(Json.createObjectBuilder().add("__topic", "t").add("__partition", "x").add("__offset", "1").build()));
    assertEquals(null, Position.fromMetadata(JsonValue.EMPTY_JSON_OBJECT));
  }

  @Test
  void aStoredPositionCoversOnlyWhatIsNotNewer() {
    Position consumed = new Position("t", 0, 10, 100);
    assertTrue(consumed.covers(new Position("t", 0, 10, 100)));
    assertTrue(consumed.covers(new Position("t", 0, 3, 50)));
    assertFalse(consumed.covers(new Position("t", 0, 11, 100)), "a later offset");
    assertFalse(consumed.covers(new Position("t", 0, 3, 101)), "a newer record at an old offset");
    assertTrue(consumed.covers(new Position("t", 0, 3, -1)), "no timestamp: the offset decides");
  }
}
