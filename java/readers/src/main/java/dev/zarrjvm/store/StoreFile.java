package dev.zarrjvm.store;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value of a {@link ByteStore} read as a random-access file: what the NetCDF/HDF5 readers (netCDF-Java, jHDF) read
 * when the file is remote (HTTP, S3, fsspec). Reads are served from a cache of fixed-size blocks fetched with range
 * requests: HDF5 reads its metadata (superblock, object headers, B-trees, heaps) in many reads of a few dozen bytes
 * close to each other, which one block answers together; consecutive missing blocks are fetched in one request. A read
 * longer than {@link #DIRECT_BLOCKS} blocks (chunk data) goes to the store as one range of exactly those bytes and is
 * not cached. Thread-safe; two threads missing the same block at once may both fetch it.
 *
 * <p>The block size is {@value #DEFAULT_BLOCK_SIZE} bytes (bench/remote_netcdf.py measures 16 KiB to 1 MiB), or the
 * JVM system property {@code zarrjvm.storefile.blockSize}; the cache keeps at most {@value #CACHE_BYTES} bytes.
 */
public final class StoreFile {
  /** Block size: one round trip reads the superblock and the root group's headers of a small file. */
  public static final int DEFAULT_BLOCK_SIZE = 64 * 1024;
  /** Cache bound per open file. */
  public static final long CACHE_BYTES = 32L * 1024 * 1024;
  /** Reads longer than this many blocks bypass the cache. */
  static final int DIRECT_BLOCKS = 4;

  private final ByteStore store;
  private final String key;
  private final long size;
  private final int blockSize;
  private final Map<Long, byte[]> blocks; // guarded by itself

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
    long size = store.size(key);
    if (size < 0) {
      throw new ArrayNotFoundException("no file " + store.describe() + (key.isEmpty() ? "" : "/" + key));
    }
    return new StoreFile(store, key, size, blockSize());
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

  /** Blocks {@code first..last}, from the cache or fetched (each run of missing blocks in one request). */
  private List<byte[]> blocks(long first, long last) {
    byte[][] out = new byte[(int) (last - first + 1)][];
    synchronized (blocks) {
      for (long b = first; b <= last; b++) {
        out[(int) (b - first)] = blocks.get(b);
      }
    }
    for (int i = 0; i < out.length; ) {
      if (out[i] != null) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < out.length && out[j + 1] == null) {
        j++;
      }
      long start = (first + i) * blockSize;
      long end = Math.min(size, (first + j + 1) * blockSize);
      byte[] run = fetch(start, end);
      synchronized (blocks) {
        for (int k = i; k <= j; k++) {
          int from = (k - i) * blockSize;
          byte[] block = java.util.Arrays.copyOfRange(run, from, Math.min(run.length, from + blockSize));
          out[k] = block;
          blocks.put(first + k, block);
        }
      }
      i = j + 1;
    }
    List<byte[]> list = new ArrayList<>(out.length);
    java.util.Collections.addAll(list, out);
    return list;
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
