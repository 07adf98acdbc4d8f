package com.todo.task.interfaces.rest;

import static com.todo.events.Jsonp.JSON;

import com.todo.task.domain.ValidationException;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads request bodies: at most {@value #MAX_BYTES} bytes (else {@link PayloadTooLargeException}),
 * one JSON value, duplicate member names refused (which one would win is not defined).
 */
public final class JsonBodies {

  public static final int MAX_BYTES = 64 * 1024;
  static final int MAX_DEPTH = 32;

  private static final JsonReaderFactory READERS =
      JSON.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

  private JsonBodies() {}

  /**
   * @param contentLength the Content-Length header, or null
   * @throws ValidationException naming {@code body} when the body is empty or not JSON
   */
  public static JsonValue read(InputStream in, String contentLength) {
    if (contentLength != null) {
      try {
        if (Long.parseLong(contentLength.strip()) > MAX_BYTES)
          throw new PayloadTooLargeException(MAX_BYTES);
      } catch (NumberFormatException e) {
        // the container has judged the header already; count the bytes instead
      }
    }
    byte[] bytes;
    try {
      bytes = in == null ? new byte[0] : in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("request body could not be read", e);
    }
    if (bytes.length > MAX_BYTES) throw new PayloadTooLargeException(MAX_BYTES);
    if (bytes.length == 0) throw new ValidationException("body", "required: a JSON object");
    return parse(bytes);
  }

  static JsonValue parse(byte[] bytes) {
    String text = utf8(bytes);
    requireShallow(text);
    try (JsonReader reader = READERS.createReader(new StringReader(text))) {
      JsonValue value = reader.readValue();
      requireSingleValue(text);
      return value;
    } catch (JsonException | IllegalStateException | NoSuchElementException e) {
      throw new ValidationException("body", "malformed JSON: " + e.getMessage());
    } catch (RuntimeException e) {
      // Parsson refuses some input with plain runtime exceptions: numbers of over 1,100
      // characters, nesting deeper than 1,000; what the parser refuses is the body's fault
      throw new ValidationException("body", "unreadable JSON: " + e.getMessage());
    }
  }

  /**
   * JSON travels as UTF-8 (RFC 8259, 8.1). Decoded strictly: a lenient decoder would store U+FFFD
   * in place of every malformed byte, silently changing what the client sent.
   */
  private static String utf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      throw new ValidationException(
          "body", "not UTF-8: malformed bytes near offset " + in.position());
    }
  }

  /**
   * Refuses nesting deeper than {@value #MAX_DEPTH} before parsing: Parsson recurses per level and
   * a few thousand levels overflow the stack (a 500, found by TaskApiFuzzIT). A task is 3 deep.
   */
  private static void requireShallow(String text) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > MAX_DEPTH)
          throw new ValidationException(
              "body", "nested deeper than " + MAX_DEPTH + " levels, at offset " + i);
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
  }

  /** A reader stops after the first value; anything but whitespace after it is malformed too. */
  private static void requireSingleValue(String text) {
    try (JsonParser parser = JSON.createParser(new StringReader(text))) {
      JsonParser.Event first = parser.next();
      if (first == JsonParser.Event.START_OBJECT) parser.skipObject();
      else if (first == JsonParser.Event.START_ARRAY) parser.skipArray();
      if (parser.hasNext()) {
        throw new JsonException(
            "unexpected content after the JSON value at offset "
                + parser.getLocation().getStreamOffset());
      }
    }
  }
}
