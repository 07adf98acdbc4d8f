package it.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A command a developer would type (`mvn liberty:dev`, `dapr run -f dapr.yaml`), started by a test
 * in place of parts of ./dev: its output in a log under target/, its whole process tree ended at
 * the end.
 */
final class LocalProcess implements AutoCloseable {

  final Path log;
  private final Process process;
  private final List<ProcessHandle> seen = new ArrayList<>();

  private LocalProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in {@code dir} with {@code env} added; stdin stays open. */
  static LocalProcess start(Path dir, Map<String, String> env, String logName, String... command) {
    try {
      Path log = Path.of("target", logName).toAbsolutePath();
      Files.createDirectories(log.getParent());
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return new LocalProcess(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Remembers the processes started so far, to end any that outlive their parent. */
  void rememberDescendants() {
    process.descendants().forEach(seen::add);
  }

  /** Types a line, as a developer at the terminal would (dev mode: q). */
  void type(String line) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      // the process is gone already
    }
  }

  /**
   * Ctrl-C at the terminal: SIGINT to the process group of a process started with setsid (its group
   * is its pid), so that every process it started gets it too, and nothing else.
   */
  void interruptGroup() {
    try {
      new ProcessBuilder("kill", "-INT", "--", "-" + process.pid())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits up to {@code timeout} for the process to end by itself. */
  boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Ends the process and every process it started, remembered or current. */
  @Override
  public void close() {
    rememberDescendants();
    process.destroy();
    seen.forEach(ProcessHandle::destroy);
    awaitExit(Duration.ofSeconds(20));
    for (ProcessHandle h : seen) {
      h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join();
    }
    seen.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** The last lines of the output, for a failure message. */
  String tail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until nothing listens on any of {@code ports}. */
  static Optional<Integer> awaitFree(Duration timeout, List<Integer> ports) {
    Poll.until(
        timeout, Duration.ofMillis(250), () -> ports.stream().noneMatch(LocalProcess::listening));
    return ports.stream().filter(LocalProcess::listening).findFirst();
  }

  /** Stops a Liberty server that the liberty-maven-plugin laid out in a service's target/. */
  static void stopLibertyServer(String service) {
    Path server =
        Platform.ROOT.resolve("liberty-apps/" + service + "/target/liberty/wlp/bin/server");
    if (!Files.isExecutable(server)) return;
    try {
      Process p =
          new ProcessBuilder(server.toString(), "stop", service)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs every one of {@code steps} even when some fail (restoring ./dev's parts after a test);
   * what failed is added to the test's own {@code failure}, or thrown when the test passed.
   */
  static void runEveryStep(List<Runnable> steps, Throwable failure, String what) {
    List<Throwable> errors = new ArrayList<>();
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException | AssertionError e) {
        errors.add(e);
      }
    }
    if (errors.isEmpty()) return;
    if (failure != null) {
      errors.forEach(failure::addSuppressed);
      return;
    }
    AssertionError e = new AssertionError(what + " failed", errors.get(0));
    errors.stream().skip(1).forEach(e::addSuppressed);
    throw e;
  }
}
