package com.todo.dapr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestLineGuardTest {

  @Test
  void percentEncodedUtf8IsValid() {
    assertTrue(RequestLineGuard.validPercentUtf8("/api/v1/tasks"));
    assertTrue(RequestLineGuard.validPercentUtf8("/api/v1/tasks/%C3%A9t%C3%A9"));
    assertTrue(RequestLineGuard.validPercentUtf8("q=%F0%9F%98%80&tag=a%2Cb"));
    assertTrue(RequestLineGuard.validPercentUtf8("q=%00"), "NUL is UTF-8; the API refuses it");
  }

  @Test
  void invalidUtf8OrBrokenEscapesAreNot() {
    assertFalse(RequestLineGuard.validPercentUtf8("/api/v1/tasks%C3%28"), "bad continuation");
    assertFalse(RequestLineGuard.validPercentUtf8("/x%ED%A0%80"), "encoded surrogate");
    assertFalse(RequestLineGuard.validPercentUtf8("/x%C0%AF"), "overlong");
    assertFalse(RequestLineGuard.validPercentUtf8("q=100%"), "% at the end");
    assertFalse(RequestLineGuard.validPercentUtf8("q=%ZZ"), "not hex");
    assertFalse(RequestLineGuard.validPercentUtf8("q=%F0%9F%98"), "truncated sequence");
  }

  @Test
  void theProblemNamesThePart() {
    assertNull(RequestLineGuard.problem("/api/v1/tasks", "q=a"));
    assertNull(RequestLineGuard.problem("/api/v1/tasks", null));
    assertEquals("path", RequestLineGuard.problem("/a%FF", "q=a")[0]);
    assertEquals("query", RequestLineGuard.problem("/a", "q=%FF")[0]);
  }
}
