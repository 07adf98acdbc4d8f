package com.todo.task.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * The fields of a task that a client writes (on create and through a merge patch), already
 * validated and normalised: tags lower case without duplicates, instants at microsecond precision.
 */
public record TaskFields(
    String title,
    String description,
    Priority priority,
    List<String> tags,
    Instant dueAt,
    ZoneId timeZone,
    List<Reminder> reminders,
    Recurrence recurrence) {

  public TaskFields {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(timeZone, "timeZone");
    tags = List.copyOf(tags);
    reminders = List.copyOf(reminders);
  }

  /** Names (as in the API) of the fields whose value differs between the two. */
  public List<String> changedFrom(TaskFields before) {
    var changed = new java.util.ArrayList<String>();
    if (!title.equals(before.title)) changed.add("title");
    if (!Objects.equals(description, before.description)) changed.add("description");
    if (priority != before.priority) changed.add("priority");
    if (!tags.equals(before.tags)) changed.add("tags");
    if (!Objects.equals(dueAt, before.dueAt)) changed.add("dueAt");
    if (!timeZone.equals(before.timeZone)) changed.add("timeZone");
    if (!reminders.equals(before.reminders)) changed.add("reminders");
    if (!Objects.equals(recurrence, before.recurrence)) changed.add("recurrence");
    return List.copyOf(changed);
  }
}
