package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.logging.Logger;

/**
 * The default route of every subscription: types a service does not need (newer versions
 * included) are acknowledged and ignored, so producers can roll forward first.
 */
@Path("/events/unhandled")
@SidecarOnly
@Consumes({"application/cloudevents+json", MediaType.APPLICATION_JSON})
@Produces(MediaType.APPLICATION_JSON)
public class UnhandledEvents {

  private static final Logger LOG = Logger.getLogger(UnhandledEvents.class.getName());

  @POST
  public Response ignore(String body) {
    LOG.fine(() -> "ignored an event this service does not handle (" + body.length() + " bytes)");
    JsonObject json;
    try {
      json = JSON.createReader(new StringReader(body)).readObject();
    } catch (RuntimeException notAnObject) {
      return SubscriberReply.success();
    }
    if (!InboundEvents.isBulk(json)) return SubscriberReply.success();
    return SubscriberReply.perEntry(json.getJsonArray("entries"), i -> "SUCCESS");
  }
}
