package com.todo.task.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.todo.task.infrastructure.persistence.DatabaseException.Kind;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseExceptionTest {

  /** The SQLSTATE → kind table; DatabaseErrorsIT forces each class on a real PostgreSQL. */
  @ParameterizedTest
  @CsvSource({
    "22021, REFUSED_VALUE", // invalid byte sequence (NUL)
    "22P05, REFUSED_VALUE", // untranslatable character (\u0000 in jsonb)
    "22003, REFUSED_VALUE", // numeric value out of range
    "23514, REFUSED_VALUE", // check violation
    "23502, REFUSED_VALUE", // not null violation
    "23505, CONFLICT", // unique violation
    "23P01, CONFLICT", // exclusion violation
    "08001, UNAVAILABLE", // unable to connect
    "08006, UNAVAILABLE", // connection failure
    "57P01, UNAVAILABLE", // admin shutdown
    "57P03, UNAVAILABLE", // cannot connect now
    "57014, UNAVAILABLE", // statement timeout
    "55P03, UNAVAILABLE", // lock timeout
    "40001, UNAVAILABLE", // serialization failure
    "40P01, UNAVAILABLE", // deadlock
    "53300, UNAVAILABLE", // too many connections
    "42601, FAULT", // syntax error: our bug
    "42P01, FAULT", // undefined table
    "P0001, FAULT", // raise_exception of a trigger
    "XX000, FAULT", // internal error
  })
  void sqlStateDecidesTheKind(String state, Kind kind) {
    assertEquals(kind, DatabaseException.classify(state));
    DatabaseException e = new DatabaseException("x", new SQLException("m", state), "body");
    assertEquals(kind, e.kind());
    assertEquals(state, e.sqlState().orElseThrow());
  }

  @ParameterizedTest
  @CsvSource({"true, UNAVAILABLE", "false, FAULT"})
  void withoutSqlStateTheExceptionTypeDecides(boolean transientConnection, Kind kind) {
    SQLException cause =
        transientConnection
            ? new SQLTransientConnectionException("pool timeout")
            : new SQLException("no state");
    assertEquals(kind, new DatabaseException("x", new RuntimeException(cause)).kind());
    assertEquals(Kind.UNAVAILABLE, DatabaseException.unreachable("x", cause).kind());
  }
}
