package com.todo.dapr;

/** Why an event was answered DROP, so the sidecar sent it to {@code <topic>.dlq}. */
public enum DeadLetterReason {
  /** Not a CloudEvent of the contract: not JSON, an attribute missing, an id that is no UUID. */
  MALFORMED("malformed"),
  /** Its {@code data} breaks the JSON Schema of its type. */
  SCHEMA("schema"),
  /** A type this service handles, in a major version it does not know. */
  UNKNOWN_VERSION("unknown-version"),
  /** The service's handler said it can never be handled. */
  HANDLER("handler"),
  /** Every delivery attempt the consumer allows failed. */
  RETRIES_EXHAUSTED("retries-exhausted");

  private final String label;

  DeadLetterReason(String label) {
    this.label = label;
  }

  /** The value of the {@code reason} tag of the dead-letter metric. */
  public String label() {
    return label;
  }
}
