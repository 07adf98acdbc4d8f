package it.platform;

import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the benchmarks share: percentiles and a Kafka consumer that watches a topic's tail. */
final class Bench {
  private Bench() {}

  /** The {@code p}-th percentile (0-100) of {@code sorted}, nearest rank; -1 when it is empty. */
  static long pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) return -1;
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /**
   * The Kafka consumer groups of the subscribing services of ./dev: notification- and
   * recurring-service share one per service; realtime-service consumes by broadcast, a group per
   * instance named after its pod (./dev's: realtime-service-0, as Platform.consumer; not read from
   * Platform here, whose initialisation needs the running platform's environment and would fail the
   * unit tests that use this class).
   */
  static final java.util.List<String> SUBSCRIBER_GROUPS =
      java.util.List.of("notification-service", "recurring-service", "realtime-service-0");

  /** A consumer of every partition of {@code topic}, from its current end, without a group. */
  static KafkaConsumer<String, String> tail(String topic) {
    return tail(topic, new Properties());
  }

  /**
   * A consumer at the end of {@code topic} with {@code extra} settings, e.g. larger fetches for a
   * benchmark that reads record times and can take its records late.
   */
  static KafkaConsumer<String, String> tail(String topic, Properties extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(i -> new TopicPartition(topic, i.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    return consumer;
  }
}
