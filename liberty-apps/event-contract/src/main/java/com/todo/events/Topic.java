package com.todo.events;

/** The Kafka topics of the event contract; each has a dead-letter topic {@code <topic>.dlq}. */
public enum Topic {
  TASK_EVENTS("task-events"),
  REMINDER_EVENTS("reminder-events"),
  RECURRING_EVENTS("recurring-events");

  private final String topicName;

  Topic(String topicName) {
    this.topicName = topicName;
  }

  public String topicName() {
    return topicName;
  }

  public String deadLetterTopic() {
    return topicName + ".dlq";
  }
}
