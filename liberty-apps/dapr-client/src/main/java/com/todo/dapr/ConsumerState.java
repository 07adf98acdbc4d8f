package com.todo.dapr;

import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state-store calls the consumer rules make: {@link DaprSidecar} in a service; an interface so
 * the rules can be unit-tested with a store that fails on purpose.
 */
public interface ConsumerState {

  /** The values of those of {@code keys} that exist. */
  Map<String, JsonValue> readStates(List<String> keys);

  /** Writes all values in one transaction, each expiring after {@code ttlSeconds} (0 = never). */
  void saveStates(Map<String, JsonValue> values, long ttlSeconds);

  /** Writes the values of every group in one transaction, each group's with its own lifetime. */
  void saveStates(List<DaprSidecar.Writes> groups);

  /** One value with its ETag, or empty when the key does not exist. */
  Optional<StateEntry> getState(String key);

  /**
   * Writes one value only if its ETag still matches ({@code etag}), or only if the key does not
   * exist ({@code etag} null and {@code createOnly}).
   *
   * @return false when someone else wrote first
   */
  boolean saveState(String key, String json, String etag, boolean createOnly);

  /**
   * As {@link #saveState(String, String, String, boolean)}, and sets when the key expires: {@code
   * ttlSeconds} after this write when positive, never when negative; 0 leaves it as it was.
   */
  boolean saveState(String key, String json, String etag, boolean createOnly, long ttlSeconds);

  /** Deletes a key; a key that does not exist counts as deleted. */
  void deleteState(String key);

  /** Those of {@code keys} that exist, each with its ETag, in one call. */
  Map<String, StateEntry> readEntries(List<String> keys);

  /**
   * Writes every value in one transaction, each only if its key is unchanged since it was read. The
   * store does not roll back: false when any condition failed (the others may be written).
   */
  boolean saveStatesIfUnchanged(List<DaprSidecar.ConditionalWrite> writes, long ttlSeconds);
}
