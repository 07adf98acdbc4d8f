package com.todo.realtime.application;

import static com.todo.events.Jsonp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.dapr.ConsumedPosition;
import com.todo.dapr.DaprSidecar;
import com.todo.dapr.SidecarException;
import com.todo.dapr.StateEntry;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.events.Topic;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The resume log and the pending reminders against an in-memory state store with the semantics the
 * Redis store has through the sidecar (ETags, first-write); the same against the real platform:
 * platform-tests RealtimeIT.
 */
class EventLogTest {

  /** The state store and pub/sub of a sidecar, in memory. */
  static final class Store extends DaprSidecar {
    final Map<String, String> values = new HashMap<>();
    final Map<String, Integer> versions = new HashMap<>();
    final List<CloudEvent> published = new ArrayList<>();
    boolean failWrites;

    @Override
    public Map<String, JsonValue> readStates(List<String> keys) {
      Map<String, JsonValue> found = new HashMap<>();
      for (String k : keys) {
        if (values.containsKey(k)) {
          found.put(k, JSON.createReader(new StringReader(values.get(k))).readValue());
        }
      }
      return found;
    }

    /** Runs once after the next bulk read: another replica writing in between. */
    Runnable afterNextRead;

    @Override
    public Map<String, StateEntry> readEntries(List<String> keys) {
      Map<String, StateEntry> found = new HashMap<>();
      for (String k : keys) getState(k).ifPresent(e -> found.put(k, e));
      Runnable between = afterNextRead;
      afterNextRead = null;
      if (between != null) between.run();
      return found;
    }

    /** As the Redis store: the writes whose condition holds are applied, the others not. */
    @Override
    public boolean saveStatesIfUnchanged(List<ConditionalWrite> writes, long ttlSeconds) {
      boolean all = true;
      for (ConditionalWrite w : writes) {
        all &= saveState(w.key(), w.value().toString(), w.etag(), true, ttlSeconds);
      }
      return all;
    }

    /** Runs once before the next unconditional write: a reader between head and slots. */
    Runnable beforeNextSave;

    @Override
    public void saveStates(Map<String, JsonValue> v, long ttlSeconds) {
      Runnable between = beforeNextSave;
      beforeNextSave = null;
      if (between != null) between.run();
      if (failWrites) throw new SidecarException("store down (test)");
      v.forEach((k, value) -> put(k, value.toString()));
    }

    @Override
    public void saveStates(List<DaprSidecar.Writes> groups) {
      Map<String, JsonValue> all = new java.util.LinkedHashMap<>();
      for (DaprSidecar.Writes w : groups) all.putAll(w.values());
      saveStates(all, 0);
    }

    private void put(String key, String json) {
      values.put(key, json);
      versions.merge(key, 1, Integer::sum);
    }

    @Override
    public Optional<StateEntry> getState(String key) {
      return Optional.ofNullable(values.get(key))
          .map(v -> new StateEntry(key, v, String.valueOf(versions.get(key))));
    }

    @Override
    public boolean saveState(
        String key, String json, String etag, boolean createOnly, long ttlSeconds) {
      if (etag != null && !etag.equals(String.valueOf(versions.get(key)))) return false;
      if (etag == null && createOnly && values.containsKey(key)) return false;
      put(key, json);
      return true;
    }

    @Override
    public void deleteState(String key) {
      values.remove(key);
    }

    @Override
    public void publish(Topic topic, CloudEvent event) {
      published.add(event);
    }
  }

  private final Store store = new Store();
  private final EventLog log = new EventLog();
  private final List<EventLog.Logged> pushed = new ArrayList<>();

  EventLogTest() {
    log.sidecar = store;
    log.capacity = 5;
    log.logTtl = Duration.ofHours(24);
    log.pendingMax = 3;
    log.pendingTtl = Duration.ofDays(30);
  }

  private static CloudEvent task(String user) {
    JsonObject data = JSON.createObjectBuilder().add("id", UUID.randomUUID().toString()).build();
    return CloudEvent.of(
        EventType.TASK_CREATED,
        UUID.randomUUID().toString(),
        "/task-service",
        data.getString("id"),
        Instant.now(),
        user,
        1,
        data);
  }

  private static CloudEvent fired(String user) {
    JsonObject data =
        JSON.createObjectBuilder()
            .add("reminderId", "r-" + UUID.randomUUID())
            .add("taskId", "t-1")
            .add("userId", user)
            .add("fireAt", "2026-01-01T00:00:00Z")
            .add("firedAt", "2026-01-01T00:00:00Z")
            .add("title", "call")
            .build();
    return CloudEvent.of(
        EventType.REMINDER_TRIGGERED,
        UUID.randomUUID().toString(),
        "/notification-service",
        data.getString("reminderId"),
        Instant.now(),
        user,
        3,
        data);
  }

  private void append(CloudEvent... events) {
    log.append(List.of(events), pushed::add);
  }

  private static List<String> ids(List<EventLog.Logged> logged) {
    return logged.stream().map(EventLog.Logged::id).toList();
  }

  @Test
  void eachUsersEventsAreNumberedInOrderAndPushedInThatOrder() {
    CloudEvent a1 = task("ann"), b1 = task("bob"), a2 = task("ann"), a3 = task("ann");
    append(a1, b1, a2);
    append(a3);

    assertEquals(List.of(a1.id(), a2.id(), b1.id(), a3.id()), ids(pushed));
    assertEquals(List.of(1L, 2L, 1L, 3L), pushed.stream().map(EventLog.Logged::n).toList());
    EventLog.Resume r = log.after("ann", a1.id());
    assertTrue(r.found());
    assertEquals(List.of(a2.id(), a3.id()), ids(r.events()));
    assertEquals(3, r.head());
    assertEquals(a3.toJson().toString(), r.events().get(1).json(), "the event as it came");
  }

  /**
   * From a subscription the slots are written by the consumer rules with the delivery's positions:
   * nothing is pushed before they are (a resume could not find it), nothing when that write failed
   * (the delivery comes again and pushes then), and the users' locks are held until then.
   */
  @Test
  void aDeliveryIsPushedOnlyOnceItsSlotsAreWrittenAndItsUsersStayLockedUntilThen()
      throws Exception {
    CloudEvent a1 = task("ann");
    List<ConsumedPosition> at = List.of(at("task-events", 3));
    EventLog.Appending failed =
        log.begin(List.of(a1), at, store.readEntries(log.keysToRead(List.of(a1))), pushed::add);
    failed.written(false);
    assertEquals(List.of(), pushed, "not written: not pushed");

    EventLog.Appending a =
        log.begin(List.of(a1), at, store.readEntries(log.keysToRead(List.of(a1))), pushed::add);
    assertEquals(List.of(), pushed, "not before the slots are written");
    var other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var resumed = other.submit(() -> log.append(List.of(task("ann")), pushed::add));
      assertThrows(
          java.util.concurrent.TimeoutException.class,
          () -> resumed.get(200, java.util.concurrent.TimeUnit.MILLISECONDS),
          "another delivery of ann's waits for this one's write");
      store.saveStates(List.of(a.writes()));
      a.written(true);
      resumed.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
    assertEquals(a1.id(), pushed.get(0).id(), "written: pushed, first");
    assertEquals(List.of(1L, 2L), pushed.stream().map(EventLog.Logged::n).toList());
    assertEquals(1, log.after("ann", a1.id()).events().size(), "its slot is there to resume from");
  }

  @Test
  void anEventDeliveredAgainIsNotLoggedTwiceAndKeepsItsNumber() {
    CloudEvent a1 = task("ann"), a2 = task("ann");
    append(a1, a2);
    append(a2, a1);

    // pushed again with the same numbers: a connection sends a number once
    assertEquals(List.of(a1.id(), a2.id(), a2.id(), a1.id()), ids(pushed));
    assertEquals(List.of(1L, 2L, 2L, 1L), pushed.stream().map(EventLog.Logged::n).toList());
    assertEquals(List.of(a2.id()), ids(log.after("ann", a1.id()).events()));
  }

  // --- several replicas: each consumes every event, whichever comes first logs it ----------

  private static ConsumedPosition at(String topic, long offset) {
    return new ConsumedPosition(topic, 0, offset, -1);
  }

  private EventLog replica(List<EventLog.Logged> pushes) {
    EventLog other = new EventLog();
    other.sidecar = store;
    other.capacity = log.capacity;
    other.logTtl = log.logTtl;
    other.pendingMax = log.pendingMax;
    other.pendingTtl = log.pendingTtl;
    return other;
  }

  @Test
  void twoReplicasLogEachEventOnceAndPushTheSameNumbers() {
    CloudEvent a1 = task("ann"), a2 = task("ann");
    List<EventLog.Logged> second = new ArrayList<>();
    EventLog other = replica(second);
    log.append(List.of(a1, a2), List.of(at("task-events", 7), at("task-events", 8)), pushed::add);
    other.append(List.of(a1, a2), List.of(at("task-events", 7), at("task-events", 8)), second::add);

    assertEquals(List.of(1L, 2L), second.stream().map(EventLog.Logged::n).toList());
    assertEquals(ids(pushed), ids(second));
    assertEquals(2, log.after("ann", a1.id()).head(), "logged once");
    assertEquals(List.of(a2.id()), ids(log.after("ann", a1.id()).events()));
  }

  @Test
  void aReplicaThatLosesTheRaceForTheHeadTakesTheWinnersNumbers() {
    CloudEvent a1 = task("ann"), a2 = task("ann"), a3 = task("ann");
    List<EventLog.Logged> second = new ArrayList<>();
    EventLog other = replica(second);
    // the other replica reads the head, then this one logs a1 and a2 before it writes
    store.afterNextRead =
        () ->
            log.append(
                List.of(a1, a2), List.of(at("task-events", 1), at("task-events", 2)), pushed::add);
    other.append(
        List.of(a1, a2, a3),
        List.of(at("task-events", 1), at("task-events", 2), at("task-events", 3)),
        second::add);

    assertEquals(List.of(a1.id(), a2.id(), a3.id()), ids(second));
    assertEquals(List.of(1L, 2L, 3L), second.stream().map(EventLog.Logged::n).toList());
    EventLog.Resume r = log.after("ann", a1.id());
    assertEquals(List.of(a2.id(), a3.id()), ids(r.events()), "no event twice, none lost");
  }

  @Test
  void aReplicaFarBehindSkipsByOffsetWhatIsNoLongerAmongTheLatestIds() {
    List<CloudEvent> events = new ArrayList<>();
    List<ConsumedPosition> at = new ArrayList<>();
    for (int i = 0; i < EventLog.RECENT + 3; i++) {
      events.add(task("ann"));
      at.add(at("task-events", 100 + i));
    }
    log.capacity = 1000;
    log.append(events, at, pushed::add);
    List<EventLog.Logged> second = new ArrayList<>();
    EventLog late = replica(second);
    late.append(events.subList(0, 2), at.subList(0, 2), second::add);

    assertEquals(List.of(), second, "too old to know its number here: not pushed, not logged");
    assertEquals(
        EventLog.RECENT + 3, log.after("ann", events.get(EventLog.RECENT + 2).id()).head());
  }

  @Test
  void aSlotLostAfterTheHeadWasWrittenIsWrittenByTheRedelivery() {
    CloudEvent a1 = task("ann"), a2 = task("ann");
    append(a1);
    store.failWrites = true; // the head (a conditional write) goes through, the slots do not
    assertThrows(
        SidecarException.class,
        () -> log.append(List.of(a2), List.of(at("task-events", 5)), pushed::add));
    EventLog.Resume meanwhile = log.after("ann", a1.id());
    assertTrue(meanwhile.found(), "the newest slot not written (yet): not a gap");
    assertEquals(List.of(), meanwhile.events());
    assertEquals(1, meanwhile.head(), "up to the last slot written: the push brings the rest");
    store.failWrites = false;
    log.append(List.of(a2), List.of(at("task-events", 5)), pushed::add);

    assertEquals(List.of(a2.id()), ids(log.after("ann", a1.id()).events()));
    assertEquals(List.of(2L), pushed.stream().map(EventLog.Logged::n).toList().subList(1, 2));
  }

  @Test
  void aResumeBetweenTheHeadAndTheSlotsOfADeliveryGetsWhatIsWrittenThenThePush() {
    CloudEvent a1 = task("ann"), a2 = task("ann"), a3 = task("ann");
    append(a1);
    List<EventLog.Resume> resumed = new ArrayList<>();
    // the delivery of a2 and a3 has written the head; a client resumes before the slots are
    store.beforeNextSave = () -> resumed.add(log.after("ann", a1.id()));
    append(a2, a3);

    EventLog.Resume r = resumed.get(0);
    assertTrue(r.found(), "not a resync: nothing is lost");
    assertEquals(List.of(), r.events());
    assertEquals(1, r.head());
    assertEquals(List.of(2L, 3L), pushed.stream().map(EventLog.Logged::n).toList().subList(1, 3));
  }

  @Test
  void aSlotMissingBeforeWrittenOnesIsAGap() {
    CloudEvent a1 = task("ann"), a2 = task("ann"), a3 = task("ann");
    append(a1, a2, a3);
    store.values.remove("rt|log|ann|2");

    EventLog.Resume r = log.after("ann", a1.id());
    assertFalse(r.found(), "event 2 is gone: the client reloads by REST");
    assertTrue(log.after("ann", a2.id()).found(), "after it, nothing is missing");
  }

  @Test
  void aNewestSlotStillMissingLongAfterItsHeadWasWrittenIsGoneNotOnItsWay() {
    Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
    log.clock = Clock.fixed(t0, ZoneOffset.UTC);
    CloudEvent a1 = task("ann"), a2 = task("ann");
    append(a1, a2);
    store.values.remove("rt|log|ann|2"); // evicted by a full store (volatile-ttl)

    log.clock = Clock.fixed(t0.plusSeconds(10), ZoneOffset.UTC);
    assertTrue(log.after("ann", a1.id()).found(), "soon after the head: its write may be coming");
    log.clock = Clock.fixed(t0.plus(log.slotGrace).plusSeconds(1), ZoneOffset.UTC);
    EventLog.Resume r = log.after("ann", a1.id());
    assertFalse(r.found(), "event 2 is gone: the client reloads by REST, no silent gap");
    assertTrue(r.gap());
    assertTrue(log.after("ann", a2.id()).found(), "after it, nothing is missing");
  }

  @Test
  void anIdThatIsUnknownOrNoLongerInTheRingIsNotFound() {
    List<CloudEvent> events = new ArrayList<>();
    for (int i = 0; i < 8; i++) events.add(task("ann"));
    for (CloudEvent e : events) append(e);

    assertFalse(log.after("ann", UUID.randomUUID().toString()).found(), "unknown");
    assertFalse(log.after("ann", events.get(0).id()).found(), "overwritten by newer ones");
    assertFalse(log.after("bob", events.get(7).id()).found(), "another user's");
    EventLog.Resume r = log.after("ann", events.get(3).id());
    assertTrue(r.found());
    assertEquals(ids(pushed).subList(4, 8), ids(r.events()));
    assertEquals(List.of(), log.after("ann", events.get(7).id()).events(), "up to date");
  }

  @Test
  void aFailedWriteThrowsAndPushesNothing() {
    store.failWrites = true;
    assertThrows(SidecarException.class, () -> append(task("ann")));
    assertEquals(List.of(), pushed);
  }

  @Test
  void aFiredReminderIsPendingUntilTheFirstAckWhichPublishesDeliveredOnce() {
    CloudEvent first = fired("ann"), second = fired("ann");
    append(first, task("ann"));
    append(second);
    assertEquals(
        List.of(first.id(), second.id()),
        log.pending("ann").stream().map(p -> p.getString("id")).toList(),
        "oldest first");

    assertTrue(log.ack("ann", first.id()));
    assertFalse(log.ack("ann", first.id()), "a second ack publishes nothing");
    assertFalse(log.ack("bob", second.id()), "another user's ack does nothing");
    assertFalse(log.ack("ann", UUID.randomUUID().toString()));

    assertEquals(1, store.published.size());
    CloudEvent delivered = store.published.get(0);
    assertEquals(EventType.REMINDER_DELIVERED.type(), delivered.type());
    assertEquals(first.data().getString("reminderId"), delivered.data().getString("reminderId"));
    assertEquals(first.subject(), delivered.subject());
    assertEquals(first.sequence(), delivered.sequence());
    assertEquals(
        List.of(second.id()), log.pending("ann").stream().map(p -> p.getString("id")).toList());

    // the same firing delivered again after its ack does not come back
    append(first);
    assertEquals(
        List.of(second.id()), log.pending("ann").stream().map(p -> p.getString("id")).toList());
  }

  /**
   * A delivery reads the pending set before it takes its users' locks: an acknowledgement in
   * between (a client on this replica or another) must not be undone by the delivery's write of the
   * set as it read it, or the acknowledged reminder is sent to every later connection again.
   */
  @Test
  void anAckBetweenADeliverysReadAndItsWriteStaysAcknowledged() {
    CloudEvent first = fired("ann"), second = fired("ann");
    append(first);
    store.afterNextRead = () -> assertTrue(log.ack("ann", first.id()));
    append(second, task("ann"));

    assertEquals(
        List.of(second.id()),
        log.pending("ann").stream().map(p -> p.getString("id")).toList(),
        "the acknowledged reminder is not pending again");
    assertEquals(1, store.published.size(), "one delivered event");
    assertEquals(2, log.after("ann", first.id()).events().size(), "the delivery was logged");
  }

  @Test
  void theAckGuardOfAnotherReplicaMeansNoSecondDelivered() {
    CloudEvent f = fired("ann");
    append(f);
    // another replica (or an earlier attempt) acknowledged it first
    store.saveState("rt|acked|" + f.id(), "{}", null, true, 0);

    assertFalse(log.ack("ann", f.id()));
    assertEquals(List.of(), store.published);
    assertEquals(List.of(), log.pending("ann"), "it leaves the pending set all the same");
  }

  @Test
  void thePendingSetKeepsTheNewestWithinItsBound() {
    List<CloudEvent> firings = new ArrayList<>();
    for (int i = 0; i < 5; i++) firings.add(fired("ann"));
    for (CloudEvent f : firings) append(f);
    assertEquals(
        firings.subList(2, 5).stream().map(CloudEvent::id).toList(),
        log.pending("ann").stream().map(p -> p.getString("id")).toList());
  }
}
