package it.platform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pure arithmetic of ./dev bench's report: time series of measurements (a value at an instant),
 * their percentiles per second, rates per second and histograms. No platform access, so the unit
 * tests (BenchReportTest) check it with fixed inputs.
 */
final class BenchStats {
  private BenchStats() {}

  /** One measurement: {@code ms} (a latency) observed at {@code atMillis} (epoch milliseconds). */
  record Point(long atMillis, double ms) {}

  /** Measurements collected by any thread while a phase runs. */
  static final class Timeline {
    private final ConcurrentLinkedQueue<Point> points = new ConcurrentLinkedQueue<>();

    void add(long atMillis, double ms) {
      points.add(new Point(atMillis, ms));
    }

    List<Point> points() {
      return new ArrayList<>(points);
    }

    int size() {
      return points.size();
    }
  }

  /** Second {@code second} (from the origin): {@code count} measurements, their p50/p99/max. */
  record Second(long second, int count, double p50, double p99, double max) {}

  /**
   * The measurements grouped by the second (since {@code originMillis}) they were observed in, in
   * order; seconds without a measurement are left out (their count is 0, see {@link #rate}).
   */
  static List<Second> perSecond(Collection<Point> points, long originMillis) {
    Map<Long, List<Double>> bySecond = new TreeMap<>();
    for (Point p : points) {
      long s = Math.floorDiv(p.atMillis() - originMillis, 1000L);
      bySecond.computeIfAbsent(s, k -> new ArrayList<>()).add(p.ms());
    }
    List<Second> out = new ArrayList<>();
    bySecond.forEach(
        (s, values) -> {
          double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          out.add(
              new Second(
                  s, sorted.length, pct(sorted, 50), pct(sorted, 99), sorted[sorted.length - 1]));
        });
    return out;
  }

  /**
   * Measurements per second from second 0 to the last one observed, including the seconds with none
   * (0): {@code [second, count]} pairs, the throughput over time.
   */
  static List<double[]> rate(Collection<Point> points, long originMillis) {
    List<Second> seconds = perSecond(points, originMillis);
    List<double[]> out = new ArrayList<>();
    if (seconds.isEmpty()) return out;
    long first = Math.min(0, seconds.get(0).second());
    long last = seconds.get(seconds.size() - 1).second();
    Map<Long, Integer> counts = new TreeMap<>();
    seconds.forEach(s -> counts.put(s.second(), s.count()));
    for (long s = first; s <= last; s++) out.add(new double[] {s, counts.getOrDefault(s, 0)});
    return out;
  }

  /**
   * The {@code p}-th percentile (0-100) of {@code sorted}, nearest rank, as Bench.pct; NaN if none.
   */
  static double pct(double[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The values of the points, sorted. */
  static double[] sortedValues(Collection<Point> points) {
    double[] v = points.stream().mapToDouble(Point::ms).toArray();
    Arrays.sort(v);
    return v;
  }

  /** Upper bounds (ms, exclusive) of the lateness histogram's buckets; the last one is open. */
  static final long[] LATENESS_BOUNDS = {
    0, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000
  };

  /** One bucket of a histogram: its label and how many values fell in it. */
  record Bucket(String label, long count) {}

  /**
   * Counts of {@code values} (ms) per bucket of {@code bounds} (ascending upper bounds, exclusive):
   * "< b0" (early, for bounds[0] = 0), "b(i-1)–b(i)", and "≥ last". Every bucket is present, so
   * plots of different runs line up.
   */
  static List<Bucket> histogram(Collection<Long> values, long[] bounds) {
    long[] counts = new long[bounds.length + 1];
    for (long v : values) {
      int i = 0;
      while (i < bounds.length && v >= bounds[i]) i++;
      counts[i]++;
    }
    List<Bucket> out = new ArrayList<>();
    for (int i = 0; i <= bounds.length; i++) {
      String label;
      if (i == 0) label = "< " + ms(bounds[0]);
      else if (i == bounds.length) label = "≥ " + ms(bounds[i - 1]);
      else label = ms(bounds[i - 1]) + "–" + ms(bounds[i]);
      out.add(new Bucket(label, counts[i]));
    }
    return out;
  }

  /** 250 → "250 ms", 2500 → "2.5 s", 10000 → "10 s". */
  static String ms(long ms) {
    if (Math.abs(ms) < 1000) return ms + " ms";
    double s = ms / 1000.0;
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
  }
}
