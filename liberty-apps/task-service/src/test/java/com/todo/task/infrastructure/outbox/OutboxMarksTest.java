package com.todo.task.infrastructure.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutboxMarksTest {

  private static JdbcOutbox.Pending row(long seq, String user) {
    return new JdbcOutbox.Pending(seq, user, "com.todo.task.created.v1", "{}");
  }

  private static final List<JdbcOutbox.Pending> BATCH =
      List.of(
          row(1, "ann"), row(2, "bob"), row(3, "ann"), row(4, "cy"), row(5, "bob"), row(6, "ann"));

  @Test
  void aBatchTheBrokerTookIsPublishedWhole() {
    OutboxRelay.Marks marks = OutboxRelay.Marks.of(BATCH, Set.of());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), marks.published());
    assertEquals(List.of(), marks.failed());
  }

  @Test
  void aFailedEventHoldsBackItsUsersLaterEventsOnly() {
    OutboxRelay.Marks marks = OutboxRelay.Marks.of(BATCH, Set.of("3"));
    // ann's row 1 went before the failure; rows 3 and 6 go again, in order, later
    assertEquals(List.of(1L, 2L, 4L, 5L), marks.published());
    assertEquals(List.of(3L), marks.failed());
    assertEquals(Set.of("ann"), marks.waiting());
  }

  @Test
  void onlyTheFirstFailureOfAUserIsMarkedFailed() {
    OutboxRelay.Marks marks = OutboxRelay.Marks.of(BATCH, Set.of("2", "5", "4"));
    assertEquals(List.of(1L, 3L, 6L), marks.published());
    assertEquals(List.of(2L, 4L), marks.failed());
    assertEquals(Set.of("bob", "cy"), marks.waiting());
  }
}
