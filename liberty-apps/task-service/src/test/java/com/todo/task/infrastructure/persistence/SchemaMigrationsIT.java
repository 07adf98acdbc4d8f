package com.todo.task.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.task.domain.Priority;
import com.todo.task.domain.Recurrence;
import com.todo.task.domain.Reminder;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskFields;
import com.todo.task.domain.TaskId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The migrations run against PostgreSQL, each in a schema of its own: applied once and in order,
 * all or nothing, once when replicas start together, and the schema they leave keeps what the
 * service relies on (round trip of every column, one occurrence per series, the checks).
 */
class SchemaMigrationsIT {

  static final Instant T0 = Instant.parse("2030-01-01T10:00:00.123456Z");

  private static final List<Integer> ALL =
      IntStream.rangeClosed(1, PostgresSchema.migrationFiles().size()).boxed().toList();

  @Test
  void aFreshSchemaGetsEveryMigrationOnceInOrder() throws SQLException {
    try (PostgresSchema schema = new PostgresSchema()) {
      SchemaMigrations migrations = schema.migrations();
      assertEquals(ALL, migrations.migrate(), "every migration, in order");
      assertTrue(migrations.isDone());
      assertEquals(List.of(), schema.migrations().migrate(), "a second start applies nothing");

      Map<Integer, String> recorded = new TreeMap<>();
      try (Connection c = schema.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT version, checksum FROM schema_migrations")) {
        while (rs.next()) recorded.put(rs.getInt(1), rs.getString(2));
      }
      Map<Integer, String> files = new TreeMap<>();
      PostgresSchema.migrationFiles().forEach(m -> files.put(m.version(), m.checksum()));
      assertEquals(
          files, recorded, "each applied version is recorded once with its file's checksum");
    }
  }

  @Test
  void replicasStartingTogetherMigrateOnce() throws Exception {
    try (PostgresSchema schema = new PostgresSchema()) {
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<List<Integer>>> replicas = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        SchemaMigrations replica = schema.migrations();
        replicas.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  return replica.migrate();
                }));
      }
      List<List<Integer>> applied = new ArrayList<>();
      for (var r : replicas) applied.add(r.get(60, TimeUnit.SECONDS));
      assertTrue(
          applied.contains(ALL) && applied.contains(List.of()),
          "one replica applies everything, the other nothing: " + applied);
    }
  }

  @Test
  void aFailingMigrationLeavesNothingBehind() {
    try (PostgresSchema schema = new PostgresSchema()) {
      // an object in the way of V1's last table: V1 fails after it created tasks
      schema.execute("CREATE TABLE outbox (in_the_way integer)");
      assertThrows(DatabaseException.class, () -> schema.migrations().migrate());
      assertEquals(
          List.of("outbox"),
          tables(schema),
          "neither tasks, idempotency_keys nor schema_migrations survive the failed migration");
    }
  }

  @Test
  void everyTaskColumnSurvivesTheRoundTrip() {
    try (PostgresSchema schema = PostgresSchema.migrated()) {
      JdbcTransactions tx = schema.transactions();
      JdbcTaskRepository tasks = new JdbcTaskRepository();
      TaskFields fields =
          new TaskFields(
              "Plan the week",
              "with \"quotes\", ünïcode and 'apostrophes'",
              Priority.HIGH,
              List.of("home", "work"),
              Instant.parse("2030-01-31T09:00:00.000001Z"),
              ZoneId.of("Europe/Berlin"),
              List.of(
                  Reminder.before(UUID.randomUUID().toString(), "PT15M"),
                  Reminder.at(UUID.randomUUID().toString(), Instant.parse("2030-01-30T08:00:00Z"))),
              new Recurrence("FREQ=WEEKLY;BYDAY=MO", Recurrence.Basis.DUE));
      Task task = Task.create(TaskId.random(), "alice", fields, T0).complete(T0.plusSeconds(60));
      tx.write(
          "alice",
          () -> {
            tasks.insert(task);
            return null;
          });
      assertEquals(task, tx.read(() -> tasks.find("alice", task.id())).orElseThrow());
      assertTrue(
          tx.read(() -> tasks.find("bob", task.id())).isEmpty(), "another user does not find it");
    }
  }

  @Test
  void anOccurrenceOfASeriesIsStoredOnce() {
    try (PostgresSchema schema = PostgresSchema.migrated()) {
      JdbcTransactions tx = schema.transactions();
      JdbcTaskRepository tasks = new JdbcTaskRepository();
      TaskFields fields =
          new TaskFields(
              "Weekly review",
              null,
              Priority.NONE,
              List.of(),
              null,
              ZoneId.of("UTC"),
              List.of(),
              null);
      Task first = Task.occurrence(TaskId.random(), "alice", fields, "series-1", 3, T0);
      Task again = Task.occurrence(TaskId.random(), "alice", fields, "series-1", 3, T0);
      Task next = Task.occurrence(TaskId.random(), "alice", fields, "series-1", 4, T0);
      assertTrue(tx.write("alice", () -> tasks.insertOccurrence(first)));
      assertFalse(
          tx.write("alice", () -> tasks.insertOccurrence(again)), "occurrence 3 exists already");
      assertTrue(tx.write("alice", () -> tasks.insertOccurrence(next)));
      assertEquals(
          first.id(), tx.read(() -> tasks.findOccurrence("series-1", 3)).orElseThrow().id());
    }
  }

  @Test
  void theChecksRefuseWhatNoTaskCanBe() {
    try (PostgresSchema schema = PostgresSchema.migrated()) {
      String row =
          "INSERT INTO tasks (id, user_id, title, status, priority, time_zone, series_id, occurrence,"
              + " version, created_at, updated_at) VALUES (gen_random_uuid(), 'alice', 't', %s, %s, 'UTC', %s, %s,"
              + " %s, now(), now())";
      schema.execute(String.format(row, "'open'", "0", "NULL", "NULL", "1")); // the valid baseline
      Map<String, String> invalid =
          Map.of(
              "an unknown status", String.format(row, "'done'", "0", "NULL", "NULL", "1"),
              "a priority rank above high", String.format(row, "'open'", "4", "NULL", "NULL", "1"),
              "a series without an occurrence",
                  String.format(row, "'open'", "0", "'s'", "NULL", "1"),
              "version 0", String.format(row, "'open'", "0", "NULL", "NULL", "0"));
      invalid.forEach(
          (what, sql) -> {
            IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> schema.execute(sql), what);
            assertEquals(
                "23514",
                ((SQLException) refused.getCause()).getSQLState(),
                what + ": " + refused.getMessage());
          });
    }
  }

  private static List<String> tables(PostgresSchema schema) {
    try (Connection c = schema.dataSource().getConnection();
        var s =
            c.prepareStatement(
                "SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY tablename")) {
      s.setString(1, schema.name());
      List<String> names = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) names.add(rs.getString(1));
      }
      return names;
    } catch (SQLException e) {
      throw new IllegalStateException("tables of schema " + schema.name(), e);
    }
  }
}
