package com.todo.task.domain;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The CloudEvent of each task change (docs/events.md): {@code subject} = task id, {@code userid} =
 * owner, {@code sequence} = version after the change, {@code time} = the change's commit time. The
 * id is chosen here, once, and stored with the event in the outbox, so a republish reuses it.
 */
public final class TaskEvents {

  public static final String SOURCE = "/task-service";

  private TaskEvents() {}

  public static CloudEvent created(Task task) {
    return full(EventType.TASK_CREATED, task);
  }

  public static CloudEvent completed(Task task) {
    return full(EventType.TASK_COMPLETED, task);
  }

  public static CloudEvent reopened(Task task) {
    return full(EventType.TASK_REOPENED, task);
  }

  /**
   * @param changed names of the fields that changed; never empty (a no-op patch has no event)
   */
  public static CloudEvent updated(Task task, List<String> changed) {
    if (changed.isEmpty())
      throw new IllegalArgumentException("an update changes at least one field");
    JsonArrayBuilder names = JSON.createArrayBuilder();
    changed.forEach(names::add);
    return event(
        EventType.TASK_UPDATED,
        task,
        task.updatedAt(),
        task.version(),
        TaskJson.eventData(task).add("changed", names));
  }

  /**
   * @param deletedAt when the deletion commits
   */
  public static CloudEvent deleted(Task task, Instant deletedAt) {
    JsonObjectBuilder data =
        JSON.createObjectBuilder()
            .add("id", task.id().toString())
            .add("userId", task.userId())
            .add("version", task.versionAfterDelete());
    if (task.seriesId() == null) data.addNull("seriesId");
    else data.add("seriesId", task.seriesId());
    return event(EventType.TASK_DELETED, task, deletedAt, task.versionAfterDelete(), data);
  }

  private static CloudEvent full(EventType type, Task task) {
    return event(type, task, task.updatedAt(), task.version(), TaskJson.eventData(task));
  }

  private static CloudEvent event(
      EventType type, Task task, Instant time, long sequence, JsonObjectBuilder data) {
    return CloudEvent.of(
        type,
        UUID.randomUUID().toString(),
        SOURCE,
        task.id().toString(),
        time,
        task.userId(),
        sequence,
        data.build());
  }
}
