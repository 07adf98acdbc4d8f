package com.todo.task.interfaces.sidecar;

import com.todo.dapr.SidecarOnly;
import com.todo.task.infrastructure.outbox.OutboxJobs;
import com.todo.task.infrastructure.outbox.OutboxRelay;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.logging.Logger;

/**
 * {@code POST /job/<name>}: the Dapr scheduler runs a job. Answers at once and works in the
 * background, so a slow drain never makes the scheduler apply its failure policy.
 */
@Path("/job")
@RequestScoped
@SidecarOnly
public class JobCallbacks {

  private static final Logger LOG = Logger.getLogger(JobCallbacks.class.getName());

  @Inject OutboxRelay relay;

  @POST
  @Path("{name}")
  @Consumes(MediaType.WILDCARD)
  public Response run(@PathParam("name") String name) {
    switch (name) {
      case OutboxJobs.DRAIN:
        relay.drainInBackground();
        return Response.ok().build();
      case OutboxJobs.PRUNE:
        relay.pruneInBackground();
        return Response.ok().build();
      default:
        // 404 counts as done for the scheduler: a job of an older version is not retried forever
        LOG.warning("job " + name + " is not a job of task-service");
        return Response.status(Response.Status.NOT_FOUND).build();
    }
  }
}
