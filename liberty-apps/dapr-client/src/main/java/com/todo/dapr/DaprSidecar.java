package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import com.todo.events.CloudEvent;
import com.todo.events.Topic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The one way services talk to their Dapr sidecar: publish, state, jobs, service invocation and
 * health. Transport failures and 5xx answers become {@link SidecarException}; answers that mean
 * something to the caller (not found, ETag conflict) become return values.
 */
@ApplicationScoped
public class DaprSidecar implements ConsumerState {

  @Inject @RestClient DaprHttpApi api;

  @Inject
  @ConfigProperty(name = "dapr.pubsub", defaultValue = "pubsub")
  String pubsub;

  @Inject
  @ConfigProperty(name = "dapr.statestore", defaultValue = "statestore")
  String stateStore;

  /**
   * Publishes one event in structured mode, keyed by its owner so one user's events stay in order.
   */
  @Timeout(5000)
  @Retry(maxRetries = 2, delay = 200, jitter = 100, abortOn = IllegalArgumentException.class)
  public void publish(Topic topic, CloudEvent event) {
    try (Response r =
        api.publish(pubsub, topic.topicName(), event.userId(), event.toJsonString())) {
      if (r.getStatus() == 400) {
        throw new IllegalArgumentException(
            "sidecar refused event " + event.id() + ": " + r.readEntity(String.class));
      }
      expectSuccess(r, "publish of event " + event.id() + " to " + topic.topicName());
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable publishing event " + event.id(), e);
    }
  }

  /**
   * Publishes an event already in its JSON form to a topic named by the caller (a dead-letter
   * topic), keyed by {@code partitionKey}.
   */
  @Timeout(5000)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  public void publishJson(String topic, String partitionKey, String cloudEventJson) {
    try (Response r = api.publish(pubsub, topic, partitionKey, cloudEventJson)) {
      expectSuccess(r, "publish to " + topic);
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable publishing to " + topic, e);
    }
  }

  /** One entry of {@link #publishBulk}: an event already in its JSON form, keyed by its owner. */
  public record BulkEntry(String entryId, String userId, String cloudEventJson) {}

  /**
   * Publishes several events of one topic in one call (Dapr's bulk publish, alpha in 1.18), each in
   * structured mode and keyed by its owner. Kafka sends the entries of one call in order. No retry
   * here: the caller knows which entries to send again.
   *
   * @return the ids of the entries the broker did not take (empty when all were published)
   * @throws IllegalArgumentException when the sidecar refuses the request as a whole (HTTP 400)
   * @throws SidecarException when the sidecar is unreachable or failed without naming entries
   */
  @Timeout(10000)
  public Set<String> publishBulk(Topic topic, List<BulkEntry> entries) {
    if (entries.isEmpty()) return Set.of();
    StringBuilder body = new StringBuilder(entries.size() * 1024).append('[');
    for (BulkEntry e : entries) {
      if (body.length() > 1) body.append(',');
      body.append("{\"entryId\":")
          .append(JSON.createValue(e.entryId()))
          .append(
              ",\"contentType\":\"application/cloudevents+json\",\"metadata\":{\"partitionKey\":")
          .append(JSON.createValue(e.userId()))
          .append("},\"event\":")
          .append(e.cloudEventJson())
          .append('}');
    }
    String what = "bulk publish of " + entries.size() + " events to " + topic.topicName();
    try (Response r = api.publishBulk(pubsub, topic.topicName(), body.append(']').toString())) {
      if (r.getStatus() / 100 == 2) return Set.of();
      String answer = readQuietly(r);
      if (r.getStatus() == 400) {
        throw new IllegalArgumentException("sidecar refused the " + what + ": " + answer);
      }
      Set<String> failed = new HashSet<>();
      try {
        JsonObject error = JSON.createReader(new java.io.StringReader(answer)).readObject();
        for (JsonValue f : error.getJsonArray("failedEntries")) {
          failed.add(f.asJsonObject().getString("entryId"));
        }
      } catch (RuntimeException unreadable) {
        failed.clear();
      }
      if (failed.isEmpty()) {
        throw new SidecarException(what + " failed: HTTP " + r.getStatus() + " " + answer);
      }
      return failed;
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable for the " + what, e);
    }
  }

  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public Optional<StateEntry> getState(String key) {
    try (Response r = api.getState(stateStore, key)) {
      if (r.getStatus() == 204 || r.getStatus() == 404) return Optional.empty();
      expectSuccess(r, "read of state key " + key);
      return Optional.of(
          new StateEntry(key, r.readEntity(String.class), r.getHeaderString("ETag")));
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable reading state key " + key, e);
    }
  }

  /**
   * The values of those of {@code keys} that exist, in one call.
   *
   * @throws SidecarException when the sidecar or the store fails, for any of the keys
   */
  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public Map<String, JsonValue> readStates(List<String> keys) {
    Map<String, JsonValue> existing = new HashMap<>();
    for (JsonObject item : bulkRead(keys)) existing.put(item.getString("key"), item.get("data"));
    return existing;
  }

  /** The items of a bulk read that hold a value; throws when the read or any key failed. */
  private List<JsonObject> bulkRead(List<String> keys) {
    if (keys.isEmpty()) return List.of();
    var request =
        JSON.createObjectBuilder().add("keys", JSON.createArrayBuilder(keys)).add("parallelism", 8);
    try (Response r = api.getBulkState(stateStore, request.build().toString())) {
      expectSuccess(r, "bulk read of " + keys.size() + " state keys");
      List<JsonObject> items = new java.util.ArrayList<>();
      for (JsonValue v :
          JSON.createReader(new java.io.StringReader(r.readEntity(String.class))).readArray()) {
        JsonObject item = v.asJsonObject();
        if (item.containsKey("error")) {
          throw new SidecarException(
              "bulk read of state key "
                  + item.getString("key", "?")
                  + " failed: "
                  + item.get("error"));
        }
        JsonValue data = item.get("data");
        if (data != null && data != JsonValue.NULL) items.add(item);
      }
      return items;
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable reading " + keys.size() + " state keys", e);
    }
  }

  /**
   * Those of {@code keys} that exist, each with its ETag, in one call: the values to change with
   * {@link #saveState(String, String, String, boolean, long)} only if nobody wrote them since.
   *
   * @throws SidecarException when the sidecar or the store fails, for any of the keys
   */
  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public Map<String, StateEntry> readEntries(List<String> keys) {
    Map<String, StateEntry> existing = new HashMap<>();
    for (JsonObject item : bulkRead(keys)) {
      String key = item.getString("key");
      existing.put(key, StateEntry.parsed(key, item.get("data"), item.getString("etag", null)));
    }
    return existing;
  }

  /**
   * Saves several values (last write wins), each expiring after {@code ttlSeconds}, in one state
   * transaction: the Redis store sends them in one MULTI/EXEC round trip, where a bulk save costs
   * two round trips per key.
   */
  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public void saveStates(Map<String, JsonValue> values, long ttlSeconds) {
    write(List.of(new Writes(values, ttlSeconds)));
  }

  /**
   * Values to write together, each expiring after {@code ttlSeconds} (0: never): several groups of
   * them, with different lifetimes, are written in one transaction by {@link #saveStates(List)}.
   */
  public record Writes(Map<String, JsonValue> values, long ttlSeconds) {}

  /**
   * As {@link #saveStates(Map, long)} for several groups of values, each with its own lifetime, in
   * one state transaction (a key in several groups is written once, with its last group's value).
   */
  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public void saveStates(List<Writes> groups) {
    write(groups);
  }

  private void write(List<Writes> groups) {
    Map<String, JsonObject> requests = new java.util.LinkedHashMap<>();
    for (Writes w : groups) {
      w.values()
          .forEach(
              (key, value) -> {
                JsonObjectBuilder request =
                    JSON.createObjectBuilder().add("key", key).add("value", value);
                if (w.ttlSeconds() > 0) {
                  request.add(
                      "metadata",
                      JSON.createObjectBuilder()
                          .add("ttlInSeconds", Long.toString(w.ttlSeconds())));
                }
                requests.remove(key);
                requests.put(key, request.build());
              });
    }
    if (requests.isEmpty()) return;
    JsonArrayBuilder operations = JSON.createArrayBuilder();
    for (JsonObject request : requests.values()) {
      operations.add(JSON.createObjectBuilder().add("operation", "upsert").add("request", request));
    }
    String body = JSON.createObjectBuilder().add("operations", operations).build().toString();
    try (Response r = api.stateTransaction(stateStore, body)) {
      expectSuccess(r, "write of " + requests.size() + " state keys");
    } catch (ProcessingException e) {
      throw new SidecarException(
          "sidecar unreachable writing " + requests.size() + " state keys", e);
    }
  }

  /** A write of {@link #saveStatesIfUnchanged}: its ETag as read, null when the key was absent. */
  public record ConditionalWrite(String key, JsonValue value, String etag) {}

  /**
   * Writes every value in one state transaction, each only if its key is unchanged since it was
   * read (its ETag; first-write when it was absent), each expiring after {@code ttlSeconds}.
   *
   * <p>The Redis store does not roll a transaction back: when one condition fails, the writes whose
   * condition held are applied and the others are not. False then (or when the sidecar or the store
   * failed): read the keys again to see which were written.
   */
  @Timeout(3000)
  @Override
  public boolean saveStatesIfUnchanged(List<ConditionalWrite> writes, long ttlSeconds) {
    if (writes.isEmpty()) return true;
    JsonArrayBuilder operations = JSON.createArrayBuilder();
    for (ConditionalWrite w : writes) {
      JsonObjectBuilder request =
          JSON.createObjectBuilder()
              .add("key", w.key())
              .add("value", w.value())
              .add("options", JSON.createObjectBuilder().add("concurrency", "first-write"));
      if (w.etag() != null) request.add("etag", w.etag());
      if (ttlSeconds > 0) {
        request.add(
            "metadata", JSON.createObjectBuilder().add("ttlInSeconds", Long.toString(ttlSeconds)));
      }
      operations.add(JSON.createObjectBuilder().add("operation", "upsert").add("request", request));
    }
    String body = JSON.createObjectBuilder().add("operations", operations).build().toString();
    try (Response r = api.stateTransaction(stateStore, body)) {
      return r.getStatus() / 100 == 2;
    } catch (ProcessingException e) {
      return false;
    }
  }

  /**
   * Saves a value. With {@code etag} the write succeeds only if the stored ETag still matches; with
   * {@code createOnly} (first-write concurrency, no ETag) only if the key does not exist yet.
   *
   * @return false when the condition failed (someone else wrote first)
   */
  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public boolean saveState(String key, String json, String etag, boolean createOnly) {
    return saveState(key, json, etag, createOnly, 0);
  }

  /**
   * As {@link #saveState(String, String, String, boolean)}, expiring {@code ttlSeconds} after this
   * write when positive, never when negative (the Redis store then removes an expiry set before); 0
   * leaves the key's expiry as it was (none for a new key).
   */
  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public boolean saveState(
      String key, String json, String etag, boolean createOnly, long ttlSeconds) {
    JsonObjectBuilder item =
        JSON.createObjectBuilder()
            .add("key", key)
            .add("value", JSON.createReader(new java.io.StringReader(json)).readValue());
    if (etag != null) item.add("etag", etag);
    if (etag != null || createOnly) {
      item.add("options", JSON.createObjectBuilder().add("concurrency", "first-write"));
    }
    if (ttlSeconds != 0) {
      item.add(
          "metadata",
          JSON.createObjectBuilder().add("ttlInSeconds", Long.toString(Math.max(-1, ttlSeconds))));
    }
    String body = JSON.createArrayBuilder().add(item).build().toString();
    try (Response r = api.saveState(stateStore, body)) {
      if (r.getStatus() == 409) return false;
      if (createOnly && etag == null && r.getStatus() == 500) {
        // A first-write create of an existing key fails as a plain ERR_STATE_SAVE (Redis store,
        // Dapr 1.18), not as an ETag conflict: the key existing is what tells the two apart.
        String error = readQuietly(r);
        if (error.contains("ERR_STATE_SAVE") && existsQuietly(key)) return false;
        throw new SidecarException("write of state key " + key + " failed: HTTP 500 " + error);
      }
      expectSuccess(r, "write of state key " + key);
      return true;
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable writing state key " + key, e);
    }
  }

  @Timeout(3000)
  @Retry(maxRetries = 2, delay = 100, jitter = 50)
  @Override
  public void deleteState(String key) {
    try (Response r = api.deleteState(stateStore, key, null)) {
      expectSuccess(r, "delete of state key " + key);
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable deleting state key " + key, e);
    }
  }

  /**
   * Schedules (or replaces) a job; the scheduler calls {@code POST /job/<name>} on this app.
   *
   * @param dueTime RFC 3339 instant or Go duration ("3s") of the first run, or null
   * @param schedule cron or {@code @every 10s} for a recurring job, or null
   */
  @Timeout(5000)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  public void scheduleJob(String name, String dueTime, String schedule, JsonObject data) {
    scheduleJob(name, dueTime, schedule, data, null);
  }

  /**
   * As {@link #scheduleJob(String, String, String, JsonObject)}, with a failure policy for the
   * callback (e.g. {@code {"constant": {"interval": "2s", "maxRetries": 30}}}; null: Dapr's
   * default, 3 retries 1 s apart).
   */
  @Timeout(5000)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  public void scheduleJob(
      String name, String dueTime, String schedule, JsonObject data, JsonObject failurePolicy) {
    JsonObjectBuilder job = JSON.createObjectBuilder().add("overwrite", true);
    if (failurePolicy != null) job.add("failurePolicy", failurePolicy);
    if (dueTime != null) job.add("dueTime", dueTime);
    if (schedule != null) job.add("schedule", schedule);
    if (data != null) job.add("data", data);
    try (Response r = api.scheduleJob(name, job.build().toString())) {
      expectSuccess(r, "scheduling of job " + name);
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable scheduling job " + name, e);
    }
  }

  /** Deletes a job; a job that is already gone counts as deleted. */
  @Timeout(5000)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  public void deleteJob(String name) {
    try (Response r = api.deleteJob(name)) {
      if (r.getStatus() == 404) return;
      expectSuccess(r, "deletion of job " + name);
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable deleting job " + name, e);
    }
  }

  /** The job as the sidecar describes it (JSON), or empty when there is no such job. */
  @Timeout(5000)
  public Optional<String> getJob(String name) {
    try (Response r = api.getJob(name)) {
      String body = readQuietly(r);
      // Dapr answers an unknown job name with 404, or 500 "job not found" on some paths.
      if (r.getStatus() == 404 || (r.getStatus() == 500 && body.contains("not found"))) {
        return Optional.empty();
      }
      if (r.getStatus() / 100 != 2) {
        throw new SidecarException(
            "read of job " + name + " failed: HTTP " + r.getStatus() + " " + body);
      }
      return Optional.of(body);
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable reading job " + name, e);
    }
  }

  /** Calls another app's method through service invocation; the callee's answer is returned. */
  @Timeout(10000)
  public InvocationResult invoke(String appId, String method, String idempotencyKey, String json) {
    try (Response r = api.invoke(appId, method, idempotencyKey, json)) {
      return new InvocationResult(r.getStatus(), r.hasEntity() ? r.readEntity(String.class) : "");
    } catch (ProcessingException e) {
      throw new SidecarException("sidecar unreachable invoking " + appId + "/" + method, e);
    }
  }

  /** True when the sidecar answers and its components are ready. */
  @Timeout(2000)
  public boolean healthy() {
    try (Response r = api.outboundHealth()) {
      return r.getStatus() / 100 == 2;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether the state store answers a read through the sidecar (a key that need not exist): once,
   * without retries, for readiness.
   */
  public boolean stateStoreAnswers() {
    try (Response r = api.getState(stateStore, READINESS_KEY)) {
      return r.getStatus() == 200 || r.getStatus() == 204;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static final String READINESS_KEY = "readiness-probe";

  private boolean existsQuietly(String key) {
    try (Response r = api.getState(stateStore, key)) {
      return r.getStatus() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void expectSuccess(Response r, String what) {
    if (r.getStatus() / 100 != 2) {
      throw new SidecarException(what + " failed: HTTP " + r.getStatus() + " " + readQuietly(r));
    }
  }

  private static String readQuietly(Response r) {
    try {
      return r.hasEntity() ? r.readEntity(String.class) : "";
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The status and body of a service invocation. */
  public record InvocationResult(int status, String body) {}
}
