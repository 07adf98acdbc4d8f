package com.todo.events;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One event of the contract in CloudEvents 1.0 JSON structured form. The same envelope is published
 * through the sidecar ({@code application/cloudevents+json}) and delivered to clients.
 *
 * @param userId extension {@code userid}: owner of the aggregate and the Kafka partition key
 * @param sequence extension {@code sequence}: the aggregate's version after the change
 * @param traceParent extension {@code traceparent} (CloudEvents distributed tracing): the W3C trace
 *     context of the request that made the change, when it came with one; null otherwise
 */
public record CloudEvent(
    String id,
    String source,
    String type,
    String subject,
    Instant time,
    String dataSchema,
    String userId,
    long sequence,
    JsonObject data,
    String traceParent) {

  public static final String SPEC_VERSION = "1.0";
  public static final String MEDIA_TYPE = "application/cloudevents+json";

  /** Event ids are UUIDs in their canonical text form (design: docs/events.md). */
  private static final Pattern UUID_FORM =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  public CloudEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
    if (traceParent != null && !isTraceParent(traceParent)) {
      throw new IllegalArgumentException("not a W3C traceparent: " + traceParent);
    }
  }

  /**
   * A W3C Trace Context {@code traceparent} of version 00: {@code 00-<32 hex trace id>-<16 hex
   * parent id>-<2 hex flags>}, lower case, neither id all zeros.
   */
  private static final Pattern TRACE_PARENT =
      Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

  /** Whether {@code value} is a traceparent this contract carries (version 00, valid ids). */
  public static boolean isTraceParent(String value) {
    return value != null && TRACE_PARENT.matcher(value).matches();
  }

  /** This event with the trace context {@code traceParent} (null: none). */
  public CloudEvent withTraceParent(String traceParent) {
    return new CloudEvent(
        id, source, type, subject, time, dataSchema, userId, sequence, data, traceParent);
  }

  /**
   * The event (as JSON) with the trace context {@code traceParent}, unless it carries a valid one
   * already or {@code traceParent} is not a valid one (then it is returned as it is).
   */
  public static JsonObject withTraceParent(JsonObject event, String traceParent) {
    if (!isTraceParent(traceParent)
        || (event.get("traceparent") instanceof jakarta.json.JsonString t
            && isTraceParent(t.getString()))) {
      return event;
    }
    // Dapr's own copy of it too, as toJson writes it
    return JSON.createObjectBuilder(event)
        .add("traceparent", traceParent)
        .add("traceid", traceParent)
        .build();
  }

  public static CloudEvent of(
      EventType type,
      String id,
      String source,
      String subject,
      Instant time,
      String userId,
      long sequence,
      JsonObject data) {
    return new CloudEvent(
        id, source, type.type(), subject, time, type.dataSchemaUri(), userId, sequence, data, null);
  }

  public JsonObject toJson() {
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("specversion", SPEC_VERSION)
            .add("id", id)
            .add("source", source)
            .add("type", type)
            .add("time", time.toString())
            .add("datacontenttype", "application/json");
    if (subject != null) b.add("subject", subject);
    if (dataSchema != null) b.add("dataschema", dataSchema);
    if (userId != null) b.add("userid", userId);
    b.add("sequence", Long.toString(sequence));
    if (traceParent != null) {
      // Dapr's own copy of it: the sidecar replaces both with its span's unless traceid is set
      b.add("traceparent", traceParent).add("traceid", traceParent);
    }
    return b.add("data", data).build();
  }

  /**
   * Reads an event as delivered by the sidecar. Attributes the sidecar adds (topic, pubsubname,
   * {@code traceid}, {@code tracestate}) are ignored; a {@code traceparent} that is not a valid W3C
   * one of version 00 is ignored too (trace context never makes an event invalid).
   *
   * @throws IllegalArgumentException when a required attribute is missing or malformed: a
   *     specversion other than 1.0, an id that is not a UUID, a time that is not RFC 3339, a
   *     sequence that is not a decimal number, data that is not a JSON object
   */
  public static CloudEvent fromJson(JsonObject json) {
    try {
      if (!SPEC_VERSION.equals(json.getString("specversion"))) {
        throw new IllegalArgumentException("specversion is not " + SPEC_VERSION);
      }
      if (!UUID_FORM.matcher(json.getString("id")).matches()) {
        throw new IllegalArgumentException("id " + json.getString("id") + " is not a UUID");
      }
      JsonValue data = json.get("data");
      if (!(data instanceof JsonObject)) {
        throw new IllegalArgumentException("data is not a JSON object");
      }
      String seq = json.containsKey("sequence") ? json.getString("sequence") : "0";
      if (!seq.matches("[0-9]{1,18}")) throw new NumberFormatException(seq);
      return new CloudEvent(
          json.getString("id"),
          json.getString("source"),
          json.getString("type"),
          json.getString("subject", null),
          Instant.parse(json.getString("time")),
          json.getString("dataschema", null),
          json.getString("userid", null),
          Long.parseLong(seq),
          (JsonObject) data,
          json.get("traceparent") instanceof jakarta.json.JsonString t
                  && isTraceParent(t.getString())
              ? t.getString()
              : null);
    } catch (NullPointerException | ClassCastException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("not a CloudEvent of the todo contract: " + e, e);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("sequence is not a decimal number", e);
    }
  }

  public static CloudEvent fromJson(String json) {
    try (var reader = JSON.createReader(new StringReader(json))) {
      return fromJson(reader.readObject());
    } catch (jakarta.json.JsonException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
    }
  }

  public String toJsonString() {
    return toJson().toString();
  }
}
