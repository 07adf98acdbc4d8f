package com.todo.task.application;

import java.util.Optional;

/**
 * The trace context of the change being made, as a W3C {@code traceparent}: the span of the request
 * that asked for it, a child of the caller's (a client's, the ingress's, a sidecar's). Its events
 * carry it ({@code traceparent}, docs/events.md), so that a change is one trace from the request
 * through Kafka to every consumer and WebSocket frame. Sampling follows the caller's decision
 * (parent-based, gitops/README.md "Observability").
 */
public interface TraceContext {

  Optional<String> traceParent();

  /** No trace context: for code that runs outside a request. */
  TraceContext NONE = Optional::empty;
}
