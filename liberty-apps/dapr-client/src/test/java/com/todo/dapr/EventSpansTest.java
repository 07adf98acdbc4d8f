package com.todo.dapr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.todo.events.CloudEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import it.support.SampleEvents;
import jakarta.json.Json;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Without mpTelemetry (no CDI here) the API's no-op tracer only carries the context: what runs for
 * an event sees the event's trace, which is what its logs and publishes take.
 */
class EventSpansTest {

  private static final String EVENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String EVENT_SPAN = "00f067aa0ba902b7";
  private static final String TRACE_PARENT = "00-" + EVENT_TRACE + "-" + EVENT_SPAN + "-01";
  private static final String ROUTE = "/events/task-events";

  private static CloudEvent event(String traceParent) {
    return CloudEvent.fromJson(
            SampleEvents.event(
                "com.todo.task.created.v1",
                "user-1",
                Json.createObjectBuilder().add("id", "t").build()))
        .withTraceParent(traceParent);
  }

  private static Optional<String> currentTrace() {
    return CurrentSpan.get().map(CurrentSpan::traceId);
  }

  @Test
  void theWorkForAnEventRunsInTheEventsTraceNotTheDeliverysAndTheDeliverysComesBack() {
    Span delivery =
        Span.wrap(
            SpanContext.create(
                "11111111111111111111111111111111",
                "2222222222222222",
                TraceFlags.getSampled(),
                TraceState.getDefault()));
    try (Scope ignored = delivery.makeCurrent()) {
      assertEquals(
          Optional.of(EVENT_TRACE),
          EventSpans.within(event(TRACE_PARENT), ROUTE, EventSpansTest::currentTrace));
      assertEquals(
          Optional.of(EVENT_TRACE),
          EventSpans.within(
              event(TRACE_PARENT).toJson(), "id", "type", ROUTE, EventSpansTest::currentTrace),
          "an event as delivered, valid or not");
      assertEquals(Optional.of("11111111111111111111111111111111"), currentTrace());
    }
  }

  @Test
  void anEventWithoutAValidTraceParentRunsInTheDeliverysSpan() {
    assertEquals(
        Optional.empty(), EventSpans.within(event(null), ROUTE, EventSpansTest::currentTrace));
    assertEquals(
        Optional.empty(),
        EventSpans.within(
            Json.createObjectBuilder().add("traceparent", TRACE_PARENT.toUpperCase()).build(),
            "id",
            "type",
            ROUTE,
            EventSpansTest::currentTrace),
        "a malformed traceparent is none");
    assertEquals(
        Optional.empty(),
        EventSpans.within(Json.createValue(42), "id", "type", ROUTE, EventSpansTest::currentTrace));
  }

  @Test
  void workOutsideADeliveryAndTheSendingOfAnEventRunInTheEventsTrace() {
    assertEquals(
        Optional.of(EVENT_TRACE),
        EventSpans.within(event(TRACE_PARENT), EventSpansTest::currentTrace),
        "a handler's work on a thread of its own");
    AtomicReference<Optional<String>> sent = new AtomicReference<>();
    EventSpans.sending(event(TRACE_PARENT), "websocket", () -> sent.set(currentTrace()));
    assertEquals(Optional.of(EVENT_TRACE), sent.get(), "the push of the event to its clients");
    EventSpans.sending(event(null), "websocket", () -> sent.set(currentTrace()));
    assertEquals(Optional.empty(), sent.get(), "no trace to continue: the work runs as it is");
    assertEquals(Optional.empty(), currentTrace(), "and nothing stays current afterwards");
  }
}
