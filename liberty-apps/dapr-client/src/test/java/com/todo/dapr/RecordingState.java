package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state calls of the consumer rules, kept in a map for unit tests of their logic, with the
 * failures a real store has: unreadable, unwritable, and a concurrent writer that wins. Tests
 * against the real sidecar and Redis are the Arquillian and platform tests.
 */
final class RecordingState implements ConsumerState {

  final Map<String, String> values = new HashMap<>();
  private final Map<String, String> etags = new HashMap<>();
  private int version;

  boolean readFails;
  boolean writeFails;

  /** How many conditional writes a concurrent writer wins before this one's succeed. */
  int writesLostToOthers;

  int reads;
  int writes;

  @Override
  public Map<String, JsonValue> readStates(List<String> keys) {
    reads++;
    if (readFails) throw new SidecarException("state store unreachable (test)");
    Map<String, JsonValue> found = new HashMap<>();
    for (String k : keys) if (values.containsKey(k)) found.put(k, parse(values.get(k)));
    return found;
  }

  @Override
  public void saveStates(Map<String, JsonValue> toWrite, long ttlSeconds) {
    if (toWrite.isEmpty()) return;
    writes++;
    if (writeFails) throw new SidecarException("state store unwritable (test)");
    toWrite.forEach((k, v) -> put(k, v.toString()));
  }

  @Override
  public void saveStates(List<DaprSidecar.Writes> groups) {
    Map<String, JsonValue> all = new java.util.LinkedHashMap<>();
    for (DaprSidecar.Writes w : groups) all.putAll(w.values());
    saveStates(all, 0);
  }

  @Override
  public Optional<StateEntry> getState(String key) {
    reads++;
    if (readFails) throw new SidecarException("state store unreachable (test)");
    return Optional.ofNullable(values.get(key)).map(v -> new StateEntry(key, v, etags.get(key)));
  }

  /** The lifetime each key was last written with, where it was given one (see ConsumerState). */
  final Map<String, Long> ttls = new HashMap<>();

  @Override
  public boolean saveState(
      String key, String json, String etag, boolean createOnly, long ttlSeconds) {
    boolean written = saveState(key, json, etag, createOnly);
    if (written && ttlSeconds != 0) ttls.put(key, ttlSeconds);
    return written;
  }

  @Override
  public boolean saveState(String key, String json, String etag, boolean createOnly) {
    writes++;
    if (writeFails) throw new SidecarException("state store unwritable (test)");
    if (writesLostToOthers > 0) {
      writesLostToOthers--;
      put(key, values.getOrDefault(key, json)); // someone else wrote: a new ETag
      return false;
    }
    if (etag != null && !etag.equals(etags.get(key))) return false;
    if (etag == null && createOnly && values.containsKey(key)) return false;
    put(key, json);
    return true;
  }

  @Override
  public void deleteState(String key) {
    writes++;
    if (writeFails) throw new SidecarException("state store unwritable (test)");
    values.remove(key);
    etags.remove(key);
  }

  @Override
  public Map<String, StateEntry> readEntries(List<String> keys) {
    reads++;
    if (readFails) throw new SidecarException("state store unreachable (test)");
    Map<String, StateEntry> found = new HashMap<>();
    for (String k : keys) {
      if (values.containsKey(k)) found.put(k, new StateEntry(k, values.get(k), etags.get(k)));
    }
    return found;
  }

  /** As the Redis store: each write whose condition holds is applied, the others are not. */
  @Override
  public boolean saveStatesIfUnchanged(
      List<DaprSidecar.ConditionalWrite> toWrite, long ttlSeconds) {
    if (toWrite.isEmpty()) return true;
    writes++;
    if (writeFails) throw new SidecarException("state store unwritable (test)");
    boolean all = true;
    for (DaprSidecar.ConditionalWrite w : toWrite) {
      if (writesLostToOthers > 0) {
        writesLostToOthers--;
        put(w.key(), values.getOrDefault(w.key(), w.value().toString()));
        all = false;
      } else if (w.etag() == null
          ? values.containsKey(w.key())
          : !w.etag().equals(etags.get(w.key()))) {
        all = false;
      } else {
        put(w.key(), w.value().toString());
      }
    }
    return all;
  }

  JsonValue get(String key) {
    return values.containsKey(key) ? parse(values.get(key)) : null;
  }

  private void put(String key, String json) {
    values.put(key, json);
    etags.put(key, Integer.toString(++version));
  }

  private static JsonValue parse(String json) {
    return JSON.createReader(new StringReader(json)).readValue();
  }
}
