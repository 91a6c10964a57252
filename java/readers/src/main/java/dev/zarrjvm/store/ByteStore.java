package dev.zarrjvm.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * zarrjvm's own view of a store: read-only bytes under '/'-separated keys relative to the store root. Every adapter
 * wraps
 * this into its reader's store interface, so confinement, strict I/O errors and remote access live in one place.
 * Absent keys give null; anything else that goes wrong is a {@link dev.zarrjvm.errors.StoreException}.
 *
 * <p>{@link Stores#open} makes one from the location a user gives, once; backends read through it and never open
 * stores themselves. Whoever opened a store closes it.
 */
public interface ByteStore extends AutoCloseable {
  /** All bytes of {@code key}, or null when the key does not exist. */
  byte[] get(String key);

  /** The bytes of {@code range} of {@code key}, or null when the key does not exist; never short data. */
  byte[] getRange(String key, ByteRange range);

  boolean exists(String key);

  /**
   * Size in bytes of {@code key}'s value, or -1 when the key does not exist. Readers of indexed containers (shards)
   * check their offsets against it. The default reads the value; stores that know sizes override it.
   */
  default long size(String key) {
    byte[] b = get(key);
    return b == null ? -1 : b.length;
  }

  /**
   * Reads the whole value of {@code key} into {@code dst} when its size is exactly {@code dst.remaining()}; returns
   * the value's size (-1 when absent) and reads nothing when the size differs. Lets readers of uncompressed chunks
   * fill scratch memory without a heap array.
   */
  default long readInto(String key, ByteBuffer dst) {
    byte[] b = get(key);
    if (b == null) {
      return -1;
    }
    if (b.length == dst.remaining()) {
      dst.duplicate().put(b);
    }
    return b.length;
  }

  /**
   * Reads the whole value of {@code key} into memory that {@code allocate} hands out for its size (a buffer of exactly
   * that many bytes remaining), and returns the size, or -1 when the value is absent. Stores that learn the size before
   * the bytes (HTTP's Content-Length) write the bytes there as they arrive, with no heap array on the way; the default
   * copies {@link #get}'s. {@code allocate} may be called again when a request is retried: the earlier buffer is then
   * left unused (the caller releases it).
   */
  default long readDirect(String key, java.util.function.IntFunction<ByteBuffer> allocate) {
    byte[] b = get(key);
    if (b == null) {
      return -1;
    }
    allocate.apply(b.length).duplicate().put(b);
    return b.length;
  }

  /** A range of a value and the value's total size (-1 while unknown). */
  record Sized(byte[] bytes, long total) {
    /** This range with the total asked of {@code store} when the answer did not tell it (null: the key is gone). */
    public Sized withTotalFrom(ByteStore store, String key) {
      if (total >= 0) {
        return this;
      }
      long size = store.size(key);
      return size < 0 ? null : new Sized(bytes, size);
    }
  }

  /**
   * The bytes of {@code range} of {@code key} together with the value's total size, or null when absent. Readers of
   * indexed containers (shards) read their index and learn the size to check offsets against in one go; remote stores
   * override this to take the size from the range response instead of a separate request.
   */
  default Sized getRangeSized(String key, ByteRange range) {
    long size = size(key);
    if (size < 0) {
      return null;
    }
    byte[] b = getRange(key, range);
    return b == null ? null : new Sized(b, size);
  }

  /**
   * The first {@code min(n, size)} bytes of {@code key} together with its size, or null when absent: what a reader of
   * a single-file format (NetCDF/HDF5 through {@link StoreFile}) needs to open it. The default asks the size, then the
   * range; remote stores override it to learn both from one range request.
   */
  default Sized getHead(String key, int n) {
    long size = size(key);
    if (size < 0) {
      return null;
    }
    int len = (int) Math.min(n, size);
    byte[] b = len == 0 ? new byte[0] : getRange(key, ByteRange.of(0, len));
    return b == null ? null : new Sized(b, size);
  }

  /** Names directly under {@code prefix} (a key ending in '/' or the empty string), without the prefix. */
  List<String> list(String prefix);

  /** A local file or directory behind this store, or null when there is none (remote stores). */
  default Path localPath() {
    return null;
  }

  /**
   * The local file this store was opened on when the location is one file rather than a container of keys (a
   * NetCDF/HDF5 file), else null. Readers of single-file formats read it; Zarr readers refuse it.
   */
  default Path localFile() {
    return null;
  }

  /** Where the store is, for messages (a path or a URL). */
  String describe();

  /** Requests this store made to the service behind it and the bytes it received; null for local stores. */
  default RequestStats stats() {
    return null;
  }

  @Override
  default void close() {}
}
