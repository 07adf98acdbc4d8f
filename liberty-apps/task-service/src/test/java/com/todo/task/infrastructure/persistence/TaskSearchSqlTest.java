package com.todo.task.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.task.domain.Cursor;
import com.todo.task.domain.Priority;
import com.todo.task.domain.SortKey;
import com.todo.task.domain.Status;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.TaskQuery;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskSearchSqlTest {

  static final UUID LAST = UUID.fromString("6f1c1b5e-5b7e-4c59-9d38-0d1c8f0c0a01");

  static TaskQuery query(String sort, Cursor after) {
    return new TaskQuery(null, Set.of(), Set.of(), Set.of(), null, null, SortKey.parse(sort), 10, after);
  }

  @Test
  void onlyTheUsersTasksByDefaultCreationOrder() {
    TaskSearchSql sql = TaskSearchSql.of("alice", query(null, null));
    assertTrue(sql.sql().endsWith("FROM tasks WHERE user_id = ? ORDER BY created_at ASC, id ASC LIMIT ?"), sql.sql());
    assertEquals(List.of("alice", 11), sql.parameters(), "one row more than the limit");
  }

  @Test
  void filtersCombine() {
    TaskQuery q =
        new TaskQuery(
            "milk eggs",
            Set.of(Status.OPEN),
            Set.of(Priority.HIGH, Priority.LOW),
            Set.of("b", "a"),
            Instant.parse("2030-01-01T00:00:00Z"),
            Instant.parse("2030-02-01T00:00:00Z"),
            SortKey.DEFAULT,
            50,
            null);
    TaskSearchSql sql = TaskSearchSql.of("alice", q);
    assertTrue(
        sql.sql()
            .contains(
                "WHERE user_id = ? AND search @@ websearch_to_tsquery('simple', ?) AND status IN (?)"
                    + " AND priority IN (?, ?) AND tags @> ? AND due_at >= ? AND due_at < ? ORDER BY"),
        sql.sql());
    List<Object> p = sql.parameters();
    assertEquals(List.of("alice", "milk eggs", "open", 1, 3), p.subList(0, 5));
    assertArrayEquals(new String[] {"a", "b"}, (String[]) p.get(5));
    assertEquals(OffsetDateTime.parse("2030-01-01T00:00Z"), p.get(6));
    assertEquals(OffsetDateTime.parse("2030-02-01T00:00Z"), p.get(7));
  }

  @Test
  void keysetAfterACursorWithMixedDirections() {
    Cursor after = new Cursor("-priority,title", List.of(2, "Walk"), new TaskId(LAST));
    TaskSearchSql sql = TaskSearchSql.of("alice", query("-priority,title", after));
    assertTrue(
        sql.sql()
            .contains(
                "AND ((priority < ?) OR (priority = ? AND title > ?) OR (priority = ? AND title = ? AND id > ?))"
                    + " ORDER BY priority DESC, title ASC, id ASC"),
        sql.sql());
    assertEquals(List.of("alice", 2, 2, "Walk", 2, "Walk", LAST, 11), sql.parameters());
  }

  @Test
  void theTieBreakerFollowsTheLastKey() {
    Cursor after = new Cursor("-createdAt", List.of(Instant.parse("2030-01-01T00:00:00Z")), new TaskId(LAST));
    TaskSearchSql sql = TaskSearchSql.of("alice", query("-createdAt", after));
    assertTrue(
        sql.sql().contains("AND ((created_at < ?) OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC"),
        sql.sql());
  }

  @Test
  void dueDatesSortNullsLastAndPageThroughThem() {
    Instant due = Instant.parse("2030-01-01T00:00:00Z");
    TaskSearchSql withDue =
        TaskSearchSql.of("alice", query("dueAt", new Cursor("dueAt", List.of(due), new TaskId(LAST))));
    assertTrue(
        withDue.sql()
            .contains("AND (((due_at > ? OR due_at IS NULL)) OR (due_at = ? AND id > ?)) ORDER BY due_at ASC NULLS LAST, id ASC"),
        withDue.sql());

    TaskSearchSql descending =
        TaskSearchSql.of("alice", query("-dueAt", new Cursor("-dueAt", List.of(due), new TaskId(LAST))));
    assertTrue(descending.sql().contains("((due_at < ? OR due_at IS NULL)) OR (due_at = ? AND id < ?)"), descending.sql());
    assertTrue(descending.sql().contains("ORDER BY due_at DESC NULLS LAST, id DESC"), descending.sql());

    TaskSearchSql inNulls =
        TaskSearchSql.of(
            "alice", query("dueAt,title", new Cursor("dueAt,title", Arrays.asList(null, "Walk"), new TaskId(LAST))));
    assertTrue(
        inNulls.sql().contains("AND ((due_at IS NULL AND title > ?) OR (due_at IS NULL AND title = ? AND id > ?))"),
        inNulls.sql());
    assertEquals(List.of("alice", "Walk", "Walk", LAST, 11), inNulls.parameters());
  }
}
