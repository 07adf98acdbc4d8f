package com.todo.task.infrastructure.persistence;

import com.todo.task.application.IdempotencyKeys;
import com.todo.task.domain.TaskId;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** {@link IdempotencyKeys} on the {@code idempotency_keys} table. */
@ApplicationScoped
public class JdbcIdempotencyKeys implements IdempotencyKeys {

  @Override
  public Optional<Earlier> claim(
      String userId, String key, TaskId taskId, String requestHash, Instant now) {
    Connection c = JdbcTransactions.current();
    try {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO idempotency_keys (user_id, key, task_id, request_hash, created_at)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING")) {
        s.setString(1, userId);
        s.setString(2, key);
        s.setObject(3, taskId.value());
        s.setString(4, requestHash);
        s.setObject(5, TaskSearchSql.timestamp(now));
        if (s.executeUpdate() == 1) return Optional.empty();
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT task_id, request_hash FROM idempotency_keys WHERE user_id = ? AND key = ?")) {
        s.setString(1, userId);
        s.setString(2, key);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) throw new IllegalStateException("idempotency key vanished: " + key);
          return Optional.of(new Earlier(new TaskId(rs.getObject(1, UUID.class)), rs.getString(2)));
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException(
          "Idempotency-Key " + key + " could not be recorded", e, "Idempotency-Key");
    }
  }
}
