package com.todo.task.infrastructure.persistence;

import static com.todo.events.Jsonp.JSON;

import com.todo.task.domain.Priority;
import com.todo.task.domain.Recurrence;
import com.todo.task.domain.Reminder;
import com.todo.task.domain.Status;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskFields;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.TaskQuery;
import com.todo.task.domain.TaskRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link TaskRepository} on the {@code tasks} table, inside the caller's transaction. */
@ApplicationScoped
public class JdbcTaskRepository implements TaskRepository {

  private static final String SELECT = "SELECT " + TaskSearchSql.COLUMNS + " FROM tasks ";
  private static final String INSERT =
      "INSERT INTO tasks ("
          + TaskSearchSql.COLUMNS
          + ") VALUES"
          + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?)";

  @Override
  public Optional<Task> find(String userId, TaskId id) {
    return one(SELECT + "WHERE id = ? AND user_id = ?", id.value(), userId);
  }

  @Override
  public Optional<Task> findForUpdate(String userId, TaskId id) {
    return one(SELECT + "WHERE id = ? AND user_id = ? FOR UPDATE", id.value(), userId);
  }

  @Override
  public Optional<Task> findOccurrence(String seriesId, int occurrence) {
    return one(SELECT + "WHERE series_id = ? AND occurrence = ?", seriesId, occurrence);
  }

  @Override
  public void insert(Task task) {
    execute(INSERT, task);
  }

  @Override
  public boolean insertOccurrence(Task task) {
    return execute(
            INSERT + " ON CONFLICT (series_id, occurrence) WHERE series_id IS NOT NULL DO NOTHING",
            task)
        == 1;
  }

  @Override
  public void update(Task task) {
    Connection c = JdbcTransactions.current();
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE tasks SET title = ?, description = ?, status = ?, priority = ?, tags = ?,"
                + " due_at = ?, time_zone = ?, reminders = ?::jsonb, recurrence = ?::jsonb,"
                + " version = ?, updated_at = ?, completed_at = ? WHERE id = ? AND version = ?")) {
      TaskFields f = task.fields();
      s.setString(1, f.title());
      s.setString(2, f.description());
      s.setString(3, task.status().json());
      s.setInt(4, f.priority().rank());
      s.setArray(5, c.createArrayOf("text", f.tags().toArray()));
      s.setObject(6, timestamp(f.dueAt()));
      s.setString(7, f.timeZone().getId());
      s.setString(8, remindersJson(f.reminders()));
      s.setString(9, recurrenceJson(f.recurrence()));
      s.setLong(10, task.version());
      s.setObject(11, timestamp(task.updatedAt()));
      s.setObject(12, timestamp(task.completedAt()));
      s.setObject(13, task.id().value());
      s.setLong(14, task.version() - 1);
      if (s.executeUpdate() != 1) {
        // the caller holds the row lock, so this means a bug, not a race
        throw new IllegalStateException(
            "task " + task.id() + " is not at version " + (task.version() - 1));
      }
    } catch (SQLException e) {
      throw new DatabaseException("update of task " + task.id() + " failed", e, "body");
    }
  }

  @Override
  public void delete(TaskId id) {
    try (PreparedStatement s =
        JdbcTransactions.current().prepareStatement("DELETE FROM tasks WHERE id = ?")) {
      s.setObject(1, id.value());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new DatabaseException("delete of task " + id + " failed", e);
    }
  }

  @Override
  public List<Task> search(String userId, TaskQuery query) {
    TaskSearchSql search = TaskSearchSql.of(userId, query);
    Connection c = JdbcTransactions.current();
    try (PreparedStatement s = c.prepareStatement(search.sql())) {
      int i = 1;
      for (Object p : search.parameters()) {
        if (p instanceof String[] array) s.setArray(i++, c.createArrayOf("text", array));
        else s.setObject(i++, p);
      }
      try (ResultSet rs = s.executeQuery()) {
        List<Task> tasks = new ArrayList<>();
        while (rs.next()) tasks.add(task(rs));
        return tasks;
      }
    } catch (SQLException e) {
      throw new DatabaseException("search of tasks failed", e, "query");
    }
  }

  private Optional<Task> one(String sql, Object... parameters) {
    try (PreparedStatement s = JdbcTransactions.current().prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) s.setObject(i + 1, parameters[i]);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(task(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DatabaseException("read of a task failed", e);
    }
  }

  private int execute(String sql, Task task) {
    Connection c = JdbcTransactions.current();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      TaskFields f = task.fields();
      s.setObject(1, task.id().value());
      s.setString(2, task.userId());
      s.setString(3, f.title());
      s.setString(4, f.description());
      s.setString(5, task.status().json());
      s.setInt(6, f.priority().rank());
      s.setArray(7, c.createArrayOf("text", f.tags().toArray()));
      s.setObject(8, timestamp(f.dueAt()));
      s.setString(9, f.timeZone().getId());
      s.setString(10, remindersJson(f.reminders()));
      s.setString(11, recurrenceJson(f.recurrence()));
      s.setString(12, task.seriesId());
      if (task.occurrence() == null) s.setNull(13, java.sql.Types.INTEGER);
      else s.setInt(13, task.occurrence());
      s.setLong(14, task.version());
      s.setObject(15, timestamp(task.createdAt()));
      s.setObject(16, timestamp(task.updatedAt()));
      s.setObject(17, timestamp(task.completedAt()));
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new DatabaseException("insert of task " + task.id() + " failed", e, "body");
    }
  }

  static Task task(ResultSet rs) throws SQLException {
    Array tags = rs.getArray("tags");
    TaskFields fields =
        new TaskFields(
            rs.getString("title"),
            rs.getString("description"),
            Priority.ofRank(rs.getInt("priority")),
            tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()),
            instant(rs, "due_at"),
            ZoneId.of(rs.getString("time_zone")),
            reminders(rs.getString("reminders")),
            recurrence(rs.getString("recurrence")));
    int occurrence = rs.getInt("occurrence");
    Integer occurrenceOrNull = rs.wasNull() ? null : occurrence;
    return new Task(
        new TaskId(rs.getObject("id", UUID.class)),
        rs.getString("user_id"),
        fields,
        Status.of(rs.getString("status")).orElseThrow(),
        rs.getString("series_id"),
        occurrenceOrNull,
        rs.getLong("version"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        instant(rs, "completed_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : TaskSearchSql.timestamp(instant);
  }

  static String remindersJson(List<Reminder> reminders) {
    JsonArrayBuilder array = JSON.createArrayBuilder();
    for (Reminder r : reminders) {
      var o = JSON.createObjectBuilder().add("id", r.id());
      if (r.before() != null) o.add("before", r.before());
      else o.add("at", r.at().toString());
      array.add(o);
    }
    return array.build().toString();
  }

  static List<Reminder> reminders(String json) {
    List<Reminder> reminders = new ArrayList<>();
    for (JsonValue v : JSON.createReader(new StringReader(json)).readArray()) {
      JsonObject r = v.asJsonObject();
      reminders.add(
          r.containsKey("before")
              ? Reminder.before(r.getString("id"), r.getString("before"))
              : Reminder.at(r.getString("id"), Instant.parse(r.getString("at"))));
    }
    return reminders;
  }

  static String recurrenceJson(Recurrence recurrence) {
    if (recurrence == null) return null;
    return JSON.createObjectBuilder()
        .add("rule", recurrence.rule())
        .add("basis", recurrence.basis().json())
        .build()
        .toString();
  }

  static Recurrence recurrence(String json) {
    if (json == null) return null;
    JsonObject r = JSON.createReader(new StringReader(json)).readObject();
    return new Recurrence(
        r.getString("rule"), Recurrence.Basis.of(r.getString("basis")).orElseThrow());
  }
}
