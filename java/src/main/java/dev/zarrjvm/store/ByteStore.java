package dev.zarrjvm.store;

import java.nio.file.Path;
import java.util.List;

/**
 * zarrjvm's own view of a store: read-only bytes under '/'-separated keys relative to the store root. Every adapter wraps
 * this into its reader's store interface, so confinement, strict I/O errors and remote access live in one place.
 * Absent keys give null; anything else that goes wrong is a {@link dev.zarrjvm.errors.StoreException}.
 */
public interface ByteStore extends AutoCloseable {
  /** All bytes of {@code key}, or null when the key does not exist. */
  byte[] get(String key);

  /**
   * Bytes [start, end) of {@code key}; a negative {@code start} counts from the end (suffix), {@code end} of -1 means
   * the end of the value. Null when the key does not exist; a range beyond the end is an error, never short data.
   */
  byte[] getRange(String key, long start, long end);

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
  default long readInto(String key, java.nio.ByteBuffer dst) {
    byte[] b = get(key);
    if (b == null) {
      return -1;
    }
    if (b.length == dst.remaining()) {
      dst.duplicate().put(b);
    }
    return b.length;
  }

  /** A range of a value and the value's total size. */
  record Sized(byte[] bytes, long total) {}

  /**
   * Bytes [start, end) of {@code key} (as {@link #getRange}) together with the value's total size, or null when absent.
   * Readers of indexed containers (shards) read their index and learn the size to check offsets against in one go;
   * remote stores override this to take the size from the range response instead of a separate request.
   */
  default Sized getRangeSized(String key, long start, long end) {
    long size = size(key);
    if (size < 0) {
      return null;
    }
    byte[] b = getRange(key, start, end);
    return b == null ? null : new Sized(b, size);
  }

  /** Names directly under {@code prefix} (a key ending in '/' or the empty string), without the prefix. */
  List<String> list(String prefix);

  /** A local file or directory behind this store, or null when there is none (remote stores). */
  default Path localPath() {
    return null;
  }

  String describe();

  /** Requests this store made to the service behind it and the bytes it received; null for local stores. */
  default RequestStats stats() {
    return null;
  }

  @Override
  default void close() {}
}
