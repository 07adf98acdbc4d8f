package com.todo.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReminderIndexTest {

  @Test
  void findsEachReminderTaskAndListsEachTaskOnce() {
    ReminderIndex index = ReminderIndex.empty();
    index.add("t1", List.of("r1", "r2"));
    index.add("t2", List.of("r3"));
    index.add("t1", List.of("r1", "r2"));
    assertEquals(3, index.size(), "a reminder added again is indexed once");
    assertEquals(Optional.of("t1"), index.taskOf("r2"));
    assertEquals(Optional.empty(), index.taskOf("r9"));
    assertEquals(List.of("t1", "t2"), List.copyOf(index.taskIds()));
  }

  @Test
  void readsWhatItWroteAndTheFormerFormWithoutACheckedSize() {
    ReminderIndex index = ReminderIndex.empty();
    index.add("t1", List.of("r1"));
    index.forgetGone(Set.of("t1"), Set.of("t1"));
    ReminderIndex again = ReminderIndex.parse(index.toJson());
    assertEquals(index.toJson(), again.toJson());
    ReminderIndex former = ReminderIndex.parse("{\"reminders\":{\"r1\":\"t1\",\"r2\":\"t2\"}}");
    assertEquals(Optional.of("t2"), former.taskOf("r2"));
    assertEquals(2, former.size());
  }

  @Test
  void forgetsOnlyTheTasksCheckedAndFoundGone() {
    ReminderIndex index = ReminderIndex.empty();
    index.add("open", List.of("r1"));
    index.add("expired", List.of("r2", "r3"));
    index.add("unchecked", List.of("r4"));
    assertTrue(index.forgetGone(Set.of("open", "expired"), Set.of("open")));
    assertEquals(Optional.empty(), index.taskOf("r2"));
    assertEquals(Optional.empty(), index.taskOf("r3"));
    assertEquals(Optional.of("open"), index.taskOf("r1"));
    assertEquals(Optional.of("unchecked"), index.taskOf("r4"), "not read: kept");
    assertFalse(index.forgetGone(Set.of("open"), Set.of("open")), "nothing gone, nothing to write");
  }

  @Test
  void isCheckedAgainOnlyOnceItHasDoubledSinceItsLastCheck() {
    ReminderIndex index = ReminderIndex.empty();
    addTasks(index, 0, ReminderIndex.CHECK_FLOOR);
    assertFalse(index.dueForCheck(), "up to the floor: never checked");
    addTasks(index, ReminderIndex.CHECK_FLOOR, ReminderIndex.CHECK_FLOOR + 1);
    assertTrue(index.dueForCheck());

    // the check finds half the tasks gone and remembers the size it left
    Set<String> all = index.taskIds();
    Set<String> existing = all.stream().limit(150).collect(Collectors.toSet());
    assertTrue(index.forgetGone(all, existing));
    assertEquals(150, index.size());
    assertFalse(index.dueForCheck());

    addTasks(index, 1000, 1000 + 150);
    assertFalse(index.dueForCheck(), "300, twice its size at the check: not yet");
    addTasks(index, 2000, 2001);
    assertTrue(index.dueForCheck(), "past twice its size at the check");
    // a check of only some tasks does not count as a check of the index
    index.forgetGone(Set.of("t1000"), Set.of("t1000"));
    assertTrue(index.dueForCheck());
  }

  private static void addTasks(ReminderIndex index, int from, int to) {
    IntStream.range(from, to).forEach(i -> index.add("t" + i, List.of("r" + i)));
  }
}
