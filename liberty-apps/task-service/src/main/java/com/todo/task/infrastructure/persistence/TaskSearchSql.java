package com.todo.task.infrastructure.persistence;

import com.todo.task.domain.Cursor;
import com.todo.task.domain.Priority;
import com.todo.task.domain.SortKey;
import com.todo.task.domain.Status;
import com.todo.task.domain.TaskQuery;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of a {@link TaskQuery}: filters, ORDER BY the sort keys then id, and keyset pagination
 * after the cursor. The id tie-breaker runs in the direction of the last key. dueAt sorts with
 * NULLs last in both directions, and the keyset condition treats NULL the same way, so a page
 * boundary inside the tasks without a due date neither skips nor repeats one.
 *
 * @param parameters JDBC parameters in order: String, Integer, OffsetDateTime, java.util.UUID, or
 *     String[] (bound as text[])
 */
public record TaskSearchSql(String sql, List<Object> parameters) {

  static final String COLUMNS =
      "id, user_id, title, description, status, priority, tags, due_at, time_zone, reminders,"
          + " recurrence, series_id, occurrence, version, created_at, updated_at, completed_at";

  public static TaskSearchSql of(String userId, TaskQuery query) {
    StringBuilder sql =
        new StringBuilder("SELECT ").append(COLUMNS).append(" FROM tasks WHERE user_id = ?");
    List<Object> p = new ArrayList<>();
    p.add(userId);
    if (query.text() != null && !query.text().isBlank()) {
      sql.append(" AND search @@ websearch_to_tsquery('simple', ?)");
      p.add(query.text());
    }
    if (!query.statuses().isEmpty()) {
      sql.append(" AND status IN (").append(placeholders(query.statuses().size())).append(')');
      query.statuses().stream().map(Status::json).sorted().forEach(p::add);
    }
    if (!query.priorities().isEmpty()) {
      sql.append(" AND priority IN (").append(placeholders(query.priorities().size())).append(')');
      query.priorities().stream().map(Priority::rank).sorted().forEach(p::add);
    }
    if (!query.tags().isEmpty()) {
      sql.append(" AND tags @> ?");
      p.add(query.tags().stream().sorted().toArray(String[]::new));
    }
    if (query.dueAfter() != null) {
      sql.append(" AND due_at >= ?");
      p.add(timestamp(query.dueAfter()));
    }
    if (query.dueBefore() != null) {
      sql.append(" AND due_at < ?");
      p.add(timestamp(query.dueBefore()));
    }
    List<SortKey> sort = query.sort();
    boolean idDescending = sort.get(sort.size() - 1).descending();
    if (query.after() != null) {
      sql.append(" AND (").append(keyset(sort, query.after(), idDescending, p)).append(')');
    }
    sql.append(" ORDER BY ");
    for (SortKey k : sort) {
      sql.append(column(k.field())).append(k.descending() ? " DESC" : " ASC");
      if (k.field() == SortKey.Field.DUE_AT) sql.append(" NULLS LAST");
      sql.append(", ");
    }
    sql.append("id").append(idDescending ? " DESC" : " ASC");
    sql.append(" LIMIT ?");
    p.add(query.limit() + 1);
    return new TaskSearchSql(sql.toString(), List.copyOf(p));
  }

  /**
   * Rows after the cursor: (k1 after v1) OR (k1 = v1 AND k2 after v2) OR ... OR (all equal AND id
   * after the last id).
   */
  private static String keyset(
      List<SortKey> sort, Cursor after, boolean idDescending, List<Object> p) {
    List<String> alternatives = new ArrayList<>();
    for (int i = 0; i <= sort.size(); i++) {
      List<String> terms = new ArrayList<>();
      List<Object> params = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        terms.add(equal(sort.get(j), after.values().get(j), params));
      }
      String beyond =
          i < sort.size()
              ? beyond(sort.get(i), after.values().get(i), params)
              : (idDescending ? "id < ?" : "id > ?");
      if (i == sort.size()) params.add(after.lastId().value());
      if (beyond == null) continue; // nothing sorts after a NULL dueAt on that key
      terms.add(beyond);
      alternatives.add("(" + String.join(" AND ", terms) + ")");
      p.addAll(params);
    }
    return String.join(" OR ", alternatives);
  }

  private static String equal(SortKey key, Object value, List<Object> params) {
    String column = column(key.field());
    if (value == null) return column + " IS NULL";
    params.add(parameter(value));
    return column + " = ?";
  }

  /** The condition "sorts after {@code value} on this key", or null when nothing can. */
  private static String beyond(SortKey key, Object value, List<Object> params) {
    String column = column(key.field());
    String op = key.descending() ? " < ?" : " > ?";
    if (key.field() == SortKey.Field.DUE_AT) {
      if (value == null) return null; // NULLs come last in both directions
      params.add(parameter(value));
      return "(" + column + op + " OR " + column + " IS NULL)";
    }
    params.add(parameter(value));
    return column + op;
  }

  static String column(SortKey.Field field) {
    return switch (field) {
      case DUE_AT -> "due_at";
      case PRIORITY -> "priority";
      case TITLE -> "title";
      case CREATED_AT -> "created_at";
    };
  }

  private static Object parameter(Object value) {
    return value instanceof Instant i ? timestamp(i) : value;
  }

  static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static String placeholders(int n) {
    return java.util.stream.Stream.generate(() -> "?").limit(n).collect(Collectors.joining(", "));
  }
}
