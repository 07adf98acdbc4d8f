package com.todo.task.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** One key of {@code GET /tasks?sort=}: a field and a direction ({@code -} prefix = descending). */
public record SortKey(Field field, boolean descending) {

  /** The sortable fields. The task id always follows as the ascending tie-breaker. */
  public enum Field {
    DUE_AT("dueAt"),
    PRIORITY("priority"),
    TITLE("title"),
    CREATED_AT("createdAt");

    private final String json;

    Field(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }

    static Optional<Field> of(String json) {
      return Arrays.stream(values()).filter(f -> f.json.equals(json)).findFirst();
    }
  }

  public static final List<SortKey> DEFAULT = List.of(new SortKey(Field.CREATED_AT, false));

  /**
   * Parses {@code sort=dueAt,-priority}; null or blank means {@link #DEFAULT}.
   *
   * @throws ValidationException naming {@code sort}
   */
  public static List<SortKey> parse(String spec) {
    if (spec == null || spec.isBlank()) return DEFAULT;
    List<SortKey> keys = new ArrayList<>();
    Set<Field> seen = EnumSet.noneOf(Field.class);
    for (String part : spec.split(",", -1)) {
      String name = part.strip();
      boolean descending = name.startsWith("-");
      if (descending) name = name.substring(1);
      Optional<Field> field = Field.of(name);
      if (field.isEmpty() || !seen.add(field.get())) {
        throw new ValidationException(
            "sort",
            "a comma list of distinct keys among dueAt, priority, title, createdAt, each optionally"
                + " prefixed with - for descending; got \""
                + spec
                + "\"");
      }
      keys.add(new SortKey(field.get(), descending));
    }
    return List.copyOf(keys);
  }

  /** The canonical text of a sort, e.g. {@code dueAt,-priority}. */
  public static String format(List<SortKey> keys) {
    return keys.stream()
        .map(k -> (k.descending ? "-" : "") + k.field.json)
        .collect(Collectors.joining(","));
  }
}
