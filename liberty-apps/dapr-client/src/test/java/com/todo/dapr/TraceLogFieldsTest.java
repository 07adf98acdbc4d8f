package com.todo.dapr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

class TraceLogFieldsTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void theFieldsAreTheCurrentSpansTraceAndSpanIds() {
    Span span =
        Span.wrap(
            SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), TraceState.getDefault()));
    try (Scope ignored = span.makeCurrent()) {
      assertEquals(TRACE, TraceLogFields.traceIdField().getValue());
      assertEquals(SPAN, TraceLogFields.spanIdField().getValue());
    }
    assertNull(TraceLogFields.traceIdField().getValue(), "the span's scope closed");
  }

  @Test
  void noValidSpanNoFields() {
    assertNull(TraceLogFields.traceIdField().getValue());
    assertNull(TraceLogFields.spanIdField().getValue());
    try (Scope ignored = Span.getInvalid().makeCurrent()) {
      assertNull(TraceLogFields.traceIdField().getValue());
      assertNull(TraceLogFields.spanIdField().getValue());
    }
  }
}
