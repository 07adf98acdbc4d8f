package it.platform;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Everything the platform publishes during a chaos run, read from outside: the three topics and
 * their dead-letter topics, from where they ended when the run started, by a background thread (the
 * Kafka client reconnects by itself while the broker is killed or paused). Keeps only the records
 * of the run's users.
 */
final class ChaosWatch implements AutoCloseable {

  static final List<String> TOPICS =
      List.of(
          "task-events",
          "reminder-events",
          "recurring-events",
          "task-events.dlq",
          "reminder-events.dlq",
          "recurring-events.dlq");

  /** A record as it was on Kafka, its value parsed. */
  record Event(String topic, int partition, long offset, long timestamp, JsonObject json) {
    String id() {
      return json.getString("id", "");
    }

    String type() {
      return json.getString("type", "");
    }

    String subject() {
      return json.getString("subject", "");
    }

    long sequence() {
      try {
        return Long.parseLong(json.getString("sequence", "-1"));
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    JsonObject data() {
      return json.containsKey("data") && json.get("data") instanceof JsonObject o ? o : null;
    }
  }

  private final KafkaConsumer<String, String> consumer;
  private final String userPrefix;
  private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  ChaosWatch(String userPrefix) {
    this.userPrefix = userPrefix;
    consumer = KafkaTopic.atEnd(TOPICS); // the start fixed before the load begins
    thread = new Thread(this::pollLoop, "chaos-kafka-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void pollLoop() {
    while (running.get()) {
      try {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
          if (r.value() == null || !r.value().contains(userPrefix)) continue;
          JsonObject json;
          try {
            json = Platform.json(r.value());
          } catch (RuntimeException e) {
            json = jakarta.json.Json.createObjectBuilder().add("raw", r.value()).build();
          }
          events.add(new Event(r.topic(), r.partition(), r.offset(), r.timestamp(), json));
        }
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        return;
      } catch (RuntimeException e) {
        System.err.println("chaos watch: " + e);
      }
    }
  }

  /** How many records of the run's users were read so far. */
  long count() {
    return events.size();
  }

  /** The records of the run's users so far, of these topics, in the order they were read. */
  List<Event> events(Set<String> topics) {
    synchronized (events) {
      return events.stream().filter(e -> topics.contains(e.topic())).toList();
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(2));
  }
}
