package com.todo.task.domain;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns a request body into {@link TaskFields} or a {@link ValidationException} that names every
 * bad field at once. Strict on purpose: unknown fields, read-only fields and wrong types are
 * errors, because clients rely on the contract and a silently ignored field is a lost change.
 */
public final class TaskValidator {

  public static final Set<String> WRITABLE =
      Set.of(
          "title",
          "description",
          "priority",
          "tags",
          "dueAt",
          "timeZone",
          "reminders",
          "recurrence");
  public static final Set<String> READ_ONLY =
      Set.of(
          "id",
          "userId",
          "status",
          "seriesId",
          "occurrence",
          "version",
          "createdAt",
          "updatedAt",
          "completedAt");

  static final int TITLE_MAX = 500;
  static final int DESCRIPTION_MAX = 10_000;
  static final int TAGS_MAX = 20;
  static final int TAG_MAX = 50;
  static final int REMINDERS_MAX = 10;
  static final int DURATION_MAX = 64;
  private static final Set<String> REMINDER_FIELDS = Set.of("id", "before", "at");
  private static final Set<String> RECURRENCE_FIELDS = Set.of("rule", "basis");
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private TaskValidator() {}

  /** The fields of a new task; {@code title} is required, everything else has a default. */
  public static TaskFields forCreate(JsonValue body, Supplier<String> newReminderId) {
    JsonObject object = requireObject(body);
    Errors errors = new Errors();
    checkNames(object, Set.of(), errors);
    TaskFields fields = read(object, true, newReminderId, errors);
    errors.throwIfAny();
    return fields;
  }

  /**
   * The fields of an occurrence that recurring-service asks for. Its reminders always get new ids
   * (the body carries the previous occurrence's), so every occurrence has reminders of its own.
   *
   * @param alsoAllowed top-level names the caller handles itself (e.g. {@code userId})
   */
  public static TaskFields forOccurrence(
      JsonObject body, Set<String> alsoAllowed, Supplier<String> newReminderId) {
    Errors errors = new Errors();
    checkNames(body, alsoAllowed, errors);
    TaskFields fields = read(body, false, newReminderId, errors);
    errors.throwIfAny();
    return fields;
  }

  /**
   * Applies a JSON Merge Patch (RFC 7396) to the writable fields of a task and validates the result
   * as a whole: {@code null} removes a field (back to its default), objects merge, arrays are
   * replaced.
   */
  public static TaskFields forPatch(
      TaskFields current, JsonValue patch, Supplier<String> newReminderId) {
    JsonObject object = requireObject(patch);
    Errors errors = new Errors();
    checkNames(object, Set.of(), errors);
    JsonValue recurrence = object.get("recurrence");
    if (recurrence instanceof JsonObject r) checkNames(r, RECURRENCE_FIELDS, "recurrence.", errors);
    errors.throwIfAny();
    JsonObject merged =
        JSON.createMergePatch(object).apply(TaskJson.writable(current)).asJsonObject();
    TaskFields fields = read(merged, true, newReminderId, errors);
    errors.throwIfAny();
    return fields;
  }

  private static JsonObject requireObject(JsonValue body) {
    if (!(body instanceof JsonObject object)) {
      throw new ValidationException("body", "must be a JSON object");
    }
    return object;
  }

  private static void checkNames(JsonObject object, Set<String> alsoAllowed, Errors errors) {
    for (String name : object.keySet()) {
      if (WRITABLE.contains(name) || alsoAllowed.contains(name)) continue;
      errors.add(
          name,
          READ_ONLY.contains(name)
              ? "read-only field"
                  + (name.equals("status") ? ": use POST /tasks/{id}/complete or /reopen" : "")
              : "unknown field");
    }
  }

  private static void checkNames(
      JsonObject object, Set<String> allowed, String prefix, Errors errors) {
    for (String name : object.keySet()) {
      if (!allowed.contains(name)) errors.add(prefix + name, "unknown field");
    }
  }

  private static TaskFields read(
      JsonObject o, boolean keepReminderIds, Supplier<String> newReminderId, Errors errors) {
    String title = title(o.get("title"), errors);
    String description = text(o.get("description"), "description", DESCRIPTION_MAX, errors);
    Priority priority = priority(o.get("priority"), errors);
    List<String> tags = tags(o.get("tags"), errors);
    Instant dueAt = instant(o.get("dueAt"), "dueAt", errors);
    ZoneId zone = zone(o.get("timeZone"), errors);
    boolean dueAtValid = errors.isClean("dueAt");
    List<Reminder> reminders =
        reminders(o.get("reminders"), dueAt, dueAtValid, keepReminderIds, newReminderId, errors);
    Recurrence recurrence = recurrence(o.get("recurrence"), zone, dueAt, errors);
    if (!errors.isEmpty()) return null;
    return new TaskFields(title, description, priority, tags, dueAt, zone, reminders, recurrence);
  }

  private static String title(JsonValue v, Errors errors) {
    if (isAbsent(v)) {
      errors.add("title", "required");
      return null;
    }
    String title = text(v, "title", TITLE_MAX, errors);
    if (title != null && title.isBlank()) {
      errors.add("title", "must not be blank");
      return null;
    }
    return title;
  }

  private static String text(JsonValue v, String field, int max, Errors errors) {
    if (isAbsent(v)) return null;
    if (!(v instanceof JsonString s)) {
      errors.add(field, "must be a string");
      return null;
    }
    String text = s.getString();
    Optional<String> unstorable = StorableText.problem(text);
    if (unstorable.isPresent()) {
      errors.add(field, unstorable.get());
      return null;
    }
    int length = text.codePointCount(0, text.length());
    if (length > max) {
      errors.add(field, "must be at most " + max + " characters, is " + length);
      return null;
    }
    return text;
  }

  private static Priority priority(JsonValue v, Errors errors) {
    if (isAbsent(v)) return Priority.NONE;
    Optional<Priority> p =
        v instanceof JsonString s ? Priority.of(s.getString()) : Optional.empty();
    if (p.isEmpty()) errors.add("priority", "must be one of none, low, medium, high");
    return p.orElse(null);
  }

  private static List<String> tags(JsonValue v, Errors errors) {
    if (isAbsent(v)) return List.of();
    if (!(v instanceof JsonArray array)) {
      errors.add("tags", "must be an array of strings");
      return List.of();
    }
    Set<String> tags = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String field = "tags[" + i + "]";
      if (!(array.get(i) instanceof JsonString s)) {
        errors.add(field, "must be a string");
        continue;
      }
      Optional<String> unstorable = StorableText.problem(s.getString());
      if (unstorable.isPresent()) {
        errors.add(field, unstorable.get());
        continue;
      }
      String tag = s.getString().toLowerCase(Locale.ROOT);
      int length = tag.codePointCount(0, tag.length());
      if (length < 1 || length > TAG_MAX || tag.isBlank()) {
        errors.add(field, "must be 1 to " + TAG_MAX + " characters and not blank");
        continue;
      }
      tags.add(tag);
    }
    if (tags.size() > TAGS_MAX)
      errors.add("tags", "at most " + TAGS_MAX + " tags, got " + tags.size());
    return List.copyOf(tags);
  }

  private static Instant instant(JsonValue v, String field, Errors errors) {
    if (isAbsent(v)) return null;
    if (v instanceof JsonString s) {
      Optional<Instant> parsed = parseInstant(s.getString());
      if (parsed.isPresent()) return parsed.get();
    }
    errors.add(field, "must be an RFC 3339 date-time with offset, e.g. 2030-01-31T09:00:00Z");
    return null;
  }

  /** An RFC 3339 instant at the microsecond precision the database keeps. */
  public static Optional<Instant> parseInstant(String text) {
    try {
      Instant i =
          OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
              .toInstant()
              .truncatedTo(ChronoUnit.MICROS);
      if (i.isBefore(EARLIEST) || i.isAfter(LATEST)) return Optional.empty();
      return Optional.of(i);
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static ZoneId zone(JsonValue v, Errors errors) {
    if (isAbsent(v)) return ZoneId.of("UTC");
    if (v instanceof JsonString s && ZoneId.getAvailableZoneIds().contains(s.getString())) {
      return ZoneId.of(s.getString());
    }
    errors.add("timeZone", "must be an IANA time zone id, e.g. Europe/Berlin");
    return null;
  }

  private static List<Reminder> reminders(
      JsonValue v,
      Instant dueAt,
      boolean dueAtValid,
      boolean keepIds,
      Supplier<String> newId,
      Errors errors) {
    if (isAbsent(v)) return List.of();
    if (!(v instanceof JsonArray array)) {
      errors.add("reminders", "must be an array");
      return List.of();
    }
    if (array.size() > REMINDERS_MAX) {
      errors.add("reminders", "at most " + REMINDERS_MAX + " reminders, got " + array.size());
      return List.of();
    }
    List<Reminder> reminders = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String prefix = "reminders[" + i + "]";
      if (!(array.get(i) instanceof JsonObject r)) {
        errors.add(prefix, "must be an object with id and either before or at");
        continue;
      }
      int before = errors.size();
      checkNames(r, REMINDER_FIELDS, prefix + ".", errors);
      String id = newId.get();
      JsonValue idValue = r.get("id");
      if (keepIds && !isAbsent(idValue)) {
        id = reminderId(idValue);
        if (id == null) errors.add(prefix + ".id", "must be a UUID (or left out to get one)");
        else if (!ids.add(id)) errors.add(prefix + ".id", "duplicate reminder id " + id);
      }
      boolean hasBefore = !isAbsent(r.get("before"));
      boolean hasAt = !isAbsent(r.get("at"));
      Reminder reminder = null;
      if (hasBefore == hasAt) {
        errors.add(prefix, "needs exactly one of before (a duration) and at (an instant)");
      } else if (hasBefore) {
        String duration = duration(r.get("before"), prefix + ".before", errors);
        if (dueAt == null && dueAtValid) {
          errors.add(prefix + ".before", "a reminder relative to the due date needs dueAt");
        } else if (duration != null && id != null) {
          reminder = Reminder.before(id, duration);
        }
      } else {
        Instant at = instant(r.get("at"), prefix + ".at", errors);
        if (at != null && id != null) reminder = Reminder.at(id, at);
      }
      if (errors.size() == before && reminder != null) reminders.add(reminder);
    }
    return reminders;
  }

  private static String reminderId(JsonValue v) {
    if (!(v instanceof JsonString s)) return null;
    String text = s.getString();
    if (text.length() != 36) return null;
    try {
      return UUID.fromString(text).toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String duration(JsonValue v, String field, Errors errors) {
    String message =
        "must be a non-negative ISO-8601 duration in days, hours, minutes or seconds, e.g. PT15M or P1D";
    if (!(v instanceof JsonString s) || s.getString().length() > DURATION_MAX) {
      errors.add(field, message);
      return null;
    }
    try {
      Duration d = Duration.parse(s.getString());
      if (d.isNegative() || s.getString().startsWith("-")) {
        errors.add(field, message);
        return null;
      }
      return s.getString();
    } catch (DateTimeException | ArithmeticException e) {
      errors.add(field, message);
      return null;
    }
  }

  private static Recurrence recurrence(JsonValue v, ZoneId zone, Instant dueAt, Errors errors) {
    if (isAbsent(v)) return null;
    if (!(v instanceof JsonObject r)) {
      errors.add("recurrence", "must be an object {rule, basis} or null");
      return null;
    }
    checkNames(r, RECURRENCE_FIELDS, "recurrence.", errors);
    Recurrence.Basis basis = Recurrence.Basis.DUE;
    JsonValue basisValue = r.get("basis");
    if (!isAbsent(basisValue)) {
      Optional<Recurrence.Basis> b =
          basisValue instanceof JsonString s
              ? Recurrence.Basis.of(s.getString())
              : Optional.empty();
      if (b.isEmpty()) errors.add("recurrence.basis", "must be one of due, completion");
      basis = b.orElse(null);
    }
    JsonValue ruleValue = r.get("rule");
    if (isAbsent(ruleValue)) {
      errors.add("recurrence.rule", "required");
      return null;
    }
    if (!(ruleValue instanceof JsonString s)) {
      errors.add("recurrence.rule", "must be a string");
      return null;
    }
    Optional<String> problem =
        StorableText.problem(s.getString())
            .or(
                () ->
                    RecurrenceRuleCheck.problem(
                        s.getString(), zone == null ? ZoneId.of("UTC") : zone, dueAt));
    if (problem.isPresent()) {
      errors.add("recurrence.rule", problem.get());
      return null;
    }
    return basis == null ? null : new Recurrence(s.getString(), basis);
  }

  private static boolean isAbsent(JsonValue v) {
    return v == null || v.getValueType() == JsonValue.ValueType.NULL;
  }

  /** Whole numbers in JSON (e.g. {@code occurrence}), refusing fractions and overflow. */
  public static Optional<Integer> integer(JsonValue v) {
    if (v instanceof JsonNumber n && n.isIntegral()) {
      try {
        return Optional.of(n.intValueExact());
      } catch (ArithmeticException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The errors found so far, in the order of the fields. */
  private static final class Errors {
    private final List<FieldError> list = new ArrayList<>();

    void add(String field, String message) {
      list.add(new FieldError(field, message));
    }

    boolean isEmpty() {
      return list.isEmpty();
    }

    int size() {
      return list.size();
    }

    boolean isClean(String field) {
      return list.stream().noneMatch(e -> e.field().equals(field));
    }

    void throwIfAny() {
      if (!list.isEmpty()) throw new ValidationException(list);
    }
  }
}
