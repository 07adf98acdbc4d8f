package com.todo.task.domain;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;

/**
 * The one JSON form of a task (docs/api.md's task fields), used in REST answers and, with {@code
 * userId}, as the {@code data} of task events. Optional fields are present as {@code null}.
 */
public final class TaskJson {

  private TaskJson() {}

  /** The task as the REST API shows it to its owner. */
  public static JsonObject of(Task task) {
    return builder(task).build();
  }

  /** The task as event data: the REST form plus {@code userId}. */
  public static JsonObjectBuilder eventData(Task task) {
    return builder(task).add("userId", task.userId());
  }

  private static JsonObjectBuilder builder(Task task) {
    JsonObjectBuilder b = JSON.createObjectBuilder().add("id", task.id().toString());
    writable(b, task.fields());
    b.add("status", task.status().json());
    nullable(b, "seriesId", task.seriesId());
    if (task.occurrence() == null) b.addNull("occurrence");
    else b.add("occurrence", task.occurrence());
    b.add("version", task.version());
    b.add("createdAt", task.createdAt().toString());
    b.add("updatedAt", task.updatedAt().toString());
    nullable(b, "completedAt", task.completedAt());
    return b;
  }

  /** Only the writable fields: the target a merge patch applies to. */
  public static JsonObject writable(TaskFields fields) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    writable(b, fields);
    return b.build();
  }

  private static void writable(JsonObjectBuilder b, TaskFields f) {
    b.add("title", f.title());
    nullable(b, "description", f.description());
    b.add("priority", f.priority().json());
    JsonArrayBuilder tags = JSON.createArrayBuilder();
    f.tags().forEach(tags::add);
    b.add("tags", tags);
    nullable(b, "dueAt", f.dueAt());
    b.add("timeZone", f.timeZone().getId());
    JsonArrayBuilder reminders = JSON.createArrayBuilder();
    for (Reminder r : f.reminders()) {
      JsonObjectBuilder rb = JSON.createObjectBuilder().add("id", r.id());
      if (r.before() != null) rb.add("before", r.before());
      else rb.add("at", r.at().toString());
      reminders.add(rb);
    }
    b.add("reminders", reminders);
    if (f.recurrence() == null) {
      b.add("recurrence", JsonValue.NULL);
    } else {
      b.add(
          "recurrence",
          JSON.createObjectBuilder()
              .add("rule", f.recurrence().rule())
              .add("basis", f.recurrence().basis().json()));
    }
  }

  private static void nullable(JsonObjectBuilder b, String name, Object value) {
    if (value == null) b.addNull(name);
    else b.add(name, value instanceof Instant i ? i.toString() : value.toString());
  }
}
