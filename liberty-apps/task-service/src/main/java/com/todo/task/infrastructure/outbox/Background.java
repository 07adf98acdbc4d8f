package com.todo.task.infrastructure.outbox;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs work on a thread of the server's managed executor (Jakarta Concurrency).
 *
 * <p>Not MicroProfile Fault Tolerance's {@code @Asynchronous}: that activates a CDI request context
 * for each call, and on Open Liberty one was seen left active on an executor thread, so the next
 * HTTP request served by that thread had two request contexts and failed with WELD-001304. Plain
 * managed executor tasks start no request context.
 */
@ApplicationScoped
public class Background {

  @Resource ManagedExecutorService executor;

  /** Starts {@code work} and returns at once; throws when the executor refuses it. */
  public void run(Runnable work) {
    executor.execute(work);
  }
}
