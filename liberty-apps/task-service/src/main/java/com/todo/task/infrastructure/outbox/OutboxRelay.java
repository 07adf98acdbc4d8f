package com.todo.task.infrastructure.outbox;

import com.todo.dapr.DaprSidecar;
import com.todo.events.CloudEvent;
import com.todo.events.EventType;
import com.todo.events.Topic;
import com.todo.task.application.EventRelay;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Asynchronous;

/**
 * Publishes outbox rows through the sidecar, per user in commit order: right after a commit for
 * that user, and for everyone when the {@code outbox-drain} job calls. A user's rows are published
 * only under that user's publish lock (a PostgreSQL advisory lock), so two replicas, or the
 * after-commit path and the job, never publish one user's rows side by side; at a user's first
 * failure the rest of that user's rows wait, so row N+1 never overtakes row N. A crash between
 * publish and the commit of "published" republishes the same event id, which consumers tolerate.
 */
@ApplicationScoped
public class OutboxRelay implements EventRelay {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());
  /** Namespace (first key) of the advisory lock held while publishing one user's rows. */
  static final int USER_PUBLISH_LOCK = 2;
  static final int BATCH = 200;
  static final int USERS_PER_DRAIN = 1000;

  /** How a user's turn ended. */
  enum Turn {
    /** Nothing left to publish. */
    DONE,
    /** Another publisher holds the user's lock and publishes these rows. */
    BUSY,
    /** The sidecar refused one event (HTTP 400): the user's rows wait, others can go on. */
    REFUSED,
    /** The sidecar or the broker is unreachable: stop trying for now. */
    UNAVAILABLE
  }

  @Resource(lookup = "jdbc/tasks")
  DataSource dataSource;

  @Inject JdbcOutbox outbox;
  @Inject DaprSidecar sidecar;

  @Inject
  @ConfigProperty(name = "outbox.retention", defaultValue = "P30D")
  String retention;

  @Inject
  @ConfigProperty(name = "task-service.idempotency.retention", defaultValue = "P1D")
  String idempotencyRetention;

  /** How long the after-commit path waits for a running drain to release the user. */
  @Inject
  @ConfigProperty(name = "outbox.lock-wait", defaultValue = "5s")
  String lockWait;

  private final AtomicBoolean draining = new AtomicBoolean();

  @Override
  @Asynchronous
  public CompletionStage<Void> committed(String userId) {
    try {
      publishPending(userId, true);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "publishing after commit for user " + userId + " failed; the drain job retries", e);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Starts {@link #drain()} in the background, so the job callback answers at once. */
  @Asynchronous
  public CompletionStage<Integer> drainInBackground() {
    try {
      return CompletableFuture.completedFuture(drain());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "outbox drain failed; the next run retries", e);
      return CompletableFuture.completedFuture(0);
    }
  }

  /** Starts {@link #prune()} in the background. */
  @Asynchronous
  public CompletionStage<Integer> pruneInBackground() {
    try {
      return CompletableFuture.completedFuture(prune());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "outbox prune failed; the next run retries", e);
      return CompletableFuture.completedFuture(0);
    }
  }

  /**
   * Publishes every unpublished row, users in the order of their oldest row. A drain already
   * running in this server makes this call return at once.
   *
   * @return the number of users whose rows are all published now
   */
  public int drain() {
    if (!draining.compareAndSet(false, true)) {
      LOG.fine("outbox drain skipped: one is running");
      return 0;
    }
    try {
      List<String> users;
      try (Connection c = dataSource.getConnection()) {
        users = outbox.usersWithPending(c, USERS_PER_DRAIN);
      } catch (SQLException e) {
        throw new IllegalStateException("outbox drain cannot read the outbox: " + e.getMessage(), e);
      }
      int done = 0;
      for (String user : users) {
        Turn turn = publishPending(user, false);
        if (turn == Turn.DONE) done++;
        if (turn == Turn.UNAVAILABLE) break;
      }
      if (!users.isEmpty()) {
        LOG.info("outbox drain: " + done + " of " + users.size() + " users with pending events done");
      }
      return done;
    } finally {
      draining.set(false);
    }
  }

  /**
   * Publishes {@code userId}'s unpublished rows in order.
   *
   * @param waitForLock wait (bounded by {@code outbox.lock-wait}) while another publisher holds
   *     the user; otherwise leave the user to it
   */
  Turn publishPending(String userId, boolean waitForLock) {
    while (true) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          // Marking rows published need not wait for the WAL flush: a mark lost in a crash only
          // republishes the same event id, which consumers treat as a duplicate.
          try (PreparedStatement s = c.prepareStatement("SET LOCAL synchronous_commit TO off")) {
            s.execute();
          }
          if (!lock(c, userId, waitForLock)) {
            c.rollback();
            return Turn.BUSY;
          }
          List<JdbcOutbox.Pending> rows = outbox.pending(c, userId, BATCH);
          for (JdbcOutbox.Pending row : rows) {
            Turn failed = publish(c, row);
            if (failed != null) {
              c.commit();
              return failed;
            }
          }
          c.commit();
          if (rows.size() < BATCH) return Turn.DONE;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new IllegalStateException(
            "outbox of user " + userId + " unavailable: " + e.getMessage(), e);
      }
    }
  }

  /** Publishes one row and marks it; returns how the turn ends when it failed, else null. */
  private Turn publish(Connection c, JdbcOutbox.Pending row) throws SQLException {
    CloudEvent event = row.event();
    Topic topic = EventType.of(event.type()).map(EventType::topic).orElse(Topic.TASK_EVENTS);
    try {
      sidecar.publish(topic, event);
    } catch (IllegalArgumentException e) {
      outbox.markFailed(c, row.seq(), e.getMessage());
      LOG.severe(
          "event " + event.id() + " (" + event.type() + ", task " + event.subject()
              + ") refused by the sidecar; later events of user " + event.userId()
              + " wait behind it: " + e.getMessage());
      return Turn.REFUSED;
    } catch (RuntimeException e) {
      outbox.markFailed(c, row.seq(), String.valueOf(e));
      LOG.warning(
          "event " + event.id() + " (" + event.type() + ", task " + event.subject()
              + ") not published, the outbox-drain job retries: " + e);
      return Turn.UNAVAILABLE;
    }
    outbox.markPublished(c, row.seq(), Instant.now());
    LOG.fine(() -> "published event " + event.id() + " " + event.type() + " of task " + event.subject());
    return null;
  }

  private boolean lock(Connection c, String userId, boolean wait) throws SQLException {
    if (wait) {
      try (PreparedStatement s =
          c.prepareStatement("SELECT set_config('lock_timeout', ?, true)")) {
        s.setString(1, lockWait);
        s.execute();
      }
      try (PreparedStatement s =
          c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
        s.setInt(1, USER_PUBLISH_LOCK);
        s.setString(2, userId);
        s.execute();
        return true;
      } catch (SQLException e) {
        if ("55P03".equals(e.getSQLState())) return false; // lock_timeout: a drain has the user
        throw e;
      }
    }
    try (PreparedStatement s =
        c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
      s.setInt(1, USER_PUBLISH_LOCK);
      s.setString(2, userId);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * Deletes published rows older than {@code outbox.retention} (unpublished rows are never
   * deleted) and Idempotency-Keys older than {@code task-service.idempotency.retention}.
   *
   * @return the number of outbox rows deleted
   */
  public int prune() {
    Instant now = Instant.now();
    try (Connection c = dataSource.getConnection()) {
      int[] deleted =
          outbox.prune(
              c,
              now.minus(Duration.parse(retention)),
              now.minus(Duration.parse(idempotencyRetention)));
      LOG.info(
          "outbox prune: deleted "
              + deleted[0]
              + " published events older than "
              + retention
              + " and "
              + deleted[1]
              + " Idempotency-Keys older than "
              + idempotencyRetention);
      return deleted[0];
    } catch (SQLException e) {
      throw new IllegalStateException("outbox prune failed: " + e.getMessage(), e);
    }
  }
}
