package com.todo.task.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorableTextTest {

  @Test
  void refusesNulAndUnpairedSurrogatesNamingWhere() {
    assertEquals(
        Optional.of("must not contain NUL (U+0000), at index 1"), StorableText.problem("a\u0000"));
    assertEquals(
        Optional.of("must not contain an unpaired surrogate, at index 0"),
        StorableText.problem("\uD800x"));
    assertEquals(
        Optional.of("must not contain an unpaired surrogate, at index 2"),
        StorableText.problem("ab\uDC00"));
    assertEquals(
        Optional.of("must not contain an unpaired surrogate, at index 0"),
        StorableText.problem("\uD800"));
  }

  @Test
  void acceptsAnyOtherText() {
    for (String text :
        new String[] {
          null, "", "plain", "\t\n\r\u0001\u001f\u007f", "\uD83D\uDCDD", "Grüße", "\uFFFF", "\uFEFF"
        }) {
      assertTrue(StorableText.isStorable(text), String.valueOf(text));
    }
  }
}
