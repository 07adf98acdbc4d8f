package com.todo.dapr;

/** A value read from the state store with the ETag to use for a conditional write. */
public record StateEntry(String key, String json, String etag) {}
