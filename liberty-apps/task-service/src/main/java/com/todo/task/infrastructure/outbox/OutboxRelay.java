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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes outbox rows through the sidecar in commit order per user: right after commits, and when
 * the {@code outbox-drain} job calls. One pump per server publishes the oldest unpublished rows of
 * all users in batches (one bulk publish and one UPDATE per batch), so a burst of commits costs a
 * few sidecar calls rather than one each. The pump holds the outbox's publish lock (a PostgreSQL
 * advisory lock) while it publishes a batch, so two replicas never publish side by side. When an
 * event fails, its user's later rows in the batch are not marked and go again, after it (the same
 * event ids, which consumers treat as duplicates); the pump stops and the drain job retries. A
 * crash between publish and the commit of "published" republishes the same ids too.
 */
@ApplicationScoped
public class OutboxRelay implements EventRelay {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class.getName());

  /** The advisory lock (namespace, key) held while a batch is published. */
  static final int PUBLISH_LOCK = 2;

  static final int PUBLISH_LOCK_KEY = 0;

  /** Rows per bulk publish. */
  static final int BATCH = 500;

  /** How a pump round ended. */
  enum Turn {
    /** Nothing left to publish. */
    DONE,
    /** Another replica's pump held the lock longer than {@code outbox.lock-wait}. */
    BUSY,
    /** The sidecar refused an event (HTTP 400): its user's rows wait for the drain job. */
    REFUSED,
    /** The sidecar or the broker is unreachable, or took only part of a batch. */
    UNAVAILABLE
  }

  @Resource(lookup = "jdbc/tasks")
  DataSource dataSource;

  @Inject JdbcOutbox outbox;
  @Inject DaprSidecar sidecar;
  @Inject Background background;

  @Inject
  @ConfigProperty(name = "outbox.retention", defaultValue = "P30D")
  String retention;

  @Inject
  @ConfigProperty(name = "task-service.idempotency.retention", defaultValue = "P1D")
  String idempotencyRetention;

  /** How long a pump waits for another replica's pump to release the publish lock. */
  @Inject
  @ConfigProperty(name = "outbox.lock-wait", defaultValue = "5s")
  String lockWait;

  /**
   * While commits keep coming, how long the pump lets them gather before its next batch: fewer,
   * larger batches (each costs a bulk publish and a handful of statements) for at most this much
   * more lag. The first commit after a quiet spell is published at once.
   */
  @Inject
  @ConfigProperty(name = "outbox.linger", defaultValue = "PT0.01S")
  Duration linger;

  /** Rows were committed (or the drain job called) since the pump last looked. */
  private final AtomicBoolean wanted = new AtomicBoolean();

  /** The pump of this server runs. */
  private final AtomicBoolean running = new AtomicBoolean();

  /** Never waits and never throws: the pump publishes in the background. */
  @Override
  public void committed(String userId) {
    wanted.set(true);
    startIfIdle();
  }

  /** The {@code outbox-drain} job: publish whatever waits, in the background. */
  public void drainInBackground() {
    committed(null);
  }

  /** Starts {@link #prune()} in the background. */
  public void pruneInBackground() {
    background.run(
        () -> {
          try {
            prune();
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "outbox prune failed; the next run retries", e);
          }
        });
  }

  private void startIfIdle() {
    if (!running.compareAndSet(false, true)) return;
    try {
      background.run(this::pumpWhileWanted);
    } catch (RuntimeException e) {
      running.set(false);
      LOG.log(Level.WARNING, "the outbox pump could not start; the drain job retries", e);
    }
  }

  private void pumpWhileWanted() {
    Turn turn = Turn.DONE;
    try {
      while (turn == Turn.DONE && wanted.getAndSet(false)) {
        turn = pump();
        if (turn == Turn.DONE && wanted.get() && !linger.isZero()) Thread.sleep(linger.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      turn = Turn.UNAVAILABLE;
    } catch (RuntimeException e) {
      turn = Turn.UNAVAILABLE;
      LOG.log(Level.WARNING, "the outbox pump failed; the drain job retries", e);
    } finally {
      running.set(false);
    }
    // a commit that came after the last look but before running was cleared
    if (turn == Turn.DONE && wanted.get()) startIfIdle();
  }

  /** Publishes unpublished rows, batch after batch, until none is left or one fails. */
  Turn pump() {
    while (true) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          if (!lock(c)) {
            c.rollback();
            return Turn.BUSY;
          }
          List<JdbcOutbox.Pending> rows = outbox.pending(c, BATCH);
          Turn turn = rows.isEmpty() ? Turn.DONE : publish(c, rows);
          c.commit();
          if (turn != Turn.DONE || rows.size() < BATCH) return turn;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("the outbox is unavailable: " + e.getMessage(), e);
      }
    }
  }

  /** Publishes one batch (rows in seq order) and marks what the broker took. */
  private Turn publish(Connection c, List<JdbcOutbox.Pending> rows) throws SQLException {
    Map<Topic, List<JdbcOutbox.Pending>> byTopic = new EnumMap<>(Topic.class);
    for (JdbcOutbox.Pending row : rows) {
      Topic topic = EventType.of(row.type()).map(EventType::topic).orElse(Topic.TASK_EVENTS);
      byTopic.computeIfAbsent(topic, t -> new ArrayList<>()).add(row);
    }
    Turn turn = Turn.DONE;
    for (var e : byTopic.entrySet()) {
      Turn t = publish(c, e.getKey(), e.getValue());
      if (t != Turn.DONE) turn = t;
      if (t == Turn.UNAVAILABLE) break;
    }
    return turn;
  }

  private Turn publish(Connection c, Topic topic, List<JdbcOutbox.Pending> rows)
      throws SQLException {
    List<DaprSidecar.BulkEntry> entries = new ArrayList<>(rows.size());
    for (JdbcOutbox.Pending row : rows) {
      entries.add(new DaprSidecar.BulkEntry(Long.toString(row.seq()), row.userId(), row.json()));
    }
    Set<String> failed;
    try {
      failed = sidecar.publishBulk(topic, entries);
    } catch (IllegalArgumentException refused) {
      LOG.warning(
          "the sidecar refused a batch, publishing its events one by one: " + refused.getMessage());
      return publishOneByOne(c, topic, rows);
    } catch (RuntimeException unavailable) {
      outbox.markFailed(c, List.of(rows.get(0).seq()), String.valueOf(unavailable));
      LOG.warning(
          rows.size() + " events not published, the outbox-drain job retries: " + unavailable);
      return Turn.UNAVAILABLE;
    }
    Marks marks = Marks.of(rows, failed);
    outbox.markPublished(c, marks.published(), Instant.now());
    if (marks.failed().isEmpty()) return Turn.DONE;
    outbox.markFailed(c, marks.failed(), "the broker did not take the event");
    LOG.warning(
        marks.failed().size()
            + " of "
            + rows.size()
            + " events not taken by the broker; users "
            + marks.waiting()
            + " wait for the outbox-drain job");
    return Turn.UNAVAILABLE;
  }

  /**
   * What to mark after a batch of which the broker did not take {@code failedEntryIds}: a failed
   * row's user waits from that row on (its later rows stay unpublished, so they go again after it);
   * every other row is published.
   */
  record Marks(List<Long> published, List<Long> failed, Set<String> waiting) {
    static Marks of(List<JdbcOutbox.Pending> rows, Set<String> failedEntryIds) {
      List<Long> published = new ArrayList<>(rows.size());
      List<Long> failed = new ArrayList<>();
      Set<String> waiting = new HashSet<>();
      for (JdbcOutbox.Pending row : rows) {
        if (waiting.contains(row.userId())) continue;
        if (failedEntryIds.contains(Long.toString(row.seq()))) {
          failed.add(row.seq());
          waiting.add(row.userId());
        } else {
          published.add(row.seq());
        }
      }
      return new Marks(published, failed, waiting);
    }
  }

  /**
   * After the sidecar refused a batch: one event per call, so only the events it refuses (and their
   * users' later rows) wait.
   */
  private Turn publishOneByOne(Connection c, Topic topic, List<JdbcOutbox.Pending> rows)
      throws SQLException {
    Set<String> blocked = new HashSet<>();
    for (JdbcOutbox.Pending row : rows) {
      if (blocked.contains(row.userId())) continue;
      CloudEvent event = CloudEvent.fromJson(row.json());
      try {
        sidecar.publish(topic, event);
      } catch (IllegalArgumentException e) {
        outbox.markFailed(c, List.of(row.seq()), e.getMessage());
        blocked.add(row.userId());
        LOG.severe(
            "event "
                + event.id()
                + " ("
                + event.type()
                + ", task "
                + event.subject()
                + ") refused by the sidecar; later events of user "
                + row.userId()
                + " wait behind it: "
                + e.getMessage());
        continue;
      } catch (RuntimeException e) {
        outbox.markFailed(c, List.of(row.seq()), String.valueOf(e));
        LOG.warning("event " + event.id() + " not published, the outbox-drain job retries: " + e);
        return Turn.UNAVAILABLE;
      }
      outbox.markPublished(c, List.of(row.seq()), Instant.now());
    }
    return blocked.isEmpty() ? Turn.DONE : Turn.REFUSED;
  }

  private boolean lock(Connection c) throws SQLException {
    // Marking rows published need not wait for the WAL flush: a mark lost in a crash only
    // republishes the same event id, which consumers treat as a duplicate.
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT set_config('synchronous_commit', 'off', true), set_config('lock_timeout', ?, true)")) {
      s.setString(1, lockWait);
      s.execute();
    }
    try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
      s.setInt(1, PUBLISH_LOCK);
      s.setInt(2, PUBLISH_LOCK_KEY);
      s.execute();
      return true;
    } catch (SQLException e) {
      if ("55P03".equals(e.getSQLState())) return false; // lock_timeout: another pump has it
      throw e;
    }
  }

  /**
   * Deletes published rows older than {@code outbox.retention} (unpublished rows are never deleted)
   * and Idempotency-Keys older than {@code task-service.idempotency.retention}.
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
