package com.todo.task.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CursorTest {

  static Task task(String title, Priority priority, Instant dueAt) {
    TaskFields fields =
        new TaskFields(title, null, priority, List.of(), dueAt, ZoneId.of("UTC"), List.of(), null);
    return Task.create(
        TaskId.random(), "alice", fields, Instant.parse("2030-01-01T10:00:00.123456Z"));
  }

  @Test
  void roundTripsEveryKind() {
    List<SortKey> keys = SortKey.parse("-dueAt,priority,title,-createdAt");
    Task t = task("Über \"quoted\"", Priority.HIGH, Instant.parse("2030-02-01T00:00:00Z"));
    Cursor c = Cursor.after(t, keys);
    Cursor back = Cursor.decode(c.encode(), keys);
    assertEquals(c, back);
    assertEquals(
        Arrays.asList(
            Instant.parse("2030-02-01T00:00:00Z"),
            3,
            "Über \"quoted\"",
            Instant.parse("2030-01-01T10:00:00.123456Z")),
        back.values());
    assertEquals(t.id(), back.lastId());
  }

  @Test
  void keepsAMissingDueDate() {
    List<SortKey> keys = SortKey.parse("dueAt");
    Cursor back = Cursor.decode(Cursor.after(task("x", Priority.NONE, null), keys).encode(), keys);
    assertNull(back.values().get(0));
  }

  @Test
  void isUrlSafe() {
    String encoded = Cursor.after(task("??>>", Priority.NONE, null), SortKey.DEFAULT).encode();
    assertEquals(encoded, encoded.replaceAll("[^A-Za-z0-9_-]", ""));
  }

  @Test
  void belongsToOneSort() {
    String encoded = Cursor.after(task("x", Priority.NONE, null), SortKey.parse("title")).encode();
    ValidationException e =
        assertThrows(
            ValidationException.class, () -> Cursor.decode(encoded, SortKey.parse("-title")));
    assertEquals("cursor", e.errors().get(0).field());
  }

  @Test
  void refusesWhatItDidNotIssue() {
    List<SortKey> keys = SortKey.parse("priority");
    for (String bad :
        List.of(
            "not base64!",
            b64("[]"),
            b64("{\"s\":\"priority\",\"v\":[9],\"id\":\"6f1c1b5e-5b7e-4c59-9d38-0d1c8f0c0a01\"}"),
            b64(
                "{\"s\":\"priority\",\"v\":[\"x\"],\"id\":\"6f1c1b5e-5b7e-4c59-9d38-0d1c8f0c0a01\"}"),
            b64("{\"s\":\"priority\",\"v\":[1,2],\"id\":\"6f1c1b5e-5b7e-4c59-9d38-0d1c8f0c0a01\"}"),
            b64("{\"s\":\"priority\",\"v\":[1],\"id\":\"nope\"}"))) {
      ValidationException e =
          assertThrows(ValidationException.class, () -> Cursor.decode(bad, keys), bad);
      assertEquals("cursor", e.errors().get(0).field());
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
