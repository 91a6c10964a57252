package dev.zarrjvm.backend;

import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.MetadataCache;
import dev.zarrjvm.store.StorageOptions;
import dev.zarrjvm.store.Stores;

/**
 * The one open path, for every caller (Python's bridge, Spark's planner and partition readers, Java users): the
 * location becomes a {@link ByteStore} once ({@link Stores#open}), the backend opens the array or group on it. What
 * comes back holds both; closing it closes the reader, then the store.
 */
public final class Readers {
  private Readers() {}

  /** An array and the store it reads. */
  public record OpenedArray(ChunkSource array, ByteStore store) implements AutoCloseable {
    @Override
    public void close() {
      try {
        array.close();
      } finally {
        store.close();
      }
    }
  }

  /** A group and the store it reads (its members read the same store). */
  public record OpenedGroup(GroupSource group, ByteStore store) implements AutoCloseable {
    @Override
    public void close() {
      try {
        group.close();
      } finally {
        store.close();
      }
    }
  }

  /** Opens {@code location} with {@code storage}, then the array at {@code path} with {@code backend}. */
  public static OpenedArray openArray(String location, StorageOptions storage, String backend, String path,
      ReaderOptions options) {
    Backend b = Backends.get(backend);
    ByteStore store = openStore(location, storage);
    return new OpenedArray(open(store, () -> b.openArray(store, path, options),
        "opening '" + path + "' in " + location + " with " + backend), store);
  }

  /** Opens the array at {@code path} of an already open {@code store} (one Python built: the fsspec bridge). */
  public static OpenedArray openArray(ByteStore given, String backend, String path, ReaderOptions options) {
    Backend b = Backends.get(backend);
    ByteStore store = MetadataCache.wrap(given);
    return new OpenedArray(open(store, () -> b.openArray(store, path, options),
        "opening '" + path + "' in " + store.describe() + " with " + backend), store);
  }

  /** Opens {@code location} with {@code storage}, then the group at {@code path} with {@code backend}. */
  public static OpenedGroup openGroup(String location, StorageOptions storage, String backend, String path,
      ReaderOptions options) {
    Backend b = Backends.get(backend);
    ByteStore store = openStore(location, storage);
    return new OpenedGroup(open(store, () -> b.openGroup(store, path, options),
        "opening group '" + path + "' in " + location + " with " + backend), store);
  }

  /** Opens the group at {@code path} of an already open {@code store}. */
  public static OpenedGroup openGroup(ByteStore given, String backend, String path, ReaderOptions options) {
    Backend b = Backends.get(backend);
    ByteStore store = MetadataCache.wrap(given);
    return new OpenedGroup(open(store, () -> b.openGroup(store, path, options),
        "opening group '" + path + "' in " + store.describe() + " with " + backend), store);
  }

  private static ByteStore openStore(String location, StorageOptions storage) {
    try {
      return MetadataCache.wrap(Stores.open(location, storage));
    } catch (Throwable t) {
      throw Errors.translate(t, Errors.Phase.OPEN, "opening the store " + location);
    }
  }

  private interface Opener<T> {
    T open();
  }

  /** Runs the backend's open; on failure the store is closed (nobody else holds it yet) and the error classified. */
  private static <T> T open(ByteStore store, Opener<T> opener, String what) {
    try {
      return opener.open();
    } catch (Throwable t) {
      try {
        store.close();
      } catch (RuntimeException ignored) {
        // the open's failure is the one to report
      }
      throw Errors.translate(t, Errors.Phase.OPEN, what);
    }
  }
}
