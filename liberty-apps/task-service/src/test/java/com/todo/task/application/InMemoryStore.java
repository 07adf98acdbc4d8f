package com.todo.task.application;

import com.todo.events.CloudEvent;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.TaskQuery;
import com.todo.task.domain.TaskRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The ports of {@link TaskService} in memory, with transactions that roll back: what a use case
 * writes before it throws is undone, as in PostgreSQL.
 */
final class InMemoryStore
    implements TaskRepository, Outbox, IdempotencyKeys, Transactions, EventRelay {

  Map<TaskId, Task> tasks = new LinkedHashMap<>();
  List<CloudEvent> outbox = new ArrayList<>();
  Map<String, Earlier> keys = new HashMap<>();
  final List<String> relayed = new ArrayList<>();

  @Override
  public <T> T write(String userId, Supplier<T> work) {
    Map<TaskId, Task> tasksBefore = new LinkedHashMap<>(tasks);
    List<CloudEvent> outboxBefore = new ArrayList<>(outbox);
    Map<String, Earlier> keysBefore = new HashMap<>(keys);
    try {
      return work.get();
    } catch (RuntimeException e) {
      tasks = tasksBefore;
      outbox = outboxBefore;
      keys = keysBefore;
      throw e;
    }
  }

  @Override
  public <T> T read(Supplier<T> work) {
    return work.get();
  }

  @Override
  public void committed(String userId) {
    relayed.add(userId);
  }

  @Override
  public Optional<Task> find(String userId, TaskId id) {
    return Optional.ofNullable(tasks.get(id)).filter(t -> t.userId().equals(userId));
  }

  @Override
  public Optional<Task> findForUpdate(String userId, TaskId id) {
    return find(userId, id);
  }

  @Override
  public Optional<Task> findOccurrence(String seriesId, int occurrence) {
    return tasks.values().stream()
        .filter(
            t ->
                seriesId.equals(t.seriesId()) && Integer.valueOf(occurrence).equals(t.occurrence()))
        .findFirst();
  }

  @Override
  public void insert(Task task) {
    if (tasks.putIfAbsent(task.id(), task) != null) throw new IllegalStateException("duplicate id");
  }

  @Override
  public boolean insertOccurrence(Task task) {
    if (findOccurrence(task.seriesId(), task.occurrence()).isPresent()) return false;
    insert(task);
    return true;
  }

  @Override
  public void update(Task task) {
    Task before = tasks.get(task.id());
    if (before.version() + 1 != task.version()) throw new IllegalStateException("version skipped");
    tasks.put(task.id(), task);
  }

  @Override
  public void delete(TaskId id) {
    tasks.remove(id);
  }

  @Override
  public List<Task> search(String userId, TaskQuery query) {
    return tasks.values().stream().filter(t -> t.userId().equals(userId)).toList();
  }

  @Override
  public void add(CloudEvent event) {
    outbox.add(event);
  }

  @Override
  public List<CloudEvent> history(String userId, TaskId taskId) {
    return outbox.stream()
        .filter(e -> e.userId().equals(userId) && e.subject().equals(taskId.toString()))
        .toList();
  }

  @Override
  public Optional<Earlier> claim(
      String userId, String key, TaskId taskId, String requestHash, Instant now) {
    Earlier earlier = keys.putIfAbsent(userId + "\u0000" + key, new Earlier(taskId, requestHash));
    return Optional.ofNullable(earlier);
  }
}
