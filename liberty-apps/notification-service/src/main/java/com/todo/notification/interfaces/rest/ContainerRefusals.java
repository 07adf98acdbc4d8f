package com.todo.notification.interfaces.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The container's own refusals (unknown path, 405, 415, 406, ...) as problem+json, keeping their
 * status and headers such as {@code Allow}.
 */
@Provider
public class ContainerRefusals implements ExceptionMapper<WebApplicationException> {
  @Override
  public Response toResponse(WebApplicationException e) {
    Response original = e.getResponse();
    Response.StatusType status = original.getStatusInfo();
    Response problem =
        RemindersResource.problem(
            status.getStatusCode(),
            "http-" + status.getStatusCode(),
            status.getReasonPhrase(),
            null);
    Response.ResponseBuilder b = Response.fromResponse(problem);
    original
        .getHeaders()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Content-Type")
                  && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> b.header(name, v));
              }
            });
    return b.build();
  }
}
