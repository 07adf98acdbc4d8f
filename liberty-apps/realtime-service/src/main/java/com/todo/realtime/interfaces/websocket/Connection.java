package com.todo.realtime.interfaces.websocket;

import static com.todo.events.Jsonp.JSON;

import com.todo.realtime.application.EventLog;
import com.todo.realtime.application.EventLog.Logged;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open WebSocket of a user. Frames go out one at a time (asynchronously, never blocking the
 * thread that delivers events) from a bounded queue: a client that falls {@code maxQueued} frames
 * behind, or whose oldest frame waits more than the stall limit, is closed with 1013 and resumes
 * with {@code after}. Events of the user's log carry their number in it: a number at or below the
 * last one sent is not sent again, which is what joins a resume to the live stream without gap or
 * duplicate.
 */
public final class Connection extends Endpoint {

  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  /** Code 1013 (Try Again Later), not among the constants of CloseCodes. */
  static final CloseReason.CloseCode TRY_AGAIN_LATER = CloseReason.CloseCodes.getCloseCode(1013);

  final String user;
  final Instant expiresAt;
  private final String after;
  private final Hub registry;
  private final EventLog log;
  private final int maxQueued;

  private Session session;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();

  /** In the queue: a ping, sent in turn after the frames before it. */
  private static final Object PING = new Object();

  /**
   * When the ping in flight was queued (0: none), and whether frames were sent since the last pong.
   */
  private long pingSince;

  private boolean sentSincePong;
  private boolean sending;
  private long sendingSince;
  private boolean closed;

  /** While the opening frames are read: live events wait here. */
  private List<Logged> held = new ArrayList<>();

  /** The number of the last event of the log sent (or skipped as older than the connection). */
  private long lastSent;

  /** The pending reminders sent at the opening: not sent again from the log. */
  private final Set<String> sentPending = new HashSet<>();

  volatile long lastHeard = System.currentTimeMillis();

  Connection(
      String user, Instant expiresAt, String after, Hub registry, EventLog log, int maxQueued) {
    this.user = user;
    this.expiresAt = expiresAt;
    this.after = after;
    this.registry = registry;
    this.log = log;
    this.maxQueued = maxQueued;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    this.session = session;
    session.setMaxIdleTimeout(0);
    session.setMaxTextMessageBufferSize(8192);
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::onText);
    session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> pong());
    registry.add(this);
    registry.run(this::open);
  }

  /** The opening frames: a resync notice, the pending reminders, the missed events; then live. */
  private void open() {
    try {
      EventLog.Resume resume = after == null ? null : log.after(user, after);
      long head = resume == null ? log.head(user) : resume.head();
      List<JsonObject> pending = log.pending(user);
      synchronized (this) {
        if (resume != null && !resume.found()) enqueue(resyncFrame(after));
        for (JsonObject p : pending) {
          sentPending.add(p.getString("id", ""));
          enqueue(p.toString());
        }
        if (resume != null && resume.found()) {
          for (Logged l : resume.events()) send(l);
          lastSent = Math.max(lastSent, resume.head());
        } else if (resume != null) {
          lastSent = resume.head();
        } else {
          // from now on: the log's head, or the first event that came while opening
          lastSent = held.isEmpty() ? head : Math.min(head, held.get(0).n() - 1);
        }
        List<Logged> live = held;
        held = null;
        for (Logged l : live) send(l);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the opening of a connection of " + user + " failed", e);
      close(TRY_AGAIN_LATER, "state store unavailable, reconnect");
    }
  }

  private String resyncFrame(String after) {
    return JSON.createObjectBuilder()
        .add("specversion", "1.0")
        .add("id", UUID.randomUUID().toString())
        .add("source", EventLog.SOURCE)
        .add("type", "com.todo.realtime.resync-required.v1")
        .add("time", Instant.now().toString())
        .add("datacontenttype", "application/json")
        .add("userid", user)
        .add(
            "data",
            JSON.createObjectBuilder()
                .add("after", after)
                .add("reason", "the event is unknown or no longer kept: reload by REST"))
        .build()
        .toString();
  }

  /** An event of the user's log, live (from the delivery thread) or replayed. */
  synchronized void push(Logged l) {
    if (held != null) {
      held.add(l);
      return;
    }
    send(l);
  }

  private void send(Logged l) {
    if (l.n() <= lastSent) return;
    if (l.n() > lastSent + 1 && held == null) {
      // events this replica did not push (another replica logged them and this one has not
      // consumed them yet, or in another order): from the log, or the client resumes
      var missing = log.range(user, lastSent + 1, l.n() - 1);
      if (missing.isEmpty()) {
        closeLater(TRY_AGAIN_LATER, "events missed, resume with after");
        return;
      }
      for (Logged m : missing.get()) sendNumbered(m);
    }
    sendNumbered(l);
  }

  private void sendNumbered(Logged l) {
    lastSent = l.n();
    if (sentPending.contains(l.id())) return;
    enqueue(l.json());
  }

  private void enqueue(String text) {
    if (closed) return;
    // the opening frames (at most the pending set, the log and what came meanwhile) are bounded
    // by those, not by the queue's limit: a resume of 1,000 missed events is not "behind"
    if (held == null && queue.size() >= maxQueued) {
      closeLater(TRY_AGAIN_LATER, "too far behind, resume with after");
      return;
    }
    queue.addLast(text);
    if (!sending) sendNext();
  }

  private void sendNext() {
    while (true) {
      Object next = queue.pollFirst();
      if (next == null || closed) {
        sending = false;
        return;
      }
      if (next == PING) {
        // Liberty writes a ping on the calling thread, with no timeout (its sendPing is a blocking
        // write, from the async remote too): to a client whose socket buffers are full it waits
        // until the client reads, which one that stopped reading never does. It goes out on a
        // thread of its own, the connection counted as sending meanwhile: neither the thread that
        // queued it (the upkeep, a frame's completion) nor the deliveries to this connection wait
        // on it, and a ping that waits past the stall limit makes the connection behind, as a
        // frame that waits does.
        sending = true;
        sendingSince = System.currentTimeMillis();
        try {
          registry.ping(this::ping);
        } catch (RejectedExecutionException e) {
          sending = false; // the service is stopping
        }
        return;
      }
      sending = true;
      sentSincePong = true;
      sendingSince = System.currentTimeMillis();
      inline = true;
      doneInline = false;
      try {
        session.getAsyncRemote().sendText((String) next, this::sent);
      } catch (RuntimeException e) {
        inline = false;
        sending = false;
        closeLater(TRY_AGAIN_LATER, "send failed, resume with after");
        return;
      }
      inline = false;
      // completed on this thread: go on in this loop rather than recursing from the callback
      if (!doneInline) return;
      if (!okInline) {
        sending = false;
        closeLater(TRY_AGAIN_LATER, "too far behind, resume with after");
        return;
      }
    }
  }

  /** Sends the ping at the head of the queue (on the pings' thread), then what came after it. */
  private void ping() {
    try {
      session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
    } catch (Exception e) {
      LOG.fine(() -> "a ping to " + user + " failed: " + e);
    }
    synchronized (this) {
      sending = false;
      sendNext();
    }
  }

  /** True while this thread is in sendText; the outcome when the send completed within it. */
  private boolean inline;

  private boolean doneInline;
  private boolean okInline;

  private synchronized void sent(jakarta.websocket.SendResult result) {
    if (inline) {
      doneInline = true;
      okInline = result.isOK();
      return;
    }
    if (!result.isOK()) {
      // the container gave up writing to a client that does not read (or is gone)
      LOG.info(() -> "a frame to " + user + " was not sent: " + result.getException());
      sending = false;
      closeLater(TRY_AGAIN_LATER, "too far behind, resume with after");
      return;
    }
    sendNext();
  }

  /** What the upkeep found a connection to be. */
  enum Health {
    OK,
    /** Its ping waits behind frames it does not read, or a frame has been in flight too long. */
    BEHIND,
    /** Nothing came back for too long although nothing was sent to it. */
    DEAD
  }

  /**
   * The upkeep's look at this connection: a ping is queued (behind the frames already queued) when
   * frames were sent since the last pong or it has been quiet for {@code pingMs}; when that ping
   * has had no pong for {@code stallMs}, the client is behind by more than that (or gone).
   */
  synchronized Health check(long now, long pingMs, long stallMs) {
    if (closed) return Health.OK;
    if (sending && now - sendingSince > stallMs) return Health.BEHIND;
    if (pingSince != 0) {
      if (now - pingSince <= stallMs) return Health.OK;
      return sentSincePong ? Health.BEHIND : Health.DEAD;
    }
    if (sentSincePong || now - lastHeard >= pingMs) {
      pingSince = now;
      queue.addLast(PING);
      if (!sending) sendNext();
    }
    return Health.OK;
  }

  private synchronized void pong() {
    pingSince = 0;
    sentSincePong = false;
    heard();
  }

  void heard() {
    lastHeard = System.currentTimeMillis();
  }

  private void onText(String text) {
    heard();
    String ack;
    try {
      JsonObject message = JSON.createReader(new StringReader(text)).readObject();
      ack = message.getString("ack", null);
    } catch (RuntimeException e) {
      ack = null;
    }
    if (ack == null) {
      LOG.fine(() -> "a message of " + user + " that is not an ack is ignored");
      return;
    }
    String id = ack;
    registry.run(
        () -> {
          try {
            log.ack(user, id);
          } catch (RuntimeException e) {
            LOG.warning(() -> "the ack of " + id + " by " + user + " failed: " + e);
          }
        });
  }

  /** Closes on another thread: a close can wait on a client that reads nothing. */
  void closeLater(CloseReason.CloseCode code, String reason) {
    synchronized (this) {
      if (closed) return;
      closed = true;
      queue.clear();
    }
    LOG.info(() -> "a connection of " + user + " is closed with " + code.getCode() + ": " + reason);
    registry.remove(this);
    registry.closedByServer(code.getCode());
    registry.close(() -> close(code, reason));
  }

  private void close(CloseReason.CloseCode code, String reason) {
    synchronized (this) {
      closed = true;
      queue.clear();
    }
    registry.remove(this);
    try {
      if (session.isOpen()) session.close(new CloseReason(code, reason));
    } catch (Exception e) {
      LOG.fine(() -> "closing a connection of " + user + ": " + e);
    }
  }

  @Override
  public void onClose(Session session, CloseReason closeReason) {
    synchronized (this) {
      closed = true;
      queue.clear();
    }
    registry.remove(this);
  }

  @Override
  public void onError(Session session, Throwable thr) {
    LOG.fine(() -> "a connection of " + user + " failed: " + thr);
  }
}
