package com.todo.notification.interfaces.rest;

import static com.todo.events.Jsonp.JSON;

import com.todo.notification.application.ReminderService;
import com.todo.notification.application.ReminderService.View;
import com.todo.notification.domain.ReminderStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The reminder actions of docs/api.md: the caller's reminders and their status, and snooze. Every
 * call acts for the token's subject; another user's reminder answers 404.
 */
@Path("/api/v1/reminders")
@RequestScoped
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "reminders")
@SecurityRequirement(name = "jwt")
public class RemindersResource {

  static final String PROBLEM = "application/problem+json";
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;

  /** Snooze bounds: at least a minute, at most a week. */
  static final Duration SNOOZE_MIN = Duration.ofMinutes(1);

  static final Duration SNOOZE_MAX = Duration.ofDays(7);

  @Inject ReminderService reminders;
  @Inject JsonWebToken jwt;

  @GET
  @Operation(summary = "The caller's reminders by instant, optionally of one status, cursor-paged")
  public Response list(
      @QueryParam("status") String status,
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor) {
    ReminderStatus wanted = null;
    if (status != null && !status.isEmpty()) {
      try {
        wanted = ReminderStatus.fromWire(status);
      } catch (IllegalArgumentException e) {
        return invalid(
            "status", "one of scheduled, triggered, delivered, failed, cancelled, snoozed");
      }
    }
    int size = DEFAULT_LIMIT;
    if (limit != null) {
      try {
        size = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 1 || size > MAX_LIMIT)
        return invalid("limit", "an integer from 1 to " + MAX_LIMIT);
    }
    String after = null;
    if (cursor != null && !cursor.isEmpty()) {
      after = decodeCursor(cursor);
      if (after == null) return invalid("cursor", "not a cursor of this list");
    }
    List<View> all = reminders.list(user(), wanted);
    int from = 0;
    if (after != null) {
      while (from < all.size() && sortKey(all.get(from)).compareTo(after) <= 0) from++;
    }
    List<View> page = all.subList(from, Math.min(all.size(), from + size));
    JsonArrayBuilder items = JSON.createArrayBuilder();
    page.forEach(v -> items.add(json(v)));
    JsonObjectBuilder body = JSON.createObjectBuilder().add("items", items);
    if (from + size < all.size())
      body.add("nextCursor", encodeCursor(sortKey(page.get(page.size() - 1))));
    else body.addNull("nextCursor");
    return Response.ok(body.build().toString()).build();
  }

  @POST
  @Path("{id}/snooze")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Fire the reminder again after a duration ({\"for\": \"PT10M\"})")
  public Response snooze(@PathParam("id") String id, byte[] body) {
    // bytes, not a String: the container would decode with the charset the client names
    Duration delay;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body == null ? new byte[0] : body))
              .toString();
      if (nesting(text) > MAX_NESTING) {
        return problem(400, "malformed-json", "The body is nested too deeply", null);
      }
      JsonObject o = JSON.createReader(new StringReader(text)).readObject();
      if (!(o.get("for") instanceof JsonString s)) {
        return invalid("for", "an ISO-8601 duration is required");
      }
      delay = Duration.parse(s.getString());
    } catch (DateTimeParseException | ArithmeticException e) {
      return invalid("for", "not an ISO-8601 duration (e.g. PT10M)");
    } catch (CharacterCodingException e) {
      return problem(400, "malformed-json", "The body is not UTF-8", null);
    } catch (RuntimeException e) {
      return problem(400, "malformed-json", "The body is not a JSON object", null);
    }
    if (delay.compareTo(SNOOZE_MIN) < 0 || delay.compareTo(SNOOZE_MAX) > 0) {
      return invalid("for", "from PT1M to P7D");
    }
    Optional<View> snoozed;
    try {
      snoozed = reminders.snooze(user(), id, delay);
    } catch (IllegalStateException e) {
      return problem(409, "reminder-closed", "The reminder cannot be snoozed", e.getMessage());
    }
    if (snoozed.isEmpty()) return problem(404, "not-found", "No such reminder", "reminder " + id);
    return Response.ok(json(snoozed.get()).toString()).build();
  }

  /** Deeper JSON is refused before parsing: the parser recurses once per level. */
  static final int MAX_NESTING = 32;

  /** How deeply the JSON text nests arrays and objects (brackets outside strings). */
  static int nesting(String json) {
    int depth = 0;
    int max = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        max = Math.max(max, ++depth);
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return max;
  }

  private String user() {
    String subject = jwt == null ? null : jwt.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new NotAuthorizedException("a bearer token (JWT) is required", "Bearer");
    }
    return subject;
  }

  static JsonObject json(View v) {
    var r = v.reminder();
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("id", r.id())
            .add("taskId", v.task().taskId())
            .add("title", v.task().title())
            .add("fireAt", r.fireAt().toString())
            .add("status", r.status().wire());
    if (v.task().dueAt() != null) b.add("dueAt", v.task().dueAt().toString());
    if (r.reason() != null) b.add("reason", r.reason());
    if (r.firedAt() != null) b.add("firedAt", r.firedAt().toString());
    if (r.deliveredAt() != null) b.add("deliveredAt", r.deliveredAt().toString());
    return b.build();
  }

  /** Orders like the list: the instant (fixed width), then the id. */
  private static String sortKey(View v) {
    return String.format("%020d", v.reminder().fireAt().toEpochMilli()) + "|" + v.reminder().id();
  }

  private static String encodeCursor(String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    try {
      String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return key.matches("[0-9]{20}\\|[0-9a-zA-Z-]+") ? key : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Response invalid(String field, String message) {
    return Response.status(400)
        .type(PROBLEM)
        .entity(
            JSON.createObjectBuilder()
                .add("type", "urn:todo:problem:validation")
                .add("title", "The request is not valid")
                .add("status", 400)
                .add("detail", field + ": " + message)
                .add(
                    "errors",
                    JSON.createArrayBuilder()
                        .add(
                            JSON.createObjectBuilder().add("field", field).add("message", message)))
                .build()
                .toString())
        .build();
  }

  static Response problem(int status, String type, String title, String detail) {
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("type", "urn:todo:problem:" + type)
            .add("title", title)
            .add("status", status);
    if (detail != null) b.add("detail", detail);
    return Response.status(status).type(PROBLEM).entity(b.build().toString()).build();
  }
}
