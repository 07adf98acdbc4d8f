package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.logging.Logger;

/**
 * The callback of the retry jobs of parked events ({@code POST /job/parked-<hash>}). A 404 would
 * count as done and drop the job, so only a job that names no queue is answered 2xx without work; a
 * failure is a 5xx, which the job's failure policy retries.
 */
@Path("/job/parked-{hash: [0-9a-f]+}")
@SidecarOnly
@RequestScoped
public class ParkedRetryJobs {

  private static final Logger LOG = Logger.getLogger(ParkedRetryJobs.class.getName());

  @Inject ParkedRetries retries;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response run(@PathParam("hash") String hash, String body) {
    JsonObject job;
    try {
      job = JSON.createReader(new StringReader(body)).readObject();
      job.getString("route");
      job.getString("user");
    } catch (RuntimeException e) {
      LOG.severe(() -> "a parked-events job without its queue in its data: " + body);
      return Response.noContent().build();
    }
    try {
      retries.retry(job);
      return Response.noContent().build();
    } catch (RuntimeException e) {
      LOG.warning(() -> "retry of parked events " + job + " failed, the job retries it: " + e);
      return Response.serverError().build();
    }
  }
}
