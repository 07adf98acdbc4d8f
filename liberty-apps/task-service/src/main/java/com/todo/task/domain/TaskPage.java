package com.todo.task.domain;

import java.util.List;

/** One page of a search and the cursor of the next page (null on the last page). */
public record TaskPage(List<Task> items, String nextCursor) {

  /**
   * The page from the rows a repository returned for {@code query}: it asks for one row more than
   * the limit, so that row's presence tells whether there is a next page.
   */
  public static TaskPage of(TaskQuery query, List<Task> rows) {
    if (rows.size() <= query.limit()) return new TaskPage(List.copyOf(rows), null);
    List<Task> items = List.copyOf(rows.subList(0, query.limit()));
    return new TaskPage(items, Cursor.after(items.get(items.size() - 1), query.sort()).encode());
  }
}
