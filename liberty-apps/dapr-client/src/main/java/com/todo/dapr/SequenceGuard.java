package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The sequence guard of the consumer rules: an event is applied to the state of its aggregate (a
 * task, a reminder, a series) only when its {@code sequence} is newer than the one applied before;
 * an older or equal one (a duplicate, a late redelivery, the same event published again at a new
 * offset) is acknowledged without effect. The applied sequence is stored in the same state entry as
 * the effect's state and written with first-write concurrency (create only if absent, else only
 * with the ETag that was read), so two deliveries racing each other cannot both apply.
 */
@ApplicationScoped
public class SequenceGuard {

  private static final Logger LOG = Logger.getLogger(SequenceGuard.class.getName());

  /** Writes lost to a concurrent writer before giving up (the event is then retried). */
  private static final int ATTEMPTS = 3;

  @Inject ConsumerState state;

  /** What an event does to its aggregate. */
  @FunctionalInterface
  public interface Effect {
    /**
     * The aggregate's state after the event, from its state before (null when there is none); null
     * to keep no state (the applied sequence stays, so an older event cannot bring it back). Runs
     * again when a concurrent write wins, so what it does outside the returned state (a job, a
     * publish) must be idempotent.
     */
    JsonObject apply(JsonObject before);
  }

  /**
   * The effect of a service whose reactions are not built yet: it only counts the changes of each
   * aggregate it applied, so the guard and the consumer rules can be observed from outside.
   */
  public static final Effect COUNT_CHANGES =
      before ->
          JSON.createObjectBuilder()
              .add("changes", before == null ? 1 : before.getInt("changes", 0) + 1)
              .build();

  /**
   * How long an aggregate's state is kept, decided at each event applied to it from its state
   * before and after (either null when there is none): seconds from this write until it expires,
   * {@link #FOREVER}, or {@link #AS_IT_WAS} (writes outside events always leave it as it was).
   */
  @FunctionalInterface
  public interface Lifetime {
    long AS_IT_WAS = 0;
    long FOREVER = -1;

    /**
     * The shortest lifetime a record may have: past Kafka's 7-day retention of the topics, no
     * redelivery of an event can arrive to find its record gone and be applied again.
     */
    Duration MIN = Duration.ofDays(8);

    long ttlSeconds(JsonObject before, JsonObject after);

    /** {@code configured}, or {@link #MIN} (with a warning naming {@code setting}) if shorter. */
    static Duration atLeastMin(String setting, Duration configured) {
      if (configured != null && configured.compareTo(MIN) >= 0) return configured;
      LOG.warning(
          () ->
              setting
                  + " "
                  + configured
                  + " is shorter than "
                  + MIN
                  + " (Kafka keeps events 7 days): "
                  + MIN
                  + " is used");
      return MIN;
    }
  }

  public enum Result {
    APPLIED,
    STALE
  }

  /**
   * What is stored per aggregate: the last applied event and the effect's state.
   *
   * @param state null when the effect keeps none (e.g. after a delete)
   */
  public record Applied(long sequence, String eventId, String type, JsonObject state) {

    /** True when an event with {@code sequence} is not newer than this one: ignore it. */
    public boolean covers(long sequence) {
      return sequence <= this.sequence;
    }

    static Applied of(CloudEvent event, JsonObject state) {
      return new Applied(event.sequence(), event.id(), event.type(), state);
    }

    JsonObject toJson() {
      var json =
          JSON.createObjectBuilder()
              .add("sequence", sequence)
              .add("eventId", eventId)
              .add("type", type)
              .add("appliedAt", Instant.now().toString());
      return json.add("state", state == null ? JsonValue.NULL : state).build();
    }

    /**
     * @throws IllegalStateException when the stored value is not one (the event is then retried,
     *     and dead-lettered once its attempts run out)
     */
    static Applied parse(String key, String json) {
      try {
        JsonObject o = JSON.createReader(new StringReader(json)).readObject();
        JsonValue state = o.get("state");
        return new Applied(
            o.getJsonNumber("sequence").longValueExact(),
            o.getString("eventId"),
            o.getString("type"),
            state instanceof JsonObject s ? s : null);
      } catch (RuntimeException e) {
        throw new IllegalStateException("the applied state of " + key + " is unreadable: " + e, e);
      }
    }
  }

  /**
   * The state key of the aggregate an event is about: {@code applied|<aggregate>|<subject>}, e.g.
   * {@code applied|task|<task id>} ({@code subject} is the aggregate id in the contract).
   */
  public static String aggregateKey(CloudEvent event) {
    String[] parts = event.type().split("\\.");
    String aggregate = parts.length > 2 ? parts[2] : "unknown";
    if (event.subject() == null || event.subject().isEmpty()) {
      throw new IllegalArgumentException("event " + event.id() + " names no aggregate (subject)");
    }
    return "applied|" + aggregate + "|" + event.subject();
  }

  /** Applies {@code event} to the aggregate stored under {@code key}, if it is newer. */
  public Result apply(String key, CloudEvent event, Effect effect) {
    return apply(key, event, effect, (before, after) -> Lifetime.AS_IT_WAS);
  }

  /** As {@link #apply(String, CloudEvent, Effect)}, the state kept for its {@code lifetime}. */
  public Result apply(String key, CloudEvent event, Effect effect, Lifetime lifetime) {
    for (int attempt = 1; ; attempt++) {
      Optional<StateEntry> stored = state.getState(key);
      Applied before = stored.map(e -> Applied.parse(key, e.json())).orElse(null);
      if (before != null && before.covers(event.sequence())) {
        LOG.fine(
            () ->
                "event "
                    + event.id()
                    + " (sequence "
                    + event.sequence()
                    + ") is not newer than "
                    + before.eventId()
                    + " (sequence "
                    + before.sequence()
                    + ") on "
                    + key
                    + ": ignored");
        return Result.STALE;
      }
      JsonObject previous = before == null ? null : before.state();
      JsonObject next = effect.apply(previous);
      String value = Applied.of(event, next).toJson().toString();
      long ttl = lifetime.ttlSeconds(previous, next);
      boolean written =
          stored.isPresent()
              ? state.saveState(key, value, stored.get().etag(), false, ttl)
              : state.saveState(key, value, null, true, ttl);
      if (written) return Result.APPLIED;
      if (attempt == ATTEMPTS) {
        throw new SidecarException(
            "event "
                + event.id()
                + " on "
                + key
                + ": lost "
                + ATTEMPTS
                + " writes to concurrent ones");
      }
    }
  }

  /**
   * Changes the state of an aggregate outside its events (a job that fired, a user's action),
   * keeping the applied sequence; with the ETag read, so a concurrent change makes it read again.
   *
   * @param change the new state from the current one; null to leave it as it is
   * @return the state written, or empty when there is no such aggregate or nothing changed
   */
  public Optional<JsonObject> update(
      String key, java.util.function.UnaryOperator<JsonObject> change) {
    for (int attempt = 1; ; attempt++) {
      Optional<StateEntry> stored = state.getState(key);
      if (stored.isEmpty()) return Optional.empty();
      Applied before = Applied.parse(key, stored.get().json());
      if (before.state() == null) return Optional.empty();
      JsonObject next = change.apply(before.state());
      if (next == null) return Optional.empty();
      Applied after = new Applied(before.sequence(), before.eventId(), before.type(), next);
      if (state.saveState(key, after.toJson().toString(), stored.get().etag(), false)) {
        return Optional.of(next);
      }
      if (attempt == ATTEMPTS) {
        throw new SidecarException(key + ": lost " + ATTEMPTS + " writes to concurrent ones");
      }
    }
  }

  /** An aggregate as stored, with the ETag it was read with. */
  public record Versioned(String key, Applied applied, String etag) {}

  /**
   * Several aggregates in one read: those of {@code keys} that exist and keep a state (a job that
   * fired, for several tasks at once). Change them with {@link #updateAll}.
   */
  public Map<String, Versioned> readAll(List<String> keys) {
    Map<String, Versioned> found = new java.util.LinkedHashMap<>();
    state
        .readEntries(keys)
        .forEach(
            (key, entry) -> {
              Applied applied = Applied.parse(key, entry.json());
              if (applied.state() != null)
                found.put(key, new Versioned(key, applied, entry.etag()));
            });
    return found;
  }

  /**
   * Writes the new states of aggregates read with {@link #readAll}, keeping their applied
   * sequences, in one transaction, each only if it is unchanged since it was read.
   *
   * @return false when any was changed meanwhile (or the write failed): the others may have been
   *     written (the store does not roll back), so read them again
   */
  public boolean updateAll(List<Update> updates) {
    List<DaprSidecar.ConditionalWrite> writes = new java.util.ArrayList<>();
    for (Update u : updates) {
      Applied a = u.read().applied();
      Applied after = new Applied(a.sequence(), a.eventId(), a.type(), u.state());
      writes.add(new DaprSidecar.ConditionalWrite(u.read().key(), after.toJson(), u.read().etag()));
    }
    return state.saveStatesIfUnchanged(writes, 0);
  }

  /** The new state of an aggregate read with {@link #readAll}. */
  public record Update(Versioned read, JsonObject state) {}

  /** What was applied to an aggregate, or empty when nothing was. */
  public Optional<Applied> read(String key) {
    return state.getState(key).map(e -> Applied.parse(key, e.json()));
  }
}
