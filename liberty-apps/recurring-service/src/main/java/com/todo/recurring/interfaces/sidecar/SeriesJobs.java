package com.todo.recurring.interfaces.sidecar;

import com.todo.dapr.JobCallback;
import com.todo.dapr.SidecarOnly;
import com.todo.recurring.application.SeriesService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Optional;

/**
 * The time triggers of series with basis {@code due}: {@code POST /job/series-<seriesId>-<n>} at
 * the due date of occurrence {@code n}, which is generated then unless the completion of the
 * occurrence before came first. A 404 counts as done for Dapr and drops the job, so a failure worth
 * retrying answers 5xx (the job's failure policy retries it).
 */
@Path("/job/series-{name: [0-9a-zA-Z-]+}")
@SidecarOnly
@RequestScoped
public class SeriesJobs {

  @Inject SeriesService series;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response run(@PathParam("name") String name, String body) {
    String job = "series-" + name;
    Optional<JsonObject> data = JobCallback.data(job, body, "seriesId", "occurrence", "dueAt");
    if (data.isEmpty()) return JobCallback.done();
    JsonObject d = data.get();
    int n;
    Instant due;
    try {
      n = Integer.parseInt(d.getString("occurrence"));
      due = Instant.parse(d.getString("dueAt"));
    } catch (RuntimeException e) {
      return JobCallback.done();
    }
    return JobCallback.run(job, () -> series.onTrigger(d.getString("seriesId"), n, due));
  }
}
