package com.todo.task.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SortKeyTest {

  @Test
  void parsesDirectionsInOrder() {
    assertEquals(
        List.of(
            new SortKey(SortKey.Field.DUE_AT, false),
            new SortKey(SortKey.Field.PRIORITY, true),
            new SortKey(SortKey.Field.TITLE, false),
            new SortKey(SortKey.Field.CREATED_AT, true)),
        SortKey.parse("dueAt, -priority,title,-createdAt"));
  }

  @Test
  void defaultsToCreation() {
    assertEquals(SortKey.DEFAULT, SortKey.parse(null));
    assertEquals(SortKey.DEFAULT, SortKey.parse(""));
  }

  @Test
  void formatsCanonically() {
    assertEquals("dueAt,-priority", SortKey.format(SortKey.parse(" dueAt , -priority")));
  }

  @Test
  void refusesUnknownRepeatedAndEmptyKeys() {
    for (String bad :
        List.of("color", "dueAt,dueAt", "dueAt,-dueAt", "dueAt,", "--title", "+title", "id")) {
      ValidationException e =
          assertThrows(ValidationException.class, () -> SortKey.parse(bad), bad);
      assertEquals("sort", e.errors().get(0).field());
    }
  }
}
