package dev.zarrjvm.store;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One value of a {@link ByteStore} read as a random-access file: what the NetCDF/HDF5 readers (netCDF-Java, jHDF) read
 * when the file is remote (HTTP, S3, fsspec). Reads are served from a cache of fixed-size blocks fetched with range
 * requests: HDF5 reads its metadata (superblock, object headers, B-trees, heaps) in many reads of a few dozen bytes
 * close to each other, which one block answers together; consecutive missing blocks are fetched in one request. A read
 * longer than {@link #DIRECT_BLOCKS} blocks (chunk data) goes to the store as one range of exactly those bytes and is
 * not cached. A miss at the block right after the previous fetch (a reader going through the file, as netCDF-Java
 * reading a variable's chunks in order) fetches ahead too, one block more, then two, four, ... up to
 * {@value #READAHEAD_BYTES} bytes; any other miss ends the run. Thread-safe: a block that several threads miss at once
 * is fetched once.
 *
 * <p>The block size is {@value #DEFAULT_BLOCK_SIZE} bytes (bench/remote_netcdf.py measures 16 KiB to 1 MiB), or the
 * JVM system property {@code zarrjvm.storefile.blockSize}; the cache keeps at most {@value #CACHE_BYTES} bytes.
 */
public final class StoreFile {
  /**
   * Block size. Measured (bench/results/remote_netcdf.md, a 14 MB NetCDF-4 file of 100 KB chunks): reading the whole
   * variable takes 165-323 requests with 16-64 KiB blocks, 14-19 with 256 KiB ones (and readahead), 10-12 with 1 MiB
   * ones, which read 1.5 MB to open any file; opening and reading a small variable is 2 requests with any of them.
   */
  public static final int DEFAULT_BLOCK_SIZE = 256 * 1024;
  /** Cache bound per open file. */
  public static final long CACHE_BYTES = 32L * 1024 * 1024;
  /** The most a sequential miss fetches beyond what was asked. */
  static final int READAHEAD_BYTES = 4 * 1024 * 1024;
  /** Reads longer than this many blocks bypass the cache: chunk data, fetched exactly. */
  static final int DIRECT_BLOCKS = 1;

  private final ByteStore store;
  private final String key;
  private final long size;
  private final int blockSize;
  private final Map<Long, byte[]> blocks; // guarded by itself
  /** The block after the last one fetched, and how many blocks the next sequential miss fetches beyond its own. */
  private long nextSequential = -1; // guarded by blocks
  private int ahead; // guarded by blocks
  /** Blocks another thread is fetching now. */
  private final Map<Long, CompletableFuture<byte[]>> inFlight = new HashMap<>(); // guarded by blocks

  private StoreFile(ByteStore store, String key, long size, int blockSize) {
    this.store = store;
    this.key = key;
    this.size = size;
    this.blockSize = blockSize;
    int maxBlocks = (int) Math.max(4, CACHE_BYTES / blockSize);
    this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
        return size() > maxBlocks;
      }
    };
  }

  /**
   * The file a store was opened on: the value at the store's own location (key "", the URL or object the user named).
   * A missing file is an {@link ArrayNotFoundException}.
   */
  public static StoreFile open(ByteStore store) {
    return open(store, "");
  }

  /** The value at {@code key} of {@code store} as a file. */
  public static StoreFile open(ByteStore store, String key) {
    int bs = blockSize();
    ByteStore.Sized head = store.getHead(key, bs);
    if (head == null) {
      throw new ArrayNotFoundException("no file " + store.describe() + (key.isEmpty() ? "" : "/" + key));
    }
    StoreFile f = new StoreFile(store, key, head.total(), bs);
    if (head.bytes().length == Math.min(bs, head.total()) && head.total() > 0) {
      synchronized (f.blocks) { // the first block came with the size: the superblock or header is read from it
        f.blocks.put(0L, head.bytes());
        f.nextSequential = 1;
      }
    }
    return f;
  }

  /** The block size this JVM uses (see the class comment). */
  public static int blockSize() {
    Integer b = Integer.getInteger("zarrjvm.storefile.blockSize");
    return b == null || b < 512 ? DEFAULT_BLOCK_SIZE : b;
  }

  public long size() {
    return size;
  }

  /** The store the file is read from. */
  public ByteStore store() {
    return store;
  }

  /** Where the file is, for messages. */
  public String describe() {
    return store.describe() + (key.isEmpty() ? "" : "/" + key);
  }

  /**
   * Reads up to {@code len} bytes at {@code pos} into {@code dst[off..]}: all of them unless the file ends first; the
   * number read, or -1 when {@code pos} is at or past the end.
   */
  public int read(long pos, byte[] dst, int off, int len) {
    if (pos < 0 || off < 0 || len < 0 || off + len > dst.length) {
      throw new StoreException("read of " + len + " bytes at " + pos + " of " + describe() + " is not a read");
    }
    if (pos >= size) {
      return len == 0 ? 0 : -1;
    }
    int n = (int) Math.min(len, size - pos);
    if (n == 0) {
      return 0;
    }
    if (n > DIRECT_BLOCKS * blockSize) {
      byte[] b = fetch(pos, pos + n);
      System.arraycopy(b, 0, dst, off, n);
      return n;
    }
    long first = pos / blockSize;
    long last = (pos + n - 1) / blockSize;
    List<byte[]> got = blocks(first, last);
    int done = 0;
    for (int i = 0; i < got.size(); i++) {
      long blockStart = (first + i) * blockSize;
      int from = (int) Math.max(0, pos + done - blockStart);
      int take = Math.min(n - done, got.get(i).length - from);
      System.arraycopy(got.get(i), from, dst, off + done, take);
      done += take;
    }
    return n;
  }

  /** Exactly {@code len} bytes at {@code pos}; past the end is a {@link StoreException}. */
  public byte[] readFully(long pos, int len) {
    byte[] b = new byte[len];
    int n = read(pos, b, 0, len);
    if (n != len) {
      throw new StoreException(describe() + " ends at " + size + " bytes; cannot read " + len + " at " + pos);
    }
    return b;
  }

  /**
   * Blocks {@code first..last}: from the cache, from another thread's fetch in flight, or fetched here (each run of
   * consecutive blocks this thread fetches in one request). A failed fetch fails every thread waiting for its blocks.
   */
  private List<byte[]> blocks(long first, long last) {
    int asked = (int) (last - first + 1);
    int maxAhead = Math.max(0, READAHEAD_BYTES / blockSize);
    byte[][] out = new byte[asked + maxAhead][];
    List<CompletableFuture<byte[]>> waits = new ArrayList<>(java.util.Collections.nCopies(asked + maxAhead, null));
    boolean[] mine = new boolean[asked + maxAhead];
    int n = asked;
    synchronized (blocks) {
      int firstMine = -1;
      for (int i = 0; i < asked; i++) {
        out[i] = blocks.get(first + i);
        if (out[i] == null) {
          CompletableFuture<byte[]> f = inFlight.get(first + i);
          if (f == null) {
            f = new CompletableFuture<>();
            inFlight.put(first + i, f);
            mine[i] = true;
            firstMine = firstMine < 0 ? i : firstMine;
          }
          waits.set(i, f);
        }
      }
      if (firstMine >= 0) {
        // a miss right after the previous fetch: reading on through the file; fetch ahead, twice as far each time
        ahead = first + firstMine == nextSequential ? Math.min(maxAhead, Math.max(1, ahead * 2)) : 0;
        if (mine[asked - 1]) {
          long blockCount = (size + blockSize - 1) / blockSize;
          while (n < asked + ahead && first + n < blockCount && !blocks.containsKey(first + n)
              && !inFlight.containsKey(first + n)) {
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            inFlight.put(first + n, f);
            waits.set(n, f);
            mine[n++] = true;
          }
        }
        nextSequential = first + n;
      }
    }
    RuntimeException failure = null;
    for (int i = 0; i < n; ) {
      if (!mine[i]) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < n && mine[j + 1]) {
        j++;
      }
      try {
        if (failure != null) {
          throw failure;
        }
        long start = (first + i) * blockSize;
        byte[] run = fetch(start, Math.min(size, (first + j + 1) * blockSize));
        for (int k = i; k <= j; k++) {
          int from = (k - i) * blockSize;
          out[k] = Arrays.copyOfRange(run, from, Math.min(run.length, from + blockSize));
        }
        synchronized (blocks) {
          for (int k = i; k <= j; k++) {
            blocks.put(first + k, out[k]);
            inFlight.remove(first + k);
          }
        }
        for (int k = i; k <= j; k++) {
          waits.get(k).complete(out[k]);
        }
      } catch (RuntimeException e) {
        failure = e;
        synchronized (blocks) {
          for (int k = i; k <= j; k++) {
            inFlight.remove(first + k);
          }
        }
        for (int k = i; k <= j; k++) {
          waits.get(k).completeExceptionally(e);
        }
      }
      i = j + 1;
    }
    if (failure != null) {
      throw failure;
    }
    for (int i = 0; i < asked; i++) {
      if (out[i] == null) {
        try {
          out[i] = waits.get(i).join();
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException r ? r
              : new StoreException("reading " + describe() + ": " + e.getCause(), e.getCause());
        }
      }
    }
    return Arrays.asList(out).subList(0, asked);
  }

  private byte[] fetch(long start, long end) {
    byte[] b = store.getRange(key, ByteRange.of(start, end));
    if (b == null) {
      throw new StoreException(describe() + " disappeared while being read");
    }
    if (b.length != end - start) {
      throw new StoreException(describe() + ": range [" + start + ", " + end + ") gave " + b.length + " bytes");
    }
    return b;
  }
}
