package com.todo.task.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Producer side of the event contract: every event the domain builds validates against the JSON
 * Schema of its type from event-contract, and carries the envelope attributes docs/events.md
 * requires.
 */
class TaskEventsSchemaTest {

  static final Instant T0 = Instant.parse("2030-01-01T10:00:00.123456Z");
  static final Instant T1 = Instant.parse("2030-01-02T11:00:00Z");

  static final TaskFields FULL =
      new TaskFields(
          "Plan the week",
          "with \"quotes\" and ünïcode",
          Priority.HIGH,
          List.of("work", "home"),
          Instant.parse("2030-01-31T09:00:00Z"),
          ZoneId.of("Europe/Berlin"),
          List.of(
              Reminder.before(UUID.randomUUID().toString(), "PT15M"),
              Reminder.at(UUID.randomUUID().toString(), Instant.parse("2030-01-30T08:00:00Z"))),
          new Recurrence("FREQ=WEEKLY;BYDAY=MO", Recurrence.Basis.DUE));

  static final TaskFields MINIMAL =
      new TaskFields("x", null, Priority.NONE, List.of(), null, ZoneId.of("UTC"), List.of(), null);

  static List<Task> tasks() {
    return List.of(
        Task.create(TaskId.random(), "alice", FULL, T0),
        Task.create(TaskId.random(), "alice", MINIMAL, T0),
        Task.occurrence(TaskId.random(), "bob", FULL, "series-1", 7, T0));
  }

  @Test
  void createdCompletedReopenedCarryTheFullTask() {
    for (Task task : tasks()) {
      Task completed = task.complete(T1);
      Task reopened = completed.reopen(T1.plusSeconds(1));
      valid(TaskEvents.created(task), EventType.TASK_CREATED, task, 1);
      valid(TaskEvents.completed(completed), EventType.TASK_COMPLETED, completed, 2);
      valid(TaskEvents.reopened(reopened), EventType.TASK_REOPENED, reopened, 3);
      assertEquals(
          completed.completedAt().toString(),
          TaskEvents.completed(completed).data().getString("completedAt"));
    }
  }

  @Test
  void updatedNamesTheChangedFields() {
    for (Task task : tasks()) {
      Task updated = task.withFields(FULL.equals(task.fields()) ? MINIMAL : FULL, T1);
      List<String> changed = updated.fields().changedFrom(task.fields());
      CloudEvent event = TaskEvents.updated(updated, changed);
      valid(event, EventType.TASK_UPDATED, updated, 2);
      assertEquals(changed.size(), event.data().getJsonArray("changed").size());
    }
    Task task = tasks().get(0);
    assertThrows(IllegalArgumentException.class, () -> TaskEvents.updated(task, List.of()));
  }

  @Test
  void deletedCarriesIdOwnerVersionAndSeries() {
    for (Task task : tasks()) {
      CloudEvent event = TaskEvents.deleted(task, T1);
      assertEquals(EventType.TASK_DELETED.type(), event.type());
      assertValid(EventType.TASK_DELETED, event.data());
      assertEquals(task.version() + 1, event.sequence());
      assertEquals(task.version() + 1, event.data().getInt("version"));
      assertEquals(T1, event.time());
      assertEquals(task.id().toString(), event.subject());
      assertEquals(task.userId(), event.userId());
      assertEquals(task.seriesId() == null, event.data().isNull("seriesId"));
    }
  }

  @Test
  void theSchemaCheckIsReal() {
    JsonObject broken =
        jakarta.json.Json.createObjectBuilder(TaskEvents.created(tasks().get(0)).data())
            .add("priority", "urgent")
            .build();
    assertFalse(
        schema(EventType.TASK_CREATED).validate(broken.toString(), InputFormat.JSON).isEmpty());
  }

  private static void valid(CloudEvent event, EventType type, Task task, long sequence) {
    assertEquals(type.type(), event.type());
    assertValid(type, event.data());
    JsonObject envelope = event.toJson();
    assertEquals("1.0", envelope.getString("specversion"));
    assertEquals("/task-service", envelope.getString("source"));
    assertEquals(task.id().toString(), envelope.getString("subject"));
    assertEquals(task.userId(), envelope.getString("userid"));
    assertEquals(Long.toString(sequence), envelope.getString("sequence"));
    assertEquals(task.version(), sequence);
    assertEquals(task.updatedAt().toString(), envelope.getString("time"));
    assertEquals("application/json", envelope.getString("datacontenttype"));
    assertEquals(type.dataSchemaUri(), envelope.getString("dataschema"));
    UUID.fromString(envelope.getString("id"));
    assertEquals(task.userId(), event.data().getString("userId"));
    assertEquals(
        event, CloudEvent.fromJson(event.toJsonString()), "survives the outbox round trip");
  }

  private static void assertValid(EventType type, JsonObject data) {
    Set<ValidationMessage> errors = schema(type).validate(data.toString(), InputFormat.JSON);
    assertTrue(errors.isEmpty(), type.type() + ": " + errors + " in " + data);
  }

  private static JsonSchema schema(EventType type) {
    InputStream in = EventType.class.getResourceAsStream(type.schemaResource());
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(in, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
  }
}
