package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Every class of invalid input gets a 400 problem+json whose {@code errors[]} names exactly the
 * fields at fault, stores nothing and publishes nothing.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class TaskValidationIT {

  /** An invalid body and the fields its errors must name. */
  private record Invalid(String body, Set<String> fields) {}

  private static Invalid invalid(String body, String... fields) {
    return new Invalid(body, Set.of(fields));
  }

  @Test
  void invalidInputIsRefusedAndChangesNothing() {
    TaskApi user = new TaskApi("invalid-" + UUID.randomUUID());
    Map<String, Invalid> cases = new LinkedHashMap<>();
    cases.put("malformed JSON", invalid("{\"title\":", "body"));
    cases.put("not an object", invalid("[\"title\"]", "body"));
    cases.put("missing title", invalid("{\"priority\":\"high\"}", "title"));
    cases.put("title too long", invalid("{\"title\":\"" + "x".repeat(501) + "\"}", "title"));
    cases.put(
        "description too long",
        invalid("{\"title\":\"t\",\"description\":\"" + "d".repeat(10_001) + "\"}", "description"));
    cases.put("unknown priority", invalid("{\"title\":\"t\",\"priority\":\"urgent\"}", "priority"));
    cases.put("wrong type", invalid("{\"title\":42}", "title"));
    cases.put("unknown field", invalid("{\"title\":\"t\",\"colour\":\"red\"}", "colour"));
    cases.put("read-only field", invalid("{\"title\":\"t\",\"status\":\"completed\"}", "status"));
    cases.put(
        "too many tags",
        invalid(
            "{\"title\":\"t\",\"tags\":["
                + IntStream.rangeClosed(0, 20)
                    .mapToObj(i -> "\"tag" + i + "\"")
                    .collect(Collectors.joining(","))
                + "]}",
            "tags"));
    cases.put("empty tag", invalid("{\"title\":\"t\",\"tags\":[\"ok\",\"\"]}", "tags[1]"));
    cases.put("bad due date", invalid("{\"title\":\"t\",\"dueAt\":\"tomorrow\"}", "dueAt"));
    cases.put(
        "unknown time zone",
        invalid("{\"title\":\"t\",\"timeZone\":\"Mars/Olympus\"}", "timeZone"));
    cases.put(
        "bad duration",
        invalid(
            "{\"title\":\"t\",\"dueAt\":\"2030-01-01T00:00:00Z\",\"reminders\":[{\"before\":\"1 hour\"}]}",
            "reminders[0].before"));
    cases.put(
        "reminder without due date",
        invalid("{\"title\":\"t\",\"reminders\":[{\"before\":\"PT1H\"}]}", "reminders[0].before"));
    cases.put(
        "too many reminders",
        invalid(
            "{\"title\":\"t\",\"dueAt\":\"2030-01-01T00:00:00Z\",\"reminders\":["
                + "{\"before\":\"PT1M\"},".repeat(10)
                + "{\"before\":\"PT2M\"}]}",
            "reminders"));
    cases.put(
        "invalid RRULE",
        invalid(
            "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=SOMETIMES\",\"basis\":\"due\"}}",
            "recurrence.rule"));
    cases.put(
        "secondly RRULE",
        invalid(
            "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=SECONDLY;INTERVAL=120\",\"basis\":\"due\"}}",
            "recurrence.rule"));
    cases.put(
        "RRULE under a minute",
        invalid(
            "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=MINUTELY;BYSECOND=0,30\",\"basis\":\"due\"}}",
            "recurrence.rule"));
    cases.put(
        "unknown basis",
        invalid(
            "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=DAILY\",\"basis\":\"whenever\"}}",
            "recurrence.basis"));
    cases.put(
        "several fields at once",
        invalid(
            "{\"title\":\"\",\"priority\":\"urgent\",\"timeZone\":\"Nowhere\"}",
            "title",
            "priority",
            "timeZone"));

    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      cases.forEach(
          (what, c) -> {
            HttpResponse<String> r = user.call("POST", "/tasks", c.body());
            JsonObject problem = problem(r, 400, what);
            assertEquals(
                "urn:todo:problem:validation", problem.getString("type"), what + ": " + r.body());
            assertEquals(
                c.fields(),
                fieldsNamedBy(problem, what),
                what + ": the fields named in errors[] of " + r.body());
          });
      HttpResponse<String> tooBig =
          user.call(
              "POST", "/tasks", "{\"title\":\"t\",\"description\":\"" + "x".repeat(70_000) + "\"}");
      assertEquals(
          "urn:todo:problem:payload-too-large",
          problem(tooBig, 413, "a body over 64 KiB").getString("type"));

      assertEquals(0, user.count(), "nothing was stored");
      var records = topic.poll(Duration.ofSeconds(3), seen -> false);
      assertTrue(
          records.stream().noneMatch(r -> user.user.equals(r.key())),
          "a refused request published an event");
    }
  }

  /** The problem+json body of an answer that must have {@code status}. */
  private static JsonObject problem(HttpResponse<String> r, int status, String what) {
    assertEquals(status, r.statusCode(), what + ": " + r.body());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
        what);
    JsonObject problem = Platform.json(r.body());
    assertEquals(status, problem.getInt("status"), what + ": " + r.body());
    return problem;
  }

  /** The {@code field} of each entry of {@code errors[]}, each entry with a message of its own. */
  private static Set<String> fieldsNamedBy(JsonObject problem, String what) {
    assertTrue(problem.containsKey("errors"), what + ": no errors[] in " + problem);
    List<JsonObject> errors = problem.getJsonArray("errors").getValuesAs(JsonObject.class);
    errors.forEach(
        e ->
            assertTrue(
                !e.getString("message", "").isBlank(),
                what + ": an error without a message: " + e));
    return errors.stream().map(e -> e.getString("field")).collect(Collectors.toSet());
  }
}
