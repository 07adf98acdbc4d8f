package com.todo.task.infrastructure.outbox;

import com.todo.events.CloudEvent;
import com.todo.task.application.Outbox;
import com.todo.task.domain.TaskId;
import com.todo.task.infrastructure.persistence.DatabaseException;
import com.todo.task.infrastructure.persistence.JdbcTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code outbox} table. {@link #add} and {@link #history} run in the caller's transaction; the
 * relay's statements take the connection they are given.
 */
@ApplicationScoped
public class JdbcOutbox implements Outbox {

  /** An unpublished row: the event as stored, with what the relay needs to route it. */
  record Pending(long seq, String userId, String type, String json) {}

  @Override
  public void add(CloudEvent event) {
    String json = event.toJsonString();
    JdbcTransactions.defer(
        "WITH o AS (INSERT INTO outbox (event_id, aggregate_id, user_id, type, payload, created_at)"
            + " VALUES (?, ?, ?, ?, ?::json, ?) RETURNING seq)"
            + " INSERT INTO outbox_unpublished (seq) SELECT seq FROM o",
        p -> {
          p.setObject(1, UUID.fromString(event.id()));
          p.setObject(2, UUID.fromString(event.subject()));
          p.setString(3, event.userId());
          p.setString(4, event.type());
          p.setString(5, json);
          p.setObject(6, event.time().atOffset(ZoneOffset.UTC));
        });
  }

  @Override
  public List<CloudEvent> history(String userId, TaskId taskId) {
    try (PreparedStatement s =
        JdbcTransactions.current()
            .prepareStatement(
                "SELECT payload FROM outbox WHERE aggregate_id = ? AND user_id = ? ORDER BY seq")) {
      s.setObject(1, taskId.value());
      s.setString(2, userId);
      List<CloudEvent> events = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) events.add(CloudEvent.fromJson(rs.getString(1)));
      }
      return events;
    } catch (SQLException e) {
      throw new DatabaseException("history of task " + taskId + " could not be read", e);
    }
  }

  /**
   * The oldest unpublished rows of every user, in commit order per user (a user's rows get their
   * {@code seq} under that user's write lock, so seq order is their commit order).
   */
  List<Pending> pending(Connection c, int max) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT o.seq, o.user_id, o.type, o.payload FROM outbox_unpublished u"
                + " JOIN outbox o ON o.seq = u.seq ORDER BY u.seq LIMIT ?")) {
      s.setInt(1, max);
      List<Pending> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
      return rows;
    }
  }

  void markPublished(Connection c, List<Long> seqs) throws SQLException {
    if (seqs.isEmpty()) return;
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM outbox_unpublished WHERE seq = ANY (?)")) {
      s.setArray(1, c.createArrayOf("int8", seqs.toArray()));
      s.executeUpdate();
    }
  }

  void markFailed(Connection c, List<Long> seqs, String error) throws SQLException {
    if (seqs.isEmpty()) return;
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE outbox_unpublished SET attempts = attempts + 1, last_error = ? WHERE seq = ANY (?)")) {
      s.setString(1, error == null ? "" : error.substring(0, Math.min(error.length(), 2000)));
      s.setArray(2, c.createArrayOf("int8", seqs.toArray()));
      s.executeUpdate();
    }
  }

  /**
   * Deletes published rows committed before {@code rowsBefore} (an unpublished row stays however
   * old it is) and Idempotency-Keys older than {@code keysBefore}.
   */
  int[] prune(Connection c, Instant rowsBefore, Instant keysBefore) throws SQLException {
    int rows;
    int keys;
    try (PreparedStatement s =
        c.prepareStatement(
            "DELETE FROM outbox o WHERE o.created_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM outbox_unpublished u WHERE u.seq = o.seq)")) {
      s.setObject(1, rowsBefore.atOffset(ZoneOffset.UTC));
      rows = s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?")) {
      s.setObject(1, keysBefore.atOffset(ZoneOffset.UTC));
      keys = s.executeUpdate();
    }
    return new int[] {rows, keys};
  }
}
