package dev.zarrjvm.core;

import dev.zarrjvm.errors.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owner of zarrjvm's Java threads: one bounded pool of daemon threads that decode chunks in parallel. The calling thread
 * always works too, so a saturated pool slows a read down but never deadlocks it, and a read started from a pool thread
 * simply runs inline.
 */
public final class ReadPool {
  /** Helper threads per JVM; {@code -Dzarrjvm.readThreads=0} decodes on the calling thread only (sequential). */
  private static final int THREADS = Math.max(0,
      Integer.getInteger("zarrjvm.readThreads", Runtime.getRuntime().availableProcessors()));
  private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
  private static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, THREADS), new ThreadFactory() {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(() -> {
        IN_POOL.set(true);
        r.run();
      }, "zarrjvm-read-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  });

  private ReadPool() {}

  public static int threads() {
    return THREADS;
  }

  /** A task that may throw anything; the first failure cancels the remaining tasks and is rethrown. */
  @FunctionalInterface
  public interface Task {
    void run() throws Exception;
  }

  /** Runs all tasks, in parallel when {@code parallel} and there is more than one, and returns when all are done. */
  public static void runAll(List<Task> tasks, boolean parallel, String what) {
    int n = tasks.size();
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      int i;
      while (failure.get() == null && (i = next.getAndIncrement()) < n) {
        try {
          tasks.get(i).run();
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    };
    int helpers = (!parallel || IN_POOL.get()) ? 0 : Math.min(n - 1, THREADS);
    List<Future<?>> futures = new ArrayList<>(helpers);
    for (int h = 0; h < helpers; h++) {
      futures.add(POOL.submit(worker));
    }
    worker.run();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, e);
      } catch (Exception e) {
        failure.compareAndSet(null, e);
      }
    }
    Throwable t = failure.get();
    if (t != null) {
      throw Errors.translate(t, what);
    }
  }
}
