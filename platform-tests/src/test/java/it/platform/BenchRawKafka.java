package it.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The physical reference of ./dev bench: Kafka's own ProducerPerformance (the Kafka distribution
 * the platform runs, {@code bench.kafka-libs}) on the same broker, 1 KiB records, acks=1, to topic
 * {@code bench-raw} (3 partitions): once at full speed (throughput) and once at a fixed rate (send
 * → acknowledgement latency, the floor of a commit → Kafka lag).
 */
final class BenchRawKafka {
  private BenchRawKafka() {}

  /** ProducerPerformance's summary line, parsed; latencies in ms. */
  record Result(
      long records,
      double perSecond,
      double avgMs,
      long p50Ms,
      long p99Ms,
      long maxMs,
      String line) {}

  private static final Pattern SUMMARY =
      Pattern.compile(
          "(\\d+) records sent, ([\\d.]+) records/sec \\([\\d.]+ MB/sec\\), ([\\d.]+) ms avg latency,"
              + " ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

  /** The summary line of ProducerPerformance's output (its last such line), if there is one. */
  static Optional<Result> parse(String output) {
    Result last = null;
    for (String line : output.split("\n")) {
      Matcher m = SUMMARY.matcher(line);
      if (m.find())
        last =
            new Result(
                Long.parseLong(m.group(1)),
                Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)),
                Long.parseLong(m.group(5)),
                Long.parseLong(m.group(7)),
                (long) Double.parseDouble(m.group(4)),
                line.trim());
    }
    return Optional.ofNullable(last);
  }

  /** {@code records} records at {@code throughput}/s (-1: full speed); empty if it failed. */
  static Optional<Result> run(Path kafkaLibs, long records, int throughput)
      throws IOException, InterruptedException {
    createTopic();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xms64m",
                    "-Xmx256m",
                    "-cp",
                    kafkaLibs + "/*",
                    "org.apache.kafka.tools.ProducerPerformance",
                    "--topic",
                    "bench-raw",
                    "--num-records",
                    Long.toString(records),
                    "--record-size",
                    "1024",
                    "--throughput",
                    Integer.toString(throughput),
                    "--producer-props",
                    "bootstrap.servers=" + Platform.KAFKA,
                    "acks=1"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) p.destroy();
    return parse(out);
  }

  private static void createTopic() throws InterruptedException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Platform.KAFKA);
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(List.of(new NewTopic("bench-raw", Optional.of(3), Optional.of((short) 1))))
          .all()
          .get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException))
        throw new IllegalStateException("cannot create topic bench-raw: " + e.getCause(), e);
    }
  }
}
