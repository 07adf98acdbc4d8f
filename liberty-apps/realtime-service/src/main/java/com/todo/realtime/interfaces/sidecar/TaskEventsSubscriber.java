package com.todo.realtime.interfaces.sidecar;

import com.todo.dapr.InboundEvents;
import com.todo.dapr.InboundEvents.Outcome;
import com.todo.dapr.SidecarOnly;
import com.todo.events.CloudEvent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The routes that the declarative subscription in dapr-config/resources chooses by CEL on the
 * event type. The consumer rules (schema, redelivery, SUCCESS/RETRY/DROP) are {@link
 * InboundEvents}'s; this service's reaction to each event is {@link #handle}.
 */
@Path("/events")
@SidecarOnly
@RequestScoped
@Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
@Produces(MediaType.APPLICATION_JSON)
public class TaskEventsSubscriber {

  @Inject InboundEvents inbound;

  @POST
  @Path("task.created.v1")
  public Response taskCreated(String body) {
    return inbound.receive("/events/task.created.v1", body, this::handle);
  }

  @POST
  @Path("task.updated.v1")
  public Response taskUpdated(String body) {
    return inbound.receive("/events/task.updated.v1", body, this::handle);
  }

  @POST
  @Path("task.completed.v1")
  public Response taskCompleted(String body) {
    return inbound.receive("/events/task.completed.v1", body, this::handle);
  }

  @POST
  @Path("task.reopened.v1")
  public Response taskReopened(String body) {
    return inbound.receive("/events/task.reopened.v1", body, this::handle);
  }

  @POST
  @Path("task.deleted.v1")
  public Response taskDeleted(String body) {
    return inbound.receive("/events/task.deleted.v1", body, this::handle);
  }

  Outcome handle(CloudEvent event) {
    // The service's domain reaction is not built yet; the event is recorded in the inbox.
    return Outcome.HANDLED;
  }
}
