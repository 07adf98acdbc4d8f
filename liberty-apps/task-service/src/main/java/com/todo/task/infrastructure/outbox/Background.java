package com.todo.task.infrastructure.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.faulttolerance.Asynchronous;

/** Runs work on a thread of the server's executor (MicroProfile Fault Tolerance). */
@ApplicationScoped
public class Background {

  @Asynchronous
  public CompletionStage<Void> run(Runnable work) {
    work.run();
    return CompletableFuture.completedFuture(null);
  }
}
