package com.todo.task.infrastructure.outbox;

import com.todo.dapr.DaprSidecar;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The two recurring Dapr jobs of the outbox: {@code outbox-drain} publishes rows that wait (the
 * sidecar or broker was down after their commit), {@code outbox-prune} deletes old published rows.
 * The scheduler calls {@code POST /job/<name>} on this app.
 */
@ApplicationScoped
public class OutboxJobs {

  private static final Logger LOG = Logger.getLogger(OutboxJobs.class.getName());
  public static final String DRAIN = "outbox-drain";
  public static final String PRUNE = "outbox-prune";

  @Inject DaprSidecar sidecar;

  @Inject
  @ConfigProperty(name = "outbox.drain.schedule", defaultValue = "@every 10s")
  String drainSchedule;

  @Inject
  @ConfigProperty(name = "outbox.prune.schedule", defaultValue = "@every 24h")
  String pruneSchedule;

  /** Schedules (or replaces: overwrite) both jobs; throws while the sidecar is not reachable. */
  public void schedule() {
    sidecar.scheduleJob(DRAIN, null, drainSchedule, null);
    sidecar.scheduleJob(PRUNE, null, pruneSchedule, null);
    LOG.info(
        "scheduled job "
            + DRAIN
            + " ("
            + drainSchedule
            + ") and "
            + PRUNE
            + " ("
            + pruneSchedule
            + ")");
  }
}
