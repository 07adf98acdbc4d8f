package it.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches a topic of the platform's broker from the outside, from the moment it is opened: what the
 * services published through their sidecars, as it really is on Kafka.
 */
final class KafkaTopic implements AutoCloseable {

  private final KafkaConsumer<String, String> consumer;
  private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

  KafkaTopic(String topic) {
    consumer = atEnd(List.of(topic));
  }

  /**
   * A consumer of every partition of {@code topics} (no group, nothing committed) placed at their
   * ends now, before anything more is published.
   */
  static KafkaConsumer<String, String> atEnd(List<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      consumer
          .partitionsFor(topic)
          .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fix the start before anything is published
    return consumer;
  }

  /**
   * Records that arrived since the topic was opened, polling until {@code until} holds or the
   * timeout.
   */
  List<ConsumerRecord<String, String>> poll(
      Duration timeout, Predicate<List<ConsumerRecord<String, String>>> until) {
    Instant deadline = Instant.now().plus(timeout);
    while (!until.test(seen) && Instant.now().isBefore(deadline)) {
      consumer.poll(Duration.ofMillis(250)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  /** The record of the event with this id, once it arrived. */
  ConsumerRecord<String, String> await(Duration timeout, String eventId) {
    return poll(timeout, seen -> containsEventId(seen, eventId)).stream()
        .filter(r -> r.value().contains("\"" + eventId + "\""))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "event " + eventId + " did not arrive on Kafka within " + timeout));
  }

  static boolean containsEventId(List<ConsumerRecord<String, String>> records, String id) {
    return records.stream().anyMatch(r -> r.value().contains("\"" + id + "\""));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
