package com.todo.task.interfaces.rest;

import static com.todo.events.Jsonp.JSON;

import com.todo.task.domain.FieldError;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An {@code application/problem+json} answer (RFC 9457). */
public final class Problem {

  public static final String MEDIA_TYPE = "application/problem+json";
  static final String TYPE_PREFIX = "urn:todo:problem:";

  private Problem() {}

  /**
   * @param type short name appended to {@value #TYPE_PREFIX}, or null for {@code about:blank}
   */
  public static Response.ResponseBuilder of(int status, String type, String title, String detail) {
    return of(status, type, title, detail, List.of());
  }

  public static Response.ResponseBuilder of(
      int status, String type, String title, String detail, List<FieldError> errors) {
    JsonObjectBuilder body =
        JSON.createObjectBuilder()
            .add("type", type == null ? "about:blank" : TYPE_PREFIX + type)
            .add("title", title)
            .add("status", status);
    if (detail != null) body.add("detail", detail);
    if (!errors.isEmpty()) {
      JsonArrayBuilder list = JSON.createArrayBuilder();
      for (FieldError e : errors) {
        list.add(JSON.createObjectBuilder().add("field", e.field()).add("message", e.message()));
      }
      body.add("errors", list);
    }
    return Response.status(status).type(MEDIA_TYPE).entity(body.build().toString());
  }
}
