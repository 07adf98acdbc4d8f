package com.todo.events;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every event type of the contract (docs/events.md), with its topic and the JSON Schema of its
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

  /** {@code com.todo.<aggregate>.<event>.v<major>}: the family, then the major version. */
  private static final Pattern FORM =
      Pattern.compile("(com\\.todo\\.[a-z-]+\\.[a-z-]+)\\.v([0-9]{1,9})");

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

  /** The type without its major version, e.g. {@code com.todo.task.created}. */
  public String family() {
    return familyOf(type).orElseThrow();
  }

  /**
   * The family of a type string of the contract's form ({@code com.todo.task.created.v9} gives
   * {@code com.todo.task.created}), whether or not this build knows that version; empty when the
   * string has not that form.
   */
  public static Optional<String> familyOf(String type) {
    Matcher m = type == null ? null : FORM.matcher(type);
    return m != null && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  public static Optional<EventType> of(String type) {
    return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
  }
}
