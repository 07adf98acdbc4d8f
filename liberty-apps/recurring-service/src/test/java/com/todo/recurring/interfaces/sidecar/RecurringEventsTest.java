package com.todo.recurring.interfaces.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.todo.dapr.CurrentSpan;
import com.todo.dapr.EventHandler.Outcome;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.recurring.application.SeriesService;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.json.Json;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The events of one delivery handled ahead in lanes of users: order per user, failures. */
class RecurringEventsTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final RuntimeException failure = new IllegalStateException("task-service down");

  /** Records each event it handles ("user:n"); fails on the events it is told to. */
  private final class FakeSeries extends SeriesService {
    final List<String> failing = new ArrayList<>();

    @Override
    public boolean concerns(CloudEvent event) {
      return true;
    }

    /** The trace current while each event was handled, by event id. */
    final Map<String, String> traces = new ConcurrentHashMap<>();

    @Override
    public void onTaskEvent(CloudEvent event) {
      String name = event.userId() + ":" + event.subject();
      calls.add(name);
      traces.put(event.id(), CurrentSpan.get().map(CurrentSpan::traceId).orElse("none"));
      if (failing.contains(name)) throw failure;
    }
  }

  private final FakeSeries series = new FakeSeries();
  private final RecurringEvents handler = new RecurringEvents();

  RecurringEventsTest() {
    handler.series = series;
    handler.executor =
        (ManagedExecutorService)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ManagedExecutorService.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("execute")) {
                    pool.execute((Runnable) args[0]);
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static CloudEvent event(String user, int n) {
    return CloudEvent.of(
        EventType.TASK_COMPLETED,
        UUID.randomUUID().toString(),
        "/task-service",
        Integer.toString(n),
        Instant.now(),
        user,
        n,
        Json.createObjectBuilder().add("id", Integer.toString(n)).build());
  }

  @Test
  void eachUsersEventsInOrderOnceAndAFailureStopsThatUserOnly() {
    List<CloudEvent> events = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      for (String user : List.of("ann", "bob", "cy", "dee")) events.add(event(user, n));
    }
    series.failing.add("bob:2");
    handler.prepare(events);

    for (String user : List.of("ann", "cy", "dee")) {
      List<String> mine = calls.stream().filter(c -> c.startsWith(user + ":")).toList();
      assertEquals(List.of(user + ":1", user + ":2", user + ":3"), mine);
    }
    assertEquals(
        List.of("bob:1", "bob:2"),
        calls.stream().filter(c -> c.startsWith("bob:")).toList(),
        "bob's events after the failed one wait");

    int before = calls.size();
    for (CloudEvent e : events) {
      if (e.userId().equals("bob") && e.sequence() == 2) {
        assertSame(failure, assertThrows(IllegalStateException.class, () -> handler.handle(e)));
      } else if (!(e.userId().equals("bob") && e.sequence() == 3)) {
        assertEquals(Outcome.HANDLED, handler.handle(e));
      }
    }
    assertEquals(before, calls.size(), "answered from what prepare did, nothing handled twice");
  }

  @Test
  void anEventThatWasNotPreparedIsHandledAtOnce() {
    handler.prepare(List.of(event("ann", 1), event("bob", 1)));
    calls.clear();
    CloudEvent parked = event("ann", 7);
    assertEquals(Outcome.HANDLED, handler.handle(parked));
    assertEquals(List.of("ann:7"), calls);
  }

  @Test
  void eachEventIsHandledInItsOwnTraceOnItsLane() {
    String annTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String bobTrace = "0af7651916cd43dd8448eb211c80319c";
    CloudEvent ann = event("ann", 1).withTraceParent("00-" + annTrace + "-00f067aa0ba902b7-01");
    CloudEvent bob = event("bob", 1).withTraceParent("00-" + bobTrace + "-b7ad6b7169203331-00");
    CloudEvent untraced = event("cy", 1);

    handler.prepare(List.of(ann, bob, untraced));

    assertEquals(annTrace, series.traces.get(ann.id()), "what it does for ann's event");
    assertEquals(bobTrace, series.traces.get(bob.id()), "sampled or not, the trace carries on");
    assertEquals("none", series.traces.get(untraced.id()));
  }
}
