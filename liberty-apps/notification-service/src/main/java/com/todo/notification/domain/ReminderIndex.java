package com.todo.notification.domain;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A user's reminders, by id, each with its task: what lists them and finds the one to snooze. One
 * state value per user ({@code reminders|<user>}), read and written whole.
 *
 * <p>It forgets the tasks whose state is gone (a closed task's state expires once its history
 * window has passed): when the list reads their states anyway, and when the index has grown to
 * twice its size at the last such check, so that a user who never lists does not carry every
 * reminder ever set, and the reads of that check cost a constant per reminder added.
 */
public final class ReminderIndex {

  /** Below this many reminders the index is not checked for gone tasks as it grows. */
  static final int CHECK_FLOOR = 200;

  private final Map<String, String> taskOfReminder;
  private int checkedSize;

  private ReminderIndex(Map<String, String> taskOfReminder, int checkedSize) {
    this.taskOfReminder = taskOfReminder;
    this.checkedSize = checkedSize;
  }

  public static ReminderIndex empty() {
    return new ReminderIndex(new LinkedHashMap<>(), 0);
  }

  /** The index as stored ({@link #toJson()}). */
  public static ReminderIndex parse(String json) {
    JsonObject o = JSON.createReader(new StringReader(json)).readObject();
    Map<String, String> index = new LinkedHashMap<>();
    o.getJsonObject("reminders")
        .forEach((id, task) -> index.put(id, ((JsonString) task).getString()));
    return new ReminderIndex(index, o.getInt("checked", 0));
  }

  public String toJson() {
    var reminders = JSON.createObjectBuilder();
    taskOfReminder.forEach(reminders::add);
    return JSON.createObjectBuilder()
        .add("reminders", reminders)
        .add("checked", checkedSize)
        .build()
        .toString();
  }

  public Optional<String> taskOf(String reminderId) {
    return Optional.ofNullable(taskOfReminder.get(reminderId));
  }

  /** The tasks of the user's reminders, each once, in the order they were first indexed. */
  public Set<String> taskIds() {
    return new LinkedHashSet<>(taskOfReminder.values());
  }

  public int size() {
    return taskOfReminder.size();
  }

  /** Adds the reminders of a task; one indexed already keeps its task. */
  public void add(String taskId, Collection<String> reminderIds) {
    for (String id : reminderIds) taskOfReminder.putIfAbsent(id, taskId);
  }

  /** True when the index has grown enough since its last check to be checked for gone tasks. */
  public boolean dueForCheck() {
    return taskOfReminder.size() > Math.max(CHECK_FLOOR, 2 * checkedSize);
  }

  /**
   * Forgets the reminders of the tasks of {@code checked} that are not in {@code existing} (their
   * state is gone), and remembers the size after it when every task was checked.
   *
   * @return true when it changed
   */
  public boolean forgetGone(Set<String> checked, Set<String> existing) {
    boolean changed =
        taskOfReminder
            .values()
            .removeIf(task -> checked.contains(task) && !existing.contains(task));
    if (checked.containsAll(taskOfReminder.values()) && checkedSize != taskOfReminder.size()) {
      checkedSize = taskOfReminder.size();
      changed = true;
    }
    return changed;
  }
}
