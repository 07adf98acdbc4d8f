package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Every service speaks HTTP/1.1 only, also to a client that asks for an h2c upgrade (as Java's
 * HttpClient does by default): Open Liberty's HTTP/2 write path once held all of task-service's
 * executor threads under load (liberty-apps/server-common/common.xml).
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class HttpVersionIT {

  @Test
  void everyServiceAnswersHttp11ToAClientThatAsksForHttp2() throws Exception {
    HttpClient h2 =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    for (String service : Platform.SERVICES) {
      HttpResponse<String> r =
          h2.send(
              HttpRequest.newBuilder(URI.create(Platform.app(service) + "/health/live"))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), service);
      assertEquals(HttpClient.Version.HTTP_1_1, r.version(), service);
    }
  }
}
