package com.todo.realtime.interfaces.websocket;

import com.todo.realtime.application.EventLog.Logged;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The open connections of this instance by user, and the executor their work runs on: a plain
 * object, not a CDI proxy, because Open Liberty calls a WebSocket endpoint's methods on threads
 * without the application's CDI contexts. Work that needs the application's beans (the state store)
 * goes through {@link #run}, on the managed executor.
 */
final class Hub {

  private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();

  /** The connections in {@link #byUser}, kept as they are added and removed. */
  private final AtomicInteger openCount = new AtomicInteger();

  private final Executor executor;
  private final Executor closes;
  private final Executor pings;
  private final Consumer<Integer> closedByServer;

  /**
   * @param closes where the server's closes run: each can wait seconds for a client that reads
   *     nothing, so they run a few at a time, never on all the threads that serve requests
   * @param pings where pings are written: each can wait as long as its client reads nothing
   * @param closedByServer told the close code of each connection the server closes (too far behind,
   *     token expired, no answer to pings), for the metric
   */
  Hub(Executor executor, Executor closes, Executor pings, Consumer<Integer> closedByServer) {
    this.executor = executor;
    this.closes = closes;
    this.pings = pings;
    this.closedByServer = closedByServer;
  }

  void closedByServer(int code) {
    try {
      closedByServer.accept(code);
    } catch (RuntimeException e) {
      // a metric must never stop a close
    }
  }

  /**
   * Upgrades let in and not open yet, with when each was let in: counted against the limit with the
   * open connections, so that upgrades at the same moment cannot pass it. One whose connection
   * never opens (the client gone between the upgrade and its opening) counts until {@link
   * #RESERVATION_TTL_MS} has passed.
   */
  private final Map<Connection, Long> reserved = new ConcurrentHashMap<>();

  static final long RESERVATION_TTL_MS = 30_000;

  /**
   * Lets a new connection in if the open ones and those let in before stay below {@code limit}.
   *
   * @return false when the instance is full: refuse the upgrade
   */
  synchronized boolean reserve(Connection c, int limit, long nowMs) {
    reserved.values().removeIf(at -> nowMs - at > RESERVATION_TTL_MS);
    if (openCount.get() + reserved.size() >= limit) return false;
    reserved.put(c, nowMs);
    return true;
  }

  /** The upgrade of a connection let in failed: it no longer counts. */
  void release(Connection c) {
    reserved.remove(c);
  }

  /** Upgrades let in and not open yet (and not expired). */
  int reservedCount() {
    return reserved.size();
  }

  /** A connection opened: it counts as open from now on, no longer as let in. */
  void add(Connection c) {
    byUser.compute(
        c.user,
        (u, set) -> {
          Set<Connection> of = set == null ? ConcurrentHashMap.newKeySet() : set;
          if (of.add(c)) openCount.incrementAndGet();
          return of;
        });
    // after the count: counted twice for a moment rather than not at all
    reserved.remove(c);
  }

  /** Removes a connection; a second removal of the same one (close, then onClose) does nothing. */
  void remove(Connection c) {
    byUser.computeIfPresent(
        c.user,
        (u, set) -> {
          if (set.remove(c)) openCount.decrementAndGet();
          return set.isEmpty() ? null : set;
        });
  }

  void run(Runnable work) {
    executor.execute(work);
  }

  /** Runs a close of a connection by the server (Session.close, which may block for seconds). */
  void close(Runnable close) {
    closes.execute(close);
  }

  /** Writes a ping (Liberty's blocking write, see {@link Connection}). */
  void ping(Runnable ping) {
    pings.execute(ping);
  }

  boolean has(String user) {
    Set<Connection> open = byUser.get(user);
    return open != null && !open.isEmpty();
  }

  void push(Logged event) {
    Set<Connection> open = byUser.get(event.user());
    if (open == null) return;
    for (Connection c : open) c.push(event);
  }

  Iterable<Set<Connection>> all() {
    return byUser.values();
  }

  int count() {
    return openCount.get();
  }
}
