package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.EventHandler.Outcome;
import com.todo.events.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Tries a user's parked events again ({@link ParkedEvents}), oldest first, when its Dapr job fires:
 * what succeeds leaves the queue, the first failure stops it until the next try (back-off from
 * {@code inbound.retry.first} doubling up to {@code inbound.retry.max}), and an event that failed
 * {@code inbound.delivery-attempts} times goes to the dead-letter topic, so its user's later events
 * go on. The queue and its attempts live in the state store: a restart loses nothing.
 */
@ApplicationScoped
public class ParkedRetries {

  private static final Logger LOG = Logger.getLogger(ParkedRetries.class.getName());

  /** Lost races with a delivery appending to the same index before the job is retried. */
  private static final int ROUNDS = 3;

  @Inject
  @ConfigProperty(name = "inbound.delivery-attempts", defaultValue = "10")
  int deliveryAttempts = 10;

  @Inject
  @ConfigProperty(name = "inbound.retry.first", defaultValue = "PT0.5S")
  Duration firstRetry = Duration.ofMillis(500);

  @Inject
  @ConfigProperty(name = "inbound.retry.max", defaultValue = "PT5S")
  Duration maxRetry = Duration.ofSeconds(5);

  @Inject ConsumerState state;
  @Inject DaprSidecar sidecar;
  @Inject DeadLetters deadLetters;
  @Inject Instance<EventHandler> handler;

  /** Schedules (or schedules again: the same name and instant) the retry job of a user's queue. */
  void schedule(String consumer, String route, String user, long retryAtMs) {
    JsonObject data =
        JSON.createObjectBuilder()
            .add("consumer", consumer)
            .add("route", route)
            .add("user", user)
            .build();
    sidecar.scheduleJob(
        ParkedEvents.jobName(consumer, route, user),
        Instant.ofEpochMilli(retryAtMs).toString(),
        null,
        data);
  }

  /** Sends an event that will never be handled to the dead-letter topic of {@code topic}. */
  void deadLetter(String topic, String user, JsonObject event) {
    deadLetters.publish(topic, user, event);
  }

  /**
   * The job's callback: the data names the queue ({@code consumer}, {@code route}, {@code user}).
   */
  public void retry(JsonObject job) {
    String consumer = job.getString("consumer", "");
    String route = job.getString("route");
    String user = job.getString("user");
    if (!handler.isResolvable()) return;
    for (int round = 1; round <= ROUNDS; round++) {
      if (retryOnce(handler.get(), consumer, route, user)) return;
      LOG.info(
          () ->
              "parked events of " + user + " on " + route + ": the index changed meanwhile, again");
    }
    throw new SidecarException(
        "parked events of " + user + " on " + route + ": the index changed " + ROUNDS + " times");
  }

  /**
   * One try of a user's queue.
   *
   * @return false when the index changed meanwhile (nothing was written; try again)
   */
  boolean retryOnce(EventHandler handler, String consumer, String route, String user) {
    String indexKey = ParkedEvents.indexKey(consumer, route);
    Optional<StateEntry> stored = state.getState(indexKey);
    Map<String, ParkedEvents.Queue> queues =
        ParkedEvents.parse(
            stored
                .map(e -> JSON.createReader(new StringReader(e.json())).readValue())
                .orElse(null));
    ParkedEvents.Queue q = queues.get(user);
    if (q == null || q.isEmpty()) return true;

    List<String> keys = new ArrayList<>();
    for (long n = q.first(); n < q.next(); n++)
      keys.add(ParkedEvents.eventKey(consumer, route, user, n));
    Map<String, JsonValue> events = state.readStates(keys);

    long first = q.first();
    int attempts = q.attempts();
    List<String> done = new ArrayList<>();
    for (long n = q.first(); n < q.next(); n++) {
      String key = keys.get((int) (n - q.first()));
      JsonValue json = events.get(key);
      if (!(json instanceof JsonObject eventJson)) {
        LOG.severe(() -> "parked event " + key + " is missing: skipped");
        first = n + 1;
        continue;
      }
      CloudEvent event = CloudEvent.fromJson(eventJson);
      HandlerResult result = HandlerResult.of(handler, event, route);
      Outcome outcome = result.outcome();
      String failure = result.failure();
      if (outcome == Outcome.RETRY && attempts + 1 < deliveryAttempts) {
        attempts++;
        int tried = attempts;
        String why = failure;
        LOG.warning(
            () ->
                "parked event "
                    + event.id()
                    + " on "
                    + route
                    + " failed again (attempt "
                    + tried
                    + "): "
                    + why);
        break;
      }
      if (outcome != Outcome.HANDLED) {
        DeadLetterReason reason =
            outcome == Outcome.DROP ? DeadLetterReason.HANDLER : DeadLetterReason.RETRIES_EXHAUSTED;
        deadLetter(q.topic(), user, eventJson);
        EventSpans.within(
            event,
            route,
            () -> {
              deadLetters.dropped(route, q.topic(), event.id(), event.type(), reason, failure);
              return null;
            });
      } else {
        LOG.info(() -> "parked event " + event.id() + " on " + route + " handled");
      }
      first = n + 1;
      attempts = 0;
      done.add(key);
    }

    Map<String, ParkedEvents.Queue> after = new LinkedHashMap<>(queues);
    long retryAt = ParkedEvents.retryAt(System.currentTimeMillis(), attempts, firstRetry, maxRetry);
    if (first >= q.next()) after.remove(user);
    else after.put(user, new ParkedEvents.Queue(first, q.next(), attempts, q.topic(), retryAt));
    String json = ParkedEvents.toJson(after).toString();
    boolean written =
        stored.isPresent()
            ? state.saveState(indexKey, json, stored.get().etag(), false)
            : state.saveState(indexKey, json, null, true);
    if (!written) return false;
    for (String key : done) {
      try {
        state.deleteState(key);
      } catch (RuntimeException e) {
        LOG.warning(() -> "parked event " + key + " was handled but could not be deleted: " + e);
      }
    }
    if (after.containsKey(user)) schedule(consumer, route, user, retryAt);
    return true;
  }
}
