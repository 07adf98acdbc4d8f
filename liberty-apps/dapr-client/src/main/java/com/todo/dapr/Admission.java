package com.todo.dapr;

import com.todo.events.CloudEvent;
import com.todo.events.EventSchemas;
import com.todo.events.EventType;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Set;

/**
 * What the consumer rules make of one delivered event before any state is read: handle it, ignore
 * it (a type this service does not handle), or drop it to the dead-letter topic (malformed, breaks
 * its schema, or a handled type in an unknown major version).
 *
 * @param event the event, null where it could not be read
 * @param id the event's id as delivered, for logs and metrics ("?" when it has none)
 * @param type the event's type as delivered ("?" when it has none)
 * @param topic the {@code topic} attribute the sidecar sets on a delivered event, or null
 * @param reason why it is dropped, null unless {@code verdict} is DROP
 */
record Admission(
    Verdict verdict,
    CloudEvent event,
    String id,
    String type,
    String topic,
    DeadLetterReason reason,
    String detail) {

  enum Verdict {
    HANDLE,
    IGNORE,
    DROP
  }

  static Admission of(JsonValue delivered, Set<EventType> handled) {
    if (!(delivered instanceof JsonObject json)) {
      return drop("?", "?", null, DeadLetterReason.MALFORMED, "not a JSON object");
    }
    String id = text(json, "id");
    String type = text(json, "type");
    String topic = json.get("topic") instanceof JsonString t ? t.getString() : null;
    EventType known = EventType.of(type).filter(handled::contains).orElse(null);
    if (known == null) {
      boolean sameFamily =
          EventType.familyOf(type)
              .map(family -> handled.stream().anyMatch(t -> t.family().equals(family)))
              .orElse(false);
      if (sameFamily) {
        return drop(
            id, type, topic, DeadLetterReason.UNKNOWN_VERSION, "this service knows " + handled);
      }
      return new Admission(Verdict.IGNORE, null, id, type, topic, null, "not handled here");
    }
    CloudEvent event;
    try {
      event = CloudEvent.fromJson(json);
    } catch (IllegalArgumentException e) {
      return drop(id, type, topic, DeadLetterReason.MALFORMED, e.getMessage());
    }
    List<String> violations = EventSchemas.violations(known, event.data());
    if (!violations.isEmpty()) {
      return drop(id, type, topic, DeadLetterReason.SCHEMA, violations.toString());
    }
    return new Admission(Verdict.HANDLE, event, id, type, topic, null, "");
  }

  private static Admission drop(
      String id, String type, String topic, DeadLetterReason reason, String detail) {
    return new Admission(Verdict.DROP, null, id, type, topic, reason, detail);
  }

  private static String text(JsonObject json, String name) {
    return json.get(name) instanceof JsonString s ? s.getString() : "?";
  }
}
