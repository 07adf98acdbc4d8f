package com.todo.task.interfaces.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.todo.task.domain.FieldError;
import com.todo.task.domain.Priority;
import com.todo.task.domain.SortKey;
import com.todo.task.domain.Status;
import com.todo.task.domain.TaskQuery;
import com.todo.task.domain.ValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchParametersTest {

  @Test
  void defaults() {
    TaskQuery q = SearchParameters.parse(null, null, null, null, null, null, null, null, null);
    assertEquals(50, q.limit());
    assertEquals(SortKey.DEFAULT, q.sort());
    assertNull(q.after());
  }

  @Test
  void readsEveryParameter() {
    TaskQuery q =
        SearchParameters.parse(
            "milk",
            List.of("open"),
            List.of("high", "low,medium"),
            List.of("Work", "home"),
            "2030-02-01T00:00:00Z",
            "2030-01-01T00:00:00 01:00",
            "-dueAt",
            "200",
            null);
    assertEquals(Set.of(Status.OPEN), q.statuses());
    assertEquals(Set.of(Priority.HIGH, Priority.LOW, Priority.MEDIUM), q.priorities());
    assertEquals(Set.of("work", "home"), q.tags());
    assertEquals(Instant.parse("2030-02-01T00:00:00Z"), q.dueBefore());
    assertEquals(
        Instant.parse("2029-12-31T23:00:00Z"), q.dueAfter(), "an unencoded + arrives as a space");
    assertEquals(200, q.limit());
  }

  @Test
  void namesEveryBadParameter() {
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                SearchParameters.parse(
                    "x".repeat(501),
                    List.of("done"),
                    List.of("urgent"),
                    List.of("t".repeat(51)),
                    "soon",
                    "later",
                    "colour",
                    "0",
                    "garbage"));
    assertEquals(
        List.of(
            "q", "status", "priority", "tag", "dueBefore", "dueAfter", "sort", "limit", "cursor"),
        e.errors().stream().map(FieldError::field).toList());
    for (String limit : List.of("201", "-1", "ten", "1.5")) {
      assertThrows(
          ValidationException.class,
          () -> SearchParameters.parse(null, null, null, null, null, null, null, limit, null),
          limit);
    }
  }

  @Test
  void unstorableTextInQueryParametersIsRefused() {
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                SearchParameters.parse(
                    "milk\u0000",
                    null,
                    null,
                    List.of("ok", "a\u0000"),
                    null,
                    null,
                    null,
                    null,
                    null));
    assertEquals(List.of("q", "tag"), e.errors().stream().map(FieldError::field).toList());
    assertThrows(
        ValidationException.class,
        () -> SearchParameters.parse("\uD800", null, null, null, null, null, null, null, null));
  }
}
