package com.todo.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every event type of the contract (design/events.md), with its topic and the JSON Schema of its
 * {@code data}. The version is part of the type string: a breaking change is a new constant.
 */
public enum EventType {
  TASK_CREATED("com.todo.task.created.v1", Topic.TASK_EVENTS, "task.v1.json"),
  TASK_UPDATED("com.todo.task.updated.v1", Topic.TASK_EVENTS, "task.updated.v1.json"),
  TASK_COMPLETED("com.todo.task.completed.v1", Topic.TASK_EVENTS, "task.v1.json"),
  TASK_REOPENED("com.todo.task.reopened.v1", Topic.TASK_EVENTS, "task.v1.json"),
  TASK_DELETED("com.todo.task.deleted.v1", Topic.TASK_EVENTS, "task.deleted.v1.json"),
  REMINDER_SCHEDULED(
      "com.todo.reminder.scheduled.v1", Topic.REMINDER_EVENTS, "reminder.scheduled.v1.json"),
  REMINDER_TRIGGERED(
      "com.todo.reminder.triggered.v1", Topic.REMINDER_EVENTS, "reminder.triggered.v1.json"),
  REMINDER_DELIVERED(
      "com.todo.reminder.delivered.v1", Topic.REMINDER_EVENTS, "reminder.delivered.v1.json"),
  REMINDER_FAILED("com.todo.reminder.failed.v1", Topic.REMINDER_EVENTS, "reminder.failed.v1.json"),
  RECURRING_RULE_DEFINED(
      "com.todo.recurring.rule-defined.v1",
      Topic.RECURRING_EVENTS,
      "recurring.rule-defined.v1.json"),
  RECURRING_TASK_GENERATED(
      "com.todo.recurring.task-generated.v1",
      Topic.RECURRING_EVENTS,
      "recurring.task-generated.v1.json");

  /** Where the schemas live on the classpath of this jar. */
  public static final String SCHEMA_PATH = "/com/todo/events/schemas/";

  private final String type;
  private final Topic topic;
  private final String schemaFile;

  EventType(String type, Topic topic, String schemaFile) {
    this.type = type;
    this.topic = topic;
    this.schemaFile = schemaFile;
  }

  /** The CloudEvent {@code type} attribute. */
  public String type() {
    return type;
  }

  public Topic topic() {
    return topic;
  }

  /** Classpath resource of the JSON Schema of this type's {@code data}. */
  public String schemaResource() {
    return SCHEMA_PATH + schemaFile;
  }

  /** The CloudEvent {@code dataschema} attribute. */
  public String dataSchemaUri() {
    return "urn:todo:schema:" + type;
  }

  public static Optional<EventType> of(String type) {
    return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
  }
}
