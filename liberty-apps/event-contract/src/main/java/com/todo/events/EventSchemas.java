package com.todo.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code data} of an event against the JSON Schema of its type and version, with format
 * assertions on ({@code uuid}, {@code date-time}): producers and consumers check the same way. The
 * schemas allow additional properties, so {@code data} may gain optional fields within a version.
 */
public final class EventSchemas {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<EventType, JsonSchema> SCHEMAS = new EnumMap<>(EventType.class);

  static {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    for (EventType type : EventType.values()) {
      try (InputStream in = EventSchemas.class.getResourceAsStream(type.schemaResource())) {
        if (in == null) throw new IllegalStateException("missing schema " + type.schemaResource());
        SCHEMAS.put(type, factory.getSchema(in, config));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private EventSchemas() {}

  /** The violations of {@code data} against the schema of {@code type}; empty when valid. */
  public static List<String> violations(EventType type, JsonObject data) {
    try {
      return SCHEMAS.get(type).validate(MAPPER.readTree(data.toString())).stream()
          .map(ValidationMessage::getMessage)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of("unreadable data: " + e.getMessage());
    }
  }
}
