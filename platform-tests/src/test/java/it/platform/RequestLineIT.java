package it.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request line that is not percent-encoded UTF-8, or a Content-Type that cannot be parsed, is
 * refused with 400 problem+json naming the part, by every service with a REST API, before the
 * application: never the container's error page, never a 500 (an invalid path with {@code
 * charset="} was a 500 from Open Liberty's error handling).
 */
@ResourceLock(value = PlatformLock.PLATFORM, mode = ResourceAccessMode.READ)
class RequestLineIT {

  /** Sends raw HTTP/1.1 (java.net.http would refuse or re-encode the invalid path). */
  private static String[] send(String service, String method, String target, String contentType)
      throws IOException {
    String body = "{\"title\":\"request line\"}";
    String token = new TaskApi("request-line").token();
    String request =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token
            + "\r\nConnection: close\r\n"
            + (contentType == null
                ? "\r\n"
                : "Content-Type: "
                    + contentType
                    + "\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body);
    try (Socket s = new Socket("127.0.0.1", Platform.appPort(service))) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String status = response.substring(9, 12);
      String head = response.substring(0, response.indexOf("\r\n\r\n"));
      String rest = response.substring(response.indexOf("\r\n\r\n") + 4);
      if (head.toLowerCase().contains("transfer-encoding: chunked")) {
        rest = rest.substring(rest.indexOf("\r\n") + 2, rest.lastIndexOf("}") + 1);
      }
      return new String[] {status, head, rest};
    }
  }

  private static void assertRefused(String[] response, String field) {
    assertEquals("400", response[0], response[1] + "\n" + response[2]);
    assertTrue(
        response[1].toLowerCase().contains("content-type: application/problem+json"), response[1]);
    JsonObject problem = Platform.json(response[2]);
    assertEquals("urn:todo:problem:validation", problem.getString("type"));
    assertEquals(field, problem.getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"task-service", "notification-service"})
  void anInvalidRequestLineOrCharsetIsA400NamingThePart(String service) throws IOException {
    String base = service.equals("task-service") ? "/api/v1/tasks" : "/api/v1/reminders";
    for (String contentType : List.of("application/json; charset=\"", "application/json")) {
      assertRefused(send(service, "POST", base + "%C3%28", contentType), "path");
    }
    assertRefused(send(service, "GET", base + "/%ED%A0%80", null), "path");
    assertRefused(send(service, "GET", base + "?q=%FF", null), "query");
    assertRefused(send(service, "GET", base + "?q=100%", null), "query");
    assertRefused(send(service, "POST", base, "application/json; charset=\""), "header");
    // media types the REST layer cannot parse (it answered with the container's HTML page)
    assertRefused(send(service, "POST", base, "/"), "header");
  }
}
