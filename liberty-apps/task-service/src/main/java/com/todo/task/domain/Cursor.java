package com.todo.task.domain;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Where a page ended: the sort it belongs to, the sort-key values of its last task and that task's
 * id. Opaque to clients (base64url of a small JSON object). Keyset pagination from these values
 * neither skips nor repeats a task while others are added.
 *
 * @param values one per sort key: {@link Instant} or null for dueAt, Integer rank for priority,
 *     String for title, Instant for createdAt
 */
public record Cursor(String sort, List<Object> values, TaskId lastId) {

  public Cursor {
    values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** The cursor after {@code task} in a listing sorted by {@code keys}. */
  public static Cursor after(Task task, List<SortKey> keys) {
    List<Object> values = new ArrayList<>();
    for (SortKey k : keys) values.add(valueOf(task, k.field()));
    return new Cursor(SortKey.format(keys), values, task.id());
  }

  static Object valueOf(Task task, SortKey.Field field) {
    return switch (field) {
      case DUE_AT -> task.fields().dueAt();
      case PRIORITY -> task.fields().priority().rank();
      case TITLE -> task.fields().title();
      case CREATED_AT -> task.createdAt();
    };
  }

  public String encode() {
    JsonArrayBuilder v = JSON.createArrayBuilder();
    for (Object value : values) {
      if (value == null) v.addNull();
      else if (value instanceof Integer i) v.add(i);
      else v.add(value.toString());
    }
    JsonObject json =
        JSON.createObjectBuilder().add("s", sort).add("v", v).add("id", lastId.toString()).build();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a cursor that must belong to the sort {@code keys}.
   *
   * @throws ValidationException naming {@code cursor}
   */
  public static Cursor decode(String text, List<SortKey> keys) {
    String sort = SortKey.format(keys);
    try {
      String json = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      JsonObject o = JSON.createReader(new StringReader(json)).readObject();
      if (!sort.equals(o.getString("s"))) {
        throw new ValidationException(
            "cursor", "belongs to sort=" + o.getString("s") + ", not sort=" + sort);
      }
      JsonArray v = o.getJsonArray("v");
      if (v.size() != keys.size()) throw new IllegalArgumentException("wrong number of values");
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) values.add(value(keys.get(i).field(), v.get(i)));
      TaskId id = TaskId.parse(o.getString("id")).orElseThrow(IllegalArgumentException::new);
      return new Cursor(sort, values, id);
    } catch (ValidationException e) {
      throw e;
    } catch (RuntimeException e) {
      // whatever a forged cursor makes the decoder or the JSON parser throw
      throw new ValidationException("cursor", "not a cursor this service issued");
    }
  }

  private static Object value(SortKey.Field field, JsonValue v) {
    switch (field) {
      case DUE_AT:
        if (v.getValueType() == JsonValue.ValueType.NULL) return null;
        return instant(v);
      case CREATED_AT:
        return instant(v);
      case PRIORITY:
        int rank = ((JsonNumber) v).intValueExact();
        if (rank < 0 || rank >= Priority.values().length) throw new IllegalArgumentException();
        return rank;
      case TITLE:
        String title = ((JsonString) v).getString();
        if (!StorableText.isStorable(title)) throw new IllegalArgumentException();
        return title;
      default:
        throw new IllegalArgumentException();
    }
  }

  private static Instant instant(JsonValue v) {
    Optional<Instant> i = TaskValidator.parseInstant(((JsonString) v).getString());
    return i.orElseThrow(IllegalArgumentException::new);
  }
}
