package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import it.platform.TaskApiFuzzIT.Answer;
import it.platform.TaskApiFuzzInputs.Request;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.PropagationMode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The same contract for notification-service's reminder actions: any query string of {@code GET
 * /api/v1/reminders} and any snooze (mutated body, content type, reminder id) answers 2xx or a 4xx
 * problem+json, never 5xx. The snoozes aim at reminders the user does not have: every answer is a
 * refusal, so the user's reminder list must stay empty and nothing of theirs may appear on
 * reminder-events.
 */
@AddLifecycleHook(
    value = TaskApiFuzzSettings.class,
    propagateTo = PropagationMode.DIRECT_DESCENDANTS)
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class TaskApiFuzzRemindersIT {

  private static final URI SERVICE = URI.create(Platform.app("notification-service"));

  private TaskApi user;
  private KafkaTopic topic;
  private String reminderId;
  private String reminders;
  private final Map<Integer, Integer> statuses = new TreeMap<>();

  /**
   * A fresh user without reminders: every snooze aims at a reminder the user does not have, so
   * every answer is a refusal (the 409 of a closed reminder is RemindersIT's). Nothing here waits
   * for notification-service to consume task events.
   */
  @BeforeProperty
  void aUserWithoutReminders() {
    user = new TaskApi("fuzz-reminders-" + UUID.randomUUID());
    topic = new KafkaTopic("reminder-events");
    reminderId = UUID.nameUUIDFromBytes(user.user.getBytes(StandardCharsets.UTF_8)).toString();
    reminders = list();
  }

  @AfterProperty
  void nothingChangedAndNothingPublished() {
    try {
      assertEquals(reminders, list(), "the reminders of " + user.user + " after the run");
      assertEquals(
          0,
          ofUser(topic.poll(Duration.ofSeconds(2), s -> false)),
          "reminder-events of " + user.user + " after only refused requests");
    } finally {
      topic.close();
      System.out.println(
          "TaskApiFuzzRemindersIT statuses of "
              + user.user
              + " (negative: refused by the container before the application): "
              + statuses);
    }
  }

  @Property(shrinking = ShrinkingMode.BOUNDED)
  void anyReminderQueryIsAnsweredOrRefusedAs4xx(@ForAll("queries") Request request) {
    checkContract(request, send(request));
  }

  private void checkContract(Request request, Answer a) {
    TaskApiFuzzIT.checkContract(request, a, statuses);
  }

  @Property(shrinking = ShrinkingMode.BOUNDED)
  void anySnoozeOfAnUnknownReminderIsRefusedAs4xx(@ForAll("snoozes") Request request) {
    Answer a = send(request);
    checkContract(request, a);
    assertEquals(true, a.status() >= 400, request + "\nanswered " + a.status() + ": " + a.body());
  }

  @Provide
  Arbitrary<Request> queries() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "scheduled",
                "cancelled",
                "snoozed",
                "1",
                "200",
                "201",
                "0",
                "-1",
                "",
                "x",
                "99999999999999999999",
                "MDAwMDAwMDAwMDAwMDAwMDAwMDB8eA"),
            TaskApiFuzzInputs.weirdBytes().map(TaskApiFuzzInputs::percentEncoded));
    Arbitrary<String> parameter =
        Combinators.combine(
                Arbitraries.frequencyOf(
                    Tuple.of(5, Arbitraries.of("status", "limit", "cursor")),
                    Tuple.of(
                        1, TaskApiFuzzInputs.weirdBytes().map(TaskApiFuzzInputs::percentEncoded))),
                value)
            .as((n, v) -> n + "=" + v);
    return parameter
        .list()
        .ofMaxSize(4)
        .map(ps -> new Request("GET", "/reminders?" + String.join("&", ps), null, null, null));
  }

  @Provide
  Arbitrary<Request> snoozes() {
    Arbitrary<String> body =
        Arbitraries.oneOf(
            Arbitraries.of("PT10M", "PT1M", "P7D", "PT59S", "P8D", "P1Y", "-PT10M", "PT0S", "10")
                .map(d -> "{\"for\":\"" + d + "\"}"),
            TaskApiFuzzInputs.otherValue().map(v -> "{\"for\":" + v + "}"),
            TaskApiFuzzInputs.otherValue());
    Arbitrary<String> id =
        Arbitraries.oneOf(
            Arbitraries.just(reminderId),
            Arbitraries.longs().map(l -> new UUID(l, ~l).toString()),
            TaskApiFuzzInputs.weirdBytes().map(TaskApiFuzzInputs::percentEncoded));
    return Combinators.combine(
            id,
            body,
            Arbitraries.of("", "", "/x"),
            TaskApiFuzzInputs.contentType("application/json"))
        .as(
            (i, b, suffix, type) ->
                new Request(
                    "POST",
                    "/reminders/" + i + "/snooze" + suffix,
                    type,
                    b.getBytes(StandardCharsets.UTF_8),
                    null));
  }

  private Answer send(Request request) {
    return TaskApiFuzzIT.send(SERVICE, user.token(), request);
  }

  /** The user's reminders as the list shows them (one page: the user has one). */
  private String list() {
    Answer a = send(new Request("GET", "/reminders", null, null, null));
    assertEquals(200, a.status(), a.body());
    return a.body();
  }

  private long ofUser(List<ConsumerRecord<String, String>> records) {
    return records.stream().filter(r -> user.user.equals(r.key())).count();
  }
}
