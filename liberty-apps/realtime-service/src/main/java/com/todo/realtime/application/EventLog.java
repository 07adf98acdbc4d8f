package com.todo.realtime.application;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.ConsumedPosition;
import com.todo.dapr.CurrentSpan;
import com.todo.dapr.DaprSidecar;
import com.todo.dapr.EventSpans;
import com.todo.dapr.StateEntry;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.events.Topic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Each user's resume log and pending reminders, in the state store (so that any replica, and this
 * one after a restart, serves them):
 *
 * <ul>
 *   <li>{@code rt|head|<user>}: how many events the user's log holds ({@code next}: the number of
 *       the last one), the ids of the latest {@value #RECENT} (a producer's duplicate is not logged
 *       twice) and, per topic and partition, the Kafka offset up to which it holds that partition's
 *       events of the user ({@code offsets}: what another replica logged already).
 *   <li>{@code rt|log|<user>|<n mod capacity>}: the n-th event of the user ({@code {"n",
 *       "event"}}), a ring of {@code realtime.log.capacity} (1,000) slots per user, each expiring
 *       {@code realtime.log.ttl} (24 h) after it was written: an event can be resumed from while it
 *       is among its user's last 1,000 and younger than 24 h.
 *   <li>{@code rt|pending|<user>}: the reminders fired for the user and not acknowledged yet,
 *       oldest first.
 *   <li>{@code rt|acked|<event id>}: written once (first-write) by the first acknowledgement of a
 *       reminder firing: only that one publishes {@code reminder.delivered.v1}.
 * </ul>
 *
 * A delivery of events is logged with one bulk read, one transaction of the heads that change, each
 * written only if unchanged since the read (ETag: several replicas may log the same events,
 * whichever comes first wins), and one transaction of the slots (plus one of the pending sets with
 * reminders), under a lock of each of its users in this process, then pushed to the users'
 * connections in log order. From a subscription ({@link #begin}) the read is the consumer rules'
 * read of the delivery and the slots are written in their write of its positions.
 */
@ApplicationScoped
public class EventLog {

  private static final Logger LOG = Logger.getLogger(EventLog.class.getName());

  /** The ids of each user's latest events kept in the head, to recognise a duplicate. */
  static final int RECENT = 64;

  public static final String SOURCE = "/realtime-service";

  @Inject DaprSidecar sidecar;

  @Inject
  @ConfigProperty(name = "realtime.log.capacity", defaultValue = "1000")
  int capacity;

  @Inject
  @ConfigProperty(name = "realtime.log.ttl", defaultValue = "PT24H")
  Duration logTtl;

  /**
   * How long after its head was written a user's newest slots may still be missing because their
   * write is on its way (the delivery writes the head first, then the slots, and retries the slots
   * when their write fails). Past it a missing newest slot is gone (the store evicted it when full:
   * Redis with {@code maxmemory-policy volatile-ttl}), and a resume from before it is told to
   * reload instead of waiting for a push that will not come.
   */
  @Inject
  @ConfigProperty(name = "realtime.log.slot-grace", defaultValue = "PT2M")
  Duration slotGrace = Duration.ofMinutes(2);

  Clock clock = Clock.systemUTC();

  @Inject
  @ConfigProperty(name = "realtime.pending.max", defaultValue = "200")
  int pendingMax;

  @Inject
  @ConfigProperty(name = "realtime.pending.ttl", defaultValue = "P30D")
  Duration pendingTtl;

  private final ReentrantLock[] locks = new ReentrantLock[256];

  public EventLog() {
    for (int i = 0; i < locks.length; i++) locks[i] = new ReentrantLock();
  }

  /** An event of a user's log: its number in the log, its id and its JSON text. */
  public record Logged(String user, long n, String id, String json) {}

  /**
   * A resume: the events after the client's last one, up to {@code head}, or the need to reload by
   * REST ({@code gap}: because an event among the written ones is missing).
   */
  public record Resume(boolean found, List<Logged> events, long head, boolean gap) {}

  static String headKey(String user) {
    return "rt|head|" + user;
  }

  String slotKey(String user, long n) {
    return "rt|log|" + user + "|" + Math.floorMod(n, capacity);
  }

  static String pendingKey(String user) {
    return "rt|pending|" + user;
  }

  static String ackedKey(String eventId) {
    return "rt|acked|" + eventId;
  }

  private ReentrantLock lockOf(String user) {
    return locks[Math.floorMod(user.hashCode(), locks.length)];
  }

  /** Locks the users' stripes in one order (no deadlock between deliveries); unlock with it. */
  private List<ReentrantLock> lockAll(Iterable<String> users) {
    java.util.TreeSet<Integer> stripes = new java.util.TreeSet<>();
    for (String u : users) stripes.add(Math.floorMod(u.hashCode(), locks.length));
    List<ReentrantLock> held = new ArrayList<>();
    for (int s : stripes) {
      locks[s].lock();
      held.add(locks[s]);
    }
    return held;
  }

  private static void unlockAll(List<ReentrantLock> held) {
    for (int i = held.size() - 1; i >= 0; i--) held.get(i).unlock();
  }

  /**
   * As {@link #append(List, List, java.util.function.Consumer)} for events whose place on Kafka is
   * unknown (a parked event retried alone): an event already logged is recognised by its id among
   * the user's latest.
   */
  public void append(List<CloudEvent> events, java.util.function.Consumer<Logged> push) {
    append(events, java.util.Collections.nCopies(events.size(), null), push);
  }

  /**
   * Logs the events (in their order, each user's appended to that user's log) and hands each one to
   * {@code push}, in log order, while still holding the users' locks.
   *
   * <p>Every replica consumes every event (a broadcast subscription), and whichever replica comes
   * first logs it: the head of a user's log says, per topic and partition, up to which Kafka offset
   * it holds that partition's events ({@code positions}, null when unknown), and is written only if
   * no other replica wrote it since it was read (ETag). A replica that finds an event logged
   * already takes its number from the head, writes its slot again (the same value: this repairs a
   * slot lost when a replica failed between the head and the slots) and pushes it to its own
   * connections.
   *
   * @param positions where each event sits on Kafka, in the order of {@code events}
   * @throws RuntimeException when the state store fails: the events are to be delivered again
   */
  public void append(
      List<CloudEvent> events,
      List<ConsumedPosition> positions,
      java.util.function.Consumer<Logged> push) {
    Appending a = begin(events, positions, sidecar.readEntries(keysToRead(events)), push);
    boolean written = false;
    try {
      if (!a.slots.isEmpty()) sidecar.saveStates(a.slots, logTtl.toSeconds());
      written = true;
    } finally {
      a.written(written);
    }
  }

  /** The keys {@link #begin} reads for {@code events}: their users' heads and pending sets. */
  public List<String> keysToRead(List<CloudEvent> events) {
    Set<String> keys = new java.util.LinkedHashSet<>();
    for (CloudEvent e : events) {
      if (e.userId() == null || e.userId().isBlank()) continue;
      keys.add(headKey(e.userId()));
      if (isReminder(e)) {
        keys.add(ackedKey(e.id()));
        keys.add(pendingKey(e.userId()));
      }
    }
    return List.copyOf(keys);
  }

  /**
   * A delivery's events being logged: their users' locks are held, the heads and pending sets
   * written, and the slots ({@link #writes()}) to be written by the caller, which then calls {@link
   * #written} once, whatever happened: the events are pushed (when written) and the locks released.
   */
  public final class Appending {
    private final List<ReentrantLock> held;
    private final Map<String, JsonValue> slots;
    private final List<Logged> pushes;
    private final java.util.function.Consumer<Logged> push;
    private boolean done;

    private Appending(
        List<ReentrantLock> held,
        Map<String, JsonValue> slots,
        List<Logged> pushes,
        java.util.function.Consumer<Logged> push) {
      this.held = held;
      this.slots = slots;
      this.pushes = pushes;
      this.push = push;
    }

    /** The log slots to write, each expiring after {@code realtime.log.ttl}. */
    public DaprSidecar.Writes writes() {
      return new DaprSidecar.Writes(slots, logTtl.toSeconds());
    }

    /**
     * The slots were written ({@code ok}), or not (the events are delivered again): pushes the
     * events in log order when they were, and releases the users' locks.
     */
    public void written(boolean ok) {
      if (done) return;
      done = true;
      try {
        if (ok) for (Logged l : pushes) push.accept(l);
      } finally {
        unlockAll(held);
      }
    }
  }

  /**
   * Logs the events up to their slots: with the users' locks taken, plans each user's log against
   * its head as read ({@code stored}: the entries of {@link #keysToRead} that exist, with ETags),
   * writes the pending sets and the heads, and leaves the slots and the pushes to the returned
   * {@link Appending}.
   *
   * @throws RuntimeException when the state store fails (the locks are released): the events are to
   *     be delivered again
   */
  public Appending begin(
      List<CloudEvent> events,
      List<ConsumedPosition> positions,
      Map<String, StateEntry> stored,
      java.util.function.Consumer<Logged> push) {
    Map<String, List<Integer>> byUser = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      CloudEvent e = events.get(i);
      if (e.userId() == null || e.userId().isBlank()) continue;
      byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(i);
    }
    if (byUser.isEmpty()) return new Appending(List.of(), Map.of(), List.of(), push);
    List<ReentrantLock> held = lockAll(byUser.keySet());
    try {
      // pending first: when the log write then fails, the redelivery finds the reminder pending
      // already and logs it
      writePending(byUser, events, stored);
      Map<String, JsonValue> slots = new LinkedHashMap<>();
      List<Logged> pushes = new ArrayList<>();
      Map<String, StateEntry> heads = new LinkedHashMap<>();
      for (String user : byUser.keySet()) heads.put(user, stored.get(headKey(user)));
      // every head that changes in one conditional transaction; the users whose head another
      // replica wrote meanwhile are read again and planned again
      List<String> todo = new ArrayList<>(byUser.keySet());
      for (int attempt = 1; !todo.isEmpty(); attempt++) {
        if (attempt > 10) {
          throw new IllegalStateException(
              "the log heads of " + todo + " keep changing under this replica; retried");
        }
        Map<String, Plan> plans = new LinkedHashMap<>();
        List<DaprSidecar.ConditionalWrite> writes = new ArrayList<>();
        for (String user : todo) {
          Plan plan = plan(user, heads.get(user), byUser.get(user), events, positions);
          plans.put(user, plan);
          if (plan.appended) {
            StateEntry head = heads.get(user);
            writes.add(
                new DaprSidecar.ConditionalWrite(
                    headKey(user),
                    plan.head.toJson(clock.millis()),
                    head == null ? null : head.etag()));
          }
        }
        Set<String> lost = new HashSet<>();
        if (!sidecar.saveStatesIfUnchanged(writes, logTtl.toSeconds())) {
          // some were written, some not (the store does not roll back): look at each again
          Map<String, StateEntry> now =
              sidecar.readEntries(writes.stream().map(DaprSidecar.ConditionalWrite::key).toList());
          for (DaprSidecar.ConditionalWrite w : writes) {
            String user = w.key().substring("rt|head|".length());
            StateEntry seen = now.get(w.key());
            if (seen == null || !w.value().equals(seen.value())) {
              lost.add(user);
              heads.put(user, seen);
            }
          }
        }
        List<String> again = new ArrayList<>();
        for (var e : plans.entrySet()) {
          if (lost.contains(e.getKey())) {
            again.add(e.getKey());
          } else {
            slots.putAll(e.getValue().slots);
            pushes.addAll(e.getValue().pushes);
          }
        }
        todo = again;
      }
      return new Appending(held, slots, pushes, push);
    } catch (RuntimeException | Error e) {
      unlockAll(held);
      throw e;
    }
  }

  /** What a delivery does to one user's log, planned against its head as read. */
  private record Plan(
      Head head, boolean appended, Map<String, JsonValue> slots, List<Logged> pushes) {}

  private Plan plan(
      String user,
      StateEntry stored,
      List<Integer> indexes,
      List<CloudEvent> events,
      List<ConsumedPosition> positions) {
    Head h = Head.of(valueOf(stored));
    boolean appended = false;
    Map<String, JsonValue> slots = new LinkedHashMap<>();
    List<Logged> pushes = new ArrayList<>();
    for (int i : indexes) {
      CloudEvent e = events.get(i);
      ConsumedPosition at = positions.get(i);
      long n;
      if (h.holds(e.id(), at)) {
        n = h.indexOf(e.id()); // 0 when no longer among the latest: not pushed here
        if (n == 0) {
          LOG.fine(() -> "event " + e.id() + " of " + user + " is logged already");
          continue;
        }
      } else {
        n = h.append(e.id(), at);
        appended = true;
      }
      JsonObject json = e.toJson();
      if (n > h.next - capacity) {
        slots.put(
            slotKey(user, n), JSON.createObjectBuilder().add("n", n).add("event", json).build());
      }
      pushes.add(new Logged(user, n, e.id(), json.toString()));
    }
    return new Plan(h, appended, slots, pushes);
  }

  private static JsonValue valueOf(StateEntry entry) {
    return entry == null ? null : entry.value();
  }

  static boolean isReminder(CloudEvent e) {
    return EventType.REMINDER_TRIGGERED.type().equals(e.type());
  }

  /**
   * The events of the user's log after the one with id {@code after}: not found when that id is not
   * in the log (unknown, too old, or overwritten by 1,000 newer events), or when an event after it
   * is gone already.
   *
   * <p>A delivery writes the head before the slots, so the newest slots may not be written yet: the
   * events up to the first of those are returned, with {@link Resume#head()} the last of them, and
   * the rest reaches the connection as it is pushed (after its slot is written). A slot missing
   * before one that is there is read again once after {@link #GAP_RETRY} (two replicas logging at
   * the same time), and if still missing the event is gone: not found.
   */
  public Resume after(String user, String after) {
    Resume r = afterOnce(user, after);
    if (r.found() || !r.gap()) return r;
    try {
      Thread.sleep(GAP_RETRY.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return r;
    }
    return afterOnce(user, after);
  }

  /** How long a resume that finds a slot missing among written ones waits to read it again. */
  static final Duration GAP_RETRY = Duration.ofMillis(200);

  private Resume afterOnce(String user, String after) {
    Head head = Head.of(sidecar.readStates(List.of(headKey(user))).get(headKey(user)));
    long last = head.next;
    long from = head.indexOf(after); // 0 when not among the recent ids
    List<String> keys = new ArrayList<>();
    long oldest = Math.max(1, last - capacity + 1);
    if (from > 0) {
      for (long n = from + 1; n <= last; n++) keys.add(slotKey(user, n));
    } else {
      for (long n = oldest; n <= last; n++) keys.add(slotKey(user, n));
    }
    Map<String, JsonValue> slots = keys.isEmpty() ? Map.of() : sidecar.readStates(keys);
    if (from == 0) {
      for (long n = oldest; n <= last; n++) {
        JsonObject o = slotAt(slots, user, n);
        if (o != null && after.equals(o.getJsonObject("event").getString("id", null))) {
          from = n;
          break;
        }
      }
      if (from == 0) return new Resume(false, List.of(), last, false);
    }
    if (from < oldest - 1) return new Resume(false, List.of(), last, false); // overwritten since
    List<Logged> events = new ArrayList<>();
    for (long n = from + 1; n <= last; n++) {
      JsonObject o = slotAt(slots, user, n);
      if (o == null) {
        for (long m = n + 1; m <= last; m++) {
          if (slotAt(slots, user, m) != null) return new Resume(false, List.of(), last, true);
        }
        if (head.writtenAt > 0 && clock.millis() - head.writtenAt > slotGrace.toMillis()) {
          return new Resume(false, List.of(), last, true); // evicted long after it was written
        }
        return new Resume(true, events, n - 1, false); // the rest is being written
      }
      JsonObject event = o.getJsonObject("event");
      events.add(new Logged(user, n, event.getString("id"), event.toString()));
    }
    return new Resume(true, events, last, false);
  }

  /** The slot of the n-th event as read, or null when it holds another number (or nothing). */
  private JsonObject slotAt(Map<String, JsonValue> slots, String user, long n) {
    return slots.get(slotKey(user, n)) instanceof JsonObject o
            && o.getJsonNumber("n").longValue() == n
        ? o
        : null;
  }

  /** The number of the user's last logged event (0 when none). */
  public long head(String user) {
    return Head.of(sidecar.readStates(List.of(headKey(user))).get(headKey(user))).next;
  }

  /**
   * The events numbered {@code from} to {@code to} of the user's log, or empty when one of them is
   * not there (no longer kept, or its slot not written yet).
   */
  public Optional<List<Logged>> range(String user, long from, long to) {
    if (to - from + 1 > capacity) return Optional.empty();
    List<String> keys = new ArrayList<>();
    for (long n = from; n <= to; n++) keys.add(slotKey(user, n));
    Map<String, JsonValue> slots = keys.isEmpty() ? Map.of() : sidecar.readStates(keys);
    List<Logged> events = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      if (!(slots.get(slotKey(user, n)) instanceof JsonObject o)
          || o.getJsonNumber("n").longValue() != n) {
        return Optional.empty();
      }
      JsonObject event = o.getJsonObject("event");
      events.add(new Logged(user, n, event.getString("id"), event.toString()));
    }
    return Optional.of(events);
  }

  /**
   * Adds the delivery's reminders to their users' pending sets, each set written only if unchanged
   * since it was read (its ETag): the read is made before the users' locks are taken, so an
   * acknowledgement (of this replica or another) may have removed a reminder from the set
   * meanwhile, and writing the set as read would send that reminder again. A set changed meanwhile
   * is read again, with the acknowledgement guards of the delivery's reminders, and planned again.
   */
  private void writePending(
      Map<String, List<Integer>> byUser, List<CloudEvent> events, Map<String, StateEntry> read) {
    Map<String, StateEntry> stored = read;
    List<String> users = new ArrayList<>(byUser.keySet());
    for (int attempt = 1; ; attempt++) {
      List<DaprSidecar.ConditionalWrite> writes = new ArrayList<>();
      for (String user : users) {
        List<JsonObject> pending = null;
        boolean added = false;
        for (int i : byUser.get(user)) {
          CloudEvent e = events.get(i);
          if (!isReminder(e) || stored.containsKey(ackedKey(e.id()))) continue;
          if (pending == null) pending = pendingOf(valueOf(stored.get(pendingKey(user))));
          if (pending.stream().noneMatch(p -> e.id().equals(p.getString("id", null)))) {
            pending.add(e.toJson());
            while (pending.size() > pendingMax) pending.remove(0);
            added = true;
          }
        }
        if (added) {
          StateEntry was = stored.get(pendingKey(user));
          writes.add(
              new DaprSidecar.ConditionalWrite(
                  pendingKey(user), pendingJson(pending), was == null ? null : was.etag()));
        }
      }
      if (writes.isEmpty() || sidecar.saveStatesIfUnchanged(writes, pendingTtl.toSeconds())) {
        return;
      }
      if (attempt == 5) {
        throw new IllegalStateException(
            "the pending reminders of " + users + " keep changing; the delivery is retried");
      }
      // some sets were written, some not (the store does not roll back): read them all again;
      // a set written already now holds its reminders, which are then not added twice
      users = writes.stream().map(w -> w.key().substring("rt|pending|".length())).toList();
      List<String> keys = new ArrayList<>();
      for (String user : users) {
        keys.add(pendingKey(user));
        for (int i : byUser.get(user)) {
          if (isReminder(events.get(i))) keys.add(ackedKey(events.get(i).id()));
        }
      }
      stored = sidecar.readEntries(keys);
    }
  }

  /** The user's reminders waiting for an acknowledgement, oldest first (their JSON text). */
  public List<JsonObject> pending(String user) {
    return pendingOf(sidecar.readStates(List.of(pendingKey(user))).get(pendingKey(user)));
  }

  /**
   * A client acknowledged the reminder firing {@code eventId}: the first acknowledgement of it
   * (whichever client, whichever replica) publishes {@code reminder.delivered.v1}; it leaves the
   * pending set.
   *
   * @return true when this call published the delivered event
   */
  public boolean ack(String user, String eventId) {
    ReentrantLock lock = lockOf(user);
    lock.lock();
    try {
      for (int attempt = 0; attempt < 5; attempt++) {
        Optional<StateEntry> entry = sidecar.getState(pendingKey(user));
        if (entry.isEmpty()) return false;
        List<JsonObject> pending = pendingOf(entry.get().value());
        JsonObject event =
            pending.stream()
                .filter(p -> eventId.equals(p.getString("id", null)))
                .findFirst()
                .orElse(null);
        if (event == null) return false;
        boolean published = publishDelivered(user, event);
        pending.remove(event);
        if (sidecar.saveState(
            pendingKey(user),
            pendingJson(pending).toString(),
            entry.get().etag(),
            false,
            pendingTtl.toSeconds())) {
          return published;
        }
        if (published) return true; // another ack changed the set; it is published once anyway
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  private boolean publishDelivered(String user, JsonObject triggered) {
    String id = triggered.getString("id");
    String guard =
        JSON.createObjectBuilder().add("ackedAt", Instant.now().toString()).build().toString();
    if (!sidecar.saveState(ackedKey(id), guard, null, true, pendingTtl.toSeconds())) return false;
    try {
      CloudEvent t = CloudEvent.fromJson(triggered);
      JsonObject data = t.data();
      CloudEvent delivered =
          CloudEvent.of(
              EventType.REMINDER_DELIVERED,
              UUID.nameUUIDFromBytes(("delivered|" + id).getBytes(StandardCharsets.UTF_8))
                  .toString(),
              SOURCE,
              t.subject(),
              Instant.now(),
              user,
              t.sequence(),
              JSON.createObjectBuilder()
                  .add("reminderId", data.getString("reminderId"))
                  .add("taskId", data.getString("taskId"))
                  .add("userId", user)
                  .add("deliveredAt", Instant.now().toString())
                  .build());
      // in the firing's trace: a span of the ack, the parent of the delivered event
      EventSpans.sending(
          t,
          Topic.REMINDER_EVENTS.topicName(),
          () ->
              sidecar.publish(
                  Topic.REMINDER_EVENTS,
                  delivered.withTraceParent(
                      CurrentSpan.currentTraceParent().orElse(t.traceParent()))));
      return true;
    } catch (RuntimeException e) {
      // not published: the next acknowledgement tries again
      try {
        sidecar.deleteState(ackedKey(id));
      } catch (RuntimeException ignored) {
        LOG.warning(() -> "the ack guard of " + id + " could not be removed: " + ignored);
      }
      throw e;
    }
  }

  private static List<JsonObject> pendingOf(JsonValue stored) {
    List<JsonObject> list = new ArrayList<>();
    if (stored instanceof JsonObject o && o.get("events") instanceof JsonArray events) {
      for (JsonValue v : events) if (v instanceof JsonObject e) list.add(e);
    }
    return list;
  }

  private static JsonObject pendingJson(List<JsonObject> pending) {
    JsonArrayBuilder a = JSON.createArrayBuilder();
    pending.forEach(a::add);
    return JSON.createObjectBuilder().add("events", a).build();
  }

  /**
   * A user's log head: the number of its last event, the ids of the latest ones, and per topic and
   * partition the Kafka offset up to which the log holds that partition's events of the user.
   */
  static final class Head {
    long next;

    /** When the head was last written (epoch ms), 0 when not known (written before it was kept). */
    long writtenAt;

    final Deque<String> recent = new ArrayDeque<>();
    final Map<String, Long> offsets = new java.util.TreeMap<>();

    static Head of(JsonValue stored) {
      Head h = new Head();
      if (stored instanceof JsonObject o) {
        h.next = o.getJsonNumber("next").longValue();
        if (o.get("at") instanceof jakarta.json.JsonNumber at) h.writtenAt = at.longValue();
        if (o.get("recent") instanceof JsonArray ids) {
          for (JsonValue v : ids) h.recent.add(((jakarta.json.JsonString) v).getString());
        }
        if (o.get("offsets") instanceof JsonObject at) {
          at.forEach(
              (k, v) -> {
                if (v instanceof jakarta.json.JsonNumber num) h.offsets.put(k, num.longValue());
              });
        }
      }
      return h;
    }

    static String partition(ConsumedPosition at) {
      return at.topic() + "|" + at.partition();
    }

    /** Whether the log holds the event: by its place on Kafka when known, else by its id. */
    boolean holds(String id, ConsumedPosition at) {
      if (recent.contains(id)) return true;
      if (at == null) return false;
      Long upTo = offsets.get(partition(at));
      return upTo != null && at.offset() <= upTo;
    }

    long append(String id, ConsumedPosition at) {
      recent.addLast(id);
      while (recent.size() > RECENT) recent.removeFirst();
      if (at != null) offsets.merge(partition(at), at.offset(), Math::max);
      return ++next;
    }

    /** The number of the event with this id if it is among the recent ones, else 0. */
    long indexOf(String id) {
      long n = next;
      var it = recent.descendingIterator();
      while (it.hasNext()) {
        if (it.next().equals(id)) return n;
        n--;
      }
      return 0;
    }

    JsonObject toJson(long now) {
      var at = JSON.createObjectBuilder();
      offsets.forEach(at::add);
      return JSON.createObjectBuilder()
          .add("next", next)
          .add("at", now)
          .add("recent", JSON.createArrayBuilder(List.copyOf(recent)))
          .add("offsets", at)
          .build();
    }
  }
}
