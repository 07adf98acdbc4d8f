package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events of a route that wait for a retry, per user, in the state store. Dapr's Kafka consumer
 * delivers the bulks of all partitions of a sidecar one at a time and retries a failed bulk inline,
 * so an event the sidecar retried would hold up every other user's events for as long as its
 * retries take. A failing event is therefore parked instead, with its user's later events behind it
 * in order, and answered SUCCESS; a Dapr job per user ({@link ParkedRetries}) tries them again with
 * back-off and, once the attempts run out, sends the failing one to the dead-letter topic.
 *
 * <p>State: one index per route ({@link #indexKey}, read with the consumed positions by every
 * delivery, absent while nothing is parked), {@code {"users": {"<user>": {first, next, attempts,
 * topic}}}}, and one key per parked event ({@link #eventKey}: the CloudEvent as delivered),
 * numbered {@code first} (the oldest, tried next) to {@code next - 1}.
 */
final class ParkedEvents {
  private ParkedEvents() {}

  /**
   * The parked events of one user: {@code first} to {@code next - 1}; the first was tried {@code
   * attempts} times and is tried again at {@code retryAt} (epoch ms).
   */
  record Queue(long first, long next, int attempts, String topic, long retryAt) {

    boolean isEmpty() {
      return first >= next;
    }

    JsonObject toJson() {
      return JSON.createObjectBuilder()
          .add("first", first)
          .add("next", next)
          .add("attempts", attempts)
          .add("topic", topic)
          .add("retryAt", retryAt)
          .build();
    }

    static Queue fromJson(JsonObject o) {
      return new Queue(
          o.getJsonNumber("first").longValueExact(),
          o.getJsonNumber("next").longValueExact(),
          o.getInt("attempts"),
          o.getString("topic"),
          o.getJsonNumber("retryAt").longValueExact());
    }
  }

  /**
   * When a queue whose first event failed {@code attempts} times is tried again: {@code first}
   * after one failure, doubling with each further one up to {@code max}.
   */
  static long retryAt(long nowMs, int attempts, java.time.Duration first, java.time.Duration max) {
    long delay = first.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
    return nowMs + Math.min(delay, max.toMillis());
  }

  /** The index key of a route: {@code parked|[<consumer>|]<route name>}. */
  static String indexKey(String consumer, String route) {
    return "parked|"
        + (consumer.isEmpty() ? "" : consumer + "|")
        + route.substring(route.lastIndexOf('/') + 1);
  }

  /** The key of parked event {@code n} of a user. */
  static String eventKey(String consumer, String route, String user, long n) {
    return indexKey(consumer, route) + "|" + user + "|" + n;
  }

  /**
   * The Dapr job that retries a user's parked events: derived from what it retries, in the
   * characters job names allow.
   */
  static String jobName(String consumer, String route, String user) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((consumer + "\n" + route + "\n" + user).getBytes(StandardCharsets.UTF_8));
      return "parked-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The users' queues of a stored index (empty when there is none). */
  static Map<String, Queue> parse(JsonValue index) {
    Map<String, Queue> queues = new LinkedHashMap<>();
    if (index instanceof JsonObject o && o.get("users") instanceof JsonObject users) {
      users.forEach((user, q) -> queues.put(user, Queue.fromJson(q.asJsonObject())));
    }
    return queues;
  }

  static JsonObject toJson(Map<String, Queue> queues) {
    var users = JSON.createObjectBuilder();
    queues.forEach((user, q) -> users.add(user, q.toJson()));
    return JSON.createObjectBuilder().add("users", users).build();
  }
}
