package com.todo.realtime.interfaces.websocket;

import com.todo.realtime.application.EventLog.Logged;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason.CloseCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The open connections of this instance, by user, and their upkeep: an idle connection is pinged
 * every {@code realtime.ping-interval} (30 s) and closed when nothing (no pong, no message) came
 * back for three intervals; a connection whose token expired is closed (1008); one whose frame in
 * flight has waited longer than {@code realtime.stall-limit} (10 s) is closed (1013). This upkeep
 * is a timer of the sockets of this process, not of the application's state: it is in memory by
 * nature, and it is not a Dapr job.
 */
@ApplicationScoped
public class Connections {

  private static final Logger LOG = Logger.getLogger(Connections.class.getName());

  @Resource ManagedScheduledExecutorService executor;

  @Inject
  @ConfigProperty(name = "realtime.ping-interval", defaultValue = "PT30S")
  Duration pingInterval;

  @Inject
  @ConfigProperty(name = "realtime.stall-limit", defaultValue = "PT10S")
  Duration stallLimit;

  private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
  private ScheduledFuture<?> upkeep;

  @PostConstruct
  void start() {
    long every = Math.max(1000, Math.min(pingInterval.toMillis(), stallLimit.toMillis()) / 2);
    upkeep = executor.scheduleWithFixedDelay(this::upkeep, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    if (upkeep != null) upkeep.cancel(false);
  }

  void add(Connection c) {
    byUser.computeIfAbsent(c.user, u -> ConcurrentHashMap.newKeySet()).add(c);
  }

  void remove(Connection c) {
    byUser.computeIfPresent(c.user, (u, set) -> set.remove(c) && set.isEmpty() ? null : set);
  }

  /** Runs work of a connection off the thread that asked for it. */
  void run(Runnable work) {
    executor.execute(work);
  }

  /** Hands an event of a user's log to each of that user's connections on this instance. */
  public void push(Logged event) {
    Set<Connection> open = byUser.get(event.user());
    if (open == null) return;
    for (Connection c : open) c.push(event);
  }

  /** How many connections are open on this instance. */
  public int count() {
    return byUser.values().stream().mapToInt(Set::size).sum();
  }

  private long lastPing;

  private void upkeep() {
    try {
      long now = System.currentTimeMillis();
      boolean pingNow = now - lastPing >= pingInterval.toMillis();
      if (pingNow) lastPing = now;
      Instant instant = Instant.ofEpochMilli(now);
      for (Set<Connection> set : byUser.values()) {
        for (Connection c : set) {
          if (!c.expiresAt.isAfter(instant)) {
            c.closeLater(CloseCodes.VIOLATED_POLICY, "token expired");
          } else if (c.stalled(now, stallLimit.toMillis())) {
            LOG.info(() -> "a connection of " + c.user + " reads nothing: closed");
            c.closeLater(Connection.TRY_AGAIN_LATER, "too far behind, resume with after");
          } else if (now - c.lastHeard > 3 * pingInterval.toMillis()) {
            c.closeLater(CloseCodes.GOING_AWAY, "no answer to pings");
          } else if (pingNow && c.idle()) {
            c.ping();
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warning(() -> "connection upkeep failed: " + e);
    }
  }
}
