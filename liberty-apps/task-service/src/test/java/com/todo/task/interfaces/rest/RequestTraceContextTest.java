package com.todo.task.interfaces.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.CloudEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestTraceContextTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void theRequestsSpanIsTheChangesTraceContextSampledOrNot() {
    for (TraceFlags flags : new TraceFlags[] {TraceFlags.getSampled(), TraceFlags.getDefault()}) {
      Span span = Span.wrap(SpanContext.create(TRACE, SPAN, flags, TraceState.getDefault()));
      try (Scope ignored = span.makeCurrent()) {
        // the request is not consulted while a span is current
        Optional<String> parent = new RequestTraceContext().traceParent();
        assertEquals(Optional.of("00-" + TRACE + "-" + SPAN + "-" + flags.asHex()), parent);
        assertTrue(CloudEvent.isTraceParent(parent.get()), "a valid traceparent for the event");
      }
    }
  }
}
