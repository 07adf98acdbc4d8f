package com.todo.task.infrastructure.persistence;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Optional;
import java.util.Set;

/**
 * PostgreSQL refused a statement or could not be reached; nothing of the transaction was committed.
 * {@link #kind()} says whose fault it is, from the SQLSTATE: only an unreachable, overloaded or
 * timed-out database is worth a retry, a refused value or a constraint is the request's.
 */
public class DatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What happened, as the client needs to know it. */
  public enum Kind {
    /** Connection failure, timeout, shutdown, overload, deadlock: the same request may succeed. */
    UNAVAILABLE,
    /** A value of the request the database cannot store or compare (SQLSTATE class 22, 23xxx). */
    REFUSED_VALUE,
    /** The request collides with a stored row (unique or exclusion constraint). */
    CONFLICT,
    /** Anything else: a bug in a statement or the schema, not worth a retry. */
    FAULT
  }

  /** SQLSTATEs outside the "unavailable" classes that still go away by themselves. */
  private static final Set<String> TRANSIENT_STATES =
      Set.of(
          "57014", // query_canceled: statement_timeout
          "57P01", // admin_shutdown
          "57P02", // crash_shutdown
          "57P03", // cannot_connect_now (starting up, recovering)
          "55P03"); // lock_not_available: lock_timeout

  private final Kind kind;
  private final String sqlState;
  private final String requestPart;

  /**
   * @param requestPart the part of the request a refused value came from ({@code body}, {@code
   *     query}, ...), named in the answer
   */
  public DatabaseException(String message, Throwable cause, String requestPart) {
    this(message, cause, requestPart, null);
  }

  public DatabaseException(String message, Throwable cause) {
    this(message, cause, "request");
  }

  private DatabaseException(String message, Throwable cause, String requestPart, Kind forced) {
    super(message, cause);
    this.sqlState = sqlState(cause).orElse(null);
    this.kind = forced != null ? forced : classify(cause);
    this.requestPart = requestPart;
  }

  /** No connection could be had: whatever the driver or the pool reports, the database is away. */
  public static DatabaseException unreachable(String message, Throwable cause) {
    return new DatabaseException(message, cause, "request", Kind.UNAVAILABLE);
  }

  public Kind kind() {
    return kind;
  }

  /** The SQLSTATE PostgreSQL or the driver reported, if any. */
  public Optional<String> sqlState() {
    return Optional.ofNullable(sqlState);
  }

  public String requestPart() {
    return requestPart;
  }

  /** The kind of a failure, from the first SQLSTATE in its causes (or the exception's type). */
  public static Kind classify(Throwable failure) {
    Optional<String> state = sqlState(failure);
    if (state.isPresent()) return classify(state.get());
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException)
        return Kind.UNAVAILABLE;
      if (t instanceof java.sql.SQLNonTransientConnectionException) return Kind.UNAVAILABLE;
    }
    return Kind.FAULT;
  }

  /** The kind of a SQLSTATE (PostgreSQL's Appendix A, "PostgreSQL Error Codes"). */
  public static Kind classify(String sqlState) {
    if (sqlState == null || sqlState.length() != 5) return Kind.FAULT;
    if (TRANSIENT_STATES.contains(sqlState)) return Kind.UNAVAILABLE;
    if (sqlState.equals("23505") || sqlState.equals("23P01")) return Kind.CONFLICT;
    return switch (sqlState.substring(0, 2)) {
      case "08", // connection exception
          "40", // transaction rollback: serialization failure, deadlock
          "53", // insufficient resources: too many connections, disk full, out of memory
          "58" -> // system error: I/O outside PostgreSQL
          Kind.UNAVAILABLE;
      case "22", // data exception: NUL, invalid encoding, out of range
          "23" -> // integrity constraint violation (not null, check, foreign key)
          Kind.REFUSED_VALUE;
      default -> Kind.FAULT;
    };
  }

  private static Optional<String> sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException e = sql; e != null; e = e.getNextException()) {
          if (e.getSQLState() != null && !e.getSQLState().isBlank())
            return Optional.of(e.getSQLState());
        }
      }
    }
    return Optional.empty();
  }
}
