package com.todo.dapr;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The callback of the retry jobs of parked events ({@code POST /job/parked-<hash>}). A 404 would
 * count as done and drop the job, so only a job that names no queue is answered 2xx without work; a
 * failure is a 5xx, which the job's failure policy retries.
 */
@Path("/job/parked-{hash: [0-9a-f]+}")
@SidecarOnly
@RequestScoped
public class ParkedRetryJobs {

  @Inject ParkedRetries retries;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response run(@PathParam("hash") String hash, String body) {
    String job = "parked-" + hash;
    return JobCallback.data(job, body, "route", "user")
        .map(data -> JobCallback.run(job, () -> retries.retry(data)))
        .orElseGet(JobCallback::done);
  }
}
