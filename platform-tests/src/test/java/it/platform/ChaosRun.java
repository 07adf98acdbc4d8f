package it.platform;

import it.platform.ChaosFaults.Fault;
import it.platform.ChaosLoad.Change;
import it.platform.ChaosWatch.Event;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ./dev chaos: a steady mixed load (ChaosLoad) on the running platform while each part in turn is
 * killed with SIGKILL and started again (ChaosFaults), then, once everything settled, an account of
 * every accepted change, reminder, recurring occurrence and WebSocket frame from outside (the
 * topics read by ChaosWatch, the REST API, the WebSocket clients' logs): one row per fault
 * (downtime, requests refused during it, events lost, duplicated, unexpected, reminders late).
 * Exits 1 when anything was lost or duplicated in effect.
 *
 * <p>Knobs (system properties; chaos.sh maps the CHAOS_* variables to them): {@code chaos.faults}
 * (comma list of parts and {@code kafka-pause}; default every part), {@code chaos.rate} (requests
 * per second in all, 4), {@code chaos.users} (6; every third completes recurring series), {@code
 * chaos.downtime} (seconds a killed part stays down before it is started again, 5), {@code
 * chaos.pause} (seconds Kafka stays stopped for kafka-pause, 20), {@code chaos.gap} (seconds of
 * load before the first fault and after each, 15), {@code chaos.settle} (seconds the accounting
 * waits at most for everything to arrive, 180), {@code chaos.late} (seconds after which a reminder
 * counts as late, 10).
 */
public final class ChaosRun {

  /** The knobs of one run. */
  record Config(
      List<String> faults,
      double rate,
      int users,
      int downtime,
      int pause,
      int gap,
      int settle,
      int late) {

    static Config fromProperties() {
      String f = System.getProperty("chaos.faults", "");
      return new Config(
          f.isBlank() ? ChaosFaults.ALL : Arrays.stream(f.split(",")).map(String::trim).toList(),
          Double.parseDouble(System.getProperty("chaos.rate", "4")),
          Integer.getInteger("chaos.users", 6),
          Integer.getInteger("chaos.downtime", 5),
          Integer.getInteger("chaos.pause", 20),
          Integer.getInteger("chaos.gap", 15),
          Integer.getInteger("chaos.settle", 180),
          Integer.getInteger("chaos.late", 10));
    }
  }

  /** One row of the table: what happened during a fault (or between faults). */
  static final class Row {
    final String name;
    final long downtimeMs;
    int refused;
    int lost;
    int duplicated;
    int unexpected;
    int late;
    long maxLateMs;

    Row(String name, long downtimeMs) {
      this.name = name;
      this.downtimeMs = downtimeMs;
    }

    int bad() {
      return lost + duplicated + unexpected;
    }
  }

  /** The outcome: the table and the problems found. */
  record Result(String report, List<String> problems, int requests, int changes) {
    boolean ok() {
      return problems.isEmpty();
    }
  }

  private ChaosRun() {}

  public static void main(String[] args) throws Exception {
    Result r = run(Config.fromProperties());
    System.out.println(r.report());
    System.exit(r.ok() ? 0 : 1);
  }

  static Result run(Config c) throws Exception {
    for (String part : c.faults()) {
      if (!part.equals("kafka-pause") && !ChaosFaults.ALL.contains(part))
        throw new IllegalArgumentException("unknown part " + part + " (parts: " + ChaosFaults.ALL);
    }
    List<String> parts = ChaosFaults.ALL.stream().filter(p -> !p.equals("kafka-pause")).toList();
    // the platform is shared: a part another test stopped for a while may come back
    Poll.until(
        Duration.ofSeconds(180),
        Duration.ofSeconds(1),
        () -> parts.stream().allMatch(p -> ChaosFaults.pid(p) > 0));
    List<String> down = parts.stream().filter(p -> ChaosFaults.pid(p) < 0).toList();
    if (!down.isEmpty())
      throw new IllegalStateException("not running: " + down + " (./dev status; ./dev up)");

    String run = Long.toString(System.currentTimeMillis(), 36);
    long seed = Long.getLong("chaos.seed", System.currentTimeMillis());
    List<Fault> faults = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> touched = new ArrayList<>(); // only what this run killed is started again
    List<String> problems = new ArrayList<>();
    log(
        "run "
            + run
            + ": faults "
            + c.faults()
            + ", "
            + c.rate()
            + " requests/s, "
            + c.users()
            + " users, seed "
            + seed);
    ChaosLoad load = new ChaosLoad(run, c.users(), c.rate(), seed);
    try (ChaosWatch watch = new ChaosWatch("chaos-" + run + "-")) {
      try {
        load.start();
        serveGap(c, load);
        for (String part : c.faults()) {
          log("fault: " + part);
          Fault f = ChaosFaults.inject(part, c.downtime(), c.pause(), touched);
          if (f == null) {
            log("  " + part + " is not running (stopped by someone else?): skipped");
            skipped.add(part);
            continue;
          }
          faults.add(f);
          log(String.format("  %s back after %.1f s", part, f.downtimeMs() / 1000.0));
          serveGap(c, load);
        }
      } finally {
        List<String> restarted = ChaosFaults.restore(touched);
        if (!restarted.isEmpty()) problems.add("had to start again at the end: " + restarted);
      }
      log("load stopped; settling (at most " + c.settle() + " s)");
      long settleStart = System.currentTimeMillis();
      load.stop(Duration.ofSeconds(c.settle()));
      Poll.until(
          Duration.ofSeconds(c.settle()).minusMillis(System.currentTimeMillis() - settleStart),
          Duration.ofSeconds(1),
          () -> allArrived(load, watch));
      // what arrives twice arrives soon after: until nothing more came for 5 s (at most 30 s)
      if (!Poll.quiet(
          Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(250), watch::count)) {
        log("events still arriving 30 s after the load settled; accounting what is here");
      }
      log(String.format("settled in %.0f s", (System.currentTimeMillis() - settleStart) / 1000.0));
      Result r = account(c, load, watch, faults, problems);
      if (skipped.isEmpty()) return r;
      return new Result(
          r.report() + "faults skipped (the part was not running): " + skipped + "\n",
          r.problems(),
          r.requests(),
          r.changes());
    } finally {
      load.close();
    }
  }

  private static void log(String s) {
    System.out.println(Instant.now() + " chaos: " + s);
  }

  // --- settling -------------------------------------------------------------------------------
  private static boolean allArrived(ChaosLoad load, ChaosWatch watch) {
    List<Event> tasks = watch.events(Set.of("task-events"));
    Set<String> keys = new HashSet<>();
    for (Event e : tasks) keys.add(e.subject() + "#" + e.sequence());
    for (Change ch : List.copyOf(load.changes))
      if (!keys.contains(ch.taskId() + "#" + ch.sequence())) return false;
    Map<String, Set<String>> fired = triggered(watch);
    long now = System.currentTimeMillis();
    for (ChaosLoad.Reminder r : List.copyOf(load.reminders))
      if (r.due().toEpochMilli() < now && !fired.containsKey(r.reminderId())) return false;
    Map<String, Set<String>> occ = occurrences(tasks);
    for (ChaosLoad.Completion co : List.copyOf(load.completions))
      if (!occ.containsKey(co.seriesId() + "#" + (co.occurrence() + 1))) return false;
    Map<String, List<String>> perUser = userEventIds(tasks);
    for (ChaosLoad.User u : load.users) {
      Set<String> got = new HashSet<>(u.socket.taskFrames);
      if (!got.containsAll(perUser.getOrDefault(u.name, List.of()))) return false;
    }
    long lastDue = load.reminders.stream().mapToLong(r -> r.due().toEpochMilli()).max().orElse(0);
    return now > lastDue;
  }

  /** reminder id to the distinct ids of its triggered events. */
  private static Map<String, Set<String>> triggered(ChaosWatch watch) {
    Map<String, Set<String>> m = new HashMap<>();
    for (Event e : watch.events(Set.of("reminder-events"))) {
      if (!e.type().equals("com.todo.reminder.triggered.v1") || e.data() == null) continue;
      m.computeIfAbsent(e.data().getString("reminderId"), k -> new LinkedHashSet<>()).add(e.id());
    }
    return m;
  }

  /** "series#occurrence" to the distinct task ids created for it (task.created.v1). */
  private static Map<String, Set<String>> occurrences(List<Event> tasks) {
    Map<String, Set<String>> m = new HashMap<>();
    for (Event e : tasks) {
      JsonObject d = e.data();
      if (!e.type().equals("com.todo.task.created.v1") || d == null) continue;
      if (d.isNull("seriesId") || d.isNull("occurrence")) continue;
      m.computeIfAbsent(
              d.getString("seriesId") + "#" + d.getInt("occurrence"), k -> new LinkedHashSet<>())
          .add(d.getString("id"));
    }
    return m;
  }

  /** Each user's task event ids in Kafka order (one partition per user), each once. */
  private static Map<String, List<String>> userEventIds(List<Event> tasks) {
    Map<String, LinkedHashSet<String>> m = new HashMap<>();
    for (Event e : tasks)
      m.computeIfAbsent(e.json().getString("userid", ""), k -> new LinkedHashSet<>()).add(e.id());
    Map<String, List<String>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }

  // --- the account ----------------------------------------------------------------------------

  /**
   * The load between faults: until the platform has accepted, from now, about the requests of a gap
   * at the load's rate (80 % of them: it serves again, for about the gap when it does), at most
   * three gaps.
   */
  private static void serveGap(Config c, ChaosLoad load) {
    long target = load.accepted() + Math.round(0.8 * c.gap() * c.rate());
    Duration most = Duration.ofSeconds(3L * c.gap());
    if (!Poll.until(most, Duration.ofMillis(250), () -> load.accepted() >= target)) {
      log("  the load was not served as before within " + most.toSeconds() + " s; going on");
    }
  }

  private static Result account(
      Config c, ChaosLoad load, ChaosWatch watch, List<Fault> faults, List<String> problems) {
    Map<String, Row> rows = new LinkedHashMap<>();
    Row between = new Row("(no fault)", 0);
    List<Row> faultRows = new ArrayList<>();
    for (Fault f : faults) faultRows.add(new Row(f.part(), f.downtimeMs()));
    long gap = c.gap() * 1000L;
    // the row of an instant: the fault from its start until half the gap after it was ready
    java.util.function.LongFunction<Row> rowAt =
        t -> {
          for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            if (t >= f.killedAt() && t < f.readyAt() + gap / 2) return faultRows.get(i);
          }
          return between;
        };

    for (ChaosLoad.Attempt a : List.copyOf(load.attempts))
      if (a.refused()) rowAt.apply(a.at()).refused++;

    List<Event> tasks = watch.events(Set.of("task-events"));
    // (task, sequence) -> distinct event ids
    Map<String, Set<String>> ids = new LinkedHashMap<>();
    Map<String, Event> first = new HashMap<>();
    for (Event e : tasks) {
      String k = e.subject() + "#" + e.sequence();
      ids.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(e.id());
      first.putIfAbsent(k, e);
    }
    Map<String, Change> changes = load.changesByKey();
    for (Change ch : changes.values()) {
      String k = ch.taskId() + "#" + ch.sequence();
      Row row = rowAt.apply(ch.at());
      if (!ids.containsKey(k)) {
        row.lost++;
        problems.add("lost: no event for " + ch + " (" + row.name + ")");
      }
      if (ch.refusedButCommitted()) {
        row.unexpected++;
        problems.add(
            "refused with " + ch.status() + " but committed: " + ch + " (" + row.name + ")");
      }
    }
    for (Map.Entry<String, Set<String>> en : ids.entrySet()) {
      Event e = first.get(en.getKey());
      Change ch = changes.get(en.getKey());
      Row row = rowAt.apply(ch != null ? ch.at() : e.timestamp());
      if (en.getValue().size() > 1) {
        row.duplicated++;
        problems.add(
            "duplicated: "
                + en.getValue().size()
                + " event ids for "
                + en.getKey()
                + " "
                + e.type()
                + " "
                + en.getValue()
                + " ("
                + row.name
                + ")");
      }
      boolean occurrence =
          e.type().equals("com.todo.task.created.v1")
              && e.data() != null
              && !e.data().isNull("occurrence");
      if (ch == null && !occurrence) {
        row.unexpected++;
        problems.add(
            "unexpected: "
                + e.type()
                + " "
                + e.id()
                + " for "
                + en.getKey()
                + ", a change never accepted ("
                + row.name
                + ")");
      }
    }
    for (String key : List.copyOf(load.abandonedCreates)) {
      for (Event e : tasks) {
        if (e.type().equals("com.todo.task.created.v1")
            && e.data() != null
            && e.data().getString("title", "").contains(key)) {
          rowAt.apply(e.timestamp()).unexpected++;
          problems.add("unexpected: created " + e.id() + " for the refused create " + key);
        }
      }
    }

    // reminders: fired once, never early, how late
    Map<String, Set<String>> fired = triggered(watch);
    // firedAt: when notification-service fired it; on Kafka: when a consumer could see it
    Map<String, Instant> firedAt = new HashMap<>();
    Map<String, Long> onKafka = new HashMap<>();
    for (Event e : watch.events(Set.of("reminder-events"))) {
      if (e.type().equals("com.todo.reminder.triggered.v1") && e.data() != null) {
        firedAt.putIfAbsent(
            e.data().getString("reminderId"), Instant.parse(e.data().getString("firedAt")));
        onKafka.putIfAbsent(e.data().getString("reminderId"), e.timestamp());
      }
    }
    List<Long> lateness = new ArrayList<>();
    List<String> lateOnes = new ArrayList<>();
    for (ChaosLoad.Reminder r : List.copyOf(load.reminders)) {
      Row row = rowAt.apply(r.due().toEpochMilli());
      Set<String> f = fired.get(r.reminderId());
      if (f == null) {
        row.lost++;
        problems.add(
            "lost: reminder "
                + r.reminderId()
                + " due "
                + r.due()
                + " never fired ("
                + row.name
                + ")"
                + reminderFailure(watch, r.reminderId()));
        continue;
      }
      if (f.size() > 1) {
        row.duplicated++;
        problems.add("duplicated: reminder " + r.reminderId() + " fired as " + f);
      }
      long early = r.due().toEpochMilli() - firedAt.get(r.reminderId()).toEpochMilli();
      if (early > 0) {
        row.unexpected++;
        problems.add("early: reminder " + r.reminderId() + " fired " + early + " ms early");
      }
      long late = Math.max(0, onKafka.get(r.reminderId()) - r.due().toEpochMilli());
      lateness.add(late);
      row.maxLateMs = Math.max(row.maxLateMs, late);
      if (late > c.late() * 1000L) {
        row.late++;
        lateOnes.add(
            String.format(
                "  due %s, fired %s, on Kafka %s: %.1f s late (%s)%n",
                r.due(),
                firedAt.get(r.reminderId()),
                Instant.ofEpochMilli(onKafka.get(r.reminderId())),
                late / 1000.0,
                row.name));
      }
    }

    // recurring: each completed occurrence, exactly one next
    Map<String, Set<String>> occ = occurrences(tasks);
    Map<String, Set<String>> generated = new HashMap<>();
    for (Event e : watch.events(Set.of("recurring-events"))) {
      if (e.type().equals("com.todo.recurring.task-generated.v1") && e.data() != null)
        generated
            .computeIfAbsent(
                e.data().getString("seriesId") + "#" + e.data().getInt("occurrence"),
                k -> new LinkedHashSet<>())
            .add(e.id());
    }
    for (ChaosLoad.Completion co : List.copyOf(load.completions)) {
      String k = co.seriesId() + "#" + (co.occurrence() + 1);
      Row row = rowAt.apply(co.at());
      Set<String> next = occ.getOrDefault(k, Set.of());
      if (next.isEmpty()) {
        row.lost++;
        problems.add(
            "lost: no occurrence "
                + (co.occurrence() + 1)
                + " of series "
                + co.seriesId()
                + " ("
                + row.name
                + ")");
      } else if (next.size() > 1) {
        row.duplicated++;
        problems.add("duplicated: occurrence " + k + " created as tasks " + next);
      }
      if (generated.getOrDefault(k, Set.of()).size() > 1) {
        row.duplicated++;
        problems.add("duplicated: task-generated " + k + " as " + generated.get(k));
      }
    }

    // WebSockets: every event of the user once, in order
    Map<String, List<String>> perUser = userEventIds(tasks);
    Map<String, Long> eventTime = new HashMap<>();
    for (Event e : tasks) eventTime.putIfAbsent(e.id(), e.timestamp());
    int resyncs = 0;
    int reconnects = 0;
    for (ChaosLoad.User u : load.users) {
      List<String> got = List.copyOf(u.socket.taskFrames);
      List<String> want = perUser.getOrDefault(u.name, List.of());
      resyncs += u.socket.resyncs;
      reconnects += Math.max(0, u.socket.connections - 1);
      Set<String> seen = new HashSet<>();
      List<String> distinct = new ArrayList<>();
      for (String id : got) {
        if (!seen.add(id)) {
          Row row = rowAt.apply(eventTime.getOrDefault(id, 0L));
          row.duplicated++;
          problems.add(
              "duplicated: WebSocket of " + u.name + " got " + id + " twice (" + row.name + ")");
        } else distinct.add(id);
      }
      for (String id : want) {
        if (!seen.contains(id)) {
          Row row = rowAt.apply(eventTime.getOrDefault(id, 0L));
          row.lost++;
          problems.add("lost: WebSocket of " + u.name + " never got " + id + " (" + row.name + ")");
        }
      }
      List<String> inOrder = distinct.stream().filter(new HashSet<>(want)::contains).toList();
      List<String> expected = want.stream().filter(seen::contains).toList();
      if (!inOrder.equals(expected)) {
        between.unexpected++;
        problems.add(
            "out of order: WebSocket of " + u.name + " got " + inOrder + ", Kafka has " + expected);
      }
    }
    if (resyncs > 0) problems.add("resync-required frames: " + resyncs);

    // dead letters of the run's users
    for (Event e :
        watch.events(Set.of("task-events.dlq", "reminder-events.dlq", "recurring-events.dlq"))) {
      Row row = rowAt.apply(e.timestamp());
      row.unexpected++;
      problems.add(
          "dead-lettered on " + e.topic() + ": " + e.type() + " " + e.id() + " (" + row.name + ")");
    }

    int unknown = 0;
    for (ChaosLoad.User u : load.users)
      for (ChaosLoad.Task t : u.tasks) if (t.doubtOp != null) unknown++;
    if (unknown > 0) problems.add("changes whose outcome is still unknown: " + unknown);
    if (!load.abandonedCreates.isEmpty())
      problems.add("creates never accepted: " + load.abandonedCreates.size());

    // the table
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%n%-27s %9s %8s %5s %10s %10s %5s %9s%n",
            "fault",
            "downtime",
            "refused",
            "lost",
            "duplicated",
            "unexpected",
            "late",
            "max late"));
    List<Row> all = new ArrayList<>(faultRows);
    all.add(between);
    Row total = new Row("total", 0);
    for (Row r : all) {
      out.append(
          String.format(
              "%-27s %9s %8d %5d %10d %10d %5d %8.1fs%n",
              r.name,
              r.downtimeMs == 0 ? "-" : String.format("%.1fs", r.downtimeMs / 1000.0),
              r.refused,
              r.lost,
              r.duplicated,
              r.unexpected,
              r.late,
              r.maxLateMs / 1000.0));
      total.refused += r.refused;
      total.lost += r.lost;
      total.duplicated += r.duplicated;
      total.unexpected += r.unexpected;
      total.late += r.late;
      total.maxLateMs = Math.max(total.maxLateMs, r.maxLateMs);
    }
    out.append(
        String.format(
            "%-27s %9s %8d %5d %10d %10d %5d %8.1fs%n",
            "total",
            "",
            total.refused,
            total.lost,
            total.duplicated,
            total.unexpected,
            total.late,
            total.maxLateMs / 1000.0));
    lateness.sort(null);
    int requests = load.attempts.size();
    out.append(
        String.format(
            "%nrequests %d (refused or unanswered %d), changes accepted %d, reminders %d "
                + "(lateness p50 %.1f s, max %.1f s), recurring completions %d, "
                + "WebSocket frames %d (reconnects %d), events on task-events %d%n",
            requests,
            total.refused,
            changes.size(),
            load.reminders.size(),
            pct(lateness, 50) / 1000.0,
            pct(lateness, 100) / 1000.0,
            load.completions.size(),
            load.users.stream().mapToInt(u -> u.socket.taskFrames.size()).sum(),
            reconnects,
            tasks.size()));
    out.append(
        "lost/duplicated/unexpected: accepted changes without their event or with two ids, "
            + "events of refused changes, reminders not fired/twice/early, occurrences missing/twice, "
            + "WebSocket frames missing/twice/out of order, dead letters; late: reminders on Kafka > "
            + c.late()
            + " s after their instant\n");
    if (!lateOnes.isEmpty()) {
      out.append("late reminders:\n");
      lateOnes.forEach(out::append);
    }
    if (problems.isEmpty()) out.append("nothing lost, nothing duplicated\n");
    else {
      out.append(problems.size()).append(" problems:\n");
      problems.stream().limit(60).forEach(p -> out.append("  ").append(p).append('\n'));
    }
    return new Result(out.toString(), List.copyOf(problems), requests, changes.size());
  }

  private static String reminderFailure(ChaosWatch watch, String reminderId) {
    for (Event e : watch.events(Set.of("reminder-events"))) {
      if (e.type().equals("com.todo.reminder.failed.v1")
          && e.data() != null
          && reminderId.equals(e.data().getString("reminderId", "")))
        return ": failed " + e.data().getString("reason", "");
    }
    return "";
  }

  private static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) return 0;
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
