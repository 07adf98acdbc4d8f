package com.todo.dapr;

import static com.todo.events.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What every job callback ({@code POST /job/<name>}) answers the sidecar. A 404 counts as done for
 * Dapr and drops the job, so work that failed answers 5xx (the job's failure policy retries it),
 * and a job whose data names nothing to do answers 2xx (retrying it could not help).
 */
public final class JobCallback {

  private static final Logger LOG = Logger.getLogger(JobCallback.class.getName());

  private JobCallback() {}

  /**
   * The job's data, or empty (logged) when it is not a JSON object with each {@code required} field
   * as a string.
   */
  public static Optional<JsonObject> data(String job, String body, String... required) {
    try {
      JsonObject data = JSON.createReader(new StringReader(body)).readObject();
      for (String field : required) {
        if (!(data.get(field) instanceof JsonString)) throw new IllegalArgumentException(field);
      }
      return Optional.of(data);
    } catch (RuntimeException e) {
      LOG.severe(() -> "job " + job + " carries no data it can act on: " + body);
      return Optional.empty();
    }
  }

  /** Nothing to do: done. */
  public static Response done() {
    return Response.noContent().build();
  }

  /** Runs the job's work: done, or a 5xx that its failure policy retries. */
  public static Response run(String job, Runnable work) {
    try {
      work.run();
      return done();
    } catch (RuntimeException e) {
      LOG.warning(() -> "job " + job + " failed, its failure policy retries it: " + e);
      return Response.serverError().build();
    }
  }
}
