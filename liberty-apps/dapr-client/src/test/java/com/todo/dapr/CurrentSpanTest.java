package com.todo.dapr;

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

class CurrentSpanTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void theCurrentSpansIdsAndTraceParentSampledOrNot() {
    for (TraceFlags flags : new TraceFlags[] {TraceFlags.getSampled(), TraceFlags.getDefault()}) {
      Span span = Span.wrap(SpanContext.create(TRACE, SPAN, flags, TraceState.getDefault()));
      try (Scope ignored = span.makeCurrent()) {
        CurrentSpan current = CurrentSpan.get().orElseThrow();
        assertEquals(TRACE, current.traceId());
        assertEquals(SPAN, current.spanId());
        assertEquals("00-" + TRACE + "-" + SPAN + "-" + flags.asHex(), current.traceParent());
        assertTrue(CloudEvent.isTraceParent(current.traceParent()), "one an event may carry");
      }
    }
  }

  @Test
  void noneWithoutAValidSpan() {
    assertEquals(Optional.empty(), CurrentSpan.get().map(CurrentSpan::traceId));
    try (Scope ignored = Span.getInvalid().makeCurrent()) {
      assertEquals(Optional.empty(), CurrentSpan.get().map(CurrentSpan::traceId));
    }
  }
}
