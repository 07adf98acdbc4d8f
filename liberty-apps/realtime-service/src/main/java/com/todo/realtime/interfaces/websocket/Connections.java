package com.todo.realtime.interfaces.websocket;

import com.todo.realtime.application.EventLog.Logged;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason.CloseCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The open connections of this instance ({@link Hub}) and their upkeep, every {@code
 * realtime.stall-limit / 2} (5 s): a connection whose token expired is closed (1008); a ping is
 * queued behind the frames of a connection that got frames since its last pong, or that was quiet
 * for {@code realtime.ping-interval} (30 s); a connection whose ping has had no pong for {@code
 * realtime.stall-limit} (10 s) is closed, with 1013 if frames were sent to it meanwhile (it reads
 * too slowly, or not at all: it resumes with {@code after}), else with 1001 (dead). This upkeep is
 * a timer of this process's sockets, in memory by nature, not a Dapr job.
 *
 * <p>Every connection the server closes is counted in the metric {@code
 * todo.realtime.connections.closed} ({@code todo_realtime_connections_closed_total} at {@code
 * /metrics}) with its close code as tag {@code code}: 1013 (too far behind), 1008 (token expired),
 * 1001 (no answer to pings).
 *
 * <p>An instance holds at most {@code realtime.max-connections}; by default as many as its heap
 * holds with room to spare: (maximum heap - 64 MiB) / 40 KiB, about twice what an open connection
 * keeps (18-23 KiB measured, docs/performance.md). Beyond it the upgrade is refused ({@link
 * EventsSocket}, counted in {@code todo.realtime.connections.refused}): without a limit a flood of
 * connections ran the service out of heap, and every client of it lost its stream.
 */
@ApplicationScoped
public class Connections {

  private static final Logger LOG = Logger.getLogger(Connections.class.getName());

  static final String CLOSED_METRIC = "todo.realtime.connections.closed";
  static final String REFUSED_METRIC = "todo.realtime.connections.refused";

  /** The heap an instance needs besides its connections, and the heap kept per connection. */
  static final long BASE_HEAP = 64L << 20;

  static final long HEAP_PER_CONNECTION = 40L << 10;

  @Resource ManagedScheduledExecutorService executor;

  /**
   * The server's closes of connections (too far behind, token expired, no pong) run on threads of
   * their own: Liberty's Session.close waits up to 3 s on its thread for the client's side of the
   * close. On the executor that also answers the sidecar's deliveries and health checks, some
   * hundred slow clients closed at once took all its threads (it had grown only to 6-8 of its 32):
   * the sidecar marked the service unhealthy and every client's frames waited (under ./dev bench
   * realtime, docs/performance.md).
   */
  static final int CLOSE_THREADS = 8;

  /**
   * The pings' threads: Liberty writes a ping on the thread that sends it, with no timeout, and to
   * a client that stopped reading with its socket buffers full that write waits until the
   * connection is gone. The connection is closed as behind once its ping has waited for the stall
   * limit, but Liberty's close does not end the socket while the client keeps it open (seen with a
   * client reading nothing): the ping's thread stays taken until the socket ends, and past 8 such
   * clients at once the others' pings wait their turn (their connections then closed as behind, and
   * resumed).
   */
  static final int PING_THREADS = 8;

  @Resource ManagedThreadFactory threads;
  private ExecutorService closes;
  private ExecutorService pings;

  @Inject Instance<MetricRegistry> metrics;

  @Inject
  @ConfigProperty(name = "realtime.ping-interval", defaultValue = "PT30S")
  Duration pingInterval;

  @Inject
  @ConfigProperty(name = "realtime.stall-limit", defaultValue = "PT10S")
  Duration stallLimit;

  /** 0: derived from the maximum heap ({@link #limitFor}). */
  @Inject
  @ConfigProperty(name = "realtime.max-connections", defaultValue = "0")
  int maxConnections;

  private Hub hub;
  private ScheduledFuture<?> upkeep;
  private MetricRegistry registry;
  private int limit;

  @PostConstruct
  void start() {
    registry = metrics.isResolvable() ? metrics.get() : null;
    limit = limitFor(maxConnections, Runtime.getRuntime().maxMemory());
    LOG.info(() -> "at most " + limit + " connections on this instance");
    closes = Executors.newFixedThreadPool(CLOSE_THREADS, threads);
    pings = Executors.newFixedThreadPool(PING_THREADS, threads);
    hub =
        new Hub(
            executor,
            closes,
            pings,
            code -> {
              if (registry != null)
                registry.counter(CLOSED_METRIC, new Tag("code", Integer.toString(code))).inc();
            });
    long every = Math.max(500, stallLimit.toMillis() / 2);
    upkeep = executor.scheduleWithFixedDelay(this::upkeep, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    if (upkeep != null) upkeep.cancel(false);
    if (closes != null) closes.shutdownNow();
    if (pings != null) pings.shutdownNow();
  }

  /** The plain registry the connections use from the container's threads. */
  Hub hub() {
    return hub;
  }

  /** Whether the user has an open connection on this instance. */
  public boolean has(String user) {
    return hub.has(user);
  }

  /** Hands an event of a user's log to each of that user's connections on this instance. */
  public void push(Logged event) {
    hub.push(event);
  }

  /** How many connections are open on this instance. */
  public int count() {
    return hub.count();
  }

  /** The most connections this instance takes. */
  int limit() {
    return limit;
  }

  /**
   * Lets a new connection in unless the instance holds its most, counting the upgrades let in and
   * not open yet ({@link Hub#reserve}); counts a refusal.
   *
   * @return false when the upgrade is to be refused
   */
  boolean letIn(Connection c) {
    if (hub.reserve(c, limit, System.currentTimeMillis())) return true;
    if (registry != null) registry.counter(REFUSED_METRIC).inc();
    return false;
  }

  /** The upgrade of a connection let in failed. */
  void upgradeFailed(Connection c) {
    hub.release(c);
  }

  /** The configured limit, or what the heap holds: (heap - 64 MiB) / 40 KiB, at least 1. */
  static int limitFor(int configured, long maxHeap) {
    if (configured > 0) return configured;
    return (int)
        Math.max(1, Math.min(Integer.MAX_VALUE, (maxHeap - BASE_HEAP) / HEAP_PER_CONNECTION));
  }

  private void upkeep() {
    try {
      long now = System.currentTimeMillis();
      Instant instant = Instant.ofEpochMilli(now);
      for (Set<Connection> set : hub.all()) {
        for (Connection c : set) {
          if (!c.expiresAt.isAfter(instant)) {
            c.closeLater(CloseCodes.VIOLATED_POLICY, "token expired");
            continue;
          }
          switch (c.check(now, pingInterval.toMillis(), stallLimit.toMillis())) {
            case BEHIND ->
                c.closeLater(Connection.TRY_AGAIN_LATER, "too far behind, resume with after");
            case DEAD -> c.closeLater(CloseCodes.GOING_AWAY, "no answer to pings");
            case OK -> {}
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warning(() -> "connection upkeep failed: " + e);
    }
  }
}
