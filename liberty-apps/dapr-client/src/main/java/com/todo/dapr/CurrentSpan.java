package com.todo.dapr;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;

/**
 * The span mpTelemetry made current for the request, event delivery or job callback being handled,
 * if there is a valid one. There is none when the OpenTelemetry SDK is disabled, and none where the
 * application does not see the OpenTelemetry API (a third-party API in Open Liberty: each service's
 * configDropins/overrides/application.xml makes it visible; the Arquillian test servers, which
 * deploy to dropins, do not): the API's classes are touched only when they can be loaded.
 */
public final class CurrentSpan {

  static final boolean API_VISIBLE = apiVisible();

  private final String traceId;
  private final String spanId;
  private final String traceFlags;

  CurrentSpan(String traceId, String spanId, String traceFlags) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.traceFlags = traceFlags;
  }

  /** The current span, if a valid one is current. */
  public static Optional<CurrentSpan> get() {
    return API_VISIBLE ? Api.current() : Optional.empty();
  }

  /** The current span as a W3C {@code traceparent}, if a valid one is current. */
  public static Optional<String> currentTraceParent() {
    return get().map(CurrentSpan::traceParent);
  }

  public String traceId() {
    return traceId;
  }

  public String spanId() {
    return spanId;
  }

  /** As a W3C {@code traceparent} of version 00. */
  public String traceParent() {
    return "00-" + traceId + "-" + spanId + "-" + traceFlags;
  }

  private static boolean apiVisible() {
    try {
      Class.forName("io.opentelemetry.api.trace.Span", false, CurrentSpan.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Loaded only when the API is visible. */
  private static final class Api {
    static Optional<CurrentSpan> current() {
      SpanContext context = Span.current().getSpanContext();
      if (!context.isValid()) return Optional.empty();
      return Optional.of(
          new CurrentSpan(
              context.getTraceId(), context.getSpanId(), context.getTraceFlags().asHex()));
    }
  }
}
