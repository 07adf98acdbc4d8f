package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Nothing accepted is lost when the sidecar or the service dies at the wrong moment: the
 * transactional outbox publishes every committed change later, once, in commit order per user.
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: stops task-service's sidecar, restarts task-service
class OutboxIT {

  private static List<String> createdTaskIds(
      List<ConsumerRecord<String, String>> records, String user) {
    return records.stream()
        .filter(r -> user.equals(r.key()))
        .map(r -> Platform.json(r.value()))
        .filter(e -> e.getString("type").equals("com.todo.task.created.v1"))
        .map(e -> e.getString("subject"))
        .toList();
  }

  private static long copiesOf(List<ConsumerRecord<String, String>> records, String taskId) {
    return records.stream()
        .map(r -> Platform.json(r.value()))
        .filter(
            e ->
                taskId.equals(e.getString("subject", ""))
                    && e.getString("type").endsWith(".created.v1"))
        .count();
  }

  @Test
  void changesMadeWhileTheSidecarIsDownArePublishedInOrderWhenItReturns() {
    List<TaskApi> users =
        List.of(
            new TaskApi("outbox-a-" + UUID.randomUUID()),
            new TaskApi("outbox-b-" + UUID.randomUUID()));
    Map<String, List<String>> committed = new LinkedHashMap<>();
    users.forEach(u -> committed.put(u.user, new ArrayList<>()));

    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      Platform.dev("stop", "daprd-task-service");
      try {
        for (int i = 0; i < 100; i++) {
          TaskApi u = users.get(i % users.size());
          JsonObject task = u.create("{\"title\":\"offline " + i + "\"}"); // asserts 201
          committed.get(u.user).add(task.getString("id"));
        }
      } finally {
        Platform.dev("start", "daprd-task-service");
      }
      var records =
          topic.poll(
              Duration.ofSeconds(30),
              seen ->
                  users.stream()
                      .allMatch(u -> new HashSet<>(createdTaskIds(seen, u.user)).size() == 50));

      List<String> ids = new ArrayList<>();
      for (TaskApi u : users) {
        List<String> published = createdTaskIds(records, u.user);
        assertEquals(
            50, new HashSet<>(published).size(), "all of " + u.user + "'s events within 30 s");
        // a republished id would repeat; keep the first occurrence to check the order
        List<String> firstSeen = published.stream().distinct().toList();
        assertEquals(committed.get(u.user), firstSeen, "per-user order equals commit order");
        records.stream()
            .filter(r -> u.user.equals(r.key()))
            .map(r -> Platform.json(r.value()).getString("id"))
            .forEach(ids::add);
      }
      assertEquals(ids.size(), new HashSet<>(ids).size(), "event ids are unique");
    }
  }

  @Test
  void aServiceKilledBetweenCommitAndPublishPublishesTheEventOnceAfterRestart() {
    TaskApi user = new TaskApi("halt-" + UUID.randomUUID());
    String title = "committed then killed " + UUID.randomUUID();
    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      // test-only fault hook of task-service: halt the JVM right after a create commits
      Platform.devWithEnv(
          Map.of("TODO_SERVICE_ENV_EXTRA", "TASK_SERVICE_FAULT_HALT_AFTER_COMMIT=true"),
          "restart",
          "task-service");
      try {
        user.call("POST", "/tasks", "{\"title\":\"" + title + "\"}");
        throw new AssertionError("task-service answered although the fault hook halts it");
      } catch (RuntimeException expected) {
        // the connection died with the JVM
      } finally {
        Platform.dev("restart", "task-service");
      }
      var items = Platform.json(user.call("GET", "/tasks", null).body()).getJsonArray("items");
      assertEquals(1, items.size(), "the committed task survived the crash");
      String id = items.getJsonObject(0).getString("id");
      topic.poll(Duration.ofSeconds(30), seen -> copiesOf(seen, id) >= 1);
      // then watch a few more seconds for a second copy
      var records = topic.poll(Duration.ofSeconds(5), seen -> copiesOf(seen, id) > 1);
      assertEquals(
          1, copiesOf(records, id), "the event of task " + id + " is published exactly once");
      // the event published after the restart is the one stored with the commit, not a new one
      String stored =
          Platform.json(user.call("GET", "/tasks/" + id + "/history", null).body())
              .getJsonArray("items")
              .getJsonObject(0)
              .getString("id");
      assertTrue(
          KafkaTopic.containsEventId(records, stored),
          "the published event has the stored id " + stored);
    }
  }
}
