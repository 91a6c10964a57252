package dev.zarrjvm.zarrjava;

import dev.zarrjvm.core.Backend;
import dev.zarrjvm.core.ChunkSource;
import dev.zarrjvm.core.GroupSource;
import dev.zarrjvm.core.Ma2Flavour;
import dev.zarrjvm.core.Options;
import dev.zarrjvm.core.ZarrGroupSource;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.Stores;
import java.util.ArrayList;
import java.util.List;

/** The zarr-java backend: Zarr v2 and v3 (sharding included). */
public final class ZarrJavaBackend implements Backend {
  @Override
  public String name() {
    return ZarrJavaArraySource.BACKEND;
  }

  @Override
  public List<String> formats() {
    return List.of("zarr-v2", "zarr-v3");
  }

  @Override
  public String library() {
    return "dev.zarr:zarr-java:" + ZarrJavaArraySource.version();
  }

  @Override
  public ChunkSource openArray(String store, String path, Options options) {
    ByteStore bs = Stores.open(store, options.map("storage_options"));
    return new ZarrJavaArraySource(bs, path, options);
  }

  @Override
  public GroupSource openGroup(String store, String path, Options options) {
    ByteStore bs = Stores.open(store, options.map("storage_options"));
    return group(bs, path, options);
  }

  static GroupSource group(ByteStore bs, String path, Options options) {
    return new ZarrGroupSource(ZarrJavaArraySource.BACKEND, bs, path, options) {
      @Override
      protected ChunkSource openArraySource(String p) {
        return new ZarrJavaArraySource(store, p, options);
      }

      @Override
      protected GroupSource openGroupSource(String p) {
        return group(store, p, options);
      }
    };
  }

  @Override
  public String unavailableReason() {
    try {
      Class.forName("dev.zarr.zarrjava.core.Array");
      return null;
    } catch (Throwable t) {
      return "zarr-java is not on the classpath: " + t;
    }
  }

  @Override
  public List<String> notes() {
    List<String> n = new ArrayList<>();
    n.add("Zarr v2 codecs: blosc, zlib; v3 codecs: bytes, transpose, blosc, gzip, zstd, crc32c, sharding_indexed");
    n.add("v2 'order': \"F\" is ignored by zarr-java (would read transposed): refused with UnsupportedError");
    if (!Ma2Flavour.hasUnsignedTypes()) {
      n.add("unsigned and bool dtypes read through a signed twin (" + Ma2Flavour.describe() + ")");
      n.add("sharded arrays: shard index read by zarrjvm, inner chunks decoded by zarr-java");
    }
    return n;
  }
}
