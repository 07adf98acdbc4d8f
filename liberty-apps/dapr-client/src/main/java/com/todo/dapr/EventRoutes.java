package com.todo.dapr;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The routes of a service's declarative subscriptions (dapr-config/resources): {@code
 * /events/<topic>}, e.g. {@code /events/task-events}, which their CEL rule chooses for the types
 * the service handles and which takes bulk deliveries (entries in topic order, so one user's events
 * stay in order) as well as single events; {@code /events/unhandled}, the default route of every
 * subscription, where other types are acknowledged and ignored and a handled type in an unknown
 * major version is dropped to the dead-letter topic; and {@code /events/<type without
 * "com.todo.">}, e.g. {@code /events/task.created.v1}, for one event of that type. The consumer
 * rules are {@link InboundEvents}'s; the service's reaction is its {@link EventHandler}.
 */
@Path("/events")
@SidecarOnly
@RequestScoped
@Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
@Produces(MediaType.APPLICATION_JSON)
public class EventRoutes {

  @Inject InboundEvents inbound;

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(EventRoutes.class.getName());

  /**
   * Unsatisfied in a service that subscribes to nothing (task-service), and in one whose handler
   * could not be loaded (a broken build): events delivered to it are answered 503, never 404, which
   * the sidecar takes for a final answer and drops the events (seen: a WAR with a stale dapr-client
   * jar lost every delivery). With 503 it delivers them again once the service is fixed.
   */
  @Inject Instance<EventHandler> handler;

  @POST
  @Path("{route: [a-z]+-events|unhandled|[a-z-]+\\.[a-z-]+\\.v[0-9]+}")
  public Response receive(@PathParam("route") String route, String body) {
    if (!handler.isResolvable()) {
      LOG.severe(
          () ->
              "events delivered on /events/"
                  + route
                  + " but this service has no event handler: answered 503, they come again");
      return Response.status(Response.Status.SERVICE_UNAVAILABLE).build();
    }
    String answer = inbound.receive("/events/" + route, body, handler.get());
    return Response.ok(answer, MediaType.APPLICATION_JSON).build();
  }
}
