package dev.zarrjvm.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A remote store seen through a cache of its metadata documents ({@code zarr.json}, {@code .zarray}, {@code .zgroup},
 * {@code .zattrs}, {@code .zmetadata}): each is fetched at most once per open store, and asking whether one exists
 * fetches it (a GET answers both questions; a HEAD and then a GET would be two round trips). Opening a v2 array over
 * HTTP probes for v3 first and two readers read the same documents; without the cache that was ten requests, with it
 * three. Chunks and everything else go straight to the store. The cache lives as long as the open store (one
 * {@code open_array} / {@code open_group}): documents changed after that are seen by the next open, as with
 * zarr-python's cached metadata.
 */
public final class MetadataCache implements ByteStore {
  private static final Set<String> DOCUMENTS = Set.of("zarr.json", ".zarray", ".zgroup", ".zattrs", ".zmetadata");
  private final ByteStore store;
  private final ConcurrentHashMap<String, Optional<byte[]>> documents = new ConcurrentHashMap<>();

  private MetadataCache(ByteStore store) {
    this.store = store;
  }

  /** {@code store} with its metadata cached when it is remote (it counts requests); local stores as they are. */
  public static ByteStore wrap(ByteStore store) {
    if (store instanceof MetadataCache || store.stats() == null) {
      return store;
    }
    return new MetadataCache(store);
  }

  /**
   * Puts a metadata document that the caller read from consolidated metadata into {@code store}'s cache ({@code
   * null}: the document does not exist); a document already fetched is kept. Does nothing for a store without a cache.
   */
  public static void seed(ByteStore store, String key, byte[] value) {
    if (store instanceof MetadataCache c && isDocument(key)) {
      c.documents.putIfAbsent(key, Optional.ofNullable(value));
    }
  }

  private static boolean isDocument(String key) {
    return DOCUMENTS.contains(key.substring(key.lastIndexOf('/') + 1));
  }

  private Optional<byte[]> document(String key) {
    Optional<byte[]> v = documents.get(key);
    if (v == null) {
      // not computeIfAbsent: the fetch may take a while and must not hold the map's bin lock
      v = Optional.ofNullable(store.get(key));
      Optional<byte[]> raced = documents.putIfAbsent(key, v);
      v = raced == null ? v : raced;
    }
    return v;
  }

  @Override
  public byte[] get(String key) {
    if (!isDocument(key)) {
      return store.get(key);
    }
    return document(key).map(byte[]::clone).orElse(null);
  }

  @Override
  public boolean exists(String key) {
    return isDocument(key) ? document(key).isPresent() : store.exists(key);
  }

  @Override
  public long size(String key) {
    return isDocument(key) ? document(key).map(b -> (long) b.length).orElse(-1L) : store.size(key);
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    return store.getRange(key, range);
  }

  @Override
  public Sized getRangeSized(String key, ByteRange range) {
    return store.getRangeSized(key, range);
  }

  @Override
  public Sized getHead(String key, int n) {
    return store.getHead(key, n);
  }

  @Override
  public long readInto(String key, ByteBuffer dst) {
    return store.readInto(key, dst);
  }

  @Override
  public long readDirect(String key, java.util.function.IntFunction<ByteBuffer> allocate) {
    return store.readDirect(key, allocate);
  }

  @Override
  public List<String> list(String prefix) {
    return store.list(prefix);
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
  public RequestStats stats() {
    return store.stats();
  }

  @Override
  public void close() {
    store.close();
  }
}
