package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A user never sees or changes another user's task: every attempt is a 404 and publishes nothing.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class TaskIsolationIT {

  @Test
  void anotherUsersTasksAnswer404AndStayUnchanged() {
    TaskApi alice = new TaskApi("alice-" + UUID.randomUUID());
    TaskApi mallory = new TaskApi("mallory-" + UUID.randomUUID());
    List<JsonObject> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) tasks.add(alice.create("{\"title\":\"private " + i + "\"}"));

    Random random = new Random(42);
    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      for (int i = 0; i < 60; i++) {
        String id = tasks.get(random.nextInt(tasks.size())).getString("id");
        var attempt =
            switch (random.nextInt(6)) {
              case 0 -> mallory.call("GET", "/tasks/" + id, null);
              case 1 -> mallory.call("PATCH", "/tasks/" + id, "{\"title\":\"mine\"}");
              case 2 -> mallory.call("DELETE", "/tasks/" + id, null);
              case 3 -> mallory.call("POST", "/tasks/" + id + "/complete", null);
              case 4 -> mallory.call("POST", "/tasks/" + id + "/reopen", null);
              default -> mallory.call("GET", "/tasks/" + id + "/history", null);
            };
        assertEquals(
            404, attempt.statusCode(), "attempt " + i + " on " + id + ": " + attempt.body());
      }
      assertEquals(0, mallory.count(), "mallory lists none of alice's tasks");
      for (JsonObject t : tasks) {
        JsonObject now =
            Platform.json(alice.call("GET", "/tasks/" + t.getString("id"), null).body());
        assertEquals(t.getInt("version"), now.getInt("version"));
        assertEquals(t.getString("title"), now.getString("title"));
        assertEquals("open", now.getString("status"));
      }
      // alice's own created events may still arrive; any other event of her tasks came from mallory
      var records = topic.poll(Duration.ofSeconds(3), seen -> false);
      assertTrue(
          records.stream()
              .map(r -> Platform.json(r.value()))
              .filter(
                  e ->
                      tasks.stream()
                          .anyMatch(t -> t.getString("id").equals(e.getString("subject", ""))))
              .allMatch(e -> e.getString("type").equals("com.todo.task.created.v1")),
          "an attempt of another user published an event");
    }
  }
}
