package com.todo.task.infrastructure.persistence;

import com.todo.task.application.Transactions;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@link Transactions} on JDBC: the transaction of the running thread is bound to it, and the
 * repositories reach it through {@link #current()} and {@link #defer}.
 *
 * <p>Writes whose only result is "it worked" (the user's lock, inserts, the outbox row) are
 * <em>deferred</em>: they are sent together, as one multi-statement {@link PreparedStatement}, with
 * the transaction's next round trip. A statement that needs its result ({@link #current()}) first
 * sends what is deferred, so statements always run in the order they were issued. A transaction
 * that never needed a result (a plain create: lock, task, outbox row) costs one round trip: its
 * statements go in one flight without an explicit {@code BEGIN}, and PostgreSQL runs everything
 * up to the flight's Sync message as one implicit transaction, committed at the Sync or rolled
 * back entirely when any statement fails (protocol "Extended Query": Sync closes the current
 * transaction when no {@code BEGIN} block is open). Otherwise the transaction is an ordinary
 * {@code BEGIN} ... {@code COMMIT}.
 */
@ApplicationScoped
public class JdbcTransactions implements Transactions {

  /** Namespace (first key) of the advisory lock that serialises one user's writes. */
  static final int USER_WRITE_LOCK = 1;

  private static final ThreadLocal<Tx> CURRENT = new ThreadLocal<>();

  @Resource(lookup = "jdbc/tasks")
  DataSource dataSource;

  /** Binds a deferred statement's parameters. */
  @FunctionalInterface
  public interface Binder {
    void bind(Parameters p) throws SQLException;
  }

  /**
   * The connection of the transaction running on this thread, with every deferred statement sent
   * and an explicit transaction open: for statements whose results the caller reads.
   */
  public static Connection current() {
    Tx tx = tx();
    try {
      tx.begin();
    } catch (SQLException e) {
      throw new DatabaseException("database transaction failed: " + e.getMessage(), e);
    }
    return tx.connection;
  }

  /**
   * Runs {@code sql} with the transaction's next round trip (at the latest, its commit); a failure
   * fails the transaction then. For writes whose result (a row count, generated values) nobody
   * reads.
   */
  public static void defer(String sql, Binder binder) {
    tx().deferred.add(new Deferred(sql, binder));
  }

  private static Tx tx() {
    Tx tx = CURRENT.get();
    if (tx == null) throw new IllegalStateException("no transaction on this thread");
    return tx;
  }

  @Override
  public <T> T write(String userId, Supplier<T> work) {
    return run(
        false,
        () ->
            defer(
                "SELECT pg_advisory_xact_lock(?, hashtext(?))",
                p -> {
                  p.setInt(1, USER_WRITE_LOCK);
                  p.setString(2, userId);
                }),
        work);
  }

  @Override
  public <T> T read(Supplier<T> work) {
    return run(true, () -> {}, work);
  }

  private <T> T run(boolean readOnly, Runnable start, Supplier<T> work) {
    if (CURRENT.get() != null) throw new IllegalStateException("transactions do not nest");
    try (Connection c = dataSource.getConnection()) {
      Tx tx = new Tx(c);
      CURRENT.set(tx);
      try {
        if (readOnly) c.setReadOnly(true);
        start.run();
        T result = work.get();
        tx.commit();
        return result;
      } catch (RuntimeException | SQLException e) {
        if (tx.begun) rollbackQuietly(c, e);
        throw e;
      } finally {
        CURRENT.remove();
        reset(c, tx.begun);
      }
    } catch (SQLException e) {
      throw new DatabaseException("database transaction failed: " + e.getMessage(), e);
    }
  }

  /**
   * Back to the pool's defaults; a broken connection is discarded by the pool anyway. Only what was
   * changed is reset: when a connection property was set, Liberty restores all of them as the
   * connection goes back to the pool, the schema too ({@code SET SESSION search_path}, one more
   * round trip to PostgreSQL).
   */
  private static void reset(Connection c, boolean begun) {
    try {
      if (c.isReadOnly()) c.setReadOnly(false);
      if (begun) c.setAutoCommit(true);
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

  private record Deferred(String sql, Binder binder) {}

  /** One transaction: its connection, the statements not sent yet, and whether BEGIN was sent. */
  private static final class Tx {
    final Connection connection;
    final List<Deferred> deferred = new ArrayList<>(4);
    boolean begun;

    Tx(Connection connection) {
      this.connection = connection;
    }

    /** Opens the explicit transaction (the driver sends BEGIN with the next statement). */
    void begin() throws SQLException {
      if (!begun) {
        connection.setAutoCommit(false);
        begun = true;
      }
      send();
    }

    void commit() throws SQLException {
      send();
      if (begun) connection.commit();
    }

    /** All deferred statements in one flight; outside BEGIN they commit together at its end. */
    private void send() throws SQLException {
      if (deferred.isEmpty()) return;
      StringBuilder sql = new StringBuilder();
      for (Deferred d : deferred) {
        if (!sql.isEmpty()) sql.append("; ");
        sql.append(d.sql());
      }
      try (PreparedStatement s = connection.prepareStatement(sql.toString())) {
        Parameters p = new Parameters(connection, s);
        for (Deferred d : deferred) {
          d.binder().bind(p);
          p.next(d.sql());
        }
        s.execute();
      } finally {
        deferred.clear();
      }
    }
  }

  /**
   * The parameters of one deferred statement inside the combined statement: numbered from 1 for
   * each statement, as if it ran alone.
   */
  public static final class Parameters {
    private final Connection connection;
    private final PreparedStatement statement;
    private int offset;

    Parameters(Connection connection, PreparedStatement statement) {
      this.connection = connection;
      this.statement = statement;
    }

    /** Moves past the parameters of {@code sql}, the statement just bound. */
    void next(String sql) {
      offset += placeholders(sql);
    }

    public void setString(int i, String value) throws SQLException {
      statement.setString(offset + i, value);
    }

    public void setInt(int i, int value) throws SQLException {
      statement.setInt(offset + i, value);
    }

    public void setLong(int i, long value) throws SQLException {
      statement.setLong(offset + i, value);
    }

    public void setObject(int i, Object value) throws SQLException {
      statement.setObject(offset + i, value);
    }

    public void setNull(int i, int sqlType) throws SQLException {
      statement.setNull(offset + i, sqlType);
    }

    public void setTextArray(int i, List<String> values) throws SQLException {
      statement.setArray(offset + i, connection.createArrayOf("text", values.toArray()));
    }
  }

  /** The {@code ?} placeholders of a statement whose text has no {@code ?} in literals or comments. */
  static int placeholders(String sql) {
    int n = 0;
    for (int i = 0; i < sql.length(); i++) if (sql.charAt(i) == '?') n++;
    return n;
  }
}
