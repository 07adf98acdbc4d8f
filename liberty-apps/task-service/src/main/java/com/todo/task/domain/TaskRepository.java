package com.todo.task.domain;

import java.util.List;
import java.util.Optional;

/**
 * Where tasks are kept. Every method runs inside the caller's transaction (see the application
 * layer's {@code Transactions}); reads are scoped to one user, so another user's task is simply not
 * found.
 */
public interface TaskRepository {

  Optional<Task> find(String userId, TaskId id);

  /** Like {@link #find}, and locks the task until the transaction ends. */
  Optional<Task> findForUpdate(String userId, TaskId id);

  /** The task generated for occurrence {@code occurrence} of a series, whoever owns it. */
  Optional<Task> findOccurrence(String seriesId, int occurrence);

  void insert(Task task);

  /**
   * Inserts an occurrence unless that occurrence of the series exists already.
   *
   * @return false when it existed (nothing was written)
   */
  boolean insertOccurrence(Task task);

  /** Stores a changed task (same id, higher version). */
  void update(Task task);

  void delete(TaskId id);

  /** Up to {@code query.limit() + 1} tasks in the query's order, after its cursor. */
  List<Task> search(String userId, TaskQuery query);
}
