package com.todo.dapr;

import com.todo.events.CloudEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Handles each delivered event in its own trace: a CONSUMER span whose parent is the event's {@code
 * traceparent}, linked to the span of the delivery that brought it. The sidecar delivers events in
 * bulk, one HTTP request for many events of many traces, so the request's own span (mpTelemetry's,
 * from the sidecar's header) cannot continue them; this one does, and what the handler logs
 * (TraceLogFields), publishes or stores happens in the trace of the change that caused it. An event
 * without a valid traceparent is handled in the delivery's span. Where the OpenTelemetry API is not
 * visible (CurrentSpan) the work simply runs.
 */
public final class EventSpans {

  private EventSpans() {}

  /** Runs {@code work} for {@code event} (delivered on {@code route}) in the event's trace. */
  public static <T> T within(CloudEvent event, String route, Supplier<T> work) {
    return within(event.traceParent(), event.id(), event.type(), route, work);
  }

  /**
   * As {@link #within(CloudEvent, String, Supplier)}, for work a handler does for {@code event}
   * outside {@link EventHandler#handle} (in {@link EventHandler#prepare}, on a thread of its own):
   * the route is the event's topic's.
   */
  public static <T> T within(CloudEvent event, Supplier<T> work) {
    return within(event, "/events/" + Delivery.topicOf("", event.type()), work);
  }

  /**
   * Runs {@code work}, which sends {@code event} on to {@code destination} (e.g. a user's WebSocket
   * connections), in the event's trace: a PRODUCER span {@code "<destination> send"} whose parent
   * is the event's {@code traceparent}. Without a valid one, or where the API is not visible, the
   * work simply runs.
   */
  public static void sending(CloudEvent event, String destination, Runnable work) {
    if (!CurrentSpan.API_VISIBLE || !CloudEvent.isTraceParent(event.traceParent())) {
      work.run();
      return;
    }
    Api.sending(event, destination, work);
  }

  /** As {@link #within(CloudEvent, String, Supplier)}, for an event that may not be valid. */
  public static <T> T within(
      JsonValue event, String id, String type, String route, Supplier<T> work) {
    String traceParent =
        event instanceof JsonObject o && o.get("traceparent") instanceof JsonString s
            ? s.getString()
            : null;
    return within(traceParent, id, type, route, work);
  }

  private static <T> T within(
      String traceParent, String id, String type, String route, Supplier<T> work) {
    if (!CurrentSpan.API_VISIBLE || !CloudEvent.isTraceParent(traceParent)) return work.get();
    return Api.within(traceParent, id, type, route, work);
  }

  /** Loaded only when the API is visible. */
  private static final class Api {

    private static final Logger LOG = Logger.getLogger(EventSpans.class.getName());

    private static final TextMapGetter<String> TRACE_PARENT =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
          }

          @Override
          public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
          }
        };

    private static volatile Tracer tracer;

    /**
     * mpTelemetry's OpenTelemetry (a CDI bean); without one, the API's no-op, which only carries
     * the context.
     */
    private static Tracer tracer() {
      Tracer t = tracer;
      if (t == null) {
        OpenTelemetry otel;
        try {
          otel = CDI.current().select(OpenTelemetry.class).get();
        } catch (RuntimeException e) {
          LOG.warning(() -> "no OpenTelemetry bean, events carry their trace without spans: " + e);
          otel = OpenTelemetry.noop();
        }
        t = tracer = otel.getTracer("com.todo.dapr");
      }
      return t;
    }

    private static Context parentOf(String traceParent) {
      return W3CTraceContextPropagator.getInstance()
          .extract(Context.root(), traceParent, TRACE_PARENT);
    }

    static void sending(CloudEvent event, String destination, Runnable work) {
      Span started =
          tracer()
              .spanBuilder(destination + " send")
              .setParent(parentOf(event.traceParent()))
              .setSpanKind(SpanKind.PRODUCER)
              .setAttribute("messaging.operation.type", "send")
              .setAttribute("messaging.destination.name", destination)
              .setAttribute("messaging.message.id", event.id())
              .setAttribute("cloudevents.event_type", event.type())
              .startSpan();
      try (Scope ignored = started.makeCurrent()) {
        work.run();
      } finally {
        started.end();
      }
    }

    static <T> T within(
        String traceParent, String id, String type, String route, Supplier<T> work) {
      Context parent = parentOf(traceParent);
      String topic = Delivery.topicOf(route, String.valueOf(type));
      SpanBuilder span =
          tracer()
              .spanBuilder(topic + " process")
              .setParent(parent)
              .setSpanKind(SpanKind.CONSUMER)
              .setAttribute("messaging.system", "kafka")
              .setAttribute("messaging.operation.type", "process")
              .setAttribute("messaging.destination.name", topic)
              .setAttribute("messaging.message.id", String.valueOf(id))
              .setAttribute("cloudevents.event_type", String.valueOf(type));
      SpanContext delivery = Span.current().getSpanContext();
      if (delivery.isValid()) span.addLink(delivery);
      Span started = span.startSpan();
      try (Scope ignored = started.makeCurrent()) {
        return work.get();
      } finally {
        started.end();
      }
    }
  }
}
