package com.todo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiForwarderTest {

  private static final Map<String, String> ROUTES =
      ApiForwarder.parseRoutes(ApiForwarder.DEFAULT_ROUTES);

  @Test
  void routesTheTwoApisByPrefix() {
    assertEquals(Optional.of("task-service"), ApiForwarder.appFor(ROUTES, "/api/v1/tasks"));
    assertEquals(
        Optional.of("task-service"),
        ApiForwarder.appFor(ROUTES, "/api/v1/tasks/0b8e0a5e-7c4e-4f55-9b53-1f6f0d1e2a3b/complete"));
    assertEquals(
        Optional.of("notification-service"),
        ApiForwarder.appFor(ROUTES, "/api/v1/reminders/abc/snooze"));
  }

  @Test
  void refusesEverythingElse() {
    for (String path :
        new String[] {
          "/api/v1/tasksx",
          "/api/v1",
          "/api/v1/tasks/../../internal/series/x/occurrences/2",
          "/api/v1/tasks/./x",
          "/api/v1/tasks/%2e%2e/x",
          "/api/v1/tasks//x",
          "/api/v1/tasks/x?y",
          "/events/task-events",
          "/api/v1/tasks/"
        }) {
      assertEquals(Optional.empty(), ApiForwarder.appFor(ROUTES, path), path);
    }
  }

  @Test
  void locationsBecomeRelativeToThisOrigin() {
    assertEquals(
        "/api/v1/tasks/1", ApiForwarder.relativeLocation("http://127.0.0.1:9080/api/v1/tasks/1"));
    assertEquals("/api/v1/tasks/1", ApiForwarder.relativeLocation("/api/v1/tasks/1"));
  }
}
