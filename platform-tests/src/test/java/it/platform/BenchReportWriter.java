package it.platform;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes ./dev bench's report: {@code report.md} and its PNG plots (JFreeChart, headless) in one
 * directory, from a {@link Report} value. Knows nothing of the platform: BenchReport measures and
 * fills the value, BenchReportTest renders fixed ones.
 */
final class BenchReportWriter {
  private BenchReportWriter() {}

  /** The whole report. */
  record Report(
      String title,
      List<String> about,
      List<Row> summary,
      Memory memory,
      List<Section> sections,
      List<Chart> overview) {}

  /** A line of the summary table: a figure, its value, and its ratio to the raw producer. */
  record Row(String what, String value, String ratio) {}

  /** A phase: its console output and its plots. */
  record Section(String title, List<String> text, List<Chart> charts) {}

  /** Memory of each part (KiB): idle, and the peak during each phase. */
  record Memory(
      List<String> phases, List<MemRow> rows, long idleTotalPssKb, long[] peakTotalPssKb) {}

  /** One part's memory (KiB): PSS and RSS when idle, peak PSS per phase, peak RSS of the run. */
  record MemRow(String part, long idlePssKb, long idleRssKb, long[] peakPssKb, long peakRssKb) {}

  /** A plot, written as {@code file} (a PNG name). */
  sealed interface Chart permits Lines, Bars {
    String file();

    String title();
  }

  /**
   * Lines of {@code [x, y]} points, one per series; y on a log axis when {@code logY} and the
   * values span over 1.5 decades.
   */
  record Lines(
      String file,
      String title,
      String xLabel,
      String yLabel,
      boolean logY,
      Map<String, List<double[]>> series)
      implements Chart {}

  /** Bars: one group per category, one bar per series in it. */
  record Bars(
      String file,
      String title,
      String xLabel,
      String yLabel,
      List<String> categories,
      Map<String, List<Double>> series)
      implements Chart {}

  static final int WIDTH = 900;
  static final int HEIGHT = 450;

  /** Writes report.md and every plot into {@code dir} (created); returns report.md's path. */
  static Path write(Report report, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<Chart> charts = new ArrayList<>(report.overview());
    report.sections().forEach(s -> charts.addAll(s.charts()));
    for (Chart c : charts)
      ChartUtils.saveChartAsPNG(dir.resolve(c.file()).toFile(), draw(c), WIDTH, HEIGHT);
    Path md = dir.resolve("report.md");
    Files.writeString(md, markdown(report), StandardCharsets.UTF_8);
    return md;
  }

  static String markdown(Report r) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(r.title()).append("\n\n");
    for (String line : r.about()) md.append("- ").append(line).append('\n');
    md.append("\n## Summary\n\n");
    md.append("| what | result | ratio to the raw Kafka producer of this run |\n|---|---|---|\n");
    for (Row row : r.summary())
      md.append("| ")
          .append(cell(row.what()))
          .append(" | ")
          .append(cell(row.value()))
          .append(" | ")
          .append(cell(row.ratio()))
          .append(" |\n");
    for (Chart c : r.overview()) image(md, c);
    if (r.memory() != null) memory(md, r.memory());
    for (Section s : r.sections()) {
      md.append("\n## ").append(s.title()).append("\n\n");
      if (!s.text().isEmpty()) {
        md.append("```text\n");
        s.text().forEach(l -> md.append(l).append('\n'));
        md.append("```\n");
      }
      for (Chart c : s.charts()) image(md, c);
    }
    return md.toString();
  }

  private static void memory(StringBuilder md, Memory m) {
    md.append("\n## Memory per process (MiB)\n\n");
    md.append(
        "PSS (proportional set size, as `./dev status`: shared pages counted once) and RSS of each"
            + " part and its child processes, from /proc every 5 s: idle before the first phase,"
            + " and the peak during each phase.\n\n");
    md.append("| part | idle PSS | idle RSS |");
    for (String p : m.phases()) md.append(" peak PSS ").append(cell(p)).append(" |");
    md.append(" peak RSS |\n|---|---:|---:|");
    md.append("---:|".repeat(m.phases().size())).append("---:|\n");
    for (MemRow row : m.rows()) {
      md.append("| ")
          .append(cell(row.part()))
          .append(" | ")
          .append(mib(row.idlePssKb()))
          .append(" | ")
          .append(mib(row.idleRssKb()))
          .append(" |");
      for (long k : row.peakPssKb()) md.append(' ').append(mib(k)).append(" |");
      md.append(' ').append(mib(row.peakRssKb())).append(" |\n");
    }
    md.append("| **total** | **").append(mib(m.idleTotalPssKb())).append("** | |");
    for (long k : m.peakTotalPssKb()) md.append(" **").append(mib(k)).append("** |");
    md.append(" |\n");
  }

  private static void image(StringBuilder md, Chart c) {
    md.append("\n![").append(c.title()).append("](").append(c.file()).append(")\n");
  }

  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }

  /** KiB as whole MiB; "–" for a part that was not running (negative). */
  static String mib(long kb) {
    return kb < 0 ? "–" : String.format(Locale.ROOT, "%,d", Math.round(kb / 1024.0));
  }

  static JFreeChart draw(Chart c) {
    JFreeChart chart;
    if (c instanceof Lines l) {
      // a log axis only where the values span more than about 1.5 decades: within one, its
      // ticks carry too few labels to read
      double lo = Double.MAX_VALUE;
      double hi = 0;
      for (List<double[]> points : l.series().values())
        for (double[] p : points)
          if (p[1] > 0) {
            lo = Math.min(lo, p[1]);
            hi = Math.max(hi, p[1]);
          }
      boolean log = l.logY() && hi / lo > 30;
      XYSeriesCollection data = new XYSeriesCollection();
      for (Map.Entry<String, List<double[]>> e : l.series().entrySet()) {
        XYSeries s = new XYSeries(e.getKey(), false, true);
        double lastX = Double.NaN;
        for (double[] p : e.getValue()) {
          if (log && p[1] <= 0) continue; // a log axis has no 0
          // no line across seconds without a measurement: a gap
          if (p[0] - lastX > 2) s.add(lastX + 1, (Number) null);
          s.add(p[0], p[1]);
          lastX = p[0];
        }
        data.addSeries(s);
      }
      chart =
          ChartFactory.createXYLineChart(
              l.title(),
              l.xLabel(),
              l.yLabel(),
              data,
              PlotOrientation.VERTICAL,
              true,
              false,
              false);
      XYPlot plot = chart.getXYPlot();
      if (log) {
        // ticks at 1, 2, ... 10, 20, ... labelled as plain numbers
        LogarithmicAxis axis = new LogarithmicAxis(l.yLabel());
        axis.setStrictValuesFlag(false);
        axis.setAutoRangeNextLogFlag(false);
        plot.setRangeAxis(axis);
      }
      XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
      for (int i = 0; i < data.getSeriesCount(); i++)
        renderer.setSeriesStroke(i, new BasicStroke(1.5f));
      plot.setRenderer(renderer);
      plot.setBackgroundPaint(Color.WHITE);
      plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
      plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    } else {
      Bars b = (Bars) c;
      DefaultCategoryDataset data = new DefaultCategoryDataset();
      for (Map.Entry<String, List<Double>> e : b.series().entrySet())
        for (int i = 0; i < b.categories().size(); i++)
          data.addValue(e.getValue().get(i), e.getKey(), b.categories().get(i));
      chart =
          ChartFactory.createBarChart(
              b.title(),
              b.xLabel(),
              b.yLabel(),
              data,
              PlotOrientation.VERTICAL,
              true,
              false,
              false);
      CategoryPlot plot = chart.getCategoryPlot();
      plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
      ((BarRenderer) plot.getRenderer()).setBarPainter(new StandardBarPainter());
      ((BarRenderer) plot.getRenderer()).setShadowVisible(false);
      plot.setBackgroundPaint(Color.WHITE);
      plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Helper for callers: a one-series map, in order. */
  static <T> Map<String, T> one(String name, T value) {
    Map<String, T> m = new LinkedHashMap<>();
    m.put(name, value);
    return m;
  }
}
