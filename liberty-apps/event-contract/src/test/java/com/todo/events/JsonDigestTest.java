package com.todo.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class JsonDigestTest {

  private static JsonValue json(String text) {
    return Json.createReader(new StringReader(text)).readValue();
  }

  @Test
  void memberOrderAndWhitespaceDoNotMatter() {
    assertEquals(
        JsonDigest.sha256(json("{\"b\": [1, {\"y\": \"é\", \"x\": null}], \"a\": true}")),
        JsonDigest.sha256(json("{\"a\":true,\"b\":[1,{\"x\":null,\"y\":\"\\u00e9\"}]}")));
  }

  @Test
  void anyChangedValueOrArrayOrderChangesTheDigest() {
    String digest = JsonDigest.sha256(json("{\"a\":[1,2],\"b\":\"x\"}"));
    assertNotEquals(digest, JsonDigest.sha256(json("{\"a\":[2,1],\"b\":\"x\"}")));
    assertNotEquals(digest, JsonDigest.sha256(json("{\"a\":[1,2],\"b\":\"y\"}")));
    assertNotEquals(digest, JsonDigest.sha256(json("{\"a\":[1,2],\"c\":\"x\"}")));
  }
}
