package dev.zarrjvm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The async pool: bounded threads, any number queued, cancelled tasks skipped, unclaimed results closed. Every wait is
 * on an event (latches, a barrier), none on time: the counts are exact on a loaded machine too.
 */
class PoolsTest {
  @Test
  void boundedThreadsManyQueuedAndCancelledOnesNeverRun() throws Exception {
    int threads = Pools.asyncThreads();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(threads);
    AtomicInteger ran = new AtomicInteger();
    List<CompletableFuture<Integer>> fs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      int k = i;
      fs.add(Pools.async(() -> {
        ran.incrementAndGet();
        running.countDown();
        assertTrue(gate.await(60, TimeUnit.SECONDS));
        return k;
      }));
    }
    // every pool thread holds one task at the gate: the rest are queued, exactly
    assertTrue(running.await(60, TimeUnit.SECONDS), "the pool never ran " + threads + " tasks at once");
    assertEquals(2000 - threads, Pools.asyncQueued());
    assertEquals(threads, ran.get());
    for (int i = 1000; i < 2000; i++) {
      fs.get(i).cancel(false);
    }
    gate.countDown();
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, fs.get(i).get(60, TimeUnit.SECONDS));
    }
    // once every pool thread is inside one of these, no earlier task is still being run or skipped
    CyclicBarrier all = new CyclicBarrier(threads);
    List<CompletableFuture<Integer>> sentinels = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      sentinels.add(Pools.async(() -> all.await(60, TimeUnit.SECONDS)));
    }
    for (CompletableFuture<Integer> s : sentinels) {
      s.get(60, TimeUnit.SECONDS);
    }
    assertEquals(0, Pools.asyncQueued());
    assertEquals(1000, ran.get(), "cancelled queued tasks ran");
    assertEquals(threads, Pools.asyncLargestPoolSize());
  }

  @Test
  void aResultNobodyTakesIsClosed() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    CompletableFuture<AutoCloseable> f = Pools.async(() -> {
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      return closed::countDown;
    });
    assertTrue(started.await(30, TimeUnit.SECONDS));
    f.cancel(false);
    release.countDown();
    assertTrue(closed.await(30, TimeUnit.SECONDS), "the result of a cancelled task was never closed");
  }
}
