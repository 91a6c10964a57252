package dev.zarrjvm.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
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
 *   <li>read: as many threads as cores, the helpers of a region read over a local store (CPU-bound);</li>
 *   <li>io: 32 by default, the helpers of a region read over a remote store, where a chunk's time is mostly waiting
 *       for the network, so more of them are in flight than there are cores;</li>
 *   <li>async: 32 by default, the reads submitted through {@link #async}; its queue holds any number of waiting reads
 *       (thousands in flight), its threads bound how many run at once;</li>
 *   <li>client: two threads the HTTP client hands its internal, non-blocking work to.</li>
 * </ul>
 * The widths come from {@link #configure} (Python's {@code zarrjvm.config}: {@code threads.read}, {@code threads.io},
 * {@code threads.async}); before that from the system properties {@code zarrjvm.readThreads}, {@code zarrjvm.ioThreads}
 * and {@code zarrjvm.asyncThreads} (for Java and Spark users). {@link #configure} resizes running pools. The calling
 * thread of {@link #runAll} always works too, so a saturated pool slows a read down but never deadlocks it, and a
 * region read started from a helper simply runs inline.
 */
public final class Pools {
  private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
  /** Set while an {@link #async} task runs: tells nested region reads that the caller no longer wants the result. */
  private static final ThreadLocal<BooleanSupplier> CANCELLED = ThreadLocal.withInitial(() -> () -> false);
  /** Helper threads of region reads; 0 decodes on the calling thread only (sequential). */
  private static volatile int readThreads = Math.max(0,
      Integer.getInteger("zarrjvm.readThreads", Runtime.getRuntime().availableProcessors()));
  private static volatile int ioThreads = Math.max(1, Integer.getInteger("zarrjvm.ioThreads", 32));
  private static volatile int asyncThreads = Math.max(1, Integer.getInteger("zarrjvm.asyncThreads", 32));

  private Pools() {}

  /** Pools are made on first use, with the widths configured by then. */
  private static final class Holder {
    static final ThreadPoolExecutor READ = pool("zarrjvm-read-", Math.max(1, readThreads), true);
    static final ThreadPoolExecutor IO = pool("zarrjvm-io-", ioThreads, true);
    static final ThreadPoolExecutor ASYNC = pool("zarrjvm-async-", asyncThreads, false);
    static final ThreadPoolExecutor CLIENT = pool("zarrjvm-http-", 2, false);
  }

  private static volatile boolean poolsMade;

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
    poolsMade = true;
    return p;
  }

  /**
   * Sets the pool widths: {@code read} ≥ 0 (0: sequential), {@code io} ≥ 1, {@code async} ≥ 1. Pools already running
   * are resized (running tasks finish; new ones see the new width).
   */
  public static synchronized void configure(int read, int io, int async) {
    if (read < 0 || io < 1 || async < 1) {
      throw new IllegalArgumentException("thread counts: read >= 0, io >= 1, async >= 1; got " + read + ", " + io
          + ", " + async);
    }
    readThreads = read;
    ioThreads = io;
    asyncThreads = async;
    if (poolsMade) {
      resize(Holder.READ, Math.max(1, read));
      resize(Holder.IO, io);
      resize(Holder.ASYNC, async);
    }
  }

  private static void resize(ThreadPoolExecutor p, int n) {
    if (n >= p.getMaximumPoolSize()) {
      p.setMaximumPoolSize(n);
      p.setCorePoolSize(n);
    } else {
      p.setCorePoolSize(n);
      p.setMaximumPoolSize(n);
    }
  }

  public static int readThreads() {
    return readThreads;
  }

  public static int ioThreads() {
    return ioThreads;
  }

  public static int asyncThreads() {
    return asyncThreads;
  }

  /** The most threads the async pool ever ran at once (never more than {@link #asyncThreads()}). */
  public static int asyncLargestPoolSize() {
    return Holder.ASYNC.getLargestPoolSize();
  }

  /** Async reads waiting for a thread right now. */
  public static int asyncQueued() {
    return Holder.ASYNC.getQueue().size();
  }

  /** Where the HTTP client (store/HttpTransport) runs its internal work. */
  public static Executor clientExecutor() {
    return Holder.CLIENT;
  }

  /** A task that may throw anything; the first failure cancels the remaining tasks and is rethrown. */
  @FunctionalInterface
  public interface Task {
    void run() throws Exception;
  }

  /**
   * Runs all tasks and returns when all are done: in parallel when {@code parallel} and there is more than one, on the
   * io pool when {@code io} (tasks that mostly wait for a remote store), else on the read pool. The first failure is
   * rethrown as it was thrown (a checked one inside a {@link CompletionException}), for the caller to classify. Inside
   * an {@link #async} task whose future was cancelled, the remaining tasks are skipped and a
   * {@link CancellationException} is thrown.
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
    int width = io ? ioThreads : readThreads;
    int helpers = (!parallel || IN_POOL.get()) ? 0 : Math.min(n - 1, width);
    ThreadPoolExecutor pool = io ? Holder.IO : Holder.READ;
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
      } catch (ExecutionException e) {
        failure.compareAndSet(null, e.getCause());
      }
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new CompletionException(t);
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
    Holder.ASYNC.execute(() -> {
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
