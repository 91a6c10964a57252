package dev.zarrjvm.spark;

import dev.zarrjvm.store.ByteRange;
import dev.zarrjvm.store.ByteStore;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata documents an open reads, recorded once on the driver and shipped to the executors in the partitions, so
 * that an executor opens an array without asking the store again (over HTTP or S3 that is several requests per task,
 * and most of a small chunk's cost). {@link #recording} wraps the driver's store and keeps what {@code get},
 * {@code exists} and {@code size} answered for keys up to {@link #MAX_DOC} bytes; {@link #serving} wraps an
 * executor's store and answers those keys from the record, everything else (the chunks) from the store.
 */
final class ShippedByteStore implements ByteStore {
  /** Larger values (chunks, say) are not recorded. */
  static final int MAX_DOC = 1 << 20;

  /** What the driver learnt: per key, its bytes (null: absent) or only its size. */
  static final class Docs implements Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, byte[]> values = new LinkedHashMap<>();
    final Map<String, Long> sizes = new LinkedHashMap<>();
    final Map<String, Boolean> exists = new LinkedHashMap<>();
    final Map<String, List<String>> lists = new LinkedHashMap<>();

    int count() {
      return values.size() + sizes.size() + exists.size() + lists.size();
    }
  }

  private final ByteStore store;
  private final Docs docs;
  private final boolean record;

  private ShippedByteStore(ByteStore store, Docs docs, boolean record) {
    this.store = store;
    this.docs = docs;
    this.record = record;
  }

  static ShippedByteStore recording(ByteStore store, Docs docs) {
    return new ShippedByteStore(store, docs, true);
  }

  static ByteStore serving(ByteStore store, Docs docs) {
    return docs == null || docs.count() == 0 ? store : new ShippedByteStore(store, docs, false);
  }

  @Override
  public byte[] get(String key) {
    if (!record) {
      if (docs.values.containsKey(key)) {
        byte[] b = docs.values.get(key);
        return b == null ? null : b.clone();
      }
      Long size = docs.sizes.get(key);
      if (size != null && size < 0) {
        return null;
      }
      return store.get(key);
    }
    synchronized (docs) {
      if (docs.values.containsKey(key)) {
        byte[] known = docs.values.get(key);
        return known == null ? null : known.clone();
      }
    }
    byte[] b = store.get(key);
    if (b == null || b.length <= MAX_DOC) {
      synchronized (docs) {
        docs.values.put(key, b == null ? null : b.clone());
      }
    }
    return b;
  }

  /** Metadata documents: probing one reads it (one GET instead of a HEAD now and a GET later). */
  static boolean isMetadataDocument(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    return name.equals("zarr.json") || name.equals(".zarray") || name.equals(".zgroup") || name.equals(".zattrs")
        || name.equals(".zmetadata");
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    if (!record && docs.values.containsKey(key)) {
      return range.slice(docs.values.get(key), key, describe());
    }
    return store.getRange(key, range);
  }

  @Override
  public Sized getRangeSized(String key, ByteRange range) {
    if (!record && docs.values.containsKey(key)) {
      byte[] b = docs.values.get(key);
      return b == null ? null : new Sized(range.slice(b, key, describe()), b.length);
    }
    return store.getRangeSized(key, range);
  }

  @Override
  public boolean exists(String key) {
    if (!record) {
      if (docs.values.containsKey(key)) {
        return docs.values.get(key) != null;
      }
      Boolean e = docs.exists.get(key);
      if (e != null) {
        return e;
      }
      Long s = docs.sizes.get(key);
      return s != null ? s >= 0 : store.exists(key);
    }
    synchronized (docs) {
      if (docs.values.containsKey(key)) {
        return docs.values.get(key) != null;
      }
      Boolean known = docs.exists.get(key);
      if (known != null) {
        return known;
      }
    }
    if (isMetadataDocument(key)) {
      return get(key) != null;
    }
    boolean e = store.exists(key);
    synchronized (docs) {
      docs.exists.put(key, e);
    }
    return e;
  }

  @Override
  public long size(String key) {
    if (!record) {
      if (docs.values.containsKey(key)) {
        byte[] b = docs.values.get(key);
        return b == null ? -1 : b.length;
      }
      Long s = docs.sizes.get(key);
      return s != null ? s : store.size(key);
    }
    synchronized (docs) {
      if (docs.values.containsKey(key)) {
        byte[] b = docs.values.get(key);
        return b == null ? -1 : b.length;
      }
      Long known = docs.sizes.get(key);
      if (known != null) {
        return known;
      }
    }
    long s = store.size(key);
    synchronized (docs) {
      docs.sizes.put(key, s);
    }
    return s;
  }

  @Override
  public long readInto(String key, ByteBuffer dst) {
    if (!record && docs.values.containsKey(key)) {
      byte[] b = docs.values.get(key);
      if (b == null) {
        return -1;
      }
      if (b.length == dst.remaining()) {
        dst.duplicate().put(b);
      }
      return b.length;
    }
    return store.readInto(key, dst);
  }

  @Override
  public List<String> list(String prefix) {
    if (!record) {
      List<String> l = docs.lists.get(prefix);
      return l != null ? l : store.list(prefix);
    }
    List<String> l = store.list(prefix);
    synchronized (docs) {
      docs.lists.put(prefix, List.copyOf(l));
    }
    return l;
  }

  @Override
  public Path localPath() {
    return store.localPath();
  }

  @Override
  public Path localFile() {
    return store.localFile();
  }

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public dev.zarrjvm.store.RequestStats stats() {
    return store.stats();
  }

  @Override
  public void close() {
    store.close();
  }
}
