package com.todo.task.application;

import static com.todo.task.domain.Bodies.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.task.domain.Status;
import com.todo.task.domain.Task;
import com.todo.task.domain.TaskId;
import com.todo.task.domain.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskServiceTest {

  final InMemoryStore store = new InMemoryStore();
  final TaskService service = new TaskService();

  @BeforeEach
  void wire() {
    service.tasks = store;
    service.outbox = store;
    service.idempotencyKeys = store;
    service.transactions = store;
    service.relay = store;
    service.trace = TraceContext.NONE;
    service.clock = Clock.fixed(Instant.parse("2030-01-01T10:00:00.123456789Z"), ZoneOffset.UTC);
  }

  Task create(String user, String body) {
    return service.create(user, json(body), null).task();
  }

  List<String> types() {
    return store.outbox.stream().map(CloudEvent::type).toList();
  }

  @Test
  void createStoresTheTaskAndItsEventThenRelays() {
    Outcome outcome = service.create("alice", json("{'title':'Buy milk'}"), null);
    assertTrue(outcome.changed());
    Task task = outcome.task();
    assertEquals(1, task.version());
    assertEquals(Status.OPEN, task.status());
    assertEquals(
        Instant.parse("2030-01-01T10:00:00.123456Z"), task.createdAt(), "database precision");
    assertEquals(List.of(EventType.TASK_CREATED.type()), types());
    assertEquals(task.id().toString(), store.outbox.get(0).subject());
    assertEquals(List.of("alice"), store.relayed);
  }

  @Test
  void theEventsOfAChangeCarryTheTraceContextOfItsRequest() {
    String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    service.trace = () -> java.util.Optional.of(trace);
    Task task = create("alice", "{'title':'traced'}");
    service.trace = TraceContext.NONE;
    service.update("alice", task.id(), json("{'title':'untraced'}"), IfMatch.ANY);

    assertEquals(trace, store.outbox.get(0).traceParent());
    assertEquals(null, store.outbox.get(1).traceParent(), "a request without one: none");
  }

  @Test
  void aRejectedRequestStoresAndPublishesNothing() {
    assertThrows(
        ValidationException.class, () -> service.create("alice", json("{'title':''}"), null));
    Task task = create("alice", "{'title':'x'}");
    store.relayed.clear();
    assertThrows(
        ValidationException.class,
        () ->
            service.update(
                "alice", task.id(), json("{'recurrence':{'rule':'FREQ=SECONDLY'}}"), IfMatch.ANY));
    assertEquals(1, store.tasks.size());
    assertEquals(1, store.outbox.size());
    assertEquals(1, store.tasks.get(task.id()).version());
    assertEquals(List.of(), store.relayed);
  }

  @Test
  void theSameIdempotencyKeyReturnsTheOriginalTask() {
    Outcome first = service.create("alice", json("{'title':'Once'}"), "key-1");
    Outcome again = service.create("alice", json("{'title':'Once'}"), "key-1");
    assertTrue(first.changed());
    assertFalse(again.changed());
    assertEquals(first.task().id(), again.task().id());
    assertEquals(1, store.tasks.size());
    assertEquals(1, store.outbox.size());
    assertEquals(List.of("alice"), store.relayed, "nothing new to publish");

    Outcome bobs = service.create("bob", json("{'title':'Once'}"), "key-1");
    assertTrue(bobs.changed(), "keys are per user");

    ConflictException reused =
        assertThrows(
            ConflictException.class,
            () -> service.create("alice", json("{'title':'Twice'}"), "key-1"));
    assertEquals(422, reused.status());
    assertEquals(2, store.tasks.size());
  }

  @Test
  void anIdempotencyKeyWhoseTaskIsGoneConflicts() {
    Task task = service.create("alice", json("{'title':'Once'}"), "key-1").task();
    service.delete("alice", task.id(), IfMatch.ANY);
    ConflictException e =
        assertThrows(
            ConflictException.class,
            () -> service.create("alice", json("{'title':'Once'}"), "key-1"));
    assertEquals(409, e.status());
  }

  @Test
  void anotherUsersTaskIsNotFound() {
    Task task = create("alice", "{'title':'mine'}");
    assertThrows(TaskNotFoundException.class, () -> service.get("bob", task.id()));
    assertThrows(
        TaskNotFoundException.class,
        () -> service.update("bob", task.id(), json("{'title':'x'}"), IfMatch.ANY));
    assertThrows(
        TaskNotFoundException.class, () -> service.complete("bob", task.id(), IfMatch.ANY));
    assertThrows(TaskNotFoundException.class, () -> service.delete("bob", task.id(), IfMatch.ANY));
    assertThrows(TaskNotFoundException.class, () -> service.history("bob", task.id()));
    assertEquals(1, store.outbox.size());
  }

  @Test
  void updateIncrementsTheVersionAndNamesTheChanges() {
    Task task = create("alice", "{'title':'a','priority':'low'}");
    Outcome outcome =
        service.update("alice", task.id(), json("{'title':'b','priority':'low'}"), IfMatch.ANY);
    assertEquals(2, outcome.task().version());
    CloudEvent event = store.outbox.get(1);
    assertEquals(EventType.TASK_UPDATED.type(), event.type());
    assertEquals(2, event.sequence());
    assertEquals("[\"title\"]", event.data().getJsonArray("changed").toString());
  }

  @Test
  void aPatchThatChangesNothingPublishesNothing() {
    Task task = create("alice", "{'title':'a'}");
    Outcome outcome = service.update("alice", task.id(), json("{'title':'a'}"), IfMatch.ANY);
    assertFalse(outcome.changed());
    assertEquals(1, outcome.task().version());
    assertEquals(1, store.outbox.size());
  }

  @Test
  void aStaleIfMatchIsRefused() {
    Task task = create("alice", "{'title':'a'}");
    service.update("alice", task.id(), json("{'title':'b'}"), new IfMatch(false, Set.of(1L)));
    VersionMismatchException e =
        assertThrows(
            VersionMismatchException.class,
            () ->
                service.update(
                    "alice", task.id(), json("{'title':'c'}"), new IfMatch(false, Set.of(1L))));
    assertEquals(2, e.currentVersion());
    assertEquals("b", store.tasks.get(task.id()).fields().title());
    assertThrows(
        VersionMismatchException.class,
        () -> service.delete("alice", task.id(), new IfMatch(false, Set.of(1L))));
    assertEquals(2, store.outbox.size());
  }

  @Test
  void completeAndReopenAreIdempotent() {
    Task task = create("alice", "{'title':'a'}");
    assertTrue(service.complete("alice", task.id(), IfMatch.ANY).changed());
    Outcome again = service.complete("alice", task.id(), IfMatch.ANY);
    assertFalse(again.changed());
    assertEquals(2, again.task().version());
    assertEquals(Status.COMPLETED, again.task().status());
    assertTrue(service.reopen("alice", task.id(), IfMatch.ANY).changed());
    assertFalse(service.reopen("alice", task.id(), IfMatch.ANY).changed());
    assertEquals(
        List.of(
            EventType.TASK_CREATED.type(),
            EventType.TASK_COMPLETED.type(),
            EventType.TASK_REOPENED.type()),
        types());
    Task reopened = store.tasks.get(task.id());
    assertEquals(3, reopened.version());
    assertEquals(null, reopened.completedAt());
  }

  @Test
  void deleteRecordsTheNextVersionAndKeepsTheHistory() {
    Task task = create("alice", "{'title':'a'}");
    service.delete("alice", task.id(), IfMatch.ANY);
    assertTrue(store.tasks.isEmpty());
    CloudEvent deleted = store.outbox.get(1);
    assertEquals(EventType.TASK_DELETED.type(), deleted.type());
    assertEquals(2, deleted.sequence());
    assertEquals(2, service.history("alice", task.id()).size(), "history outlives the task");
    assertThrows(
        TaskNotFoundException.class, () -> service.delete("alice", task.id(), IfMatch.ANY));
  }

  @Test
  void historyOfAnUnknownTaskIsNotFound() {
    assertThrows(TaskNotFoundException.class, () -> service.history("alice", TaskId.random()));
  }

  @Test
  void anOccurrenceIsCreatedExactlyOnce() {
    String body =
        "{'userId':'alice','title':'Water plants','dueAt':'2030-01-08T09:00:00Z',"
            + "'recurrence':{'rule':'FREQ=WEEKLY','basis':'due'},'seriesId':'s-1','occurrence':2}";
    Outcome first = service.createOccurrence("s-1", 2, "alice", json(body));
    Outcome again = service.createOccurrence("s-1", 2, "alice", json(body));
    assertTrue(first.changed());
    assertFalse(again.changed());
    assertEquals(first.task().id(), again.task().id());
    assertEquals("s-1", first.task().seriesId());
    assertEquals(2, first.task().occurrence());
    assertEquals("alice", first.task().userId());
    assertEquals(1, store.outbox.size());
    ConflictException e =
        assertThrows(
            ConflictException.class,
            () -> service.createOccurrence("s-1", 2, "bob", json("{'userId':'bob','title':'x'}")));
    assertEquals(409, e.status());
    assertTrue(service.createOccurrence("s-1", 3, "alice", json(body)).changed());
  }
}
