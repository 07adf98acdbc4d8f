package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * What the running task-service answers when PostgreSQL refuses or fails, forced class by class: a
 * NUL is refused by validation before it reaches the database; a value or constraint the database
 * refuses is the request's (4xx); only a timeout or a database that is down is a 503 with {@code
 * Retry-After}, the one answer a client should retry.
 */
@ResourceLock(PlatformLock.PLATFORM) // alone: stops PostgreSQL
class DatabaseErrorsIT {

  private static final String PG =
      "jdbc:postgresql://127.0.0.1:"
          + System.getenv().getOrDefault("TODO_PG_PORT", "5432")
          + "/todo";

  @Test
  void nulInAnyTextIsRefusedByValidationNamingTheField() {
    TaskApi user = new TaskApi("nul-" + UUID.randomUUID());
    Map<String, String> bodies =
        Map.of(
            "title", "{\"title\":\"a\\u0000b\"}",
            "description", "{\"title\":\"t\",\"description\":\"\\u0000\"}",
            "tags[0]", "{\"title\":\"t\",\"tags\":[\"\\u0000\"]}",
            "recurrence.rule", "{\"title\":\"t\",\"recurrence\":{\"rule\":\"FREQ=DAILY\\u0000\"}}");
    try (KafkaTopic topic = new KafkaTopic("task-events")) {
      JsonObject task = user.create("{\"title\":\"kept\"}");
      bodies.forEach(
          (field, body) -> {
            assertRefused(user.call("POST", "/tasks", body), field);
            assertRefused(
                user.call(
                    "PATCH",
                    "/tasks/" + task.getString("id"),
                    body.replace("\"title\":\"t\",", "")),
                field);
          });
      assertRefused(user.call("GET", "/tasks?q=milk%00", null), "q");
      assertRefused(user.call("GET", "/tasks?tag=home&tag=%00", null), "tag");
      assertEquals(1, user.count(), "nothing stored");
      topic.poll(Duration.ofSeconds(30), seen -> ofUser(seen, user) >= 1);
      assertEquals(
          1,
          ofUser(topic.poll(Duration.ofSeconds(2), seen -> false), user),
          "published: the creation of the one task, nothing of the refused requests");
    }
  }

  /**
   * A trigger on the outbox raises each SQLSTATE for this user's rows only; the task-service of the
   * platform answers by its class.
   */
  @Test
  void eachClassOfDatabaseErrorGetsItsAnswer() throws SQLException {
    TaskApi user = new TaskApi("sqlstate-" + UUID.randomUUID());
    String fn = "it_sqlstate_" + UUID.randomUUID().toString().replace("-", "");
    Map<String, Integer> expected =
        Map.of(
            "22021", 400, // data exception: a value the database cannot store
            "22003", 400, // numeric value out of range
            "23514", 400, // check violation
            "23505", 409, // unique violation
            "57014", 503, // statement timeout
            "40001", 503, // serialization failure
            "42703", 500); // undefined column: a bug, not an outage
    try (Connection db = DriverManager.getConnection(PG, "todo", "todo");
        Statement sql = db.createStatement()) {
      try {
        for (var e : expected.entrySet()) {
          sql.execute(
              "CREATE OR REPLACE FUNCTION "
                  + fn
                  + "() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION"
                  + " 'refused by DatabaseErrorsIT' USING ERRCODE = '"
                  + e.getKey()
                  + "'; END$$");
          sql.execute(
              "CREATE OR REPLACE TRIGGER "
                  + fn
                  + " BEFORE INSERT ON outbox FOR EACH ROW WHEN (NEW.user_id = '"
                  + user.user
                  + "') EXECUTE FUNCTION "
                  + fn
                  + "()");
          HttpResponse<String> r = user.call("POST", "/tasks", "{\"title\":\"never stored\"}");
          assertEquals(e.getValue(), r.statusCode(), e.getKey() + ": " + r.body());
          assertProblem(r);
          assertEquals(
              e.getValue() == 503,
              r.headers().firstValue("Retry-After").isPresent(),
              e.getKey() + ": Retry-After only when a retry can succeed");
        }
      } finally {
        sql.execute("DROP TRIGGER IF EXISTS " + fn + " ON outbox");
        sql.execute("DROP FUNCTION IF EXISTS " + fn + "()");
      }
    }
    assertEquals(0, user.count(), "no refused create stored its task");
  }

  /** The database down: 503 with Retry-After, and the same request succeeds once it is back. */
  @Test
  void aDatabaseThatIsDownIsUnavailable() {
    assertTrue(
        Files.exists(Platform.DEV.resolve("run/postgres.pid")),
        "PostgreSQL is not run by ./dev here (an existing server is reused), so this test cannot"
            + " stop it: stop that server and let ./dev start its own");
    TaskApi user = new TaskApi("pg-down-" + UUID.randomUUID());
    user.count(); // the token is issued while everything runs
    Platform.dev("stop", "postgres");
    try {
      HttpResponse<String> created = user.call("POST", "/tasks", "{\"title\":\"later\"}");
      assertEquals(503, created.statusCode(), created.body());
      assertProblem(created);
      assertEquals("urn:todo:problem:unavailable", Platform.json(created.body()).getString("type"));
      assertTrue(created.headers().firstValue("Retry-After").isPresent(), "Retry-After");
      HttpResponse<String> listed = user.call("GET", "/tasks", null);
      assertEquals(503, listed.statusCode(), listed.body());
    } finally {
      Platform.dev("start", "postgres");
    }
    Platform.awaitTrue(
        Duration.ofSeconds(60),
        "task-service ready again",
        () ->
            Platform.send(
                        HttpRequest.newBuilder(
                                URI.create(Platform.app("task-service") + "/health/ready"))
                            .GET())
                    .statusCode()
                == 200);
    Platform.awaitTrue(
        Duration.ofSeconds(30),
        "the retried create succeeds",
        () -> user.call("POST", "/tasks", "{\"title\":\"later\"}").statusCode() == 201);
  }

  private static long ofUser(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records,
      TaskApi user) {
    return records.stream().filter(r -> user.user.equals(r.key())).count();
  }

  private static void assertRefused(HttpResponse<String> r, String field) {
    assertEquals(400, r.statusCode(), field + ": " + r.body());
    JsonObject problem = assertProblem(r);
    assertEquals("urn:todo:problem:validation", problem.getString("type"), r.body());
    List<String> fields =
        problem.getJsonArray("errors").getValuesAs(JsonObject.class).stream()
            .map(e -> e.getString("field"))
            .collect(Collectors.toList());
    assertEquals(List.of(field), fields, r.body());
  }

  private static JsonObject assertProblem(HttpResponse<String> r) {
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
        r.body());
    JsonObject problem = Platform.json(r.body());
    assertEquals(r.statusCode(), problem.getInt("status"), r.body());
    return problem;
  }
}
