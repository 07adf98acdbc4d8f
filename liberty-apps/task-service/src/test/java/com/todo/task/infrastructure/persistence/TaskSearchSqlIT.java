package com.todo.task.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.todo.task.domain.Cursor;
import com.todo.task.domain.Priority;
import com.todo.task.domain.SortKey;
import com.todo.task.domain.Status;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskFields;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.TaskQuery;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search SQL run by the repository against PostgreSQL: each filter selects exactly the tasks it
 * names, and every sort, paged with the cursor three tasks at a time, lists all of the user's tasks
 * once, in the order docs/api.md gives (ties broken by id, dueAt NULLs last both ways).
 */
class TaskSearchSqlIT {

  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final String ALICE = "alice";

  static PostgresSchema schema;
  static JdbcTransactions tx;
  static final JdbcTaskRepository TASKS = new JdbcTaskRepository();

  /** alice's tasks by a name of their own (titles repeat on purpose). */
  static final Map<String, Task> BY_NAME = new HashMap<>();

  static final Map<TaskId, String> NAMES = new HashMap<>();

  @BeforeAll
  static void aliceAndBobsTasks() {
    schema = PostgresSchema.migrated();
    tx = schema.transactions();
    // name, title, description, priority, tags, dueAt (days into 2030), created (seconds after T0),
    // completed
    task(
        "apples",
        "apples",
        "buy milk and eggs",
        Priority.HIGH,
        List.of("shop"),
        "2030-03-01",
        1,
        false);
    task("bills", "bills", null, Priority.LOW, List.of("home"), null, 2, false);
    task(
        "call",
        "call",
        "ask about the eggs",
        Priority.MEDIUM,
        List.of("home", "phone"),
        "2030-02-01",
        2,
        true);
    task("dentist", "dentist", null, Priority.HIGH, List.of(), "2030-02-01", 3, false);
    task("eggs", "eggs", "and milk", Priority.NONE, List.of("food", "shop"), null, 4, false);
    task("apples2", "apples", null, Priority.LOW, List.of("shop"), "2030-01-15", 5, true);
    task("fence", "fence", "paint it", Priority.MEDIUM, List.of("home"), null, 5, false);
    task("garden", "garden", null, Priority.HIGH, List.of("home"), "2030-02-01", 6, false);
    task("gym", "gym", null, Priority.NONE, List.of(), "2030-04-01", 6, false);
    task("bills2", "bills", null, Priority.HIGH, List.of(), null, 7, false);
    task("twin1", "twin", null, Priority.LOW, List.of(), "2030-05-01", 8, false);
    task("twin2", "twin", null, Priority.LOW, List.of(), "2030-05-01", 8, false);
    // bob's task matches every filter below: it must never show up in alice's results
    Task bobs =
        stored(
            "bob",
            "apples",
            "milk and eggs",
            Priority.HIGH,
            List.of("home", "phone", "shop"),
            "2030-02-01",
            1,
            false);
    NAMES.put(bobs.id(), "bob's");
  }

  @AfterAll
  static void dropTheSchema() {
    if (schema != null) schema.close();
  }

  @Test
  void eachFilterSelectsExactlyItsTasks() {
    assertEquals(
        Set.copyOf(BY_NAME.keySet()),
        Set.copyOf(search(query(q -> {}))),
        "no filter: all of alice's");
    assertEquals(
        Set.of("apples", "eggs"),
        Set.copyOf(search(query(q -> q.text = "milk eggs"))),
        "every word, title or description");
    assertEquals(Set.of("apples", "call", "eggs"), Set.copyOf(search(query(q -> q.text = "eggs"))));
    assertEquals(
        Set.of("apples", "apples2"),
        Set.copyOf(search(query(q -> q.text = "apples"))),
        "words of the title");
    assertEquals(
        Set.of("call", "apples2"),
        Set.copyOf(search(query(q -> q.statuses = Set.of(Status.COMPLETED)))));
    assertEquals(
        Set.of("bills", "apples2", "twin1", "twin2", "fence", "call"),
        Set.copyOf(search(query(q -> q.priorities = Set.of(Priority.LOW, Priority.MEDIUM)))));
    assertEquals(
        Set.of("call"),
        Set.copyOf(search(query(q -> q.tags = Set.of("phone", "home")))),
        "every tag must match");
    assertEquals(
        Set.of("apples", "eggs", "apples2"),
        Set.copyOf(search(query(q -> q.tags = Set.of("shop")))));
    assertEquals(
        Set.of("call", "dentist", "garden"),
        Set.copyOf(
            search(
                query(
                    q -> {
                      q.dueAfter = Instant.parse("2030-02-01T00:00:00Z");
                      q.dueBefore = Instant.parse("2030-03-01T00:00:00Z");
                    }))),
        "dueAfter inclusive, dueBefore exclusive, no due date never matches");
    assertEquals(
        Set.of("apples", "eggs"),
        Set.copyOf(
            search(
                query(
                    q -> {
                      q.text = "eggs";
                      q.statuses = Set.of(Status.OPEN);
                      q.tags = Set.of("shop");
                    }))),
        "filters combine");
  }

  @Test
  void everySortPagesThroughAllTasksOnceInOrder() {
    for (String sort :
        List.of(
            "createdAt",
            "-createdAt",
            "dueAt",
            "-dueAt",
            "priority",
            "-priority",
            "title",
            "-title",
            "dueAt,title",
            "-dueAt,title",
            "dueAt,-priority",
            "-priority,title",
            "priority,-dueAt,title",
            "title,-createdAt",
            "-title,dueAt",
            "createdAt,-priority")) {
      List<SortKey> keys = SortKey.parse(sort);
      List<String> expected =
          BY_NAME.values().stream().sorted(order(keys)).map(t -> NAMES.get(t.id())).toList();
      assertEquals(expected, search(query(q -> q.sort = keys)), "sort=" + sort + " in one page");

      List<String> paged = new ArrayList<>();
      Cursor after = null;
      for (int page = 0; page < 20; page++) {
        Cursor cursor = after;
        List<Task> rows =
            tx.read(
                () ->
                    TASKS.search(
                        ALICE,
                        query(
                                q -> {
                                  q.sort = keys;
                                  q.limit = 3;
                                  q.after = cursor;
                                })
                            .build()));
        rows.stream().limit(3).forEach(t -> paged.add(NAMES.get(t.id())));
        if (rows.size() <= 3)
          break; // the search reads one row more than the limit when there is a next page
        after = Cursor.after(rows.get(2), keys);
      }
      assertEquals(expected, paged, "sort=" + sort + " three at a time");
    }
  }

  /** The order docs/api.md promises, worked out in Java from the tasks themselves. */
  private static Comparator<Task> order(List<SortKey> keys) {
    Comparator<Task> order = (a, b) -> 0;
    for (SortKey k : keys) {
      Comparator<Task> key =
          switch (k.field()) {
            case DUE_AT ->
                Comparator.comparing(
                    (Task t) -> t.fields().dueAt(),
                    Comparator.nullsLast(
                        k.descending()
                            ? Comparator.<Instant>reverseOrder()
                            : Comparator.<Instant>naturalOrder()));
            case PRIORITY -> Comparator.comparing((Task t) -> t.fields().priority().rank());
            case TITLE -> Comparator.comparing((Task t) -> t.fields().title());
            case CREATED_AT -> Comparator.comparing(Task::createdAt);
          };
      if (k.descending() && k.field() != SortKey.Field.DUE_AT) key = key.reversed();
      order = order.thenComparing(key);
    }
    // PostgreSQL orders uuids byte by byte, as their lower-case text sorts
    Comparator<Task> id = Comparator.comparing(t -> t.id().toString());
    return order.thenComparing(keys.get(keys.size() - 1).descending() ? id.reversed() : id);
  }

  private static List<String> search(QueryBuilder q) {
    return tx.read(() -> TASKS.search(ALICE, q.build())).stream()
        .map(t -> NAMES.get(t.id()))
        .toList();
  }

  /** A query of up to 200 tasks sorted by creation, changed by {@code change}. */
  private static QueryBuilder query(java.util.function.Consumer<QueryBuilder> change) {
    QueryBuilder q = new QueryBuilder();
    change.accept(q);
    return q;
  }

  private static final class QueryBuilder {
    String text;
    Set<Status> statuses = Set.of();
    Set<Priority> priorities = Set.of();
    Set<String> tags = Set.of();
    Instant dueAfter;
    Instant dueBefore;
    List<SortKey> sort = SortKey.DEFAULT;
    int limit = TaskQuery.MAX_LIMIT;
    Cursor after;

    TaskQuery build() {
      return new TaskQuery(
          text, statuses, priorities, tags, dueAfter, dueBefore, sort, limit, after);
    }
  }

  private static void task(
      String name,
      String title,
      String description,
      Priority priority,
      List<String> tags,
      String due,
      int created,
      boolean completed) {
    Task t = stored(ALICE, title, description, priority, tags, due, created, completed);
    BY_NAME.put(name, t);
    NAMES.put(t.id(), name);
  }

  private static Task stored(
      String user,
      String title,
      String description,
      Priority priority,
      List<String> tags,
      String due,
      int created,
      boolean completed) {
    Instant createdAt = T0.plusSeconds(created);
    Instant dueAt = due == null ? null : Instant.parse(due + "T00:00:00Z");
    TaskFields fields =
        new TaskFields(
            title, description, priority, tags, dueAt, ZoneId.of("UTC"), List.of(), null);
    Task open = Task.create(TaskId.random(), user, fields, createdAt);
    Task task = completed ? open.complete(createdAt.plusSeconds(100)) : open;
    tx.write(
        user,
        () -> {
          TASKS.insert(task);
          return null;
        });
    return task;
  }
}
