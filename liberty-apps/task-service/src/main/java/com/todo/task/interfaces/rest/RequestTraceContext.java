package com.todo.task.interfaces.rest;

import com.todo.events.CloudEvent;
import com.todo.task.application.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The {@code traceparent} header of the current HTTP request, if it is a valid W3C one of version
 * 00; anything else (absent, malformed, another version) is no trace context, never an error.
 */
@ApplicationScoped
public class RequestTraceContext implements TraceContext {

  @Inject HttpServletRequest request;

  @Override
  public Optional<String> traceParent() {
    try {
      String header = request.getHeader("traceparent");
      return CloudEvent.isTraceParent(header) ? Optional.of(header) : Optional.empty();
    } catch (ContextNotActiveException e) {
      return Optional.empty(); // not in a request
    }
  }
}
