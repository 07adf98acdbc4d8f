package com.todo.notification.interfaces.sidecar;

import com.todo.dapr.JobCallback;
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
import java.util.Optional;

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

  @Inject ReminderService reminders;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  public Response run(@PathParam("name") String name, String body) {
    String job = "reminder-" + name;
    Optional<JsonObject> data = JobCallback.data(job, body);
    if (data.isEmpty()) return JobCallback.done();
    if (data.get().getBoolean("check", false)) {
      return JobCallback.data(job, body, "userId")
          .map(d -> JobCallback.run(job, () -> reminders.checkDeliveries(d.getString("userId"))))
          .orElseGet(JobCallback::done);
    }
    return JobCallback.data(job, body, "taskId", "reminderId", "fireAt")
        .map(d -> JobCallback.run(job, () -> reminders.fire(d)))
        .orElseGet(JobCallback::done);
  }
}
