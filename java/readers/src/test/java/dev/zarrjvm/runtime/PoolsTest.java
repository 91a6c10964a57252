package dev.zarrjvm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The async pool: bounded threads, any number queued, cancelled tasks skipped, unclaimed results closed. */
class PoolsTest {
  @Test
  void boundedThreadsManyQueuedAndCancelledOnesNeverRun() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    List<CompletableFuture<Integer>> fs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      int k = i;
      fs.add(Pools.async(() -> {
        gate.await(30, TimeUnit.SECONDS);
        ran.incrementAndGet();
        return k;
      }));
    }
    assertTrue(Pools.asyncQueued() >= 2000 - Pools.asyncThreads());
    for (int i = 1000; i < 2000; i++) {
      fs.get(i).cancel(false);
    }
    gate.countDown();
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, fs.get(i).get(30, TimeUnit.SECONDS));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Pools.asyncQueued() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(50);
    assertTrue(ran.get() <= 1000 + Pools.asyncThreads(), "cancelled tasks ran: " + ran.get());
    assertTrue(Pools.asyncLargestPoolSize() <= Pools.asyncThreads());
  }

  @Test
  void aResultNobodyTakesIsClosed() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger closed = new AtomicInteger();
    CompletableFuture<AutoCloseable> f = Pools.async(() -> {
      started.countDown();
      release.await(30, TimeUnit.SECONDS);
      return closed::incrementAndGet;
    });
    assertTrue(started.await(30, TimeUnit.SECONDS));
    f.cancel(false);
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (closed.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, closed.get());
  }
}
