package com.todo.dapr;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The sidecar's HTTP API as a MicroProfile REST Client. Public only because the REST client proxy
 * needs it: services use {@link DaprSidecar}, which adds timeouts, retries and the mapping of
 * Dapr's status codes.
 */
@RegisterRestClient(configKey = "dapr")
@RegisterProvider(DaprApiTokenFilter.class)
@Path("/")
public interface DaprHttpApi {

  @POST
  @Path("/v1.0/publish/{pubsub}/{topic}")
  @Consumes("application/cloudevents+json")
  Response publish(
      @PathParam("pubsub") String pubsub,
      @PathParam("topic") String topic,
      @QueryParam("metadata.partitionKey") String partitionKey,
      String cloudEvent);

  /** Alpha in Dapr 1.18; Kafka sends the entries of one call in order. */
  @POST
  @Path("/v1.0-alpha1/publish/bulk/{pubsub}/{topic}")
  @Consumes(MediaType.APPLICATION_JSON)
  Response publishBulk(
      @PathParam("pubsub") String pubsub, @PathParam("topic") String topic, String entries);

  @GET
  @Path("/v1.0/state/{store}/{key}")
  Response getState(@PathParam("store") String store, @PathParam("key") String key);

  @POST
  @Path("/v1.0/state/{store}/bulk")
  @Consumes(MediaType.APPLICATION_JSON)
  Response getBulkState(@PathParam("store") String store, String keys);

  @POST
  @Path("/v1.0/state/{store}")
  @Consumes(MediaType.APPLICATION_JSON)
  Response saveState(@PathParam("store") String store, String items);

  @POST
  @Path("/v1.0/state/{store}/transaction")
  @Consumes(MediaType.APPLICATION_JSON)
  Response stateTransaction(@PathParam("store") String store, String operations);

  @DELETE
  @Path("/v1.0/state/{store}/{key}")
  Response deleteState(
      @PathParam("store") String store,
      @PathParam("key") String key,
      @HeaderParam("If-Match") String etag);

  @POST
  @Path("/v1.0/jobs/{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  Response scheduleJob(@PathParam("name") String name, String job);

  @GET
  @Path("/v1.0/jobs/{name}")
  Response getJob(@PathParam("name") String name);

  @DELETE
  @Path("/v1.0/jobs/{name}")
  Response deleteJob(@PathParam("name") String name);

  @POST
  @Path("/v1.0/invoke/{appId}/method/{method: .+}")
  @Consumes(MediaType.APPLICATION_JSON)
  Response invoke(
      @PathParam("appId") String appId,
      @PathParam("method") String method,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      String body);

  /** Ready when the sidecar's components are loaded; does not wait for the app (no cycle). */
  @GET
  @Path("/v1.0/healthz/outbound")
  Response outboundHealth();
}
