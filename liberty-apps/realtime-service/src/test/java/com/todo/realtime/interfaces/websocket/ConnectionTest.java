package com.todo.realtime.interfaces.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.todo.realtime.application.EventLog;
import com.todo.realtime.application.EventLog.Logged;
import jakarta.json.JsonObject;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionTest {

  /** A user's log that is empty: a connection without {@code after} starts at its head, 0. */
  private static final class EmptyLog extends EventLog {
    @Override
    public long head(String user) {
      return 0;
    }

    @Override
    public List<JsonObject> pending(String user) {
      return List.of();
    }
  }

  /**
   * A session whose text frames are written at once and whose pings wait for {@code pingWritten}:
   * Liberty writes a ping on the calling thread with no timeout, so to a client that stopped
   * reading with its socket buffers full the ping waits until the client reads.
   */
  private static Session session(List<String> sent, CountDownLatch pingWritten) {
    RemoteEndpoint.Async remote =
        (RemoteEndpoint.Async)
            Proxy.newProxyInstance(
                ConnectionTest.class.getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "sendText" -> {
                      sent.add((String) args[0]);
                      ((SendHandler) args[1]).onResult(new SendResult());
                    }
                    case "sendPing" -> pingWritten.await();
                    default -> {}
                  }
                  return null;
                });
    return (Session)
        Proxy.newProxyInstance(
            ConnectionTest.class.getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAsyncRemote" -> remote;
                  case "isOpen" -> true;
                  default -> null;
                });
  }

  private static Logged event(long n) {
    return new Logged("ann", n, "e" + n, "{\"id\":\"e" + n + "\"}");
  }

  @Test
  void aPingThatWaitsOnItsClientHoldsUpNeitherTheUpkeepNorTheDeliveries() throws Exception {
    List<String> sent = new CopyOnWriteArrayList<>();
    CountDownLatch pingWritten = new CountDownLatch(1);
    ExecutorService pings = Executors.newSingleThreadExecutor();
    try {
      Hub hub = new Hub(Runnable::run, Runnable::run, pings, code -> {});
      Connection c = new Connection("ann", Instant.MAX, null, hub, new EmptyLog(), 8);
      c.onOpen(session(sent, pingWritten), null);
      c.push(event(1));
      assertEquals(List.of("{\"id\":\"e1\"}"), sent);

      long now = System.currentTimeMillis();
      // a frame was sent since the last pong: the upkeep queues a ping, which goes out and waits
      assertEquals(
          Connection.Health.OK,
          assertTimeoutPreemptively(Duration.ofSeconds(5), () -> c.check(now, 30_000, 10_000)),
          "the upkeep does not wait for the ping");
      // a delivery meanwhile does not wait either: its frame waits behind the ping
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> c.push(event(2)));
      assertEquals(1, sent.size());
      // a ping that has waited for the stall limit: the connection is behind (closed with 1013)
      assertEquals(Connection.Health.BEHIND, c.check(now + 10_001, 30_000, 10_000));

      // the ping written: the frame behind it goes out
      pingWritten.countDown();
      pings.shutdown();
      pings.awaitTermination(5, TimeUnit.SECONDS);
      assertEquals(List.of("{\"id\":\"e1\"}", "{\"id\":\"e2\"}"), sent);
    } finally {
      pingWritten.countDown();
      pings.shutdownNow();
    }
  }
}
