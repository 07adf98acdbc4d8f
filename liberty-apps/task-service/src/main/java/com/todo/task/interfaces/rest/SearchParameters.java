package com.todo.task.interfaces.rest;

import com.todo.task.domain.Cursor;
import com.todo.task.domain.FieldError;
import com.todo.task.domain.Priority;
import com.todo.task.domain.SortKey;
import com.todo.task.domain.Status;
import com.todo.task.domain.StorableText;
import com.todo.task.domain.TaskQuery;
import com.todo.task.domain.TaskValidator;
import com.todo.task.domain.ValidationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The query parameters of {@code GET /tasks}, checked together so that every bad one is named. */
public final class SearchParameters {

  static final int Q_MAX = 500;

  private SearchParameters() {}

  public static TaskQuery parse(
      String q,
      List<String> status,
      List<String> priority,
      List<String> tag,
      String dueBefore,
      String dueAfter,
      String sort,
      String limit,
      String cursor) {
    List<FieldError> errors = new ArrayList<>();
    if (q != null && q.length() > Q_MAX)
      errors.add(new FieldError("q", "at most " + Q_MAX + " characters"));
    else StorableText.problem(q).ifPresent(p -> errors.add(new FieldError("q", p)));

    Set<Status> statuses = EnumSet.noneOf(Status.class);
    for (String s : nonEmpty(status)) {
      Optional<Status> parsed = Status.of(s);
      if (parsed.isPresent()) statuses.add(parsed.get());
      else errors.add(new FieldError("status", "must be open or completed, got \"" + s + "\""));
    }
    Set<Priority> priorities = EnumSet.noneOf(Priority.class);
    for (String p : nonEmpty(priority)) {
      Optional<Priority> parsed = Priority.of(p);
      if (parsed.isPresent()) priorities.add(parsed.get());
      else
        errors.add(
            new FieldError("priority", "must be none, low, medium or high, got \"" + p + "\""));
    }
    Set<String> tags = new LinkedHashSet<>();
    for (String t : tag == null ? List.<String>of() : tag) {
      if (t == null || t.isEmpty()) continue;
      Optional<String> unstorable = StorableText.problem(t);
      if (unstorable.isPresent()) {
        errors.add(new FieldError("tag", unstorable.get()));
        continue;
      }
      String lower = t.toLowerCase(Locale.ROOT);
      if (lower.codePointCount(0, lower.length()) > 50)
        errors.add(new FieldError("tag", "at most 50 characters"));
      else tags.add(lower);
    }
    Instant before = instant("dueBefore", dueBefore, errors);
    Instant after = instant("dueAfter", dueAfter, errors);

    List<SortKey> keys = SortKey.DEFAULT;
    try {
      keys = SortKey.parse(sort);
    } catch (ValidationException e) {
      errors.addAll(e.errors());
    }
    int size = TaskQuery.DEFAULT_LIMIT;
    if (limit != null && !limit.isBlank()) {
      try {
        size = Integer.parseInt(limit.strip());
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 1 || size > TaskQuery.MAX_LIMIT) {
        errors.add(
            new FieldError("limit", "must be a whole number from 1 to " + TaskQuery.MAX_LIMIT));
        size = TaskQuery.DEFAULT_LIMIT;
      }
    }
    Cursor position = null;
    if (cursor != null && !cursor.isBlank()) {
      try {
        position = Cursor.decode(cursor.strip(), keys);
      } catch (ValidationException e) {
        errors.addAll(e.errors());
      }
    }
    if (!errors.isEmpty()) throw new ValidationException(errors);
    return new TaskQuery(q, statuses, priorities, tags, after, before, keys, size, position);
  }

  /** Repeated parameters, each also allowed to be a comma list. */
  private static List<String> nonEmpty(List<String> values) {
    List<String> result = new ArrayList<>();
    if (values == null) return result;
    for (String v : values) {
      if (v == null) continue;
      for (String part : v.split(",")) if (!part.isBlank()) result.add(part.strip());
    }
    return result;
  }

  private static Instant instant(String name, String value, List<FieldError> errors) {
    if (value == null || value.isBlank()) return null;
    // an unencoded "+01:00" arrives as " 01:00"
    Optional<Instant> parsed = TaskValidator.parseInstant(value.strip().replace(' ', '+'));
    if (parsed.isEmpty())
      errors.add(new FieldError(name, "must be an RFC 3339 date-time with offset"));
    return parsed.orElse(null);
  }
}
