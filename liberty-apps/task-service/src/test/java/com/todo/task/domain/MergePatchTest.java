package com.todo.task.domain;

import static com.todo.task.domain.Bodies.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** JSON Merge Patch (RFC 7396) on a task's writable fields, through {@link TaskValidator}. */
class MergePatchTest {

  static final String R1 = "6f1c1b5e-5b7e-4c59-9d38-0d1c8f0c0a01";

  final TaskFields current =
      TaskValidator.forCreate(
          json(
              "{'title':'Plan','description':'d','priority':'high','tags':['a','b'],"
                  + "'dueAt':'2030-01-31T09:00:00Z','timeZone':'Europe/Berlin',"
                  + "'reminders':[{'id':'"
                  + R1
                  + "','before':'PT15M'}],"
                  + "'recurrence':{'rule':'FREQ=DAILY','basis':'completion'}}"),
          () -> UUID.randomUUID().toString());

  TaskFields patch(String patch) {
    return TaskValidator.forPatch(
        current, json(patch), () -> "00000000-0000-4000-8000-000000000009");
  }

  List<String> errors(String patch) {
    return assertThrows(ValidationException.class, () -> patch(patch)).errors().stream()
        .map(FieldError::field)
        .collect(Collectors.toList());
  }

  @Test
  void emptyPatchChangesNothing() {
    TaskFields after = patch("{}");
    assertEquals(current, after);
    assertEquals(List.of(), after.changedFrom(current));
  }

  @Test
  void setsOnlyWhatItNames() {
    TaskFields after = patch("{'title':'New','priority':'low'}");
    assertEquals("New", after.title());
    assertEquals(Priority.LOW, after.priority());
    assertEquals(current.tags(), after.tags());
    assertEquals(List.of("title", "priority"), after.changedFrom(current));
  }

  @Test
  void nullRemovesBackToTheDefault() {
    TaskFields after =
        patch(
            "{'description':null,'priority':null,'tags':null,'timeZone':null,'recurrence':null,'reminders':null,'dueAt':null}");
    assertNull(after.description());
    assertEquals(Priority.NONE, after.priority());
    assertEquals(List.of(), after.tags());
    assertEquals(ZoneId.of("UTC"), after.timeZone());
    assertNull(after.recurrence());
    assertNull(after.dueAt());
    assertEquals(
        List.of("description", "priority", "tags", "dueAt", "timeZone", "reminders", "recurrence"),
        after.changedFrom(current));
  }

  @Test
  void objectsMerge() {
    TaskFields after = patch("{'recurrence':{'rule':'FREQ=WEEKLY'}}");
    assertEquals(
        new Recurrence("FREQ=WEEKLY", Recurrence.Basis.COMPLETION),
        after.recurrence(),
        "basis kept");
  }

  @Test
  void arraysAreReplaced() {
    TaskFields after = patch("{'tags':['c'],'reminders':[{'at':'2030-01-30T09:00:00Z'}]}");
    assertEquals(List.of("c"), after.tags());
    assertEquals(
        List.of(
            Reminder.at(
                "00000000-0000-4000-8000-000000000009", Instant.parse("2030-01-30T09:00:00Z"))),
        after.reminders());
  }

  @Test
  void keepingAReminderKeepsItsId() {
    TaskFields after = patch("{'reminders':[{'id':'" + R1 + "','before':'PT15M'}],'title':'t'}");
    assertEquals(List.of("title"), after.changedFrom(current));
  }

  @Test
  void theResultIsValidatedAsAWhole() {
    assertEquals(List.of("reminders[0].before"), errors("{'dueAt':null}"));
    assertEquals(List.of("title"), errors("{'title':null}"));
    assertEquals(List.of("recurrence.rule"), errors("{'recurrence':{'rule':'FREQ=SECONDLY'}}"));
  }

  @Test
  void unknownAndReadOnlyFieldsAreRefusedEvenWhenNull() {
    assertEquals(List.of("colour"), errors("{'colour':null}"));
    assertEquals(List.of("status"), errors("{'status':'completed'}"));
    assertEquals(List.of("version"), errors("{'version':7}"));
    assertEquals(List.of("recurrence.every"), errors("{'recurrence':{'every':null}}"));
  }

  @Test
  void onlyAnObjectIsAPatch() {
    assertThrows(
        ValidationException.class,
        () -> TaskValidator.forPatch(current, Json.createArrayBuilder().build(), () -> "x"));
    assertThrows(
        ValidationException.class,
        () -> TaskValidator.forPatch(current, Json.createValue("x"), () -> "x"));
  }
}
