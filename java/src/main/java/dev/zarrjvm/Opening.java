package dev.zarrjvm;

import dev.zarrjvm.core.ChunkSource;
import dev.zarrjvm.core.GroupSource;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.Stores;

/**
 * Opening an array or group together with the store it reads, for Python: a store that needs closing (zip, HTTP, S3)
 * or counts requests, or one Python built (fsspec), is opened here, handed to the backend under a registered location
 * for the duration of the open, and returned with the reader, so Python can read its request counts and close it when
 * the last array using it is gone. Local directories need none of that and go straight to the backend.
 */
public final class Opening {
  private Opening() {}

  /** A reader (array or group) and the store it reads (null for a plain location). */
  public record Opened(ChunkSource array, GroupSource group, ByteStore store) {}

  /**
   * Opens {@code path} with {@code backend}. {@code store} is a store Python built (or null); {@code ownStore} says to
   * open the store here from {@code location} and {@code storageOptionsJson}; otherwise {@code location} goes to the
   * backend as it is.
   */
  public static Opened open(boolean group, String backend, String location, String storageOptionsJson,
      ByteStore store, boolean ownStore, String path, String optionsJson) {
    if (store == null && !ownStore) {
      return group ? new Opened(null, ZarrJvm.openGroup(backend, location, path, optionsJson), null)
          : new Opened(ZarrJvm.openArray(backend, location, path, optionsJson), null, null);
    }
    ByteStore s;
    try {
      s = store != null ? store : Stores.openJson(location, storageOptionsJson);
    } catch (Throwable t) {
      throw Errors.translate(t, "opening the store " + location);
    }
    String registered = Stores.register(s);
    try {
      return group ? new Opened(null, ZarrJvm.openGroup(backend, registered, path, optionsJson), s)
          : new Opened(ZarrJvm.openArray(backend, registered, path, optionsJson), null, s);
    } catch (Throwable t) {
      if (store == null) {
        s.close();
      }
      throw t;
    } finally {
      Stores.unregister(registered);
    }
  }
}
