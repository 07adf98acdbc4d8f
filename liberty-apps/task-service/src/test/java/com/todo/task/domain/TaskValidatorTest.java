package com.todo.task.domain;

import static com.todo.task.domain.Bodies.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskValidatorTest {

  static final String UUID_1 = "6f1c1b5e-5b7e-4c59-9d38-0d1c8f0c0a01";

  final AtomicInteger counter = new AtomicInteger();
  final Supplier<String> ids =
      () -> String.format("00000000-0000-4000-8000-%012d", counter.incrementAndGet());

  TaskFields create(String body) {
    return TaskValidator.forCreate(json(body), ids);
  }

  /** The fields named by the errors of an invalid body. */
  List<String> errors(String body) {
    ValidationException e = assertThrows(ValidationException.class, () -> create(body));
    return e.errors().stream().map(FieldError::field).collect(Collectors.toList());
  }

  @Test
  void minimalBodyGetsDefaults() {
    TaskFields f = create("{'title':'Buy milk'}");
    assertEquals("Buy milk", f.title());
    assertNull(f.description());
    assertEquals(Priority.NONE, f.priority());
    assertEquals(List.of(), f.tags());
    assertNull(f.dueAt());
    assertEquals(ZoneId.of("UTC"), f.timeZone());
    assertEquals(List.of(), f.reminders());
    assertNull(f.recurrence());
  }

  @Test
  void fullBodyIsNormalised() {
    TaskFields f =
        create(
            "{'title':'Plan','description':'d','priority':'high','tags':['Work','work','Home'],"
                + "'dueAt':'2030-01-31T09:00:00.1234567+01:00','timeZone':'Europe/Berlin',"
                + "'reminders':[{'before':'PT15M'},{'id':'"
                + UUID_1
                + "','at':'2030-01-31T07:00:00Z'}],"
                + "'recurrence':{'rule':'FREQ=WEEKLY;BYDAY=MO','basis':'completion'}}");
    assertEquals(List.of("work", "home"), f.tags(), "lower case, duplicates dropped, order kept");
    assertEquals(Instant.parse("2030-01-31T08:00:00.123456Z"), f.dueAt(), "UTC, microseconds");
    assertEquals(ZoneId.of("Europe/Berlin"), f.timeZone());
    assertEquals(
        Reminder.before("00000000-0000-4000-8000-000000000001", "PT15M"), f.reminders().get(0));
    assertEquals(Reminder.at(UUID_1, Instant.parse("2030-01-31T07:00:00Z")), f.reminders().get(1));
    assertEquals(
        new Recurrence("FREQ=WEEKLY;BYDAY=MO", Recurrence.Basis.COMPLETION), f.recurrence());
  }

  @Test
  void nullMeansDefault() {
    TaskFields f =
        create(
            "{'title':'x','description':null,'priority':null,'tags':null,'dueAt':null,"
                + "'timeZone':null,'reminders':null,'recurrence':null}");
    assertEquals(Priority.NONE, f.priority());
    assertEquals(ZoneId.of("UTC"), f.timeZone());
  }

  @Test
  void recurrenceBasisDefaultsToDue() {
    assertEquals(
        Recurrence.Basis.DUE,
        create("{'title':'x','recurrence':{'rule':'FREQ=DAILY'}}").recurrence().basis());
  }

  @Test
  void everyBadFieldIsNamedAtOnce() {
    assertEquals(
        List.of("status", "color", "title", "priority", "timeZone", "recurrence.rule"),
        errors(
            "{'title':'','priority':'urgent','timeZone':'Mars/Base','status':'completed',"
                + "'color':'red','recurrence':{'rule':'FREQ=SECONDLY'}}"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'description':'no title'}                         | title",
        "{'title':null}                                     | title",
        "{'title':'   '}                                    | title",
        "{'title':5}                                        | title",
        "{'title':['a']}                                    | title",
        "{'title':'x','description':5}                      | description",
        "{'title':'x','priority':'urgent'}                  | priority",
        "{'title':'x','priority':'HIGH'}                    | priority",
        "{'title':'x','priority':3}                         | priority",
        "{'title':'x','tags':'work'}                        | tags",
        "{'title':'x','tags':[5]}                           | tags[0]",
        "{'title':'x','tags':['ok','']}                     | tags[1]",
        "{'title':'x','tags':['  ']}                        | tags[0]",
        "{'title':'x','dueAt':'tomorrow'}                   | dueAt",
        "{'title':'x','dueAt':'2030-01-01T10:00:00'}        | dueAt",
        "{'title':'x','dueAt':'2030-01-01'}                 | dueAt",
        "{'title':'x','dueAt':1893456000}                   | dueAt",
        "{'title':'x','timeZone':'Mars/Base'}               | timeZone",
        "{'title':'x','timeZone':'+01:00'}                  | timeZone",
        "{'title':'x','timeZone':'europe/berlin'}           | timeZone",
        "{'title':'x','reminders':{}}                       | reminders",
        "{'title':'x','reminders':['PT5M']}                 | reminders[0]",
        "{'title':'x','dueAt':'2030-01-01T10:00:00Z','reminders':[{}]}                                | reminders[0]",
        "{'title':'x','dueAt':'2030-01-01T10:00:00Z','reminders':[{'before':'PT5M','at':'2030-01-01T09:00:00Z'}]} | reminders[0]",
        "{'title':'x','reminders':[{'before':'PT5M'}]}      | reminders[0].before",
        "{'title':'x','dueAt':'2030-01-01T10:00:00Z','reminders':[{'before':'-PT5M'}]}                | reminders[0].before",
        "{'title':'x','dueAt':'2030-01-01T10:00:00Z','reminders':[{'before':'PT-5M'}]}                | reminders[0].before",
        "{'title':'x','dueAt':'2030-01-01T10:00:00Z','reminders':[{'before':'P1M'}]}                  | reminders[0].before",
        "{'title':'x','dueAt':'2030-01-01T10:00:00Z','reminders':[{'before':'15 minutes'}]}           | reminders[0].before",
        "{'title':'x','dueAt':'2030-01-01T10:00:00Z','reminders':[{'before':900}]}                    | reminders[0].before",
        "{'title':'x','reminders':[{'at':'soon'}]}          | reminders[0].at",
        "{'title':'x','reminders':[{'id':'r1','at':'2030-01-01T09:00:00Z'}]}                          | reminders[0].id",
        "{'title':'x','reminders':[{'id':7,'at':'2030-01-01T09:00:00Z'}]}                             | reminders[0].id",
        "{'title':'x','reminders':[{'at':'2030-01-01T09:00:00Z','snooze':true}]}                      | reminders[0].snooze",
        "{'title':'x','recurrence':'FREQ=DAILY'}            | recurrence",
        "{'title':'x','recurrence':{'basis':'due'}}         | recurrence.rule",
        "{'title':'x','recurrence':{'rule':5}}              | recurrence.rule",
        "{'title':'x','recurrence':{'rule':'FREQ=DAILY','basis':'always'}}                            | recurrence.basis",
        "{'title':'x','recurrence':{'rule':'FREQ=DAILY','until':'x'}}                                 | recurrence.until",
        "{'title':'x','recurrence':{'rule':'EVERY DAY'}}    | recurrence.rule",
        "{'title':'x','recurrence':{'rule':'FREQ=SECONDLY'}}                                          | recurrence.rule",
        "{'title':'x','recurrence':{'rule':'FREQ=MINUTELY;BYSECOND=0,30'}}                            | recurrence.rule",
        "{'title':'x','id':'6f1c1b5e-5b7e-4c59-9d38-0d1c8f0c0a01'}                                    | id",
        "{'title':'x','version':3}                          | version",
        "{'title':'x','userId':'bob'}                       | userId",
        "{'title':'x','seriesId':'s'}                       | seriesId",
        "{'title':'x','Title':'y'}                          | Title",
      })
  void refusesAndNames(String body, String field) {
    assertEquals(List.of(field), errors(body));
  }

  @Test
  void lengthsAreCountedInCharactersNotUtf16Units() {
    String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
    create("{'title':'" + emoji.repeat(500) + "'}");
    assertEquals(List.of("title"), errors("{'title':'" + "a".repeat(501) + "'}"));
    create("{'title':'x','description':'" + "d".repeat(10_000) + "'}");
    assertEquals(
        List.of("description"), errors("{'title':'x','description':'" + "d".repeat(10_001) + "'}"));
    create("{'title':'x','tags':['" + "t".repeat(50) + "']}");
    assertEquals(List.of("tags[0]"), errors("{'title':'x','tags':['" + "t".repeat(51) + "']}"));
  }

  @Test
  void countsOfTagsAndReminders() {
    create("{'title':'x','tags':" + strings(20, "t") + "}");
    assertEquals(List.of("tags"), errors("{'title':'x','tags':" + strings(21, "t") + "}"));
    assertEquals(
        List.of("same"),
        create("{'title':'x','tags':" + strings(21, "same").replaceAll("same\\d+", "SAME") + "}")
            .tags(),
        "21 tags that are one tag in lower case are one tag");
    String ten = reminders(10);
    assertEquals(10, create("{'title':'x','reminders':" + ten + "}").reminders().size());
    assertEquals(List.of("reminders"), errors("{'title':'x','reminders':" + reminders(11) + "}"));
  }

  @Test
  void reminderIdsMustBeUnique() {
    String r = "{'id':'" + UUID_1 + "','at':'2030-01-01T09:00:00Z'}";
    assertEquals(
        List.of("reminders[1].id"), errors("{'title':'x','reminders':[" + r + "," + r + "]}"));
  }

  @Test
  void invalidDueDateDoesNotAlsoBlameRelativeReminders() {
    assertEquals(
        List.of("dueAt", "reminders[0].before"),
        errors("{'title':'x','dueAt':'x','reminders':[{'before':'x'}]}"));
    assertEquals(
        List.of("dueAt"), errors("{'title':'x','dueAt':'x','reminders':[{'before':'PT5M'}]}"));
  }

  @Test
  void occurrenceGetsFreshReminderIds() {
    TaskFields f =
        TaskValidator.forOccurrence(
            json(
                "{'userId':'alice','title':'x','dueAt':'2030-01-01T10:00:00Z',"
                    + "'reminders':[{'id':'"
                    + UUID_1
                    + "','before':'PT5M'}]}"),
            java.util.Set.of("userId"),
            ids);
    assertEquals("00000000-0000-4000-8000-000000000001", f.reminders().get(0).id());
  }

  @Test
  void bodyMustBeAnObject() {
    assertThrows(
        ValidationException.class,
        () -> TaskValidator.forCreate(Json.createArrayBuilder().build(), ids));
  }

  private static String strings(int n, String prefix) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (int i = 0; i < n; i++) a.add(prefix + i);
    return a.build().toString().replace('"', '\'');
  }

  private static String reminders(int n) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    for (int i = 0; i < n; i++) a.add(Json.createObjectBuilder().add("at", "2030-01-01T09:00:00Z"));
    return a.build().toString().replace('"', '\'');
  }

  /** PostgreSQL refuses NUL in text and jsonb; UTF-8 cannot carry an unpaired surrogate. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'title':'a\\u0000b'}                                       | title",
        "{'title':'t','description':'\\u0000'}                       | description",
        "{'title':'t','tags':['ok','x\\u0000']}                      | tags[1]",
        "{'title':'\\ud800'}                                         | title",
        "{'title':'x\\udc00y'}                                       | title",
        "{'title':'t','description':'a\\ud83d'}                      | description",
        "{'title':'t','recurrence':{'rule':'FREQ=DAILY\\u0000'}}     | recurrence.rule",
      })
  void unstorableTextIsRefusedNamingItsField(String body, String field) {
    assertEquals(List.of(field), errors(body));
  }

  @Test
  void pairedSurrogatesAreText() {
    assertEquals("\uD83D\uDCDD notes", create("{'title':'\\ud83d\\udcdd notes'}").title());
  }
}
