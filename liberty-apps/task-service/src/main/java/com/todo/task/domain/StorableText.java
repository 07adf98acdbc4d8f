package com.todo.task.domain;

import java.util.Optional;

/**
 * Text that PostgreSQL can store and compare. It refuses NUL (U+0000) in {@code text} and in {@code
 * jsonb} strings, and UTF-8 has no encoding of an unpaired surrogate (the driver would store {@code
 * ?}), so both are refused by validation instead of failing, or changing, in the database.
 */
public final class StorableText {

  private StorableText() {}

  /** Why {@code text} cannot be stored, or empty when it can. */
  public static Optional<String> problem(String text) {
    if (text == null) return Optional.empty();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') return Optional.of("must not contain NUL (U+0000), at index " + i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return Optional.of("must not contain an unpaired surrogate, at index " + i);
      }
      if (Character.isLowSurrogate(c))
        return Optional.of("must not contain an unpaired surrogate, at index " + i);
    }
    return Optional.empty();
  }

  /** True when {@code text} can be stored as it is. */
  public static boolean isStorable(String text) {
    return problem(text).isEmpty();
  }
}
