package com.todo.task.interfaces.rest;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import com.todo.task.application.Outcome;
import com.todo.task.application.TaskNotFoundException;
import com.todo.task.application.TaskService;
import com.todo.task.domain.StorableText;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.TaskJson;
import com.todo.task.domain.TaskPage;
import com.todo.task.domain.ValidationException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The task API of docs/api.md. Every call acts for the token's subject and sees only their tasks.
 */
@Path("/api/v1/tasks")
@RequestScoped
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks")
@SecurityRequirement(name = "jwt")
public class TasksResource {

  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final int IDEMPOTENCY_KEY_MAX = 255;

  @Inject TaskService service;
  @Inject CurrentUser user;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Create a task; with Idempotency-Key a repeat returns the original (200)")
  public Response create(
      InputStream body,
      @HeaderParam("Content-Length") String contentLength,
      @Parameter(description = "repeat-safe creation: the same key returns the first task")
          @HeaderParam(IDEMPOTENCY_KEY)
          String idempotencyKey) {
    String userId = user.id();
    if (idempotencyKey != null
        && (idempotencyKey.isBlank() || idempotencyKey.length() > IDEMPOTENCY_KEY_MAX)) {
      throw new ValidationException(
          IDEMPOTENCY_KEY, "must be 1 to " + IDEMPOTENCY_KEY_MAX + " characters");
    }
    StorableText.problem(idempotencyKey)
        .ifPresent(
            p -> {
              throw new ValidationException(IDEMPOTENCY_KEY, p);
            });
    Outcome outcome = service.create(userId, JsonBodies.read(body, contentLength), idempotencyKey);
    Task task = outcome.task();
    return Response.status(outcome.changed() ? Response.Status.CREATED : Response.Status.OK)
        .location(UriBuilder.fromPath("/api/v1/tasks/{id}").build(task.id().toString()))
        .tag(ETags.of(task.version()))
        .entity(TaskJson.of(task).toString())
        .build();
  }

  @GET
  @Operation(summary = "Search, filter, sort and page the caller's tasks")
  public Response search(
      @Parameter(description = "words in title or description") @QueryParam("q") String q,
      @QueryParam("status") List<String> status,
      @QueryParam("priority") List<String> priority,
      @Parameter(description = "repeatable; all must match") @QueryParam("tag") List<String> tag,
      @Parameter(description = "dueAt before this instant (exclusive)") @QueryParam("dueBefore")
          String dueBefore,
      @Parameter(description = "dueAt at or after this instant") @QueryParam("dueAfter")
          String dueAfter,
      @Parameter(
              description =
                  "comma list of dueAt, priority, title, createdAt; - prefix for descending")
          @QueryParam("sort")
          String sort,
      @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor) {
    String userId = user.id();
    TaskPage page =
        service.search(
            userId,
            SearchParameters.parse(
                q, status, priority, tag, dueBefore, dueAfter, sort, limit, cursor));
    JsonArrayBuilder items = JSON.createArrayBuilder();
    page.items().forEach(t -> items.add(TaskJson.of(t)));
    JsonObjectBuilder body = JSON.createObjectBuilder().add("items", items);
    if (page.nextCursor() == null) body.addNull("nextCursor");
    else body.add("nextCursor", page.nextCursor());
    return Response.ok(body.build().toString()).build();
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One task")
  public Response get(@PathParam("id") String id) {
    return ok(service.get(user.id(), taskId(id)));
  }

  @PATCH
  @Path("{id}")
  @Consumes({MERGE_PATCH, MediaType.APPLICATION_JSON})
  @Operation(
      summary = "Change a task with a JSON Merge Patch (RFC 7396); If-Match checked when sent")
  public Response update(
      @PathParam("id") String id,
      @HeaderParam("If-Match") String ifMatch,
      @HeaderParam("Content-Length") String contentLength,
      InputStream body) {
    String userId = user.id();
    TaskId taskId = taskId(id);
    return ok(
        service
            .update(userId, taskId, JsonBodies.read(body, contentLength), ETags.ifMatch(ifMatch))
            .task());
  }

  @DELETE
  @Path("{id}")
  @Operation(summary = "Delete a task")
  public Response delete(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
    service.delete(user.id(), taskId(id), ETags.ifMatch(ifMatch));
    return Response.noContent().build();
  }

  @POST
  @Path("{id}/complete")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Mark complete (idempotent)")
  public Response complete(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
    return ok(service.complete(user.id(), taskId(id), ETags.ifMatch(ifMatch)).task());
  }

  @POST
  @Path("{id}/reopen")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Mark open again (idempotent)")
  public Response reopen(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
    return ok(service.reopen(user.id(), taskId(id), ETags.ifMatch(ifMatch)).task());
  }

  @GET
  @Path("{id}/history")
  @Operation(summary = "The task's events (CloudEvents), oldest first")
  public Response history(@PathParam("id") String id) {
    List<CloudEvent> events = service.history(user.id(), taskId(id));
    JsonArrayBuilder items = JSON.createArrayBuilder();
    events.forEach(e -> items.add(e.toJson()));
    return Response.ok(JSON.createObjectBuilder().add("items", items).build().toString()).build();
  }

  private static Response ok(Task task) {
    return Response.ok(TaskJson.of(task).toString()).tag(ETags.of(task.version())).build();
  }

  /** An id that is no UUID names no task: 404 like any unknown id. */
  private static TaskId taskId(String id) {
    return TaskId.parse(id).orElseThrow(() -> new TaskNotFoundException(id));
  }
}
