package com.todo.task.application;

import java.util.Set;

/**
 * The versions an {@code If-Match} header accepts. {@link #ANY} is also what a request without the
 * header gets: the check is made only when the header is sent.
 */
public record IfMatch(boolean any, Set<Long> versions) {

  public static final IfMatch ANY = new IfMatch(true, Set.of());

  public IfMatch {
    versions = Set.copyOf(versions);
  }

  public boolean accepts(long version) {
    return any || versions.contains(version);
  }
}
