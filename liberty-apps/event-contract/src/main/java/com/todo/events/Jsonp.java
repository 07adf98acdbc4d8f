package com.todo.events;

import jakarta.json.spi.JsonProvider;

/**
 * The one JSON-P provider of a service. {@code jakarta.json.Json.createObjectBuilder()} and its
 * siblings look the provider up with a ServiceLoader on every call, which was a tenth of
 * task-service's CPU time per request in the benchmark; this resolves it once.
 */
public final class Jsonp {

  public static final JsonProvider JSON = JsonProvider.provider();

  private Jsonp() {}
}
