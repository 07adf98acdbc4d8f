package com.todo.task.infrastructure;

import com.todo.task.infrastructure.outbox.Background;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs start-up work on a server thread until it succeeds, backing off from 1 s to 60 s. */
@ApplicationScoped
public class RetryInBackground {

  private static final Logger LOG = Logger.getLogger(RetryInBackground.class.getName());
  static final long FIRST_DELAY_MILLIS = 1_000;
  static final long MAX_DELAY_MILLIS = 60_000;

  @Inject Background background;

  private volatile boolean stopping;

  /** Starts retrying {@code work} in the background and returns at once. */
  public void untilDone(String what, Runnable work) {
    background.run(() -> retry(what, work));
  }

  /** Runs {@code work} until it succeeds (true) or the application stops (false). */
  boolean retry(String what, Runnable work) {
    long delay = FIRST_DELAY_MILLIS;
    for (int attempt = 1; !stopping; attempt++) {
      try {
        work.run();
        if (attempt > 1) LOG.info(what + " succeeded after " + attempt + " attempts");
        return true;
      } catch (RuntimeException e) {
        Level level = attempt <= 3 || attempt % 10 == 0 ? Level.WARNING : Level.FINE;
        LOG.log(
            level, what + " failed (attempt " + attempt + "), retrying in " + delay + " ms: " + e);
      }
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      delay = Math.min(delay * 2, MAX_DELAY_MILLIS);
    }
    return false;
  }

  @PreDestroy
  void stop() {
    stopping = true;
  }
}
