package com.todo.dapr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.todo.dapr.InboundEvents.Delivery;
import com.todo.dapr.InboundEvents.Outcome;
import com.todo.dapr.InboundEvents.Status;
import it.support.SampleEvents;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rules of one delivery as pure logic (which events are handled, in which order, what each
 * entry answers). The inbox reads and writes through the sidecar are covered by the services'
 * Arquillian tests and the platform tests against the real sidecar and Redis.
 */
class InboundEventsTest {

  private final List<String> handled = new ArrayList<>();
  private final Set<String> retryIds = new HashSet<>();

  private final EventHandler handler =
      e -> {
        handled.add(e.id());
        return retryIds.contains(e.id()) ? Outcome.RETRY : Outcome.HANDLED;
      };

  private static Delivery delivery(JsonValue... events) {
    return new Delivery("/events/task-events", List.of(events));
  }

  private static JsonObject created(String user) {
    return event("com.todo.task.created.v1", user, SampleEvents.task(UUID.randomUUID().toString(), user));
  }

  private static JsonObject event(String type, String user, JsonObject data) {
    return SampleEvents.event(type, user, data);
  }

  private static String key(JsonObject event) {
    return "inbox|" + event.getString("id");
  }

  private static String id(JsonObject event) {
    return event.getString("id");
  }

  @Test
  void eachEntryGetsItsOwnAnswerAndOnlyNewValidKnownEventsAreHandled() {
    JsonObject fresh = created("ann");
    JsonObject before = created("bob");
    JsonObject broken = event("com.todo.task.created.v1", "cy", Json.createObjectBuilder().add("id", "x").build());
    JsonObject newer = event("com.todo.task.created.v9", "cy", fresh.getJsonObject("data"));
    Delivery d = delivery(fresh, before, broken, newer, Json.createValue("not an event"));

    assertEquals(List.of(key(fresh), key(before)), d.inboxKeys(), "only these need the inbox");
    var records = d.handle(Set.of(key(before)), handler);

    assertEquals(List.of(Status.SUCCESS, Status.SUCCESS, Status.DROP, Status.SUCCESS, Status.DROP), d.statuses());
    assertEquals(List.of(id(fresh)), handled);
    assertEquals(Set.of(key(fresh)), records.keySet());
    JsonObject record = records.get(key(fresh)).asJsonObject();
    assertEquals("/events/task-events", record.getString("route"));
    assertEquals(id(fresh), record.getJsonObject("event").getString("id"));
  }

  @Test
  void aRetriedEventHoldsBackItsUsersLaterEventsButNoOneElses() {
    JsonObject ann1 = created("ann");
    JsonObject bob1 = created("bob");
    JsonObject ann2 = created("ann");
    JsonObject bob2 = created("bob");
    retryIds.add(id(ann1));
    Delivery d = delivery(ann1, bob1, ann2, bob2);

    var records = d.handle(Set.of(), handler);

    assertEquals(List.of(Status.RETRY, Status.SUCCESS, Status.RETRY, Status.SUCCESS), d.statuses());
    assertEquals(List.of(id(ann1), id(bob1), id(bob2)), handled, "ann2 must wait for ann1");
    assertEquals(Set.of(key(bob1), key(bob2)), records.keySet());
  }

  @Test
  void anUnreadableInboxMeansRetryNeverTreatAsNew() {
    JsonObject broken = event("com.todo.task.created.v1", "ann", Json.createObjectBuilder().add("id", "x").build());
    Delivery d = delivery(created("ann"), broken);

    d.retryAll();

    assertEquals(List.of(Status.RETRY, Status.DROP), d.statuses());
    assertEquals(List.of(), handled);
  }

  @Test
  void handledEventsWhoseRecordsCannotBeWrittenAreRetried() {
    JsonObject before = created("bob");
    Delivery d = delivery(created("ann"), before, created("cy"));
    d.handle(Set.of(key(before)), handler);

    d.retryHandled();

    assertEquals(List.of(Status.RETRY, Status.SUCCESS, Status.RETRY), d.statuses());
  }
}
