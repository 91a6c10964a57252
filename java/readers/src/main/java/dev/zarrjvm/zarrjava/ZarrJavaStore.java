package dev.zarrjvm.zarrjava;

import dev.zarr.zarrjava.store.Store;
import dev.zarr.zarrjava.store.StoreHandle;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.store.ByteRange;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.stream.Stream;
import javax.annotation.Nonnull;

/**
 * zarr-java's {@link Store} over zarrjvm's {@link ByteStore}: read-only, with I/O failures raised rather than read as
 * absent chunks, and with optional replacement documents (the signed-twin metadata) for given keys.
 */
final class ZarrJavaStore implements Store.ListableStore {
  private final ByteStore bytes;
  private final Map<String, byte[]> overrides;

  ZarrJavaStore(ByteStore bytes, Map<String, byte[]> overrides) {
    this.bytes = bytes;
    this.overrides = overrides;
  }

  ByteStore bytes() {
    return bytes;
  }

  private static ByteBuffer wrap(byte[] b) {
    return b == null ? null : ByteBuffer.wrap(b);
  }

  @Override
  public boolean exists(String[] keys) {
    String k = StoreKeys.join(keys);
    return overrides.containsKey(k) || bytes.exists(k);
  }

  @Override
  public ByteBuffer get(String[] keys) {
    String k = StoreKeys.join(keys);
    byte[] o = overrides.get(k);
    return o != null ? ByteBuffer.wrap(o.clone()) : wrap(bytes.get(k));
  }

  @Override
  public ByteBuffer get(String[] keys, long start) {
    return wrap(bytes.getRange(StoreKeys.join(keys), start < 0 ? ByteRange.suffix(-start) : ByteRange.from(start)));
  }

  @Override
  public ByteBuffer get(String[] keys, long start, long end) {
    // zarr-java's convention: a negative start counts from the end, end is exclusive
    return wrap(bytes.getRange(StoreKeys.join(keys), start < 0 ? ByteRange.suffix(-start) : ByteRange.of(start, end)));
  }

  @Override
  public void set(String[] keys, ByteBuffer value) {
    throw new StoreException("zarrjvm opens stores read-only (write to " + StoreKeys.join(keys) + ")");
  }

  @Override
  public void delete(String[] keys) {
    throw new StoreException("zarrjvm opens stores read-only (delete " + StoreKeys.join(keys) + ")");
  }

  @Nonnull
  @Override
  public StoreHandle resolve(String... keys) {
    return new StoreHandle(this, keys);
  }

  @Override
  public Stream<String> list(String[] keys) {
    String k = StoreKeys.join(keys);
    return bytes.list(k.isEmpty() ? "" : k + "/").stream();
  }

  @Override
  public String toString() {
    return bytes.describe();
  }
}
