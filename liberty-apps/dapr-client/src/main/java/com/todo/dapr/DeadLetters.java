package com.todo.dapr;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Events sent to the dead-letter topic, counted per topic, type and reason in the metric {@code
 * todo.events.dead.lettered} ({@code todo_events_dead_lettered_total} at {@code /metrics}) and
 * logged with their id.
 */
@ApplicationScoped
public class DeadLetters {

  private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());
  static final String METRIC = "todo.events.dead.lettered";

  @Inject Instance<MetricRegistry> metrics;

  @Inject DaprSidecar sidecar;

  /** Publishes {@code event}, as delivered, to the dead-letter topic of {@code topic}. */
  void publish(String topic, String partitionKey, JsonObject event) {
    sidecar.publishJson(topic + ".dlq", partitionKey, event.toString());
  }

  /** Counts and logs one event sent to the dead-letter topic of {@code topic}. */
  public void dropped(
      String route,
      String topic,
      String eventId,
      String type,
      DeadLetterReason reason,
      String detail) {
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
}
