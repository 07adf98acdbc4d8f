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
    try (PreparedStatement s =
        JdbcTransactions.current()
            .prepareStatement(
                "INSERT INTO outbox (event_id, aggregate_id, user_id, type, payload, created_at)"
                    + " VALUES (?, ?, ?, ?, ?::jsonb, ?)")) {
      s.setObject(1, UUID.fromString(event.id()));
      s.setObject(2, UUID.fromString(event.subject()));
      s.setString(3, event.userId());
      s.setString(4, event.type());
      s.setString(5, event.toJsonString());
      s.setObject(6, event.time().atOffset(ZoneOffset.UTC));
      s.executeUpdate();
    } catch (SQLException e) {
      throw new DatabaseException("outbox write of event " + event.id() + " failed", e, "body");
    }
  }

  @Override
  public List<CloudEvent> history(String userId, TaskId taskId) {
    try (PreparedStatement s =
        JdbcTransactions.current()
            .prepareStatement(
                "SELECT payload::text FROM outbox WHERE aggregate_id = ? AND user_id = ? ORDER BY seq")) {
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
            "SELECT seq, user_id, type, payload::text FROM outbox WHERE published_at IS NULL"
                + " ORDER BY seq LIMIT ?")) {
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

  void markPublished(Connection c, List<Long> seqs, Instant at) throws SQLException {
    if (seqs.isEmpty()) return;
    try (PreparedStatement s =
        c.prepareStatement("UPDATE outbox SET published_at = ? WHERE seq = ANY (?)")) {
      s.setObject(1, at.atOffset(ZoneOffset.UTC));
      s.setArray(2, c.createArrayOf("int8", seqs.toArray()));
      s.executeUpdate();
    }
  }

  void markFailed(Connection c, List<Long> seqs, String error) throws SQLException {
    if (seqs.isEmpty()) return;
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ANY (?)")) {
      s.setString(1, error == null ? "" : error.substring(0, Math.min(error.length(), 2000)));
      s.setArray(2, c.createArrayOf("int8", seqs.toArray()));
      s.executeUpdate();
    }
  }

  /** Deletes published rows and Idempotency-Keys older than their retention. */
  int[] prune(Connection c, Instant publishedBefore, Instant keysBefore) throws SQLException {
    int rows;
    int keys;
    try (PreparedStatement s = c.prepareStatement("DELETE FROM outbox WHERE published_at < ?")) {
      s.setObject(1, publishedBefore.atOffset(ZoneOffset.UTC));
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
