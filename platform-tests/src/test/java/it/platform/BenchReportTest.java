package it.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of ./dev bench's report: statistics, parsing, rendering from fixed inputs. */
class BenchReportTest {

  @Test
  void percentilesAreNearestRank() {
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) v[i] = i + 1; // 1..100
    assertEquals(50, BenchStats.pct(v, 50));
    assertEquals(99, BenchStats.pct(v, 99));
    assertEquals(100, BenchStats.pct(v, 100));
    assertEquals(1, BenchStats.pct(v, 0));
    assertEquals(7, BenchStats.pct(new double[] {7}, 99));
    assertTrue(Double.isNaN(BenchStats.pct(new double[0], 50)));
    assertEquals(3, Bench.pct(List.of(1L, 2L, 3L, 4L), 75));
    assertEquals(-1, Bench.pct(List.of(), 50));
  }

  @Test
  void measurementsAreGroupedPerSecondFromTheOrigin() {
    long origin = 1_000_000;
    List<BenchStats.Point> points = new ArrayList<>();
    for (int i = 1; i <= 100; i++) points.add(new BenchStats.Point(origin + 10 * i - 5, i)); // s 0
    points.add(new BenchStats.Point(origin + 2_500, 42)); // second 2; second 1 has none
    points.add(new BenchStats.Point(origin - 1, 5)); // just before the origin: second -1

    List<BenchStats.Second> s = BenchStats.perSecond(points, origin);
    assertEquals(3, s.size());
    assertEquals(new BenchStats.Second(-1, 1, 5, 5, 5), s.get(0));
    assertEquals(new BenchStats.Second(0, 100, 50, 99, 100), s.get(1));
    assertEquals(new BenchStats.Second(2, 1, 42, 42, 42), s.get(2));

    List<double[]> rate = BenchStats.rate(points, origin);
    assertEquals(4, rate.size()); // -1, 0, 1 (none), 2
    assertArrayEquals(new double[] {-1, 1}, rate.get(0));
    assertArrayEquals(new double[] {0, 100}, rate.get(1));
    assertArrayEquals(new double[] {1, 0}, rate.get(2));
    assertArrayEquals(new double[] {2, 1}, rate.get(3));
    assertTrue(BenchStats.rate(List.of(), origin).isEmpty());
  }

  @Test
  void latenessFallsIntoItsBucketWithEarlyAndOpenEndedOnes() {
    List<BenchStats.Bucket> h =
        BenchStats.histogram(
            List.of(-5L, 0L, 9L, 10L, 24L, 999L, 1_000L, 99_999L, 100_000L, 500_000L),
            BenchStats.LATENESS_BOUNDS);
    assertEquals(BenchStats.LATENESS_BOUNDS.length + 1, h.size());
    Map<String, Long> counts = new LinkedHashMap<>();
    h.forEach(b -> counts.put(b.label(), b.count()));
    assertEquals(1, counts.get("< 0 ms")); // early
    assertEquals(2, counts.get("0 ms–10 ms"));
    assertEquals(2, counts.get("10 ms–25 ms"));
    assertEquals(1, counts.get("500 ms–1 s"));
    assertEquals(1, counts.get("1 s–2.5 s"));
    assertEquals(1, counts.get("50 s–100 s"));
    assertEquals(2, counts.get("≥ 100 s"));
    assertEquals(0, counts.get("25 ms–50 ms"));
    assertEquals(10, h.stream().mapToLong(BenchStats.Bucket::count).sum());
  }

  @Test
  void producerPerformanceSummaryIsParsed() {
    String out =
        "149845 records sent, 29969.0 records/sec (29.27 MB/sec), 600.2 ms avg latency, 1198.0 ms"
            + " max latency.\n"
            + "300000 records sent, 41730.2 records/sec (40.75 MB/sec), 512.34 ms avg latency,"
            + " 1181.00 ms max latency, 480 ms 50th, 900 ms 95th, 1000 ms 99th, 1170 ms 99.9th.\n";
    BenchRawKafka.Result r = BenchRawKafka.parse(out).orElseThrow();
    assertEquals(300_000, r.records());
    assertEquals(41730.2, r.perSecond(), 1e-9);
    assertEquals(480, r.p50Ms());
    assertEquals(1000, r.p99Ms());
    assertEquals(1181, r.maxMs());
    assertTrue(BenchRawKafka.parse("no summary\n").isEmpty());
  }

  @Test
  void reportHasTheGivenNumbersRatiosAndValidPlots(@TempDir Path dir) throws IOException {
    BenchReportWriter.Report report =
        BenchReport.build(fixedResults(), Map.of(), null, List.of("fixed"));
    Path md = BenchReportWriter.write(report, dir);
    String text = Files.readString(md);

    // full speed: 6,720 creates in 20 s = 336/s, 0.81 % of the raw producer's 41,730/s
    assertTrue(text.contains("| task creates/s at full speed"), text);
    assertTrue(text.contains("**336/s** (6,720 in 20.0 s, 3 failed)"), text);
    assertTrue(text.contains("5.76 ms CPU per create"), text);
    assertTrue(text.contains("| 0.81 % of 41,730/s |"), text);
    // commit→Kafka at 100/s against the raw producer's 2 ms / 8 ms at 100/s
    assertTrue(text.contains("**p50 25 ms, p99 117 ms**"), text);
    assertTrue(text.contains("p50 13×, p99 15× the raw producer's send→ack at 100/s"), text);
    // WebSocket: latencies 1..1000 ms
    assertTrue(text.contains("1,000 open connections"), text);
    assertTrue(text.contains("**p50 500 ms, p99 990 ms**, max 1,000 ms"), text);
    // reminders: lateness 0..9,999 ms, 2 early, 1 lost
    assertTrue(
        text.contains("**p50 4,999 ms, p99 9,899 ms, max 9,999 ms**; early 2, lost 1"), text);
    // recurring: 1,000 occurrences in 70 s
    assertTrue(text.contains("14.3 occurrences/s"), text);
    assertTrue(text.contains("0.03 % of 41,730/s (occurrences)"), text);
    assertTrue(text.contains("**41,730 records/s**"), text);
    assertTrue(text.contains("| 1 (the reference) |"), text);
    // every plot is referenced and is a PNG of the given size
    Matcher images = Pattern.compile("\\]\\(([^)]+\\.png)\\)").matcher(text);
    List<String> files = new ArrayList<>();
    while (images.find()) files.add(images.group(1));
    assertEquals(
        List.of(
            "throughput.png",
            "latency-creates.png",
            "latency-realtime.png",
            "reminder-lateness-histogram.png",
            "reminder-lateness-over-time.png",
            "latency-recurring.png"),
        files);
    for (String f : files) assertPng(dir.resolve(f));
  }

  @Test
  void memoryTableHasEveryPartAndPhase(@TempDir Path dir) throws IOException {
    BenchReportWriter.Memory memory =
        new BenchReportWriter.Memory(
            List.of("creates", "reminders"),
            List.of(
                new BenchReportWriter.MemRow(
                    "kafka",
                    300 * 1024,
                    350 * 1024,
                    new long[] {400 * 1024, 410 * 1024},
                    500 * 1024),
                new BenchReportWriter.MemRow(
                    "redis", -1, -1, new long[] {-1, 20 * 1024}, 25 * 1024)),
            300 * 1024,
            new long[] {1_500 * 1024, 1_600 * 1024});
    Map<String, List<Double>> bars = new LinkedHashMap<>();
    bars.put("idle", List.of(300.0, 0.0));
    bars.put("peak", List.of(410.0, 20.0));
    BenchReportWriter.Report report =
        new BenchReportWriter.Report(
            "t",
            List.of(),
            List.of(new BenchReportWriter.Row("a", "b", "")),
            memory,
            List.of(),
            List.of(
                new BenchReportWriter.Bars(
                    "memory.png", "m", "", "MiB", List.of("kafka", "redis"), bars)));
    String text = Files.readString(BenchReportWriter.write(report, dir));
    assertTrue(
        text.contains(
            "| part | idle PSS | idle RSS | peak PSS creates | peak PSS reminders | peak RSS |"),
        text);
    assertTrue(text.contains("| kafka | 300 | 350 | 400 | 410 | 500 |"), text);
    assertTrue(text.contains("| redis | – | – | – | 20 | 25 |"), text); // stopped while idle
    assertTrue(text.contains("| **total** | **300** | | **1,500** | **1,600** | |"), text);
    assertPng(dir.resolve("memory.png"));
  }

  private static void assertPng(Path file) throws IOException {
    assertTrue(Files.exists(file), file + " missing");
    byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, file.toString());
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + " is not a readable image");
    assertEquals(BenchReportWriter.WIDTH, image.getWidth());
    assertEquals(BenchReportWriter.HEIGHT, image.getHeight());
  }

  /** One run's results, made up: every phase with known figures. */
  private static BenchReport.Results fixedResults() {
    long t0 = 1_700_000_000_000L;
    BenchStats.Timeline reqFixed = new BenchStats.Timeline();
    BenchStats.Timeline lagFixed = new BenchStats.Timeline();
    BenchStats.Timeline reqFull = new BenchStats.Timeline();
    for (int i = 0; i < 2_000; i++) {
      reqFixed.add(t0 + i * 10L, 2 + i % 5);
      lagFixed.add(t0 + i * 10L + 20, 20 + i % 100);
    }
    for (int i = 0; i < 6_720; i++) reqFull.add(t0 + i * 3L, 40 + i % 10);
    CreateBenchmark.Phase fixed =
        new CreateBenchmark.Phase(
            "fixed rate 100/s",
            100,
            2_000,
            20.0,
            0,
            1.9,
            5.3,
            25,
            117,
            2_000,
            12,
            800,
            Double.NaN,
            "",
            t0,
            reqFixed,
            lagFixed);
    CreateBenchmark.Phase full =
        new CreateBenchmark.Phase(
            "full speed, 16 clients",
            0,
            6_720,
            20.0,
            3,
            19.0,
            158.0,
            30,
            300,
            6_720,
            3_000,
            1_500,
            5.76,
            "",
            t0,
            reqFull,
            new BenchStats.Timeline());

    List<Long> frames = new ArrayList<>();
    BenchStats.Timeline frameTimes = new BenchStats.Timeline();
    for (long i = 1; i <= 1_000; i++) {
      frames.add(i);
      frameTimes.add(t0 + i * 20, i);
    }
    RealtimeBenchmark.Result rt =
        new RealtimeBenchmark.Result(
            1_000,
            4_000,
            300_000,
            330_000,
            50L << 20,
            80L << 20,
            100,
            20.0,
            0,
            1_000,
            1_000,
            0,
            frames,
            50,
            900,
            200,
            1_300,
            t0,
            frameTimes);

    List<Long> late = new ArrayList<>();
    BenchStats.Timeline byInstant = new BenchStats.Timeline();
    for (long i = 0; i < 10_000; i++) {
      late.add(i);
      byInstant.add(t0 + i * 6, i);
    }
    ReminderBenchmark.Result rm =
        new ReminderBenchmark.Result(
            10_001, 60, 0, 46.0, t0, 10_001, 46.0, 10_000, late, late, 2, 1, 0, 0, 19.3, "",
            byInstant);

    List<Long> occ = new ArrayList<>();
    BenchStats.Timeline occTimes = new BenchStats.Timeline();
    for (long i = 1; i <= 1_000; i++) {
      occ.add(i * 10);
      occTimes.add(t0 + i * 70, i * 10);
    }
    RecurringBenchmark.Result rc =
        new RecurringBenchmark.Result(
            100, 100, 1_000, 0, 1_000, 70.0, occ, 0, 118, "", t0, occTimes);

    BenchRawKafka.Result rawFull =
        new BenchRawKafka.Result(300_000, 41_730.2, 512, 480, 1_000, 1_181, "full");
    BenchRawKafka.Result rawFixed = new BenchRawKafka.Result(1_000, 99.9, 2.5, 2, 8, 40, "fixed");
    return new BenchReport.Results(
        new CreateBenchmark.Result(null, fixed, full), rt, rm, rc, rawFull, rawFixed, 100);
  }
}
