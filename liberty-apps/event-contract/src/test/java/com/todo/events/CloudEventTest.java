package com.todo.events;

import static com.todo.events.Jsonp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloudEventTest {

  private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static CloudEvent event() {
    return CloudEvent.of(
        EventType.TASK_CREATED,
        UUID.randomUUID().toString(),
        "/task-service",
        UUID.randomUUID().toString(),
        Instant.parse("2026-11-30T10:00:00Z"),
        "ann",
        1,
        JSON.createObjectBuilder().add("title", "a").build());
  }

  @Test
  void theTraceContextTravelsWithTheEvent() {
    CloudEvent e = event().withTraceParent(TRACE);
    assertEquals(TRACE, e.toJson().getString("traceparent"));
    assertEquals(TRACE, e.toJson().getString("traceid"), "or the sidecar sets its own");
    CloudEvent read = CloudEvent.fromJson(e.toJsonString());
    assertEquals(TRACE, read.traceParent());
    assertEquals(e, read);
  }

  @Test
  void anEventWithoutTraceContextHasNoTraceparent() {
    assertFalse(event().toJson().containsKey("traceparent"));
    assertNull(CloudEvent.fromJson(event().toJsonString()).traceParent());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
      })
  void aTraceparentThatIsNotW3cVersion00IsIgnoredOnReadAndRefusedOnWrite(String bad) {
    assertFalse(CloudEvent.isTraceParent(bad));
    var json = JSON.createObjectBuilder(event().toJson()).add("traceparent", bad).build();
    assertNull(CloudEvent.fromJson(json).traceParent(), "ignored: the event stays valid");
    assertThrows(IllegalArgumentException.class, () -> event().withTraceParent(bad));
  }

  @Test
  void aTraceparentThatIsNotAStringIsIgnored() {
    var json = JSON.createObjectBuilder(event().toJson()).add("traceparent", 7).build();
    assertNull(CloudEvent.fromJson(json).traceParent());
    assertTrue(CloudEvent.isTraceParent(TRACE));
  }

  @Test
  void anEventStoredAsJsonGetsATraceWhenItHasNoneAndKeepsTheOneItHas() {
    String other = "00-11111111111111111111111111111111-2222222222222222-00";
    var traced = CloudEvent.withTraceParent(event().toJson(), TRACE);
    assertEquals(TRACE, traced.getString("traceparent"));
    assertEquals(TRACE, traced.getString("traceid"), "or the sidecar sets its own");
    assertEquals(TRACE, CloudEvent.fromJson(traced).traceParent());
    assertEquals(
        TRACE,
        CloudEvent.withTraceParent(traced, other).getString("traceparent"),
        "the trace it was made in stays");
    var untraced = event().toJson();
    assertEquals(untraced, CloudEvent.withTraceParent(untraced, null), "none to give");
    assertEquals(untraced, CloudEvent.withTraceParent(untraced, "00-bad"), "an invalid one");
    var badlyTraced = JSON.createObjectBuilder(untraced).add("traceparent", "x").build();
    assertEquals(
        TRACE,
        CloudEvent.withTraceParent(badlyTraced, TRACE).getString("traceparent"),
        "an invalid one it carries is replaced");
  }
}
