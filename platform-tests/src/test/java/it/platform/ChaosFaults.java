package it.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The faults of ./dev chaos on the parts of the running platform, found the way ./dev finds them
 * (their process group's leader in {@code .dev/run/<part>.pid}): SIGKILL of the whole group, then
 * {@code ./dev start <part>} (which waits until it is ready); or SIGSTOP of Kafka for a while, then
 * SIGCONT.
 */
final class ChaosFaults {

  /** Every part, in the order of the full run, and the pause of Kafka. */
  static final List<String> ALL =
      List.of(
          "task-service",
          "daprd-task-service",
          "notification-service",
          "daprd-notification-service",
          "recurring-service",
          "daprd-recurring-service",
          "realtime-service",
          "daprd-realtime-service",
          "scheduler",
          "kafka",
          "redis",
          "postgres",
          "kafka-pause");

  /** What one fault did: when it began, when the part was ready again. */
  record Fault(String part, long killedAt, long readyAt) {
    long downtimeMs() {
      return readyAt - killedAt;
    }
  }

  private ChaosFaults() {}

  static Path pidFile(String part) {
    return Platform.DEV.resolve("run/" + part + ".pid");
  }

  /** The process group leader of a running part, or -1. */
  static long pid(String part) {
    try {
      Path f = pidFile(part);
      if (!Files.exists(f)) return -1;
      long pid = Long.parseLong(Files.readString(f).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** How often a wait on a part looks at it. */
  private static final Duration EVERY = Duration.ofMillis(200);

  /** Whether the process is stopped (SIGSTOP: state T in /proc/<pid>/stat). */
  private static boolean stopped(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static void signal(String signal, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, "--", "-" + pid).inheritIO().start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0)
        throw new IllegalStateException("kill -" + signal + " -" + pid + " failed");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Injects one fault: {@code part} killed with SIGKILL, {@code downtimeSeconds} later started
   * again; {@code kafka-pause}: Kafka stopped with SIGSTOP for {@code pauseSeconds}. Returns null
   * (nothing done) when the part is not running and does not come back within 2 minutes. Adds the
   * part to {@code touched} before it touches it.
   */
  static Fault inject(String part, int downtimeSeconds, int pauseSeconds, List<String> touched)
      throws InterruptedException {
    if (part.equals("kafka-pause")) {
      long pid = awaitRunning("kafka");
      if (pid < 0) return null;
      long at = System.currentTimeMillis();
      touched.add("kafka");
      signal("STOP", pid);
      try {
        if (!Poll.holds(Duration.ofSeconds(pauseSeconds), EVERY, () -> stopped(pid))) {
          System.err.println("kafka did not stay stopped for " + pauseSeconds + " s");
        }
      } finally {
        signal("CONT", pid);
      }
      return new Fault(part, at, System.currentTimeMillis());
    }
    long pid = awaitRunning(part);
    if (pid < 0) return null;
    long at = System.currentTimeMillis();
    touched.add(part);
    signal("KILL", pid);
    waitGone(pid);
    // down for the whole downtime, unless someone else starts it meanwhile (a shared platform)
    if (Poll.holds(Duration.ofSeconds(downtimeSeconds), EVERY, () -> pid(part) < 0)) {
      start(part);
    } else {
      System.err.println(part + " was started by someone else before its downtime ended");
    }
    return new Fault(part, at, System.currentTimeMillis());
  }

  /**
   * The pid of a part, waiting up to 2 minutes while it is not running (the platform is shared:
   * another test may have stopped it for a while); -1 if it stays stopped.
   */
  private static long awaitRunning(String part) {
    Poll.until(Duration.ofMinutes(2), Duration.ofSeconds(1), () -> pid(part) > 0);
    return pid(part);
  }

  /** ./dev start, tried 3 times (./dev may be mid-edit in a shared tree, a port still held). */
  static void start(String part) throws InterruptedException {
    for (int i = 1; ; i++) {
      try {
        Platform.dev("start", part);
        return;
      } catch (AssertionError | RuntimeException e) {
        if (i == 3) throw e;
        System.err.println(
            "./dev start " + part + " failed, again unless it runs within 10 s: " + e.getMessage());
        // a start that failed late (its readiness wait) may still bring the part up
        if (Poll.until(Duration.ofSeconds(10), EVERY, () -> pid(part) > 0)) return;
      }
    }
  }

  private static void waitGone(long pid) {
    Poll.until(
        Duration.ofSeconds(10),
        Duration.ofMillis(100),
        () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * Leaves the platform as a run found it: Kafka continued, every part of {@code parts} that is not
   * running started. Returns the parts it had to start.
   */
  static List<String> restore(List<String> parts) {
    List<String> started = new ArrayList<>();
    long kafka = pid("kafka");
    if (kafka > 0) {
      try {
        signal("CONT", kafka);
      } catch (RuntimeException e) {
        System.err.println("SIGCONT kafka: " + e);
      }
    }
    for (String part : ALL) {
      if (part.equals("kafka-pause") || !parts.contains(part)) continue;
      if (pid(part) < 0) {
        try {
          start(part);
          started.add(part);
        } catch (RuntimeException | AssertionError e) {
          System.err.println("could not start " + part + ": " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return started;
        }
      }
    }
    return started;
  }
}
