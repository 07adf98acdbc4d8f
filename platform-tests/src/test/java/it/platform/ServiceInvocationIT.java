package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * recurring-service asks task-service for the next occurrence of a series through Dapr service
 * invocation (mDNS name resolution locally, Kubernetes DNS in a cluster): created once, owned by
 * the series' user; any other caller is refused.
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class ServiceInvocationIT {

  private static HttpResponse<String> invokeFrom(String caller, String path, String body) {
    return Platform.sidecarCall(caller, "POST", "/v1.0/invoke/task-service/method" + path, body);
  }

  @Test
  void recurringServiceCreatesAnOccurrenceOnceAndOthersAreRefused() {
    String series = UUID.randomUUID().toString();
    String user = "series-" + series;
    String path = "/internal/series/" + series + "/occurrences/1";
    String body =
        "{\"userId\":\""
            + user
            + "\",\"title\":\"Weekly review\",\"dueAt\":\"2030-01-07T09:00:00Z\"}";

    // the app channel opens once the sidecar has seen the app healthy (probe every 3 s)
    HttpResponse<String> first =
        Platform.await(
            Duration.ofSeconds(30),
            "service invocation of task-service",
            () -> {
              HttpResponse<String> r = invokeFrom("recurring-service", path, body);
              return r.statusCode() == 500 && r.body().contains("healthy state")
                  ? Optional.empty()
                  : Optional.of(r);
            });
    assertEquals(201, first.statusCode(), first.body());
    HttpResponse<String> again = invokeFrom("recurring-service", path, body);
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(
        Platform.json(first.body()).getString("id"), Platform.json(again.body()).getString("id"));

    assertEquals(
        403,
        invokeFrom("notification-service", path, body).statusCode(),
        "only recurring-service may call");
    var tasks = new TaskApi(user);
    assertEquals(1, tasks.count(), "the occurrence belongs to the series' user");
  }
}
