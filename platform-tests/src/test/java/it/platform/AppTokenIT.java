package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.support.SampleEvents;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Endpoints that only the sidecar may call (subscriptions, job callbacks) refuse a call without the
 * app token with 401, and the refused call has no effect.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class AppTokenIT {

  private static int post(String service, String path, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(Platform.app(service) + path))
            .header("Content-Type", "application/cloudevents+json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("dapr-api-token", token);
    return Platform.send(b).statusCode();
  }

  @Test
  void aSubscriptionRouteRefusesCallsWithoutTheAppToken() {
    String user = "token-" + UUID.randomUUID();
    JsonObject event = SampleEvents.taskCreated(user);
    for (String service :
        new String[] {"notification-service", "recurring-service", "realtime-service"}) {
      assertEquals(401, post(service, "/events/task.created.v1", event.toString(), null), service);
      assertEquals(
          401,
          post(service, "/events/task.created.v1", event.toString(), Platform.DAPR_TOKEN),
          service);
      assertTrue(
          Platform.state(service, "inbox|" + event.getString("id")).isEmpty(),
          service + " recorded a refused event");
    }
  }

  /**
   * A service without an event handler (task-service subscribes to nothing; a service whose handler
   * failed to load) answers an event delivered to it 503, so the sidecar delivers it again: a 404
   * is final for the sidecar, which would drop it.
   */
  @Test
  void eventsDeliveredToAServiceWithoutAHandlerAreRefusedForARetryNotDropped() {
    String user = "no-handler-" + UUID.randomUUID();
    JsonObject event = SampleEvents.taskCreated(user);
    assertEquals(
        503, post("task-service", "/events/task-events", event.toString(), Platform.APP_TOKEN));
  }

  @Test
  void aJobCallbackRefusesCallsWithoutTheAppToken() {
    assertEquals(401, post("task-service", "/job/outbox-drain", "{}", null));
    assertEquals(401, post("task-service", "/job/outbox-drain", "{}", "wrong"));
  }
}
