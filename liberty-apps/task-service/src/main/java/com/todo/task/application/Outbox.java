package com.todo.task.application;

import com.todo.events.CloudEvent;
import com.todo.task.domain.TaskId;
import java.util.List;

/** The transactional outbox: events stored with the change that caused them. */
public interface Outbox {

  /** Stores the event in the current transaction; it is published after the commit. */
  void add(CloudEvent event);

  /** Every stored event of one of the user's tasks, published or not, oldest first. */
  List<CloudEvent> history(String userId, TaskId taskId);
}
