package com.todo.notification.application;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Striped locks by task id: work on one task runs one at a time in this process, work on tasks of
 * different stripes in parallel. Only a mutex: nothing here must survive a restart.
 */
final class TaskLocks {

  private static final int STRIPES = 64;

  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

  TaskLocks() {
    for (int i = 0; i < STRIPES; i++) stripes[i] = new ReentrantLock();
  }

  <T> T call(String taskId, Supplier<T> work) {
    ReentrantLock lock = stripes[Math.floorMod(taskId.hashCode(), STRIPES)];
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code work} holding the stripes of all {@code taskIds}, taken in one order. */
  void runAll(java.util.Collection<String> taskIds, Runnable work) {
    int[] order =
        taskIds.stream()
            .mapToInt(id -> Math.floorMod(id.hashCode(), STRIPES))
            .distinct()
            .sorted()
            .toArray();
    int held = 0;
    try {
      for (int stripe : order) {
        stripes[stripe].lock();
        held++;
      }
      work.run();
    } finally {
      for (int i = held - 1; i >= 0; i--) stripes[order[i]].unlock();
    }
  }

  void run(String taskId, Runnable work) {
    call(
        taskId,
        () -> {
          work.run();
          return null;
        });
  }
}
