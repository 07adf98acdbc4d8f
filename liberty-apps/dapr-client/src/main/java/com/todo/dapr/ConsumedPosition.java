package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * Where a delivered event sits on Kafka, from the {@code __topic}, {@code __partition}, {@code
 * __offset} and {@code __timestamp} metadata the Kafka pub/sub gives every bulk entry; and, stored
 * under {@link #key}, the offset of a partition up to which a route decided every event.
 *
 * @param timestamp the record's timestamp in ms, -1 when the broker gave none
 */
public record ConsumedPosition(String topic, int partition, long offset, long timestamp) {

  /**
   * The state key of the consumed position of one route and partition: {@code
   * consumed|[<consumer>|]<route name>|<topic>|<partition>}. One per route, since routes fail
   * apart; {@code consumer} (empty for a shared consumer group) separates the replicas of a
   * broadcast subscription.
   *
   * @param route the route, e.g. {@code /events/task-events}; its last segment names it
   */
  public static String key(String consumer, String route, String topic, int partition) {
    String routeName = route.substring(route.lastIndexOf('/') + 1);
    return "consumed|"
        + (consumer.isEmpty() ? "" : consumer + "|")
        + routeName
        + "|"
        + topic
        + "|"
        + partition;
  }

  /** The position of a bulk entry, or null when its metadata does not name one. */
  static ConsumedPosition fromMetadata(JsonValue metadata) {
    if (!(metadata instanceof JsonObject m)) return null;
    try {
      String topic = m.getString("__topic", null);
      String partition = m.getString("__partition", null);
      String offset = m.getString("__offset", null);
      if (topic == null || partition == null || offset == null) return null;
      String timestamp = m.getString("__timestamp", null);
      return new ConsumedPosition(
          topic,
          Integer.parseInt(partition),
          Long.parseLong(offset),
          timestamp == null ? -1 : Long.parseLong(timestamp));
    } catch (ClassCastException | NumberFormatException e) {
      return null;
    }
  }

  /** A stored consumed position, or null when the value is not one. */
  static ConsumedPosition fromStored(JsonObject stored) {
    try {
      return new ConsumedPosition(
          stored.getString("topic"),
          stored.getInt("partition"),
          stored.getJsonNumber("offset").longValueExact(),
          stored.getJsonNumber("timestamp").longValueExact());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The stored form, to which the caller adds what it wants to remember of the last event. */
  JsonObjectBuilder toJson() {
    return JSON.createObjectBuilder()
        .add("topic", topic)
        .add("partition", partition)
        .add("offset", offset)
        .add("timestamp", timestamp);
  }

  /**
   * True when this (stored) position covers {@code p}: {@code p} is at or before it and not newer,
   * so it was decided before. A record newer than the position comes from a recreated topic,
   * whatever its offset.
   */
  boolean covers(ConsumedPosition p) {
    if (p.offset > offset) return false;
    return p.timestamp < 0 || timestamp < 0 || p.timestamp <= timestamp;
  }
}
