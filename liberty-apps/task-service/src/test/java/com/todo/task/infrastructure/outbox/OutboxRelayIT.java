package com.todo.task.infrastructure.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.todo.dapr.DaprSidecar;
import com.todo.dapr.SidecarException;
import com.todo.events.CloudEvent;
import com.todo.events.Topic;
import com.todo.task.domain.Priority;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskEvents;
import com.todo.task.domain.TaskFields;
import com.todo.task.domain.TaskId;
import com.todo.task.infrastructure.persistence.PostgresSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The relay on the real outbox table (PostgreSQL), with a sidecar that fails as told: an event
 * published again after a failure is the stored event, same id included, so consumers can tell
 * the copy from a new change.
 */
class OutboxRelayIT {

  /** A sidecar whose every bulk publish answers as the next script step says, and is recorded. */
  static final class ScriptedSidecar extends DaprSidecar {
    final List<Function<List<BulkEntry>, Set<String>>> script = new ArrayList<>();
    final List<List<CloudEvent>> attempts = new ArrayList<>();

    @Override
    public Set<String> publishBulk(Topic topic, List<BulkEntry> entries) {
      attempts.add(entries.stream().map(e -> CloudEvent.fromJson(e.cloudEventJson())).toList());
      return script.remove(0).apply(entries);
    }
  }

  @Test
  void aRepublishedEventKeepsItsId() throws SQLException {
    try (PostgresSchema schema = PostgresSchema.migrated()) {
      Instant t0 = Instant.parse("2030-01-01T10:00:00Z");
      TaskFields fields = new TaskFields("Pay rent", null, Priority.HIGH, List.of(), null, ZoneId.of("UTC"), List.of(), null);
      Task task = Task.create(TaskId.random(), "alice", fields, t0);
      Task renamed = task.withFields(new TaskFields("Pay the rent", null, Priority.HIGH, List.of(), null, ZoneId.of("UTC"), List.of(), null), t0.plusSeconds(5));
      List<CloudEvent> stored = List.of(TaskEvents.created(task), TaskEvents.updated(renamed, List.of("title")));
      JdbcOutbox outbox = new JdbcOutbox();
      schema.transactions().write("alice", () -> {
        stored.forEach(outbox::add);
        return null;
      });

      ScriptedSidecar sidecar = new ScriptedSidecar();
      sidecar.script.add(entries -> {
        throw new SidecarException("sidecar unreachable (scripted)");
      });
      sidecar.script.add(entries -> Set.of(entries.get(0).entryId())); // the broker refused the first
      sidecar.script.add(entries -> Set.of());
      OutboxRelay relay = relay(schema, outbox, sidecar);

      assertEquals(OutboxRelay.Turn.UNAVAILABLE, relay.pump(), "the sidecar is unreachable");
      assertEquals(OutboxRelay.Turn.UNAVAILABLE, relay.pump(), "the broker refused the created event");
      assertEquals(OutboxRelay.Turn.DONE, relay.pump());
      assertEquals(OutboxRelay.Turn.DONE, relay.pump(), "nothing is left to publish");

      assertEquals(3, sidecar.attempts.size(), "published three times, then nothing was left");
      for (List<CloudEvent> attempt : sidecar.attempts) {
        assertEquals(stored, attempt, "every attempt publishes the stored events, ids included, in commit order");
      }
      assertEquals(0, unpublished(schema), "both rows are marked published");
    }
  }

  private static OutboxRelay relay(PostgresSchema schema, JdbcOutbox outbox, DaprSidecar sidecar) {
    OutboxRelay relay = new OutboxRelay();
    relay.dataSource = schema.dataSource();
    relay.outbox = outbox;
    relay.sidecar = sidecar;
    relay.lockWait = "5s";
    return relay;
  }

  private static int unpublished(PostgresSchema schema) throws SQLException {
    try (Connection c = schema.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
