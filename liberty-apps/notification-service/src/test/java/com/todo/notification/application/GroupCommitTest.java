package com.todo.notification.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Firings handled together: each exactly once, one group at a time, failures to their callers. */
class GroupCommitTest {

  @Test
  void anItemAloneIsHandledAtOnceOnItsCallersThread() {
    List<Thread> handledOn = new ArrayList<>();
    List<List<String>> groups = new ArrayList<>();
    GroupCommit<String> commit =
        new GroupCommit<>(
            10,
            group -> {
              handledOn.add(Thread.currentThread());
              groups.add(group.stream().map(GroupCommit.Pending::item).toList());
            });
    commit.submit("a");
    commit.submit("b");
    assertEquals(List.of(List.of("a"), List.of("b")), groups);
    assertEquals(List.of(Thread.currentThread(), Thread.currentThread()), handledOn);
  }

  @Test
  void manyConcurrentItemsAreEachHandledOnceInGroupsOneAtATime() throws Exception {
    int threads = 32, perThread = 100, max = 25;
    Map<String, Integer> handled = new ConcurrentHashMap<>();
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger active = new AtomicInteger(), overlapping = new AtomicInteger();
    GroupCommit<String> commit =
        new GroupCommit<>(
            max,
            group -> {
              if (active.incrementAndGet() > 1) overlapping.incrementAndGet();
              sizes.add(group.size());
              for (GroupCommit.Pending<String> p : group) handled.merge(p.item(), 1, Integer::sum);
              LockSupport.parkNanos(Duration.ofMillis(1).toNanos()); // a state call's time
              active.decrementAndGet();
            });
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      runs.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  String item = thread + "/" + i;
                  commit.submit(item);
                  // returned: its item has been handled
                  assertEquals(1, handled.get(item), item);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> run : runs) run.get(2, TimeUnit.MINUTES);
    pool.shutdown();

    assertEquals(threads * perThread, handled.size());
    assertTrue(handled.values().stream().allMatch(n -> n == 1), "an item handled twice");
    assertEquals(0, overlapping.get(), "two groups handled at the same time");
    assertTrue(sizes.stream().allMatch(n -> n >= 1 && n <= max), "group sizes " + sizes);
    assertTrue(
        sizes.stream().anyMatch(n -> n > 1), "items arriving together were grouped: " + sizes);
    assertEquals(threads * perThread, sizes.stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void aFailedItemFailsOnlyItsOwnCaller() throws Exception {
    IllegalStateException odd = new IllegalStateException("odd");
    List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch inFirstGroup = new CountDownLatch(1), release = new CountDownLatch(1);
    GroupCommit<Integer> commit =
        new GroupCommit<>(
            100,
            group -> {
              if (group.get(0).item() == 0) { // hold the first group while the others queue
                inFirstGroup.countDown();
                await(release);
              }
              sizes.add(group.size());
              for (GroupCommit.Pending<Integer> p : group) if (p.item() % 2 == 1) p.fail(odd);
            });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> runs = new ArrayList<>();
    runs.add(pool.submit(() -> commit.submit(0)));
    assertTrue(inFirstGroup.await(10, TimeUnit.SECONDS));
    for (int i = 1; i < 8; i++) {
      int item = i;
      runs.add(pool.submit(() -> commit.submit(item)));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (commit.waiting() < 7 && System.nanoTime() < until) Thread.onSpinWait();
    assertEquals(7, commit.waiting(), "the others wait for the first group");
    release.countDown();
    for (int i = 0; i < 8; i++) {
      Future<?> run = runs.get(i);
      if (i % 2 == 0) {
        run.get(10, TimeUnit.SECONDS);
      } else {
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> run.get());
        assertSame(odd, e.getCause());
      }
    }
    pool.shutdown();
    assertEquals(List.of(1, 7), sizes, "the seven handled in one group");
  }

  @Test
  void aHandlerThatThrowsFailsTheWholeGroup() {
    GroupCommit<String> commit =
        new GroupCommit<>(
            10,
            group -> {
              throw new IllegalStateException("state store down");
            });
    var e = assertThrows(IllegalStateException.class, () -> commit.submit("a"));
    assertEquals("state store down", e.getMessage());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
