package it.platform;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of requests to the task API: valid bodies and query strings of docs/api.md, and
 * mutations of them (wrong types, boundary lengths, NUL and other control characters, unpaired
 * surrogates, invalid UTF-8, huge numbers, deep nesting, truncated JSON, wrong content types).
 */
final class TaskApiFuzzInputs {

  private TaskApiFuzzInputs() {}

  /** One request as sent: raw bytes, so that invalid UTF-8 reaches the service as it is. */
  record Request(String method, String path, String contentType, byte[] body, String ifMatch) {
    @Override
    public String toString() {
      String shown =
          body == null ? "" : " body=" + printable(new String(body, StandardCharsets.ISO_8859_1));
      return method
          + " "
          + (path.length() > 400
              ? path.substring(0, 400) + "... (" + path.length() + " chars)"
              : path)
          + (contentType == null ? " (no Content-Type)" : " Content-Type=" + contentType)
          + (ifMatch == null ? "" : " If-Match=" + ifMatch)
          + shown;
    }
  }

  /** Bytes as Java escapes, cut to a readable length. */
  static String printable(String latin1) {
    StringBuilder b = new StringBuilder();
    for (char c : latin1.toCharArray()) {
      if (b.length() > 400)
        return b.append("... (").append(latin1.length()).append(" bytes)").toString();
      if (c >= 0x20 && c < 0x7f) b.append(c);
      else b.append(String.format("\\x%02x", (int) c));
    }
    return b.toString();
  }

  // ---- JSON text, written by hand so that any escape or raw character can be produced ----

  /** How a string's characters are written into JSON text. */
  enum Escaping {
    /** Quotes, backslashes, control characters and every surrogate as JSON escapes. */
    ESCAPED,
    /** Only quotes and backslashes escaped: raw control characters make malformed JSON. */
    RAW
  }

  static String jsonString(String s, Escaping escaping) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (escaping == Escaping.ESCAPED && (c < 0x20 || Character.isSurrogate(c)))
        b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static String jsonString(String s) {
    return jsonString(s, Escaping.ESCAPED);
  }

  static String object(Map<String, String> members) {
    StringBuilder b = new StringBuilder("{");
    members.forEach(
        (name, value) -> {
          if (b.length() > 1) b.append(',');
          b.append(name).append(':').append(value);
        });
    return b.append('}').toString();
  }

  // ---- values ----

  static final String[] WRITABLE = {
    "title", "description", "priority", "tags", "dueAt", "timeZone", "reminders", "recurrence"
  };

  /** Valid JSON values of each writable field. */
  static Arbitrary<String> validValue(String field) {
    return switch (field) {
      case "title" ->
          Arbitraries.of("Pay rent", "x", "Grüße \uD83D\uDCDD", "t".repeat(500), "a\tb")
              .map(TaskApiFuzzInputs::jsonString);
      case "description" ->
          Arbitraries.of("d", "line\nbreak", "", "é".repeat(300))
              .map(TaskApiFuzzInputs::jsonString);
      case "priority" -> Arbitraries.of("none", "low", "medium", "high").map(p -> "\"" + p + "\"");
      case "tags" -> Arbitraries.of("[]", "[\"home\"]", "[\"Work\",\"work\",\"b\"]");
      case "dueAt" ->
          Arbitraries.of(
              "\"2030-01-31T09:00:00Z\"", "\"2030-01-31T09:00:00.123456+01:00\"", "null");
      case "timeZone" -> Arbitraries.of("\"Europe/Berlin\"", "\"UTC\"", "\"Asia/Kolkata\"");
      case "reminders" ->
          Arbitraries.of(
              "[]", "[{\"at\":\"2030-01-31T07:00:00Z\"}]", "[{\"at\":\"2031-01-01T00:00:00Z\"}]");
      case "recurrence" ->
          Arbitraries.of(
              "{\"rule\":\"FREQ=DAILY\",\"basis\":\"due\"}",
              "{\"rule\":\"FREQ=WEEKLY;BYDAY=MO\",\"basis\":\"completion\"}",
              "null");
      default -> throw new IllegalArgumentException(field);
    };
  }

  /** Text made to break things: control characters, NUL, unpaired surrogates, odd code points. */
  static Arbitrary<String> weirdText() {
    Arbitrary<String> chars =
        Arbitraries.strings()
            .withCharRange('\u0000', '\u001f')
            .withChars('\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffe')
            .withChars('\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '"', '\\', '/', '%')
            .withCharRange('a', 'e')
            .ofMinLength(1)
            .ofMaxLength(12);
    Arbitrary<String> anyChar = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> fixed =
        Arbitraries.of(
            "\u0000",
            "a\u0000b",
            "\ud800",
            "x\udc00",
            "\uD83D\uDCDD\ud83d",
            "\u0000".repeat(50),
            "%00",
            "\\u0000",
            "'; DROP TABLE tasks; --",
            "\" OR 1=1");
    return Arbitraries.frequencyOf(Tuple.of(3, chars), Tuple.of(2, fixed), Tuple.of(1, anyChar));
  }

  /** Strings at and around every length limit (title 500, description 10,000, tag 50). */
  static Arbitrary<String> boundaryText() {
    return Combinators.combine(
            Arbitraries.of(0, 1, 49, 50, 51, 499, 500, 501, 9_999, 10_000, 10_001, 30_000),
            Arbitraries.of("x", "é", "\uD83D\uDCDD", " "))
        .as((n, unit) -> unit.repeat(n));
  }

  /** JSON values of every other type and shape. */
  static Arbitrary<String> otherValue() {
    Arbitrary<String> scalars =
        Arbitraries.of(
            "0",
            "-0",
            "1.5",
            "1e400",
            "-1e400",
            "1e-400",
            "1E999999999",
            "123456789012345678901234567890123456789",
            "9".repeat(5000),
            "true",
            "false",
            "null",
            "[]",
            "{}",
            "[\"x\"]",
            "[1,2,3]",
            "{\"a\":1}",
            "[null]",
            "[[]]");
    Arbitrary<String> nested =
        Combinators.combine(Arbitraries.of(10, 100, 1_000, 5_000, 20_000), Arbitraries.of(0, 1))
            .as(
                (depth, kind) ->
                    kind == 0
                        ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\":".repeat(Math.min(depth, 10_000))
                            + "1"
                            + "}".repeat(Math.min(depth, 10_000)));
    Arbitrary<String> strings =
        Arbitraries.oneOf(
            weirdText().map(TaskApiFuzzInputs::jsonString),
            boundaryText().map(TaskApiFuzzInputs::jsonString),
            weirdText().map(t -> jsonString(t, Escaping.RAW)));
    return Arbitraries.frequencyOf(Tuple.of(3, strings), Tuple.of(2, scalars), Tuple.of(1, nested));
  }

  /** A value in a nested place: a tag, a reminder's parts, the recurrence's parts. */
  static Arbitrary<Map.Entry<String, String>> nestedMutation() {
    return Combinators.combine(
            Arbitraries.of(
                "tags[0]",
                "tags[*20]",
                "reminders[0].at",
                "reminders[0].before",
                "reminders[0].id",
                "reminders[0].unknown",
                "recurrence.rule",
                "recurrence.basis",
                "recurrence.extra"),
            otherValue())
        .as(
            (place, v) ->
                Map.entry(
                    place.split("[\\[.]")[0],
                    switch (place) {
                      case "tags[0]" -> "[" + v + "]";
                      case "tags[*20]" -> "[" + (v + ",").repeat(20) + v + "]";
                      case "reminders[0].at" -> "[{\"at\":" + v + "}]";
                      case "reminders[0].before" -> "[{\"before\":" + v + "}]";
                      case "reminders[0].id" ->
                          "[{\"id\":" + v + ",\"at\":\"2030-01-01T00:00:00Z\"}]";
                      case "reminders[0].unknown" ->
                          "[{\"at\":\"2030-01-01T00:00:00Z\"," + jsonString("x") + ":" + v + "}]";
                      case "recurrence.rule" -> "{\"rule\":" + v + ",\"basis\":\"due\"}";
                      case "recurrence.basis" -> "{\"rule\":\"FREQ=DAILY\",\"basis\":" + v + "}";
                      default -> "{\"rule\":\"FREQ=DAILY\",\"x\":" + v + "}";
                    }));
  }

  // ---- bodies ----

  enum Change {
    NONE,
    REPLACE_VALUE,
    REPLACE_NESTED,
    DROP_FIELD,
    UNKNOWN_FIELD,
    READ_ONLY_FIELD,
    DUPLICATE_FIELD,
    WHOLE_BODY
  }

  /** A valid body: title (unless a patch) and any of the other writable fields. */
  static Arbitrary<Map<String, String>> validBody(boolean patch) {
    List<Arbitrary<Map.Entry<String, String>>> optional = new ArrayList<>();
    for (String field : WRITABLE) {
      Arbitrary<String> value =
          patch && !field.equals("title")
              ? Arbitraries.oneOf(validValue(field), Arbitraries.just("null"))
              : validValue(field);
      optional.add(
          value
              .map(v -> Map.entry(field, v))
              .injectNull(field.equals("title") && !patch ? 0 : 0.6));
    }
    return Combinators.combine(optional)
        .as(
            entries -> {
              Map<String, String> body = new LinkedHashMap<>();
              for (Map.Entry<String, String> e : entries)
                if (e != null) body.put(jsonString(e.getKey()), e.getValue());
              return body;
            });
  }

  /** A body as JSON text after one change of its structure. */
  static Arbitrary<String> changedBody(boolean patch) {
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of(WRITABLE).map(TaskApiFuzzInputs::jsonString),
            weirdText().map(TaskApiFuzzInputs::jsonString));
    return Combinators.combine(
            validBody(patch),
            Arbitraries.of(Change.class),
            names,
            otherValue(),
            nestedMutation(),
            Arbitraries.of("id", "userId", "status", "version", "createdAt", "occurrence"))
        .as(
            (valid, change, name, value, nested, readOnly) -> {
              Map<String, String> body = new LinkedHashMap<>(valid);
              switch (change) {
                case NONE -> {}
                case REPLACE_VALUE -> body.put(name, value);
                case REPLACE_NESTED -> body.put(jsonString(nested.getKey()), nested.getValue());
                case DROP_FIELD -> body.remove(jsonString("title"));
                case UNKNOWN_FIELD -> body.put(jsonString("x" + name.replace("\"", "")), value);
                case READ_ONLY_FIELD -> body.put(jsonString(readOnly), value);
                case DUPLICATE_FIELD -> {
                  // which of two equal names wins is not defined: the service must refuse
                  String text = object(body);
                  return text.substring(0, text.length() - 1)
                      + (body.isEmpty() ? "" : ",")
                      + "\"title\":"
                      + value
                      + "}";
                }
                case WHOLE_BODY -> {
                  return value;
                }
              }
              return object(body);
            });
  }

  /** What happens to the bytes of the JSON text on the way. */
  enum ByteChange {
    NONE,
    TRUNCATE,
    INSERT_INVALID_UTF8,
    OVERWRITE_BYTE,
    EMPTY,
    UTF16
  }

  static final byte[][] INVALID_UTF8 = {
    {(byte) 0xff},
    {(byte) 0xc3},
    {(byte) 0xc0, (byte) 0xaf},
    {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
    {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {(byte) 0x80},
    {0},
    {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}
  };

  static Arbitrary<byte[]> bodyBytes(boolean patch) {
    return Combinators.combine(
            changedBody(patch),
            Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(ByteChange.NONE)),
                Tuple.of(1, Arbitraries.of(ByteChange.class))),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.integers().between(0, INVALID_UTF8.length - 1),
            Arbitraries.integers().between(0, 255))
        .as(
            (text, change, where, invalid, b) -> {
              byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
              int at = (int) (where * bytes.length);
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              switch (change) {
                case NONE -> out.writeBytes(bytes);
                case TRUNCATE -> out.write(bytes, 0, at);
                case INSERT_INVALID_UTF8 -> {
                  out.write(bytes, 0, at);
                  out.writeBytes(INVALID_UTF8[invalid]);
                  out.write(bytes, at, bytes.length - at);
                }
                case OVERWRITE_BYTE -> {
                  if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = (byte) (int) b;
                  out.writeBytes(bytes);
                }
                case EMPTY -> {}
                case UTF16 -> out.writeBytes(text.getBytes(StandardCharsets.UTF_16));
              }
              return out.toByteArray();
            });
  }

  static Arbitrary<String> contentType(String proper) {
    Arbitrary<String> wrong =
        Arbitraries.of(
            "application/json; charset=utf-8",
            "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16",
            "application/merge-patch+json",
            "application/json",
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "*/*",
            "application/*",
            "application",
            "garbage",
            "application/json; charset=\"",
            "application/problem+json",
            "NONE");
    return Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(proper)), Tuple.of(1, wrong))
        .map(t -> t.equals("NONE") ? null : t);
  }

  static Arbitrary<Request> create() {
    return Combinators.combine(bodyBytes(false), contentType("application/json"))
        .as((body, type) -> new Request("POST", "/tasks", type, body, null));
  }

  static Arbitrary<Request> patch(String taskId) {
    return Combinators.combine(
            bodyBytes(true),
            contentType("application/merge-patch+json"),
            Arbitraries.of(
                "NONE", "NONE", "*", "\"1\"", "\"999999999999999999999\"", "W/\"1\"", "x", "\"\""))
        .as(
            (body, type, ifMatch) ->
                new Request(
                    "PATCH",
                    "/tasks/" + taskId,
                    type,
                    body,
                    ifMatch.equals("NONE") ? null : ifMatch));
  }

  // ---- query strings and paths ----

  /**
   * Every byte outside the unreserved set percent-encoded: the service gets exactly these bytes.
   */
  static String percentEncoded(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) b.append((char) c);
      else b.append('%').append(String.format("%02X", c));
    }
    return b.toString();
  }

  static Arbitrary<byte[]> weirdBytes() {
    return Arbitraries.oneOf(
        weirdText().map(t -> t.getBytes(StandardCharsets.UTF_8)),
        boundaryText().map(t -> t.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.of(INVALID_UTF8),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(16));
  }

  static String cursor(String sort, String valueJson) {
    String json =
        "{\"s\":"
            + jsonString(sort)
            + ",\"v\":["
            + valueJson
            + "],\"id\":\""
            + UUID.nameUUIDFromBytes(valueJson.getBytes(StandardCharsets.UTF_8))
            + "\"}";
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static Arbitrary<String> validParameterValue(String name) {
    return switch (name) {
      case "q" ->
          Arbitraries.of(
              "rent", "\"unterminated", "-", "or", "!! & |", "a:*", "<->", "x".repeat(500));
      case "status" -> Arbitraries.of("open", "completed", "open,completed", "");
      case "priority" -> Arbitraries.of("high", "low,medium", "none");
      case "tag" -> Arbitraries.of("home", "Work", "t".repeat(50));
      case "dueBefore", "dueAfter" ->
          Arbitraries.of(
              "2030-01-01T00:00:00Z",
              "2030-01-01T00:00:00+01:00",
              "0001-01-01T00:00:00Z",
              "9999-12-31T23:59:59Z");
      case "sort" ->
          Arbitraries.of(
              "dueAt", "-priority,title", "createdAt", "title,-dueAt,priority,createdAt");
      case "limit" ->
          Arbitraries.of("1", "200", "50", "201", "0", "-1", "99999999999999999999", "1e3", " 5");
      case "cursor" ->
          Combinators.combine(
                  Arbitraries.of("title", "createdAt", "dueAt", "-priority"), otherValue())
              .as(TaskApiFuzzInputs::cursor);
      default -> Arbitraries.just("x");
    };
  }

  static final String[] PARAMETERS = {
    "q", "status", "priority", "tag", "dueBefore", "dueAfter", "sort", "limit", "cursor"
  };

  static Arbitrary<String> parameter() {
    Arbitrary<String> known = Arbitraries.of(PARAMETERS);
    return known.flatMap(
        name ->
            Combinators.combine(
                    Arbitraries.frequencyOf(
                        Tuple.of(5, Arbitraries.just(name)),
                        Tuple.of(1, weirdBytes().map(TaskApiFuzzInputs::percentEncoded))),
                    Arbitraries.frequencyOf(
                        Tuple.of(
                            1,
                            validParameterValue(name)
                                .map(v -> percentEncoded(v.getBytes(StandardCharsets.UTF_8)))),
                        Tuple.of(1, weirdBytes().map(TaskApiFuzzInputs::percentEncoded)),
                        Tuple.of(
                            1, Arbitraries.of("", "%", "%2", "%zz", "+", "=", "&", "%%", "a=b=c"))))
                .as((n, v) -> n + (v.isEmpty() && n.length() % 2 == 0 ? "" : "=" + v)));
  }

  static Arbitrary<Request> search() {
    return parameter()
        .list()
        .ofMaxSize(6)
        .map(ps -> new Request("GET", "/tasks?" + String.join("&", ps), null, null, null));
  }

  /** Methods on task paths that name no stored task, or an action that does not exist. */
  static Arbitrary<Request> taskPath(String existingId) {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.longs().map(l -> new UUID(l, ~l).toString()),
            Arbitraries.of(
                "not-a-uuid",
                "%00",
                "..",
                "%2F",
                "%2e%2e",
                "x".repeat(3000),
                "00000000-0000-0000-0000-000000000000"),
            weirdBytes().map(TaskApiFuzzInputs::percentEncoded));
    Arbitrary<String> action =
        Arbitraries.of(
            "", "/complete", "/reopen", "/history", "/x", "/complete/x", "/%00", "/history%00");
    Arbitrary<String> path =
        Arbitraries.oneOf(
            Combinators.combine(segment, action).as((s, a) -> "/tasks/" + s + a),
            Arbitraries.of("/x", "/completed", "/history/x", "/%00")
                .map(a -> "/tasks/" + existingId + a));
    return Combinators.combine(
            Arbitraries.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
            path,
            otherValue(),
            contentType("application/json"))
        .as(
            (method, p, body, type) ->
                new Request(
                    method,
                    p,
                    type,
                    method.equals("GET") || method.equals("HEAD") || method.equals("DELETE")
                        ? null
                        : body.getBytes(StandardCharsets.UTF_8),
                    null));
  }
}
