package com.todo.notification.application;

import com.todo.dapr.CurrentSpan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Group commit: items that arrive while others are being handled are handled together, by whichever
 * of the arriving threads is free first, in groups of at most {@code max}. An item that arrives
 * alone is handled at once on its own thread. Each caller returns when its own item is handled, or
 * throws what its handling failed with.
 *
 * <p>The leading thread takes groups until its own item is handled, then hands over: it wakes the
 * thread of the oldest item still waiting, which leads next. Every other waiting thread is woken
 * only when its own item is done (not on every group), and looks again after {@link #RECHECK} in
 * any case.
 *
 * @param <T> what is handled
 */
final class GroupCommit<T> {

  /** How long a waiting thread sleeps before it looks again without being woken. */
  static final Duration RECHECK = Duration.ofMillis(20);

  /** An item waiting in a group, with the thread that waits for it. */
  static final class Pending<T> {
    private final T item;
    private final Thread waiter = Thread.currentThread();

    /** The trace of the request that submitted it (the leader's thread handles it in its own). */
    private final String traceParent = CurrentSpan.currentTraceParent().orElse(null);

    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private Pending(T item) {
      this.item = item;
    }

    T item() {
      return item;
    }

    /** The submitter's span as a W3C {@code traceparent}, null when there was none. */
    String traceParent() {
      return traceParent;
    }

    /** Handling this item failed: its caller throws {@code e}. */
    void fail(RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  private final int max;
  private final Consumer<List<Pending<T>>> handler;
  private final ConcurrentLinkedQueue<Pending<T>> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean leading = new AtomicBoolean();

  /**
   * @param max the most items in one group
   * @param handler handles a group; marks what failed with {@link Pending#fail} (a throw fails the
   *     whole group); the rest counts as handled
   */
  GroupCommit(int max, Consumer<List<Pending<T>>> handler) {
    if (max < 1) throw new IllegalArgumentException("max " + max);
    this.max = max;
    this.handler = handler;
  }

  /** How many items wait for a group now. */
  int waiting() {
    return waiting.size();
  }

  /**
   * Handles {@code item}, alone or in a group; returns when it is handled.
   *
   * @throws RuntimeException what its handling failed with
   * @throws IllegalStateException when interrupted while it waited (it may still be handled)
   */
  void submit(T item) {
    Pending<T> own = new Pending<>(item);
    waiting.add(own);
    while (!own.done.isDone()) {
      if (leading.compareAndSet(false, true)) {
        try {
          lead(own);
        } finally {
          leading.set(false);
          Pending<T> next = waiting.peek();
          if (next != null) LockSupport.unpark(next.waiter);
        }
      } else {
        LockSupport.parkNanos(this, RECHECK.toNanos());
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for its group");
        }
      }
    }
    try {
      own.done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) throw cause;
      throw e;
    }
  }

  /** Handles groups until {@code own} is handled. */
  private void lead(Pending<T> own) {
    while (!own.done.isDone()) {
      List<Pending<T>> group = new ArrayList<>();
      for (Pending<T> p = waiting.poll(); p != null; p = group.size() < max ? waiting.poll() : null)
        group.add(p);
      if (group.isEmpty()) return; // cannot happen: own is waiting until it is done
      try {
        handler.accept(group);
      } catch (RuntimeException e) {
        group.forEach(p -> p.fail(e));
      }
      for (Pending<T> p : group) {
        p.done.complete(null); // no-op for those that failed
        if (p != own) LockSupport.unpark(p.waiter);
      }
    }
  }
}
