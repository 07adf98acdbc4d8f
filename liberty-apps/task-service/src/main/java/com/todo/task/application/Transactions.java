package com.todo.task.application;

import java.util.function.Supplier;

/**
 * Explicit database transactions (plain JDBC, no JTA). Repositories called inside {@code work} use
 * the transaction's connection.
 */
public interface Transactions {

  /**
   * Runs {@code work} in one transaction that first takes {@code userId}'s write lock, so one
   * user's changes commit one after the other and their outbox rows are numbered in commit order.
   * Commits when {@code work} returns, rolls back when it throws.
   */
  <T> T write(String userId, Supplier<T> work);

  /** Runs read-only {@code work} on one connection. */
  <T> T read(Supplier<T> work);
}
