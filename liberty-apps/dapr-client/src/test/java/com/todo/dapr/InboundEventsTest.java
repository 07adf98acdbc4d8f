package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import it.support.SampleEvents;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The consumer rules driven through {@link InboundEvents#receive} as the sidecar calls it, with a
 * handler that applies each task's events through the {@link SequenceGuard}, and a state that fails
 * when told to. The same rules against the real sidecar, Kafka and Redis: the consumer contract
 * (Arquillian) and the platform tests.
 */
class InboundEventsTest {

  private static final String ROUTE = "/events/task-events";
  private static final String POSITION = ConsumedPosition.key("", ROUTE, "task-events", 0);

  private final RecordingState state = new RecordingState();
  private final List<String> deadLettered = new ArrayList<>();
  private final InboundEvents inbound = new InboundEvents();
  private final ProbeHandler handler = new ProbeHandler();

  /** The retry jobs scheduled (user) and the events sent to a dead-letter topic (topic id). */
  private final List<String> scheduled = new ArrayList<>();

  private final List<String> published = new ArrayList<>();

  /** When set, publishing to a dead-letter topic fails. */
  private boolean dlqDown;

  private final ParkedRetries retries =
      new ParkedRetries() {
        @Override
        void schedule(String consumer, String route, String user, long retryAtMs) {
          scheduled.add(user);
        }

        @Override
        void deadLetter(String topic, String user, JsonObject event) {
          published.add(topic + ".dlq " + event.getString("id"));
        }
      };

  InboundEventsTest() {
    inbound.inboxTtl = Duration.ofHours(1);
    inbound.consumer = Optional.empty();
    inbound.state = state;
    inbound.deadLetters =
        new DeadLetters() {
          @Override
          void count(String topic, String type, DeadLetterReason reason) {
            deadLettered.add(topic + " " + type + " " + reason.label());
          }

          @Override
          void publish(String topic, String partitionKey, JsonObject event) {
            if (dlqDown) throw new SidecarException("the broker is down (test)");
            published.add(topic + ".dlq " + event.getString("id", "?"));
          }
        };
    retries.deliveryAttempts = 3;
    retries.state = state;
    retries.deadLetters = inbound.deadLetters;
    inbound.retries = retries;
  }

  /** The retry job of a user's parked events fires. */
  private void retryJobOf(String user) {
    assertTrue(retries.retryOnce(handler, "", ROUTE, user), "the index changed meanwhile");
  }

  private JsonObject parkedQueue(String user) {
    JsonValue index = state.get(ParkedEvents.indexKey("", ROUTE));
    if (index == null) return null;
    JsonObject users = index.asJsonObject().getJsonObject("users");
    return users.containsKey(user) ? users.getJsonObject(user) : null;
  }

  /** Applies task events through the guard; counts every call; fails for chosen events. */
  private final class ProbeHandler implements EventHandler {
    final List<String> calls = new ArrayList<>();
    final List<List<String>> prepared = new ArrayList<>();
    final Set<String> failing = new HashSet<>();
    final SequenceGuard guard = new SequenceGuard();

    ProbeHandler() {
      guard.state = state;
    }

    @Override
    public Set<EventType> handles() {
      return EnumSet.of(EventType.TASK_CREATED, EventType.TASK_UPDATED, EventType.TASK_DELETED);
    }

    @Override
    public void prepare(List<CloudEvent> events) {
      prepared.add(events.stream().map(CloudEvent::id).toList());
    }

    @Override
    public Outcome handle(CloudEvent event) {
      calls.add(event.id());
      if (failing.contains(event.id())) throw new IllegalStateException("cannot handle (test)");
      guard.apply(SequenceGuard.aggregateKey(event), event, SequenceGuard.COUNT_CHANGES);
      return Outcome.HANDLED;
    }
  }

  // --- events and deliveries ---------------------------------------------------------------

  private static JsonObject created(String user) {
    return SampleEvents.taskCreated(user);
  }

  private static JsonObject withSequence(JsonObject event, long sequence) {
    return Json.createObjectBuilder(event).add("sequence", Long.toString(sequence)).build();
  }

  private static JsonObject withNewId(JsonObject event) {
    return Json.createObjectBuilder(event).add("id", UUID.randomUUID().toString()).build();
  }

  private static JsonObject withType(JsonObject event, String type) {
    return Json.createObjectBuilder(event).add("type", type).build();
  }

  private static JsonObject withData(JsonObject event, String field, String value) {
    var data = Json.createObjectBuilder(event.getJsonObject("data")).add(field, value);
    return Json.createObjectBuilder(event).add("data", data).build();
  }

  private static String id(JsonObject event) {
    return event.getString("id");
  }

  private static String aggregate(JsonObject event) {
    return "applied|task|" + event.getString("subject");
  }

  /** One event, as a route without bulk subscribe delivers it. */
  private String single(JsonValue event) {
    String answer = inbound.receive(ROUTE, event.toString(), handler);
    return JSON.createReader(new StringReader(answer)).readObject().getString("status");
  }

  /** A bulk of events of partition 0 of task-events at consecutive offsets from {@code first}. */
  private List<String> bulk(long first, JsonValue... events) {
    return bulk(handler, first, events);
  }

  /** As {@link #bulk(long, JsonValue...)}, handled by {@code handler}. */
  private List<String> bulk(EventHandler handler, long first, JsonValue... events) {
    JsonArrayBuilder entries = Json.createArrayBuilder();
    for (int i = 0; i < events.length; i++) {
      var metadata =
          Json.createObjectBuilder()
              .add("__topic", "task-events")
              .add("__partition", "0")
              .add("__offset", Long.toString(first + i))
              .add("__timestamp", Long.toString(first + i));
      entries.add(
          Json.createObjectBuilder()
              .add("entryId", "e" + i)
              .add("event", events[i])
              .add("metadata", metadata));
    }
    String body = Json.createObjectBuilder().add("entries", entries).build().toString();
    String answer = inbound.receive(ROUTE, body, handler);
    List<String> statuses = new ArrayList<>();
    for (JsonValue v :
        JSON.createReader(new StringReader(answer)).readObject().getJsonArray("statuses")) {
      statuses.add(v.asJsonObject().getString("status"));
    }
    return statuses;
  }

  private int changes(JsonObject event) {
    JsonValue applied = state.get(aggregate(event));
    return applied == null ? 0 : applied.asJsonObject().getJsonObject("state").getInt("changes");
  }

  // --- admission: contract, schema, versions -------------------------------------------------

  @Test
  void eachEntryGetsItsOwnAnswerAndOnlyValidHandledEventsReachTheHandler() {
    JsonObject fresh = created("ann");
    JsonObject broken =
        SampleEvents.event(
            "com.todo.task.created.v1", "cy", Json.createObjectBuilder().add("id", "x").build());
    JsonObject notHandled = withType(created("cy"), "com.todo.task.completed.v1");
    JsonObject foreign = withType(created("cy"), "com.example.other.v1");

    List<String> statuses =
        bulk(0, fresh, broken, notHandled, foreign, Json.createValue("not an event"));

    // dropped: put on the dead-letter topic by the service, answered SUCCESS (InboundEvents
    // deadLetter); what is not a JSON object is left to the sidecar (DROP)
    assertEquals(List.of("SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "DROP"), statuses);
    assertEquals(List.of("task-events.dlq " + id(broken)), published);
    assertEquals(List.of(id(fresh)), handler.calls);
    assertEquals(
        List.of("task-events com.todo.task.created.v1 schema", "task-events ? malformed"),
        deadLettered);
  }

  @Test
  void theHandlerIsPreparedOncePerDeliveryWithTheNewEventsItWillGet() {
    JsonObject a = created("ann");
    JsonObject b = created("bob");
    JsonObject ignored = withType(created("cy"), "com.todo.task.completed.v1");

    bulk(0, a, ignored, b);
    bulk(0, a, ignored, b);

    assertEquals(List.of(List.of(id(a), id(b))), handler.prepared, "a redelivery is not new");
    assertEquals(List.of(id(a), id(b)), handler.calls);
  }

  @Test
  void aHandledTypeInAnUnknownMajorVersionIsDroppedAnyOtherTypeIgnored() {
    JsonObject v9 = withType(created("ann"), "com.todo.task.created.v9");
    JsonObject v0 = withType(created("ann"), "com.todo.task.updated.v0");
    JsonObject otherFamily = withType(created("ann"), "com.todo.task.archived.v1");
    JsonObject reminder = withType(created("ann"), "com.todo.reminder.triggered.v2");

    assertEquals(
        List.of("SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"),
        bulk(0, v9, v0, otherFamily, reminder));
    assertEquals(List.of("task-events.dlq " + id(v9), "task-events.dlq " + id(v0)), published);

    assertEquals(List.of(), handler.calls);
    assertEquals(
        List.of(
            "task-events com.todo.task.created.v9 unknown-version",
            "task-events com.todo.task.updated.v0 unknown-version"),
        deadLettered);
    assertEquals(0, state.reads + state.writes, "nothing to handle: no state I/O");
  }

  @Test
  void dataMayGainFieldsWithinAVersion() {
    JsonObject event = withData(created("ann"), "colour", "blue");

    assertEquals("SUCCESS", single(event));

    assertEquals(List.of(id(event)), handler.calls);
    assertEquals(1, changes(event));
  }

  @Test
  void formatsAreAssertedOnTheEnvelopeAndOnTheData() {
    JsonObject notAUuid = Json.createObjectBuilder(created("ann")).add("id", "not-a-uuid").build();
    JsonObject badInstant = withData(created("ann"), "dueAt", "tomorrow");
    JsonObject badTaskId = withData(created("ann"), "id", "task-1");

    assertEquals(
        List.of("SUCCESS", "SUCCESS", "SUCCESS"), bulk(0, notAUuid, badInstant, badTaskId));
    assertEquals(3, published.size(), "each on the dead-letter topic");

    assertEquals(List.of(), handler.calls);
    assertEquals(
        List.of(
            "task-events com.todo.task.created.v1 malformed",
            "task-events com.todo.task.created.v1 schema",
            "task-events com.todo.task.created.v1 schema"),
        deadLettered);
  }

  // --- the sequence guard ---------------------------------------------------------------------

  @Test
  void aDuplicateIsAppliedOnce() {
    JsonObject event = created("ann");

    assertEquals("SUCCESS", single(event));
    assertEquals("SUCCESS", single(event));

    assertEquals(
        List.of(id(event)), handler.calls, "the processed-event record spares the handler");
    assertEquals(1, changes(event));
  }

  @Test
  void theSameEventPublishedAgainAtANewOffsetIsNotAppliedAgain() {
    JsonObject event = created("ann");

    assertEquals(List.of("SUCCESS"), bulk(5, event));
    assertEquals(List.of("SUCCESS"), bulk(9, event));

    assertEquals(List.of(id(event), id(event)), handler.calls, "a new offset reaches the handler");
    assertEquals(1, changes(event), "the guard applied it once");
    assertEquals(9, state.get(POSITION).asJsonObject().getInt("offset"));
  }

  @Test
  void anOlderOrEqualSequenceIsAcknowledgedWithoutEffect() {
    JsonObject third = withSequence(created("ann"), 3);
    JsonObject second = withSequence(withNewId(third), 2);
    JsonObject thirdAgain = withNewId(third);
    JsonObject fourth = withSequence(withNewId(third), 4);

    assertEquals(
        List.of("SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"),
        bulk(0, third, second, thirdAgain, fourth));

    assertEquals(2, changes(third), "sequences 3 and 4 applied, 2 and the second 3 ignored");
    JsonObject applied = state.get(aggregate(third)).asJsonObject();
    assertEquals(4, applied.getInt("sequence"));
    assertEquals(id(fourth), applied.getString("eventId"));
  }

  @Test
  void aConcurrentWriterMakesTheGuardReadAgain() {
    JsonObject first = withSequence(created("ann"), 1);
    single(first);
    state.writesLostToOthers = 2;

    assertEquals("SUCCESS", single(withSequence(withNewId(first), 2)));

    assertEquals(2, changes(first));
  }

  @Test
  void anUnreadableAggregateIsParkedForARetryNotOverwritten() {
    JsonObject event = created("ann");
    state.values.put(aggregate(event), "\"corrupt\"");

    assertEquals("SUCCESS", single(event));

    assertEquals("\"corrupt\"", state.values.get(aggregate(event)));
    assertEquals(1, parkedQueue("ann").getInt("attempts"));
  }

  @Test
  void aDroppedEventThatCannotBeDeadLetteredComesAgainAndItsPositionIsNotPassed() {
    JsonObject before = created("ann");
    JsonObject broken = withType(created("bob"), "com.todo.task.created.v9");
    JsonObject after = created("cy");
    dlqDown = true;

    assertEquals(List.of("SUCCESS", "RETRY", "SUCCESS"), bulk(0, before, broken, after));
    assertEquals(List.of(), deadLettered, "not counted: not on the dead-letter topic yet");
    dlqDown = false;
    // the redelivery: the first is skipped (its position was passed), the broken one now goes
    assertEquals(List.of("SUCCESS", "SUCCESS", "SUCCESS"), bulk(0, before, broken, after));
    assertEquals(List.of("task-events.dlq " + id(broken)), published);
    assertEquals(List.of("task-events com.todo.task.created.v9 unknown-version"), deadLettered);
    assertEquals(List.of(id(before), id(after), id(after)), handler.calls);
  }

  // --- failures of the state store and of the handler -----------------------------------------

  @Test
  void anUnreadableInboxMeansRetryNeverTreatAsNew() {
    JsonObject event = created("ann");
    JsonObject broken = Json.createObjectBuilder(created("ann")).add("id", "x").build();
    state.readFails = true;

    assertEquals(
        List.of("RETRY", "SUCCESS"), bulk(0, event, broken), "the broken one dead-lettered");

    assertEquals(List.of(), handler.calls);
  }

  @Test
  void handledEventsWhoseInboxCannotBeWrittenAreRetriedAndAppliedOnce() {
    JsonObject ann = created("ann");
    JsonObject bob = created("bob");
    state.writeFails = true;
    assertEquals(List.of("RETRY", "RETRY"), bulk(0, ann, bob));
    assertNull(state.get(POSITION));

    state.writeFails = false;
    assertEquals(List.of("SUCCESS", "SUCCESS"), bulk(0, ann, bob));

    assertEquals(1, changes(ann));
    assertEquals(1, changes(bob));
    assertEquals(1, state.get(POSITION).asJsonObject().getInt("offset"));
  }

  @Test
  void aFailingEventIsParkedWithItsUsersLaterEventsAndEveryoneElseGoesOn() {
    JsonObject ann1 = created("ann");
    JsonObject bob1 = created("bob");
    JsonObject ann2 = created("ann");
    JsonObject bob2 = created("bob");
    handler.failing.add(id(ann1));

    assertEquals(
        List.of("SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"), bulk(0, ann1, bob1, ann2, bob2));

    assertEquals(List.of(id(ann1), id(bob1), id(bob2)), handler.calls, "ann2 waits behind ann1");
    JsonObject queue = parkedQueue("ann");
    assertEquals(0, queue.getInt("first"));
    assertEquals(2, queue.getInt("next"));
    assertEquals(1, queue.getInt("attempts"));
    assertEquals(List.of("ann"), scheduled);
    assertEquals(
        3, state.get(POSITION).asJsonObject().getInt("offset"), "parked counts as decided");
  }

  @Test
  void laterDeliveriesOfAParkedUserQueueBehindItsParkedEvents() {
    JsonObject ann1 = created("ann");
    handler.failing.add(id(ann1));
    bulk(0, ann1);
    handler.calls.clear();
    JsonObject ann2 = created("ann");

    assertEquals(List.of("SUCCESS"), bulk(1, ann2));

    assertEquals(List.of(), handler.calls);
    assertEquals(2, parkedQueue("ann").getInt("next"));
  }

  @Test
  void theRetryJobHandlesTheParkedEventsInOrderOnceTheyCanBe() {
    JsonObject ann1 = created("ann");
    JsonObject ann2 = created("ann");
    handler.failing.add(id(ann1));
    bulk(0, ann1, ann2);
    handler.failing.clear();
    handler.calls.clear();

    retryJobOf("ann");

    assertEquals(List.of(id(ann1), id(ann2)), handler.calls);
    assertEquals(1, changes(ann1));
    assertEquals(1, changes(ann2));
    assertNull(parkedQueue("ann"));
    assertFalse(
        state.values.keySet().stream().anyMatch(k -> k.startsWith("parked|task-events|ann|")));
    assertEquals(List.of(), published);
  }

  @Test
  void aParkedEventThatKeepsFailingIsDeadLetteredAtItsLastAttemptAndItsUsersLaterEventsGoOn() {
    JsonObject ann1 = created("ann");
    JsonObject ann2 = created("ann");
    handler.failing.add(id(ann1));
    bulk(0, ann1, ann2); // attempt 1 of 3

    retryJobOf("ann"); // attempt 2
    assertEquals(2, parkedQueue("ann").getInt("attempts"));
    assertEquals(0, changes(ann2));
    assertEquals(List.of("ann", "ann"), scheduled, "the job is scheduled again");

    retryJobOf("ann"); // attempt 3: the last

    assertEquals(List.of("task-events.dlq " + id(ann1)), published);
    assertEquals(List.of("task-events com.todo.task.created.v1 retries-exhausted"), deadLettered);
    assertEquals(1, changes(ann2));
    assertNull(parkedQueue("ann"));
  }

  @Test
  void eventsThatCannotBeParkedAreLeftToTheSidecarsRetry() {
    JsonObject ann1 = created("ann");
    JsonObject bob1 = created("bob");
    handler.failing.add(id(ann1));
    state.writeFails = true;

    assertEquals(List.of("RETRY", "RETRY"), bulk(0, ann1, bob1));

    assertNull(state.get(POSITION));
    assertEquals(List.of(), scheduled);
  }

  // --- consumed positions ---------------------------------------------------------------------

  @Test
  void eventsWithKafkaPositionsShareOneConsumedPositionPerPartition() {
    JsonObject e10 = created("ann");
    JsonObject e11 = created("bob");
    JsonObject e12 = created("ann");
    bulk(10, e10, e11);
    handler.calls.clear();

    assertEquals(List.of("SUCCESS", "SUCCESS", "SUCCESS"), bulk(10, e10, e11, e12));

    assertEquals(List.of(id(e12)), handler.calls, "offsets 10 and 11 were consumed before");
    JsonObject position = state.get(POSITION).asJsonObject();
    assertEquals(12, position.getInt("offset"));
    assertEquals(
        id(e12), position.getJsonObject("lastHandled").getJsonObject("event").getString("id"));
    assertFalse(
        state.values.keySet().stream().anyMatch(k -> k.startsWith("inbox|")),
        "no record per event");
  }

  @Test
  void aRecreatedTopicIsNotMistakenForConsumedOffsets() {
    Map<String, JsonValue> stored = new LinkedHashMap<>();
    stored.put(POSITION, new ConsumedPosition("task-events", 0, 500, 2_000).toJson().build());
    JsonObject fresh = created("ann");
    Delivery d =
        new Delivery(
            ROUTE,
            List.of(fresh),
            List.of(new ConsumedPosition("task-events", 0, 3, 9_000)),
            "",
            handler.handles());

    d.handle(stored, handler);
    var writes = d.progress();

    assertEquals(List.of(id(fresh)), handler.calls, "offset 3 of a newer record is new");
    assertEquals(3, writes.get(POSITION).asJsonObject().getInt("offset"));
  }

  @Test
  void aBroadcastConsumerKeepsItsOwnPositions() {
    assertEquals(
        "consumed|task-events|task-events|2", ConsumedPosition.key("", ROUTE, "task-events", 2));
    assertEquals(
        "consumed|realtime-1|task-events|task-events|2",
        ConsumedPosition.key("realtime-1", ROUTE, "task-events", 2));
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
    assertEquals(
        new ConsumedPosition("task-events", 2, 41, 1764200000000L),
        ConsumedPosition.fromMetadata(metadata));
    assertNull(
        ConsumedPosition.fromMetadata(Json.createObjectBuilder().add("__topic", "t").build()));
    assertNull(
        ConsumedPosition.fromMetadata(
            Json.createObjectBuilder()
                .add("__topic", "t")
                .add("__partition", "x")
                .add("__offset", "1")
                .build()));
    assertNull(ConsumedPosition.fromMetadata(JsonValue.EMPTY_JSON_OBJECT));
  }

  @Test
  void aStoredPositionCoversOnlyWhatIsNotNewer() {
    ConsumedPosition consumed = new ConsumedPosition("t", 0, 10, 100);
    assertTrue(consumed.covers(new ConsumedPosition("t", 0, 10, 100)));
    assertTrue(consumed.covers(new ConsumedPosition("t", 0, 3, 50)));
    assertFalse(consumed.covers(new ConsumedPosition("t", 0, 11, 100)), "a later offset");
    assertFalse(
        consumed.covers(new ConsumedPosition("t", 0, 3, 101)), "a newer record at an old offset");
    assertTrue(
        consumed.covers(new ConsumedPosition("t", 0, 3, -1)), "no timestamp: the offset decides");
  }

  // --- a stateful handler: its state calls go with the rules' own ----------------------------

  /** Counts each user's new events under a key of its own, read and written with the inbox. */
  private final class StatefulProbe implements StatefulEventHandler {
    final List<Map<String, StateEntry>> reads = new ArrayList<>();
    final List<Boolean> written = new ArrayList<>();
    final Set<String> failing = new HashSet<>();
    private Map<String, Integer> counts = new java.util.HashMap<>();

    @Override
    public Set<EventType> handles() {
      return EnumSet.of(EventType.TASK_CREATED);
    }

    @Override
    public List<String> keysToRead(List<CloudEvent> events) {
      return events.stream().map(e -> "own|" + e.userId()).distinct().toList();
    }

    @Override
    public DaprSidecar.Writes prepare(
        List<CloudEvent> events, List<ConsumedPosition> positions, Map<String, StateEntry> read) {
      reads.add(read);
      counts = new java.util.HashMap<>();
      for (CloudEvent e : events) {
        String key = "own|" + e.userId();
        int before =
            counts.getOrDefault(
                key, read.containsKey(key) ? Integer.parseInt(read.get(key).json()) : 0);
        counts.put(key, before + 1);
      }
      Map<String, JsonValue> values = new java.util.LinkedHashMap<>();
      counts.forEach((k, v) -> values.put(k, Json.createValue(v)));
      return new DaprSidecar.Writes(values, 60);
    }

    @Override
    public Outcome handle(CloudEvent event) {
      return failing.contains(event.id()) ? Outcome.RETRY : Outcome.HANDLED;
    }

    @Override
    public void written(boolean ok) {
      written.add(ok);
    }
  }

  @Test
  void aStatefulHandlersKeysAreReadAndWrittenInTheInboxsOneReadAndOneWrite() {
    StatefulProbe probe = new StatefulProbe();
    JsonObject ann = created("ann");
    JsonObject bob = created("bob");

    assertEquals(List.of("SUCCESS", "SUCCESS"), bulk(probe, 0, ann, bob));
    assertEquals(1, state.reads, "one read: the inbox and the handler's keys");
    assertEquals(1, state.writes, "one write: the positions and the handler's values");
    assertEquals(Json.createValue(1), state.get("own|ann"));
    assertEquals(1, state.get(POSITION).asJsonObject().getInt("offset"));
    assertEquals(List.of(true), probe.written);

    assertEquals(List.of("SUCCESS"), bulk(probe, 2, created("ann")));
    assertEquals("1", probe.reads.get(1).get("own|ann").json(), "what it wrote, read with etag");
    assertTrue(probe.reads.get(1).get("own|ann").etag() != null);
    assertFalse(probe.reads.get(1).containsKey(POSITION), "the inbox's keys are the rules'");
    assertEquals(Json.createValue(2), state.get("own|ann"));

    assertEquals(List.of("SUCCESS", "SUCCESS"), bulk(probe, 0, ann, bob));
    assertEquals(2, probe.written.size(), "a redelivery of what was handled: not prepared");
  }

  @Test
  void whenTheSharedWriteFailsTheStatefulHandlerIsToldAndItsEventsComeAgain() {
    StatefulProbe probe = new StatefulProbe();
    JsonObject ann = created("ann");
    state.writeFails = true;

    assertEquals(List.of("RETRY"), bulk(probe, 0, ann));
    assertEquals(List.of(false), probe.written, "not written: nothing to push");
    assertNull(state.get("own|ann"));
    assertNull(state.get(POSITION));

    state.writeFails = false;
    assertEquals(List.of("SUCCESS"), bulk(probe, 0, ann));
    assertEquals(List.of(false, true), probe.written);
    assertEquals(Json.createValue(1), state.get("own|ann"));
  }

  @Test
  void aStatefulHandlerIsToldOfTheWriteAlsoWhenItsEventsAreParked() {
    StatefulProbe probe = new StatefulProbe();
    JsonObject ann = created("ann");
    JsonObject bob = created("bob");
    probe.failing.add(id(ann));

    assertEquals(List.of("SUCCESS", "SUCCESS"), bulk(probe, 0, ann, bob));
    assertEquals(List.of(true), probe.written);
    assertTrue(parkedQueue("ann") != null, "ann's event waits for its retry");
    assertEquals(1, state.get(POSITION).asJsonObject().getInt("offset"));
  }
}
