package com.todo.task.infrastructure;

import com.todo.task.infrastructure.outbox.OutboxJobs;
import com.todo.task.infrastructure.persistence.SchemaMigrations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * At start: migrate the schema (at once when PostgreSQL answers, else in the background until it
 * does; readiness stays down meanwhile), then schedule the outbox jobs in the background until the
 * sidecar answers. Neither blocks the start of the server.
 */
@ApplicationScoped
public class ApplicationStartup {

  private static final Logger LOG = Logger.getLogger(ApplicationStartup.class.getName());

  @Inject SchemaMigrations migrations;
  @Inject OutboxJobs jobs;
  @Inject RetryInBackground retry;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    try {
      migrations.migrate();
    } catch (RuntimeException e) {
      LOG.warning(
          "schema migration failed at start, retrying in the background: " + e.getMessage());
      retry.untilDone("schema migration", migrations::migrate);
    }
    retry.untilDone("scheduling of the outbox jobs", jobs::schedule);
  }
}
