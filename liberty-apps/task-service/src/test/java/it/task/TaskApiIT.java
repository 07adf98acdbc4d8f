package it.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.support.ServiceUnderTest;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged task-service on Liberty, against the platform's PostgreSQL and task-service sidecar:
 * the REST contract of docs/api.md that a client relies on, and the internal occurrence endpoint.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TaskApiIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final ServiceUnderTest service = new ServiceUnderTest();
  private final String base = "http://127.0.0.1:" + System.getProperty("it.http.port");

  @Deployment(testable = false)
  static WebArchive packagedService() {
    return ShrinkWrap.create(ZipImporter.class, "task-service-it.war")
        .importFrom(new File(System.getProperty("it.war")))
        .as(WebArchive.class);
  }

  private static String token(String user) {
    try {
      Path dev = Path.of(System.getenv("REPO_ROOT"), "dev");
      Process p = new ProcessBuilder(dev.toString(), "token", user).start();
      String t = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) throw new IllegalStateException("./dev token failed");
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> call(
      String token, String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(15))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body != null)
      b.header(
          "Content-Type",
          method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
    headers.forEach(b::header);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonObject create(String token, String json) {
    HttpResponse<String> r = call(token, "POST", "/api/v1/tasks", json, Map.of());
    assertEquals(201, r.statusCode(), r.body());
    return ServiceUnderTest.json(r.body());
  }

  @Test
  void readyWhenPostgresAndTheSidecarAnswer() {
    HttpResponse<String> r = service.get("/health/ready");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(
        r.body().contains("\"postgresql\"") && r.body().contains("\"dapr-sidecar\""), r.body());
  }

  @Test
  void theOpenApiDocumentDescribesThePublicApiOnly() {
    HttpResponse<String> doc = service.get("/openapi");
    assertEquals(200, doc.statusCode());
    assertTrue(doc.body().contains("/api/v1/tasks/{id}/complete"), "the task API is documented");
    assertTrue(
        !doc.body().contains("/internal/") && !doc.body().contains("/job/"),
        "sidecar endpoints are not");
    assertEquals(200, service.get("/openapi/ui/").statusCode());
  }

  @Test
  void aRequestWithoutATokenIs401() {
    assertEquals(401, call(null, "GET", "/api/v1/tasks", null, Map.of()).statusCode());
  }

  @Test
  void createGetAndConditionalPatch() {
    String alice = token("it-alice-" + UUID.randomUUID());
    HttpResponse<String> created =
        call(
            alice,
            "POST",
            "/api/v1/tasks",
            "{\"title\":\"Water plants\",\"tags\":[\"Garden\",\"garden\"]}",
            Map.of());
    assertEquals(201, created.statusCode(), created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    String etag = created.headers().firstValue("ETag").orElseThrow();
    JsonObject task = ServiceUnderTest.json(created.body());
    assertTrue(location.endsWith("/api/v1/tasks/" + task.getString("id")), location);
    assertEquals(1, task.getInt("version"));
    assertEquals(
        "[\"garden\"]", task.getJsonArray("tags").toString(), "tags are stored lower case, once");

    String path = "/api/v1/tasks/" + task.getString("id");
    HttpResponse<String> got = call(alice, "GET", path, null, Map.of());
    assertEquals(200, got.statusCode());
    assertEquals(etag, got.headers().firstValue("ETag").orElseThrow());

    HttpResponse<String> patched =
        call(
            alice,
            "PATCH",
            path,
            "{\"priority\":\"high\",\"description\":null}",
            Map.of("If-Match", etag));
    assertEquals(200, patched.statusCode(), patched.body());
    assertEquals(2, ServiceUnderTest.json(patched.body()).getInt("version"));
    assertNotEquals(etag, patched.headers().firstValue("ETag").orElseThrow());

    HttpResponse<String> stale =
        call(alice, "PATCH", path, "{\"priority\":\"low\"}", Map.of("If-Match", etag));
    assertEquals(412, stale.statusCode(), stale.body());
    assertEquals(
        "high",
        ServiceUnderTest.json(call(alice, "GET", path, null, Map.of()).body())
            .getString("priority"));
  }

  @Test
  void theSameIdempotencyKeyCreatesOnce() {
    String bob = token("it-bob-" + UUID.randomUUID());
    String key = UUID.randomUUID().toString();
    String body = "{\"title\":\"once\"}";
    HttpResponse<String> first =
        call(bob, "POST", "/api/v1/tasks", body, Map.of("Idempotency-Key", key));
    HttpResponse<String> again =
        call(bob, "POST", "/api/v1/tasks", body, Map.of("Idempotency-Key", key));
    assertEquals(201, first.statusCode(), first.body());
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(
        ServiceUnderTest.json(first.body()).getString("id"),
        ServiceUnderTest.json(again.body()).getString("id"));
    assertEquals(
        1,
        ServiceUnderTest.json(call(bob, "GET", "/api/v1/tasks", null, Map.of()).body())
            .getJsonArray("items")
            .size());
  }

  @Test
  void searchFiltersAndSorts() {
    String carol = token("it-carol-" + UUID.randomUUID());
    create(carol, "{\"title\":\"Buy oat milk\",\"priority\":\"low\",\"tags\":[\"shop\"]}");
    create(
        carol,
        "{\"title\":\"Call the plumber\",\"description\":\"the kitchen sink leaks\",\"priority\":\"high\",\"tags\":[\"home\"]}");
    create(
        carol, "{\"title\":\"Fix sink\",\"priority\":\"medium\",\"tags\":[\"home\",\"urgent\"]}");

    JsonObject sink =
        ServiceUnderTest.json(
            call(carol, "GET", "/api/v1/tasks?q=sink&sort=-priority", null, Map.of()).body());
    assertEquals(
        List.of("Call the plumber", "Fix sink"),
        titles(sink),
        "full-text over title and description, priority descending");
    JsonObject tagged =
        ServiceUnderTest.json(
            call(carol, "GET", "/api/v1/tasks?tag=home&tag=urgent", null, Map.of()).body());
    assertEquals(List.of("Fix sink"), titles(tagged), "every tag must match");
    JsonObject low =
        ServiceUnderTest.json(
            call(
                    carol,
                    "GET",
                    "/api/v1/tasks?priority=low&priority=medium&sort=title",
                    null,
                    Map.of())
                .body());
    assertEquals(List.of("Buy oat milk", "Fix sink"), titles(low));
    assertEquals(400, call(carol, "GET", "/api/v1/tasks?sort=colour", null, Map.of()).statusCode());
  }

  private static List<String> titles(JsonObject page) {
    return page.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(t -> t.getString("title"))
        .toList();
  }

  @Test
  void cursorPagesNeitherSkipNorRepeatWhileTasksAreAdded() {
    String dave = token("it-dave-" + UUID.randomUUID());
    Set<String> before = new HashSet<>();
    for (int i = 0; i < 25; i++)
      before.add(create(dave, "{\"title\":\"task " + i + "\"}").getString("id"));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int added = 0;
    do {
      JsonObject page =
          ServiceUnderTest.json(
              call(
                      dave,
                      "GET",
                      "/api/v1/tasks?limit=7&sort=createdAt"
                          + (cursor == null ? "" : "&cursor=" + cursor),
                      null,
                      Map.of())
                  .body());
      page.getJsonArray("items")
          .getValuesAs(JsonObject.class)
          .forEach(t -> seen.add(t.getString("id")));
      cursor =
          page.containsKey("nextCursor") && !page.isNull("nextCursor")
              ? page.getString("nextCursor")
              : null;
      create(dave, "{\"title\":\"added while paging " + added++ + "\"}");
    } while (cursor != null);

    assertEquals(seen.size(), new HashSet<>(seen).size(), "no task repeated");
    assertTrue(seen.containsAll(before), "no task that existed before paging was skipped");
  }

  @Test
  void theOccurrenceOfASeriesIsCreatedOnceForRecurringServiceOnly() {
    String series = UUID.randomUUID().toString();
    String path = "/internal/series/" + series + "/occurrences/3";
    String body =
        "{\"userId\":\"it-erin-"
            + series
            + "\",\"title\":\"Weekly review\",\"dueAt\":\"2030-01-07T09:00:00Z\"}";
    Map<String, String> fromRecurring =
        Map.of(
            "dapr-api-token",
            ServiceUnderTest.APP_TOKEN,
            "dapr-caller-app-id",
            "recurring-service");

    assertEquals(
        401,
        call(null, "POST", path, body, Map.of("dapr-caller-app-id", "recurring-service"))
            .statusCode());
    assertEquals(
        403,
        call(
                null,
                "POST",
                path,
                body,
                Map.of(
                    "dapr-api-token",
                    ServiceUnderTest.APP_TOKEN,
                    "dapr-caller-app-id",
                    "task-service"))
            .statusCode());
    HttpResponse<String> first = call(null, "POST", path, body, fromRecurring);
    HttpResponse<String> again = call(null, "POST", path, body, fromRecurring);
    assertEquals(201, first.statusCode(), first.body());
    assertEquals(200, again.statusCode(), again.body());
    JsonObject task = ServiceUnderTest.json(first.body());
    assertEquals(task.getString("id"), ServiceUnderTest.json(again.body()).getString("id"));
    assertEquals(series, task.getString("seriesId"));
    assertEquals(3, task.getInt("occurrence"));
  }

  /**
   * A change and its event commit together or not at all: a trigger refuses this user's outbox
   * rows, so every write fails at its last statement, after the task was written. The trigger
   * raises each class of SQLSTATE in turn, and the answer says whose fault it was: only a timeout,
   * an overload or a lost database is a 503 worth retrying.
   */
  @Test
  void aChangeWhoseEventCannotBeStoredIsNotStoredEither() throws SQLException {
    String user = "it-frank-" + UUID.randomUUID();
    String frank = token(user);
    JsonObject before = create(frank, "{\"title\":\"stays as it is\"}");
    String path = "/api/v1/tasks/" + before.getString("id");
    String fn = "it_refuse_" + UUID.randomUUID().toString().replace("-", "");
    // SQLSTATE raised → status and problem type of the answer
    Map<String, Map.Entry<Integer, String>> answers = new LinkedHashMap<>();
    answers.put("57014", Map.entry(503, "unavailable")); // statement timeout
    answers.put("40P01", Map.entry(503, "unavailable")); // deadlock
    answers.put("53300", Map.entry(503, "unavailable")); // too many connections
    answers.put("22021", Map.entry(400, "validation")); // a value the database cannot store
    answers.put("23514", Map.entry(400, "validation")); // a check constraint
    answers.put("23505", Map.entry(409, "conflict")); // a unique constraint
    answers.put("P0001", Map.entry(500, "internal")); // anything else: a bug
    try (Connection db =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:"
                    + System.getenv().getOrDefault("TODO_PG_PORT", "5432")
                    + "/todo",
                "todo",
                "todo");
        Statement sql = db.createStatement()) {
      try {
        for (var answer : answers.entrySet()) {
          String state = answer.getKey();
          sql.execute(
              "CREATE OR REPLACE FUNCTION "
                  + fn
                  + "() RETURNS trigger LANGUAGE plpgsql AS"
                  + " $$BEGIN RAISE EXCEPTION 'outbox row refused by the test' USING ERRCODE = '"
                  + state
                  + "'; END$$");
          if (state.equals("57014")) {
            sql.execute(
                "CREATE TRIGGER "
                    + fn
                    + " BEFORE INSERT ON outbox FOR EACH ROW"
                    + " WHEN (NEW.user_id = '"
                    + user
                    + "') EXECUTE FUNCTION "
                    + fn
                    + "()");
          }
          int status = answer.getValue().getKey();
          String type = "urn:todo:problem:" + answer.getValue().getValue();
          HttpResponse<String> created =
              call(frank, "POST", "/api/v1/tasks", "{\"title\":\"never stored\"}", Map.of());
          assertEquals(status, created.statusCode(), state + ": " + created.body());
          assertEquals(
              type, ServiceUnderTest.json(created.body()).getString("type"), state + " type");
          assertEquals(
              status == 503,
              created.headers().firstValue("Retry-After").isPresent(),
              state + ": Retry-After only on 503");
          HttpResponse<String> patched =
              call(
                  frank,
                  "PATCH",
                  path,
                  "{\"title\":\"never changed\"}",
                  Map.of("If-Match", "\"1\""));
          assertEquals(status, patched.statusCode(), state + ": " + patched.body());
        }
      } finally {
        sql.execute("DROP TRIGGER IF EXISTS " + fn + " ON outbox");
        sql.execute("DROP FUNCTION IF EXISTS " + fn + "()");
      }
      try (ResultSet rs =
          sql.executeQuery(
              "SELECT count(*), max(version) FROM tasks WHERE user_id = '" + user + "'")) {
        rs.next();
        assertEquals(1, rs.getInt(1), "the refused create stored no task");
        assertEquals(1, rs.getInt(2), "the refused change changed nothing");
      }
    }
    assertEquals(
        List.of("stays as it is"),
        titles(ServiceUnderTest.json(call(frank, "GET", "/api/v1/tasks", null, Map.of()).body())));
    assertEquals(
        201,
        call(frank, "POST", "/api/v1/tasks", "{\"title\":\"stored now\"}", Map.of()).statusCode());
  }
}
