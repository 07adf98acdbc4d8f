package com.todo.task.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A search of one user's tasks: every filter that is set must match (tags: all of them), sorted by
 * {@code sort} then by id, at most {@code limit} tasks after {@code after}.
 *
 * @param text words that must occur in title or description (full-text), or null
 * @param dueAfter inclusive lower bound of dueAt, or null
 * @param dueBefore exclusive upper bound of dueAt, or null
 */
public record TaskQuery(
    String text,
    Set<Status> statuses,
    Set<Priority> priorities,
    Set<String> tags,
    Instant dueAfter,
    Instant dueBefore,
    List<SortKey> sort,
    int limit,
    Cursor after) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  public TaskQuery {
    statuses = Set.copyOf(statuses);
    priorities = Set.copyOf(priorities);
    tags = Set.copyOf(tags);
    sort = List.copyOf(sort);
    if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit " + limit);
  }
}
