package com.todo.dapr;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Events sent to the dead-letter topic, counted per topic, type and reason in the metric {@code
 * todo.events.dead.lettered} ({@code todo_events_dead_lettered_total} at {@code /metrics}) and
 * logged with their id; and the failed attempts of each event, so that its last allowed attempt
 * drops it instead of holding back its user's later events until the sidecar gives up on all of
 * them.
 */
@ApplicationScoped
public class DeadLetters {

  private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());
  static final String METRIC = "todo.events.dead.lettered";

  /** How many failed attempts remembered at most (oldest forgotten first). */
  private static final int REMEMBERED = 10_000;

  /**
   * Failed attempts after which an event is dropped: below the sidecar's own bound (one delivery
   * plus {@code delivery-retry.maxRetries} = 10 retries in dapr-config/resources/resiliency.yaml),
   * so this service, not the sidecar, decides, and its user's later events go on in order. The
   * count lives in memory: after a restart the sidecar's bound applies.
   */
  @Inject
  @ConfigProperty(name = "inbound.delivery-attempts", defaultValue = "10")
  int deliveryAttempts = 10;

  @Inject Instance<MetricRegistry> metrics;

  private final Map<String, Integer> failedAttempts =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > REMEMBERED;
        }
      };

  /** Counts and logs one event sent to the dead-letter topic of {@code topic}. */
  public void dropped(
      String route, String topic, String eventId, String type, DeadLetterReason reason, String detail) {
    LOG.warning(
        () ->
            "event "
                + eventId
                + " ("
                + type
                + ") on "
                + route
                + " goes to "
                + topic
                + ".dlq: "
                + reason.label()
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    count(topic, type, reason);
  }

  void count(String topic, String type, DeadLetterReason reason) {
    if (metrics == null || !metrics.isResolvable()) return;
    metrics
        .get()
        .counter(
            METRIC,
            new Tag("topic", topic),
            new Tag("type", type),
            new Tag("reason", reason.label()))
        .inc();
  }

  /**
   * Records a failed attempt at an event.
   *
   * @return true when it was the last attempt allowed: drop the event now
   */
  boolean failedAttemptWasLast(String route, String eventId) {
    String key = route + "|" + eventId;
    synchronized (failedAttempts) {
      int attempts = failedAttempts.merge(key, 1, Integer::sum);
      if (attempts < deliveryAttempts) return false;
      failedAttempts.remove(key);
      return true;
    }
  }

  /** The event was handled: its failed attempts are forgotten. */
  void succeeded(String route, String eventId) {
    synchronized (failedAttempts) {
      if (!failedAttempts.isEmpty()) failedAttempts.remove(route + "|" + eventId);
    }
  }
}
