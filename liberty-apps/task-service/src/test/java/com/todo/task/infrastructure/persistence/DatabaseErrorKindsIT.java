package com.todo.task.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.task.domain.Priority;
import com.todo.task.domain.Recurrence;
import com.todo.task.domain.SortKey;
import com.todo.task.domain.Status;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskFields;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.TaskQuery;
import com.todo.task.infrastructure.persistence.DatabaseException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Each class of database error, forced on a real PostgreSQL through the service's own statements
 * (validation bypassed), gets the kind DatabaseExceptionMapper answers by: a refused value and a
 * violated constraint are the request's (4xx); a lost connection, a timeout and an unreachable
 * server are the only 503s.
 */
class DatabaseErrorKindsIT {

  static final String USER = "db-errors";
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  static PostgresSchema schema;
  static JdbcTransactions tx;
  static final JdbcTaskRepository TASKS = new JdbcTaskRepository();

  @BeforeAll
  static void migrated() {
    schema = PostgresSchema.migrated();
    tx = schema.transactions();
  }

  @AfterAll
  static void dropped() {
    if (schema != null) schema.close();
  }

  static Task task(String title, Recurrence recurrence, long version) {
    return new Task(
        TaskId.random(),
        USER,
        new TaskFields(
            title, null, Priority.NONE, List.of(), null, ZoneId.of("UTC"), List.of(), recurrence),
        Status.OPEN,
        null,
        null,
        version,
        NOW,
        NOW,
        null);
  }

  static DatabaseException failure(Executable work) {
    return assertThrows(DatabaseException.class, work);
  }

  static void write(Runnable work) {
    tx.write(
        USER,
        () -> {
          work.run();
          return null;
        });
  }

  static <T> T read(Supplier<T> work) {
    return tx.read(work);
  }

  @Test
  void nulInTextIsARefusedValueOfTheBody() {
    DatabaseException e = failure(() -> write(() -> TASKS.insert(task("a\u0000b", null, 1))));
    assertEquals(Kind.REFUSED_VALUE, e.kind(), e.toString());
    assertEquals("22021", e.sqlState().orElseThrow(), "invalid byte sequence for UTF8: 0x00");
    assertEquals("body", e.requestPart());
  }

  @Test
  void nulInJsonbIsARefusedValueToo() {
    Recurrence rule = new Recurrence("FREQ=DAILY\u0000", Recurrence.Basis.DUE);
    DatabaseException e = failure(() -> write(() -> TASKS.insert(task("t", rule, 1))));
    assertEquals(Kind.REFUSED_VALUE, e.kind(), e.toString());
    assertTrue(e.sqlState().orElseThrow().startsWith("22"), e.sqlState().orElseThrow());
  }

  @Test
  void nulInTheSearchTextIsARefusedValueOfTheQuery() {
    TaskQuery query =
        new TaskQuery(
            "milk\u0000",
            Set.of(),
            Set.of(),
            Set.of(),
            null,
            null,
            SortKey.DEFAULT,
            TaskQuery.DEFAULT_LIMIT,
            null);
    DatabaseException e = failure(() -> read(() -> TASKS.search(USER, query)));
    assertEquals(Kind.REFUSED_VALUE, e.kind(), e.toString());
    assertEquals("query", e.requestPart());
  }

  @Test
  void aViolatedCheckIsARefusedValueAndADuplicateAConflict() {
    Task t = task("half a series", null, 1);
    // a series id without its occurrence breaks CHECK ((series_id IS NULL) = (occurrence IS NULL))
    Task halfASeries =
        new Task(t.id(), USER, t.fields(), t.status(), "series-1", null, 1, NOW, NOW, null);
    DatabaseException check = failure(() -> write(() -> TASKS.insert(halfASeries)));
    assertEquals("23514", check.sqlState().orElseThrow());
    assertEquals(Kind.REFUSED_VALUE, check.kind());

    Task once = task("twice", null, 1);
    write(() -> TASKS.insert(once));
    DatabaseException duplicate = failure(() -> write(() -> TASKS.insert(once)));
    assertEquals("23505", duplicate.sqlState().orElseThrow());
    assertEquals(Kind.CONFLICT, duplicate.kind());
  }

  @Test
  void aStatementTimeoutIsUnavailable() throws SQLException {
    Task locked = task("locked", null, 1);
    write(() -> TASKS.insert(locked));
    try (Connection other = schema.dataSource().getConnection()) {
      other.setAutoCommit(false);
      try (PreparedStatement s =
          other.prepareStatement("SELECT id FROM tasks WHERE id = ? FOR UPDATE")) {
        s.setObject(1, locked.id().value());
        s.executeQuery().close();
      }
      DatabaseException e =
          failure(
              () ->
                  write(
                      () -> {
                        execute("SET LOCAL statement_timeout = '200ms'");
                        TASKS.findForUpdate(USER, locked.id());
                      }));
      assertEquals("57014", e.sqlState().orElseThrow(), "query_canceled by statement_timeout");
      assertEquals(Kind.UNAVAILABLE, e.kind());
      other.rollback();
    }
  }

  @Test
  void aConnectionLostMidTransactionIsUnavailable() throws SQLException {
    try (Connection admin = schema.dataSource().getConnection()) {
      DatabaseException e =
          failure(
              () ->
                  read(
                      () -> {
                        int pid = backendPid();
                        try (PreparedStatement s =
                            admin.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
                          s.setInt(1, pid);
                          s.execute();
                        } catch (SQLException ex) {
                          throw new IllegalStateException("could not terminate backend " + pid, ex);
                        }
                        return TASKS.find(USER, TaskId.random());
                      }));
      assertEquals(Kind.UNAVAILABLE, e.kind(), e + ", SQLSTATE " + e.sqlState());
    }
  }

  @Test
  void anUnreachableServerIsUnavailable() {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setServerNames(new String[] {"127.0.0.1"});
    nowhere.setPortNumbers(new int[] {1}); // nothing listens on port 1
    nowhere.setDatabaseName("todo");
    nowhere.setConnectTimeout(2);
    JdbcTransactions unreachable = new JdbcTransactions();
    unreachable.dataSource = nowhere;
    DatabaseException e = failure(() -> unreachable.read(() -> TASKS.find(USER, TaskId.random())));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.sqlState().orElse("").startsWith("08"), "connection exception: " + e.sqlState());
  }

  private static void execute(String sql) {
    try (Statement s = JdbcTransactions.current().createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static int backendPid() {
    try (Statement s = JdbcTransactions.current().createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException("pg_backend_pid", e);
    }
  }
}
