package com.todo.task.interfaces.sidecar;

import com.todo.dapr.SidecarOnly;
import com.todo.task.application.Outcome;
import com.todo.task.application.TaskService;
import com.todo.task.domain.FieldError;
import com.todo.task.domain.StorableText;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskJson;
import com.todo.task.domain.TaskValidator;
import com.todo.task.domain.ValidationException;
import com.todo.task.interfaces.rest.ETags;
import com.todo.task.interfaces.rest.JsonBodies;
import com.todo.task.interfaces.rest.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /internal/series/{seriesId}/occurrences/{occurrence}}: recurring-service, through
 * Dapr service invocation, asks for the next task of a series. Created once (201); asking again
 * returns that task (200). Body: the task fields of the occurrence plus {@code userId}, the owner
 * of the series.
 */
@Path("/internal/series/{seriesId}/occurrences/{occurrence}")
@RequestScoped
@SidecarOnly
@Produces(MediaType.APPLICATION_JSON)
public class OccurrencesEndpoint {

  static final String CALLER_HEADER = "dapr-caller-app-id";
  static final int SERIES_ID_MAX = 200;

  @Inject TaskService service;

  @Inject
  @ConfigProperty(
      name = "task-service.occurrences.caller-app-id",
      defaultValue = "recurring-service")
  String allowedCaller;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(
      @PathParam("seriesId") String seriesId,
      @PathParam("occurrence") String occurrenceText,
      @HeaderParam(CALLER_HEADER) String caller,
      @HeaderParam("Content-Length") String contentLength,
      InputStream body) {
    if (!allowedCaller.equals(caller)) {
      return Problem.of(
              403,
              "forbidden",
              "Forbidden",
              "only " + allowedCaller + " may create occurrences (caller: " + caller + ")")
          .build();
    }
    List<FieldError> errors = new ArrayList<>();
    if (seriesId.isBlank() || seriesId.length() > SERIES_ID_MAX) {
      errors.add(new FieldError("seriesId", "must be 1 to " + SERIES_ID_MAX + " characters"));
    }
    StorableText.problem(seriesId).ifPresent(p -> errors.add(new FieldError("seriesId", p)));
    int occurrence = parseOccurrence(occurrenceText, errors);
    JsonValue value = JsonBodies.read(body, contentLength);
    if (!(value instanceof JsonObject json))
      throw new ValidationException("body", "must be a JSON object");
    String userId = userId(json, errors);
    if (errors.isEmpty()) {
      checkEcho(json, "seriesId", JsonValue.ValueType.STRING, seriesId, errors);
      checkEcho(
          json, "occurrence", JsonValue.ValueType.NUMBER, Integer.toString(occurrence), errors);
    }
    if (!errors.isEmpty()) throw new ValidationException(errors);

    Outcome outcome = service.createOccurrence(seriesId, occurrence, userId, json);
    Task task = outcome.task();
    return Response.status(outcome.changed() ? Response.Status.CREATED : Response.Status.OK)
        .location(UriBuilder.fromPath("/api/v1/tasks/{id}").build(task.id().toString()))
        .tag(ETags.of(task.version()))
        .entity(TaskJson.eventData(task).build().toString())
        .build();
  }

  private static int parseOccurrence(String text, List<FieldError> errors) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 1) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError("occurrence", "must be a whole number from 1"));
    return 1;
  }

  private static String userId(JsonObject json, List<FieldError> errors) {
    JsonValue v = json.get("userId");
    if (v instanceof JsonString s && !s.getString().isBlank()) {
      Optional<String> unstorable = StorableText.problem(s.getString());
      if (unstorable.isEmpty()) return s.getString();
      errors.add(new FieldError("userId", unstorable.get()));
      return null;
    }
    errors.add(new FieldError("userId", "required: the owner of the series"));
    return null;
  }

  /** The body may repeat seriesId and occurrence; if it does, they must match the path. */
  private static void checkEcho(
      JsonObject json,
      String name,
      JsonValue.ValueType type,
      String expected,
      List<FieldError> errors) {
    JsonValue v = json.get(name);
    if (v == null || v.getValueType() == JsonValue.ValueType.NULL) return;
    String actual =
        v instanceof JsonString s
            ? s.getString()
            : type == JsonValue.ValueType.NUMBER
                ? TaskValidator.integer(v).map(String::valueOf).orElse(v.toString())
                : v.toString();
    if (v.getValueType() != type || !actual.equals(expected)) {
      errors.add(new FieldError(name, "differs from the path (" + expected + ")"));
    }
  }
}
