package com.todo.task.interfaces.rest;

import com.todo.task.application.IfMatch;
import jakarta.ws.rs.core.EntityTag;
import java.util.HashSet;
import java.util.Set;

/** The {@code ETag} of a task is its version; {@code If-Match} names the versions it accepts. */
public final class ETags {

  private ETags() {}

  public static EntityTag of(long version) {
    return new EntityTag(Long.toString(version));
  }

  /**
   * Reads {@code If-Match}: absent = no condition, {@code *} = any version, else a list of entity
   * tags (weak ones and bare numbers accepted too). A tag that is no version matches nothing.
   */
  public static IfMatch ifMatch(String header) {
    if (header == null || header.isBlank()) return IfMatch.ANY;
    if (header.strip().equals("*")) return IfMatch.ANY;
    Set<Long> versions = new HashSet<>();
    for (String part : header.split(",")) {
      String tag = part.strip();
      if (tag.startsWith("W/")) tag = tag.substring(2);
      if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
        tag = tag.substring(1, tag.length() - 1);
      }
      try {
        versions.add(Long.parseLong(tag));
      } catch (NumberFormatException e) {
        // not one of ours: it cannot match
      }
    }
    return new IfMatch(false, versions);
  }
}
