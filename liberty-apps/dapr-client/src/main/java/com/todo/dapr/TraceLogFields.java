package com.todo.dapr;

import com.ibm.websphere.logging.hpel.LogRecordContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Every log record written while a span is current carries its trace: Open Liberty's JSON logs (the
 * containers' console, messages.log) add them as {@code ext_traceId} and {@code ext_spanId}, so a
 * warning of a request, an event delivery or a job callback leads to its trace. The span is
 * mpTelemetry's server span of the request, which continues the caller's {@code traceparent} (a
 * client's, the ingress's, or the sidecar's for an event, which continues the event's own). Without
 * a valid span (the OpenTelemetry SDK disabled, CurrentSpan) the fields are left out. Every service
 * has it: this library's META-INF/web-fragment.xml registers it.
 */
public class TraceLogFields implements ServletContextListener {

  static final String TRACE_ID = "traceId";
  static final String SPAN_ID = "spanId";

  // LogRecordContext holds extensions by weak reference only: these fields keep them registered
  private static final LogRecordContext.Extension TRACE =
      () -> CurrentSpan.get().map(CurrentSpan::traceId).orElse(null);
  private static final LogRecordContext.Extension SPAN =
      () -> CurrentSpan.get().map(CurrentSpan::spanId).orElse(null);

  @Override
  public void contextInitialized(ServletContextEvent event) {
    // a redeployed application finds its predecessor's registration (unregistered when it stopped,
    // unless it failed first): replace it, or the fields would read the old class loader's span
    LogRecordContext.unregisterExtension(TRACE_ID);
    LogRecordContext.unregisterExtension(SPAN_ID);
    LogRecordContext.registerExtension(TRACE_ID, TRACE);
    LogRecordContext.registerExtension(SPAN_ID, SPAN);
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    LogRecordContext.unregisterExtension(TRACE_ID);
    LogRecordContext.unregisterExtension(SPAN_ID);
  }

  static LogRecordContext.Extension traceIdField() {
    return TRACE;
  }

  static LogRecordContext.Extension spanIdField() {
    return SPAN;
  }
}
