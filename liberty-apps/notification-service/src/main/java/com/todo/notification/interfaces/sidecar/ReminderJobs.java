package com.todo.notification.interfaces.sidecar;

import static com.todo.events.Jsonp.JSON;

import com.todo.dapr.SidecarOnly;
import com.todo.notification.application.ReminderService;
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
 * The callbacks of the reminder jobs: {@code POST /job/reminder-<id>} when a reminder is due,
 * {@code /job/reminder-check-<user hash>-<minute>} when the delivery window of a user's firings of
 * one minute ends. A 404 counts as done for Dapr and drops the job, so a failure worth retrying
 * answers 5xx (the job's failure policy retries it).
 */
@Path("/job/reminder-{name: [0-9a-z-]+}")
@SidecarOnly
@RequestScoped
public class ReminderJobs {

  private static final Logger LOG = Logger.getLogger(ReminderJobs.class.getName());

  @Inject ReminderService reminders;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response run(@PathParam("name") String name, String body) {
    JsonObject job;
    try {
      job = JSON.createReader(new StringReader(body)).readObject();
      if (job.getBoolean("check", false)) return check(name, job.getString("userId"));
      job.getString("taskId");
      job.getString("reminderId");
      job.getString("fireAt");
    } catch (RuntimeException e) {
      LOG.severe(() -> "job reminder-" + name + " carries no reminder: " + body);
      return Response.noContent().build();
    }
    try {
      reminders.fire(job);
      return Response.noContent().build();
    } catch (RuntimeException e) {
      LOG.warning(() -> "job reminder-" + name + " failed, its failure policy retries it: " + e);
      return Response.serverError().build();
    }
  }

  private Response check(String name, String user) {
    try {
      reminders.checkDeliveries(user);
      return Response.noContent().build();
    } catch (RuntimeException e) {
      LOG.warning(() -> "job reminder-" + name + " failed, its failure policy retries it: " + e);
      return Response.serverError().build();
    }
  }
}
