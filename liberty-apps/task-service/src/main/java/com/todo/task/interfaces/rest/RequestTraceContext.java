package com.todo.task.interfaces.rest;

import com.todo.dapr.CurrentSpan;
import com.todo.events.CloudEvent;
import com.todo.task.application.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The trace context of the current request: the span mpTelemetry made for it (a child of the
 * caller's {@code traceparent}, or a trace of its own), so that consumers' spans hang below
 * task-service's; without one (the OpenTelemetry SDK disabled) the request's {@code traceparent}
 * header if it is a valid W3C one of version 00. Anything else (absent, malformed, another version)
 * is no trace context, never an error.
 */
@ApplicationScoped
public class RequestTraceContext implements TraceContext {

  @Inject HttpServletRequest request;

  @Override
  public Optional<String> traceParent() {
    Optional<String> span = CurrentSpan.currentTraceParent();
    if (span.isPresent()) return span;
    try {
      String header = request.getHeader("traceparent");
      return CloudEvent.isTraceParent(header) ? Optional.of(header) : Optional.empty();
    } catch (ContextNotActiveException e) {
      return Optional.empty(); // not in a request
    }
  }
}
