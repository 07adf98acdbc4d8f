package com.todo.task.interfaces.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.todo.task.application.IfMatch;
import org.junit.jupiter.api.Test;

class ETagsTest {

  @Test
  void noHeaderOrStarMatchesAnyVersion() {
    assertEquals(IfMatch.ANY, ETags.ifMatch(null));
    assertEquals(IfMatch.ANY, ETags.ifMatch(" * "));
  }

  @Test
  void matchesTheNamedVersions() {
    IfMatch m = ETags.ifMatch("\"3\", W/\"5\", 7");
    assertTrue(m.accepts(3));
    assertTrue(m.accepts(5));
    assertTrue(m.accepts(7));
    assertFalse(m.accepts(4));
  }

  @Test
  void aForeignTagMatchesNothing() {
    assertFalse(ETags.ifMatch("\"abc\"").accepts(1));
  }
}
