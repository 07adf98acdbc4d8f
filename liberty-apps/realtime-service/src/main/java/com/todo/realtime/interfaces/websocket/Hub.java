package com.todo.realtime.interfaces.websocket;

import com.todo.realtime.application.EventLog.Logged;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The open connections of this instance by user, and the executor their work runs on: a plain
 * object, not a CDI proxy, because Open Liberty calls a WebSocket endpoint's methods on threads
 * without the application's CDI contexts. Work that needs the application's beans (the state store)
 * goes through {@link #run}, on the managed executor.
 */
final class Hub {

  private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
  private final Executor executor;

  Hub(Executor executor) {
    this.executor = executor;
  }

  void add(Connection c) {
    byUser.computeIfAbsent(c.user, u -> ConcurrentHashMap.newKeySet()).add(c);
  }

  void remove(Connection c) {
    byUser.computeIfPresent(c.user, (u, set) -> set.remove(c) && set.isEmpty() ? null : set);
  }

  void run(Runnable work) {
    executor.execute(work);
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
    return byUser.values().stream().mapToInt(Set::size).sum();
  }
}
