package dev.zarrjvm.core;

import dev.zarrjvm.errors.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Owner of zarrjvm's Java threads, all daemon and all in bounded pools:
 * <ul>
 *   <li>decode: as many threads as cores, the helpers of a region read over a local store (CPU-bound);</li>
 *   <li>io: {@code zarrjvm.ioThreads} (default 32), the helpers of a region read over a remote store, where a chunk's
 *       time is mostly waiting for the network, so more of them are in flight than there are cores;</li>
 *   <li>async: {@code zarrjvm.asyncThreads} (default 32), the reads submitted through {@link #async}; its queue holds
 *       any number of waiting reads (thousands in flight), its threads bound how many run at once;</li>
 *   <li>client: two threads the HTTP client hands its internal, non-blocking work to.</li>
 * </ul>
 * The calling thread of {@link #runAll} always works too, so a saturated pool slows a read down but never deadlocks it,
 * and a region read started from a helper simply runs inline.
 */
public final class ReadPool {
  /** Helper threads per JVM; {@code -Dzarrjvm.readThreads=0} decodes on the calling thread only (sequential). */
  private static final int THREADS = Math.max(0,
      Integer.getInteger("zarrjvm.readThreads", Runtime.getRuntime().availableProcessors()));
  private static final int IO_THREADS = Math.max(1, Integer.getInteger("zarrjvm.ioThreads", 32));
  private static final int ASYNC_THREADS = Math.max(1, Integer.getInteger("zarrjvm.asyncThreads", 32));
  private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
  /** Set while an {@link #async} task runs: tells nested region reads that the caller no longer wants the result. */
  private static final ThreadLocal<BooleanSupplier> CANCELLED = ThreadLocal.withInitial(() -> () -> false);
  private static final ExecutorService POOL = pool("zarrjvm-read-", Math.max(1, THREADS), true);
  private static final ExecutorService IO_POOL = pool("zarrjvm-io-", IO_THREADS, true);
  private static final ThreadPoolExecutor ASYNC_POOL = pool("zarrjvm-async-", ASYNC_THREADS, false);
  private static final ThreadPoolExecutor CLIENT_POOL = pool("zarrjvm-http-", 2, false);

  private ReadPool() {}

  private static ThreadPoolExecutor pool(String name, int n, boolean helpers) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory f = r -> {
      Thread t = new Thread(() -> {
        IN_POOL.set(helpers);
        r.run();
      }, name + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ThreadPoolExecutor p = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), f);
    p.allowCoreThreadTimeOut(true); // idle pools cost no threads
    return p;
  }

  public static int threads() {
    return THREADS;
  }

  public static int ioThreads() {
    return IO_THREADS;
  }

  public static int asyncThreads() {
    return ASYNC_THREADS;
  }

  /** The most threads the async pool ever ran at once (never more than {@link #asyncThreads()}). */
  public static int asyncLargestPoolSize() {
    return ASYNC_POOL.getLargestPoolSize();
  }

  /** Async reads waiting for a thread right now. */
  public static int asyncQueued() {
    return ASYNC_POOL.getQueue().size();
  }

  /** Where the HTTP client (store/HttpTransport) runs its internal work. */
  public static java.util.concurrent.Executor clientExecutor() {
    return CLIENT_POOL;
  }

  /** A task that may throw anything; the first failure cancels the remaining tasks and is rethrown. */
  @FunctionalInterface
  public interface Task {
    void run() throws Exception;
  }

  /** Runs all tasks, in parallel on the decode pool when {@code parallel} and there is more than one. */
  public static void runAll(List<Task> tasks, boolean parallel, String what) {
    runAll(tasks, parallel, false, what);
  }

  /**
   * Runs all tasks and returns when all are done: in parallel when {@code parallel} and there is more than one, on the
   * io pool when {@code io} (tasks that mostly wait for a remote store), else on the decode pool. Inside an
   * {@link #async} task whose future was cancelled, the remaining tasks are skipped.
   */
  public static void runAll(List<Task> tasks, boolean parallel, boolean io, String what) {
    int n = tasks.size();
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    BooleanSupplier cancelled = CANCELLED.get();
    Runnable worker = () -> {
      int i;
      while (failure.get() == null && (i = next.getAndIncrement()) < n) {
        if (cancelled.getAsBoolean()) {
          failure.compareAndSet(null, new CancellationException(what + ": cancelled"));
          return;
        }
        try {
          tasks.get(i).run();
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    };
    int width = io ? IO_THREADS : THREADS;
    int helpers = (!parallel || IN_POOL.get()) ? 0 : Math.min(n - 1, width);
    ExecutorService pool = io ? IO_POOL : POOL;
    List<Future<?>> futures = new ArrayList<>(helpers);
    for (int h = 0; h < helpers; h++) {
      futures.add(pool.submit(worker));
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
    if (t instanceof CancellationException c) {
      throw c;
    }
    if (t != null) {
      throw Errors.translate(t, what);
    }
  }

  /**
   * Runs {@code task} on the async pool. Cancelling the returned future before the task starts skips it; cancelling it
   * while it runs stops a region read between chunks (the running chunk finishes). The task never runs on the caller's
   * thread, so the caller (Python's event loop) is never blocked. A result nobody takes (the future was cancelled) is
   * closed when it is {@link AutoCloseable}.
   */
  public static <T> CompletableFuture<T> async(Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    ASYNC_POOL.execute(() -> {
      if (f.isDone()) {
        return; // cancelled while queued: no work at all
      }
      CANCELLED.set(f::isCancelled);
      try {
        T result = task.call();
        if (!f.complete(result) && result instanceof AutoCloseable c) {
          c.close(); // cancelled while running: nobody will take the result, so free it (Arrow memory)
        }
      } catch (Throwable t) {
        f.completeExceptionally(t);
      } finally {
        CANCELLED.remove();
      }
    });
    return f;
  }
}
