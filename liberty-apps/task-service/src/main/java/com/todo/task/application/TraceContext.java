package com.todo.task.application;

import java.util.Optional;

/**
 * The trace context of the change being made: the W3C {@code traceparent} of the request that asked
 * for it, when the caller (a client, the ingress, a sidecar) sent a valid one. Its events carry it
 * ({@code traceparent}, docs/events.md), so that a change is one trace from the request through
 * Kafka to every consumer and WebSocket frame. task-service does not start traces of its own: the
 * caller's sampling decision stands.
 */
public interface TraceContext {

  Optional<String> traceParent();

  /** No trace context: for code that runs outside a request. */
  TraceContext NONE = Optional::empty;
}
