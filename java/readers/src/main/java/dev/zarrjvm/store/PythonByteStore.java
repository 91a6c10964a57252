package dev.zarrjvm.store;

import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.errors.ZarrJvmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A store whose bytes come from Python: the {@link Source} is a JPype proxy over an fsspec filesystem (zarrjvm's
 * {@code stores.py}), so the Java readers read whatever Python can reach (memory://, custom filesystems, ...). Reader
 * threads call the proxy concurrently; JPype attaches each one to Python and takes the GIL for the call. Keys are
 * checked here before they reach Python, and anything the Python side raises becomes a {@link StoreException} that
 * keeps its message.
 */
public final class PythonByteStore implements ByteStore {
  /** What the Python side implements (with {@code @JImplements}); the same contract as {@link ByteStore}. */
  public interface Source {
    /** All bytes of {@code key}, or null when absent. */
    byte[] get(String key);

    /** Bytes [start, end) of the value, absolute offsets inside it (checked by the caller); null when absent. */
    byte[] getRange(String key, long start, long end);

    boolean exists(String key);

    /** Size of {@code key}'s value in bytes, or -1 when absent. */
    long size(String key);

    /** Names directly under {@code prefix} ("" or ending in '/'). */
    String[] list(String prefix);

    String describe();
  }

  private final Source source;
  private final String description;
  private final RequestStats stats = new RequestStats();

  public PythonByteStore(Source source) {
    this.source = source;
    this.description = call("describing", "", source::describe);
  }

  @Override
  public RequestStats stats() {
    return stats;
  }

  private <T> T call(String what, String key, Supplier<T> f) {
    stats.begin();
    long received = 0;
    try {
      T out = f.get();
      if (out instanceof byte[] b) {
        received = b.length;
      }
      return out;
    } catch (ZarrJvmException e) {
      throw e;
    } catch (Throwable t) {
      throw new StoreException(what + " '" + key + "' in " + description + " (Python): " + t.getMessage(), t);
    } finally {
      stats.end(received);
    }
  }

  @Override
  public byte[] get(String key) {
    StoreKeys.checkKey(key);
    return call("reading", key, () -> source.get(key));
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    StoreKeys.checkKey(key);
    long[] se = range.bounds();
    if (se == null) {
      long size = size(key);
      if (size < 0) {
        return null;
      }
      se = range.resolve(size, key, description);
    }
    long start = se[0];
    long end = se[1];
    byte[] b = call("reading a range of", key, () -> source.getRange(key, start, end));
    if (b != null && b.length != end - start) {
      throw new StoreException("range [" + start + ", " + end + ") of '" + key + "' in " + description + " gave "
          + b.length + " bytes");
    }
    return b;
  }

  @Override
  public boolean exists(String key) {
    StoreKeys.checkKey(key);
    return call("checking", key, () -> source.exists(key));
  }

  @Override
  public long size(String key) {
    StoreKeys.checkKey(key);
    return call("measuring", key, () -> source.size(key));
  }

  @Override
  public List<String> list(String prefix) {
    String p = prefix == null ? "" : prefix;
    StoreKeys.checkKey(p);
    String[] names = call("listing", p, () -> source.list(p));
    List<String> out = new ArrayList<>(names == null ? List.of() : Arrays.asList(names));
    out.sort(null);
    return out;
  }

  @Override
  public String describe() {
    return description;
  }
}
