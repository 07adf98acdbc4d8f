package com.todo.task.interfaces.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.todo.task.domain.ValidationException;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {

  static ByteArrayInputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsOneObject() {
    JsonObject o = (JsonObject) JsonBodies.read(in(" {\"title\":\"x\"} \n"), null);
    assertEquals("x", o.getString("title"));
  }

  @Test
  void refusesBodiesOver64KiB() {
    String max = "{\"d\":\"" + "a".repeat(JsonBodies.MAX_BYTES - 8) + "\"}";
    assertEquals(JsonBodies.MAX_BYTES, max.length());
    JsonBodies.read(in(max), null);
    String over = "{\"d\":\"" + "a".repeat(JsonBodies.MAX_BYTES - 7) + "\"}";
    assertThrows(PayloadTooLargeException.class, () -> JsonBodies.read(in(over), null));
    assertThrows(PayloadTooLargeException.class, () -> JsonBodies.read(in("{}"), "65537"));
  }

  @Test
  void refusesWhatIsNotExactlyOneJsonValue() {
    for (String bad :
        new String[] {
          "", "{", "{\"a\":1,}", "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "nul"
        }) {
      ValidationException e =
          assertThrows(ValidationException.class, () -> JsonBodies.read(in(bad), null), bad);
      assertEquals("body", e.errors().get(0).field());
    }
  }

  @Test
  void refusesBytesThatAreNotUtf8() {
    byte[][] bodies = {
      {'{', '"', 't', '"', ':', '"', (byte) 0xC3, '"', '}'}, // truncated sequence
      {'{', '"', 't', '"', ':', '"', (byte) 0xFF, '"', '}'}, // never valid
      {'{', '"', 't', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // surrogate
      {'{', '"', 't', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}, // overlong
    };
    for (byte[] body : bodies) {
      ValidationException e =
          assertThrows(
              ValidationException.class,
              () -> JsonBodies.read(new ByteArrayInputStream(body), null),
              java.util.Arrays.toString(body));
      assertEquals("body", e.errors().get(0).field());
    }
    JsonObject ok = (JsonObject) JsonBodies.read(in("{\"t\":\"Grüße \uD83D\uDCDD\"}"), null);
    assertEquals("Grüße \uD83D\uDCDD", ok.getString("t"));
  }

  /** Found by TaskApiFuzzIT: a 5,000-digit number or nesting over 1,000 deep made a 500. */
  @Test
  void refusesNumbersTooLongToRead() {
    for (String number :
        new String[] {
          "9".repeat(5000),
          "1" + "0".repeat(1200) + ".5",
          "[".repeat(1001) + "]".repeat(1001),
          "{\"a\":".repeat(5000) + "1" + "}".repeat(5000),
          "[".repeat(33) + "]".repeat(33)
        }) {
      ValidationException e =
          assertThrows(
              ValidationException.class,
              () -> JsonBodies.read(in("{\"title\":" + number + "}"), null));
      assertEquals("body", e.errors().get(0).field());
    }
  }

  @Test
  void bracketsInsideStringsAreNotNesting() {
    String title = "[{".repeat(100) + "\\\"" + "}]".repeat(100);
    JsonObject o = (JsonObject) JsonBodies.read(in("{\"t\":\"" + title + "\"}"), null);
    assertEquals(401, o.getString("t").length());
    JsonBodies.read(in("[".repeat(32) + "]".repeat(32)), null);
  }
}
