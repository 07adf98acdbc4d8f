package com.todo.events;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * A digest of a JSON value that does not depend on the order of object members or on whitespace:
 * the sidecar re-encodes events (members sorted), so two encodings of one event have one digest.
 */
public final class JsonDigest {

  private JsonDigest() {}

  /** SHA-256 (hex) of the canonical form: members sorted by name, no whitespace. */
  public static String sha256(JsonValue value) {
    StringBuilder canonical = new StringBuilder(512);
    write(value, canonical);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static void write(JsonValue value, StringBuilder out) {
    switch (value.getValueType()) {
      case OBJECT -> {
        out.append('{');
        boolean first = true;
        for (var member : new TreeMap<>((JsonObject) value).entrySet()) {
          if (!first) out.append(',');
          first = false;
          out.append(JSON.createValue(member.getKey())).append(':');
          write(member.getValue(), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        boolean first = true;
        for (JsonValue item : (JsonArray) value) {
          if (!first) out.append(',');
          first = false;
          write(item, out);
        }
        out.append(']');
      }
      default -> out.append(value);
    }
  }
}
