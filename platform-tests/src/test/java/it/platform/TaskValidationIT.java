package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every class of invalid input gets a problem+json error, stores nothing and publishes nothing. */
class TaskValidationIT {

  @Test
  void invalidInputIsRefusedAndChangesNothing() {
    TaskApi user = new TaskApi("invalid-" + UUID.randomUUID());
    Map<String, String> invalid = new LinkedHashMap<>();
    invalid.put("malformed JSON", "{\"title\":");
    invalid.put("missing title", "{\"priority\":\"high\"}");
    invalid.put("title too long", "{\"title\":\"" + "x".repeat(501) + "\"}");
    invalid.put("description too long", "{\"title\":\"t\",\"description\":\"" + "d".repeat(10_001) + "\"}");
    invalid.put("unknown priority", "{\"title\":\"t\",\"priority\":\"urgent\"}");
    invalid.put("wrong type", "{\"title\":42}");
    invalid.put("unknown field", "{\"title\":\"t\",\"colour\":\"red\"}");
    invalid.put("too many tags", "{\"title\":\"t\",\"tags\":[" + String.join(",",
        java.util.stream.IntStream.rangeClosed(0, 20).mapToObj(i -> "\"tag" + i + "\"").toList()) + "]}");
    invalid.put("empty tag", "{\"title\":\"t\",\"tags\":[\"\"]}");
    invalid.put("bad due date", "{\"title\":\"t\",\"dueAt\":\"tomorrow\"}");
    invalid.put("unknown time zone", "{\"title\":\"t\",\"timeZone\":\"Mars/Olympus\"}");
    invalid.put("bad duration", "{\"title\":\"t\",\"dueAt\":\"2030-01-01T00:00:00Z\",\"reminders\":[{\"before\":\"1 hour\"}]}");
    invalid.put("reminder without due date", "{\"title\":\"t\",\"reminders\":[{\"before\":\"PT1H\"}]}");
    invalid.put("too many reminders", "{\"title\":\"t\",\"dueAt\":\"2030-01-01T00:00:00Z\",\"reminders\":["
        + "{\"before\":\"PT1M\"},".repeat(10) + "{\"before\":\"PT2M\"}]}");
    invalid.put("invalid RRULE", "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=SOMETIMES\",\"basis\":\"due\"}}");
    invalid.put("secondly RRULE", "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=SECONDLY;INTERVAL=120\",\"basis\":\"due\"}}");
    invalid.put("RRULE under a minute", "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=MINUTELY;BYSECOND=0,30\",\"basis\":\"due\"}}");
    invalid.put("unknown basis", "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=DAILY\",\"basis\":\"whenever\"}}");

    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      invalid.forEach(
          (what, body) -> {
            var r = user.call("POST", "/tasks", body);
            assertEquals(400, r.statusCode(), what + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what);
            assertTrue(r.body().contains("\"status\":400"), what + ": " + r.body());
          });
      var tooBig = user.call("POST", "/tasks", "{\"title\":\"t\",\"description\":\"" + "x".repeat(70_000) + "\"}");
      assertEquals(413, tooBig.statusCode(), "a body over 64 KiB");

      var fieldErrors = user.call("POST", "/tasks", "{\"title\":\"\",\"priority\":\"urgent\",\"timeZone\":\"Nowhere\"}");
      assertEquals(400, fieldErrors.statusCode());
      for (String field : new String[] {"title", "priority", "timeZone"}) {
        assertTrue(fieldErrors.body().contains("\"" + field + "\""), "the error names " + field + ": " + fieldErrors.body());
      }

      assertEquals(0, user.count(), "nothing was stored");
      var records = topic.poll(Duration.ofSeconds(3), seen -> false);
      assertTrue(records.stream().noneMatch(r -> user.user.equals(r.key())), "a refused request published an event");
    }
  }
}
