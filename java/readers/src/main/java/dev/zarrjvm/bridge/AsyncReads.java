package dev.zarrjvm.bridge;

import dev.zarrjvm.arrow.ArrowExport;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.backend.Readers;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.ZarrJvmException;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.runtime.Pools;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StorageOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.FieldVector;

/**
 * Asynchronous reads for Python's asyncio. Each read runs on {@link Pools}'s bounded async pool and exports into C
 * structs Python allocated before submitting. When a read is over — exported, failed, or cancelled — the caller's id is
 * put on one completion queue, exactly once; a single Python thread drains it ({@link #completed}) and hands each id to
 * its event loop, where the result is imported. Java never calls into Python here, and Python frees the structs only
 * once the read is over (its state is final: Java wrote its outcome before and never touches them again), so Java
 * never writes into freed memory.
 *
 * <p>Cancelling a read that has not started skips it; cancelling a running one stops a region read between chunks and
 * closes the decoded vector instead of exporting it. A read cancelled after its export has already happened is
 * reported as exported ({@link Request#cancel} returns false): Python then imports it and drops it at once, which hands
 * the memory back.
 */
public final class AsyncReads {
  private static final LinkedBlockingQueue<Long> DONE = new LinkedBlockingQueue<>();
  private static final AtomicInteger OUTSTANDING = new AtomicInteger();
  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static volatile boolean shutdown;

  private AsyncReads() {}

  /** Where a read is: QUEUED → RUNNING → EXPORTED | OPENED | FAILED | CANCELLED, or QUEUED → CANCELLED. */
  public enum State {
    QUEUED, RUNNING,
    /** The result is in the caller's C structs: import it. */
    EXPORTED,
    /** An open finished: {@link Request#opened()} holds the array and its store. */
    OPENED,
    /** {@link Request#error()} holds the failure. */
    FAILED,
    /** Nothing to take: the read was cancelled, or zarrjvm shut down. */
    CANCELLED;

    boolean isOver() {
      return this != QUEUED && this != RUNNING;
    }
  }

  /** What {@link Request#start} finds when the pool gets to a read. */
  private enum Start { RUN, ALREADY_SIGNALLED, SHUT_DOWN }

  /** One read in flight; Python keeps it to cancel it and to learn its outcome once its id came back. */
  public static final class Request {
    private final long id;
    private CompletableFuture<Object> future;
    // guarded by this
    private State state = State.QUEUED;
    private boolean cancelRequested;
    private ZarrJvmException error;
    private Readers.OpenedArray opened;

    private Request(long id) {
      this.id = id;
    }

    public long id() {
      return id;
    }

    public synchronized State state() {
      return state;
    }

    /** The failure when the state is {@link State#FAILED}. */
    public synchronized ZarrJvmException error() {
      return error;
    }

    /** The opened array and its store when the state is {@link State#OPENED}. */
    public synchronized Readers.OpenedArray opened() {
      return opened;
    }

    /** The Java future of this read, for Java callers; completes when the read is over. */
    public CompletableFuture<Object> future() {
      return future;
    }

    /** Asks the read to stop; returns false when it is already over. */
    public boolean cancel() {
      boolean signalNow;
      synchronized (this) {
        if (state.isOver()) {
          return false;
        }
        cancelRequested = true;
        signalNow = state == State.QUEUED;
        if (signalNow) {
          state = State.CANCELLED;
        }
      }
      future.cancel(false); // a queued task is skipped; a running region read stops between chunks
      if (signalNow) {
        signal(this);
      }
      return true;
    }

    /** Runs on the async pool: marks the read running, unless it was cancelled or zarrjvm shuts down. */
    private synchronized Start start() {
      if (state == State.CANCELLED) {
        return Start.ALREADY_SIGNALLED;
      }
      if (shutdown) {
        state = State.CANCELLED;
        return Start.SHUT_DOWN;
      }
      state = State.RUNNING;
      return Start.RUN;
    }
  }

  private static void signal(Request r) {
    OUTSTANDING.decrementAndGet();
    DONE.add(r.id);
  }

  /** What a read does on the async pool: produce a value, then finish it under the request's lock. */
  private interface Finisher<T> {
    /** Called with the lock held; returns the final state. */
    State finish(Request r, T value, boolean cancelled) throws Exception;
  }

  private static <T> Request submit(long id, Callable<T> read, Finisher<T> finisher, String what) {
    Request r = new Request(id);
    OUTSTANDING.incrementAndGet();
    r.future = Pools.async(() -> {
      Start start = r.start();
      if (start != Start.RUN) {
        if (start == Start.SHUT_DOWN) {
          signal(r); // nothing was read
        }
        return null;
      }
      RUNNING.incrementAndGet();
      try {
        T value = null;
        Throwable failure = null;
        try {
          value = read.call();
        } catch (Throwable t) {
          failure = t;
        }
        synchronized (r) {
          boolean cancelled = r.cancelRequested || shutdown;
          if (failure != null) {
            r.state = cancelled ? State.CANCELLED : State.FAILED;
            r.error = cancelled ? null : Errors.translate(failure, what);
          } else {
            try {
              r.state = finisher.finish(r, value, cancelled);
            } catch (Throwable t) {
              r.state = State.FAILED;
              r.error = Errors.translate(t, what);
            }
          }
        }
        return null;
      } finally {
        RUNNING.decrementAndGet();
        signal(r);
      }
    });
    return r;
  }

  private static State export(Request r, FieldVector v, boolean cancelled, long arrayAddress, long schemaAddress) {
    if (cancelled) {
      v.close(); // nobody will import it: its memory goes back now
      return State.CANCELLED;
    }
    ArrowExport.exportAndRelease(v, arrayAddress, schemaAddress);
    return State.EXPORTED;
  }

  /** Decodes one chunk on the async pool and exports it into the C structs at the given addresses. */
  public static Request exportChunk(long id, ChunkSource source, long[] chunkCoords, long arrayAddress,
      long schemaAddress) {
    return submit(id, () -> source.readChunk(chunkCoords, source.allocator()),
        (r, v, cancelled) -> export(r, v, cancelled, arrayAddress, schemaAddress),
        "reading chunk " + java.util.Arrays.toString(chunkCoords));
  }

  /** Decodes the region [offset, offset + shape) on the async pool and exports it into the given C structs. */
  public static Request exportRegion(long id, ChunkSource source, long[] offset, int[] shape, long arrayAddress,
      long schemaAddress) {
    return submit(id, () -> source.readRegion(offset, shape, source.allocator()),
        (r, v, cancelled) -> export(r, v, cancelled, arrayAddress, schemaAddress),
        "reading region " + java.util.Arrays.toString(offset) + "+" + java.util.Arrays.toString(shape));
  }

  /** {@link ZarrJvm#openArray} on the async pool (metadata reads from a remote store are the slow part). */
  public static Request openArray(long id, String location, StorageOptions storage, String backend, String path,
      ReaderOptions options) {
    return submit(id, () -> ZarrJvm.openArray(location, storage, backend, path, options), AsyncReads::opened,
        "opening '" + path + "' in " + location + " with " + backend);
  }

  /** {@link ZarrJvm#openArray} of a store Python built, on the async pool. */
  public static Request openArray(long id, ByteStore store, String backend, String path, ReaderOptions options) {
    return submit(id, () -> ZarrJvm.openArray(store, backend, path, options), AsyncReads::opened,
        "opening '" + path + "' in " + store.describe() + " with " + backend);
  }

  private static State opened(Request r, Readers.OpenedArray opened, boolean cancelled) {
    if (cancelled) {
      opened.close();
      return State.CANCELLED;
    }
    r.opened = opened;
    return State.OPENED;
  }

  /**
   * Waits up to {@code timeoutMillis} for reads to be over and returns the ids of up to {@code max} of them (empty
   * when none came in time). Each id comes back exactly once.
   */
  public static long[] completed(int max, long timeoutMillis) throws InterruptedException {
    Long first = DONE.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (first == null) {
      return new long[0];
    }
    List<Long> ids = new ArrayList<>();
    ids.add(first);
    DONE.drainTo(ids, Math.max(0, max - 1));
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  /** Reads submitted whose id has not yet been put on the completion queue. */
  public static int outstanding() {
    return OUTSTANDING.get();
  }

  /**
   * Called when Python is about to go away: no read exports any more (queued ones are skipped, running ones close their
   * vectors), and this waits up to {@code timeoutMillis} for the running ones to be over.
   */
  public static void shutdown(long timeoutMillis) throws InterruptedException {
    shutdown = true;
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (RUNNING.get() > 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
  }
}
