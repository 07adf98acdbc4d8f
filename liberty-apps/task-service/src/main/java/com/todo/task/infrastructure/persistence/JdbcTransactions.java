package com.todo.task.infrastructure.persistence;

import com.todo.task.application.Transactions;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@link Transactions} on JDBC: the connection of the running transaction is bound to the thread,
 * and the repositories take it from {@link #current()}.
 */
@ApplicationScoped
public class JdbcTransactions implements Transactions {

  /** Namespace (first key) of the advisory lock that serialises one user's writes. */
  static final int USER_WRITE_LOCK = 1;

  private static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();

  @Resource(lookup = "jdbc/tasks")
  DataSource dataSource;

  /** The connection of the transaction running on this thread. */
  public static Connection current() {
    Connection c = CURRENT.get();
    if (c == null) throw new IllegalStateException("no transaction on this thread");
    return c;
  }

  @Override
  public <T> T write(String userId, Supplier<T> work) {
    return run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            s.setInt(1, USER_WRITE_LOCK);
            s.setString(2, userId);
            s.execute();
          }
        },
        work);
  }

  @Override
  public <T> T read(Supplier<T> work) {
    return run(c -> c.setReadOnly(true), work);
  }

  private interface Start {
    void on(Connection c) throws SQLException;
  }

  private <T> T run(Start start, Supplier<T> work) {
    if (CURRENT.get() != null) throw new IllegalStateException("transactions do not nest");
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw DatabaseException.unreachable("no connection to the database: " + e.getMessage(), e);
    }
    try (Connection c = connection) {
      c.setAutoCommit(false);
      CURRENT.set(c);
      try {
        start.on(c);
        T result = work.get();
        c.commit();
        return result;
      } catch (RuntimeException | SQLException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        CURRENT.remove();
        reset(c);
      }
    } catch (SQLException e) {
      throw new DatabaseException("database transaction failed: " + e.getMessage(), e);
    }
  }

  /**
   * Back to the pool's defaults; a broken connection is discarded by the pool anyway. Only read
   * transactions touch the read-only flag: when a connection property was set, Liberty restores all
   * of them as the connection goes back to the pool, the schema too ({@code SET SESSION
   * search_path}, one more round trip to PostgreSQL after every write).
   */
  private static void reset(Connection c) {
    try {
      if (c.isReadOnly()) c.setReadOnly(false);
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // nothing to keep: the next user of the connection gets an error of its own
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
