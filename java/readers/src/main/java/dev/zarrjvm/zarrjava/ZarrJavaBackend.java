package dev.zarrjvm.zarrjava;

import dev.zarrjvm.backend.Backend;
import dev.zarrjvm.backend.Capabilities;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.zarr.ZarrGroupSource;
import java.util.ArrayList;
import java.util.List;

/** The zarr-java backend: Zarr v2 and v3 (sharding included). */
public final class ZarrJavaBackend implements Backend {
  static final String NAME = "zarr-java";

  /** zarr-java 0.0.9, from its source (v2 and v3 CodecRegistry, v2 DataType, V2ChunkKeyEncoding). */
  static final Capabilities CAPABILITIES = new Capabilities(
      List.of("zarr-v2", "zarr-v3"),
      Capabilities.ALL_DTYPES,
      // v2/codec/CodecRegistry: blosc, zlib
      List.of("blosc", "zlib"),
      // v3/codec/CodecRegistry
      List.of("bytes", "transpose", "blosc", "gzip", "zstd", "crc32c", "sharding_indexed"),
      // the v2 'order' field is parsed but never applied
      List.of("C"),
      // v2/DataType enum: |b1 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 <f4 <f8 (no big-endian spellings)
      List.of("|", "<"),
      // v2 chunk key encoding joins coordinates: a 0-d array gets the key '' (zarr-python writes '0')
      false,
      true,
      List.of(),
      List.of("v2 order 'F' is parsed and ignored (chunks would read transposed)",
          "v2/DataType and v3/DataType have no string or bytes types: |S, <U, |O (vlen-utf8), v3 string and "
          + "null_terminated_bytes are refused with UnsupportedError"),
      List.of());

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String library() {
    return "dev.zarr:zarr-java:" + version();
  }

  static String version() {
    return BuildInfo.get("zarr-java.version", "");
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public ChunkSource openArray(ByteStore store, String path, ReaderOptions options) {
    return new ZarrJavaArraySource(store, path, options);
  }

  @Override
  public GroupSource openGroup(ByteStore store, String path, ReaderOptions options) {
    return new ZarrGroupSource(this, store, path, options);
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
    n.add("Zarr v2 codecs: " + String.join(", ", CAPABILITIES.v2Codecs()) + "; v3 codecs: "
        + String.join(", ", CAPABILITIES.v3Codecs()));
    n.add("v2 'order': \"F\" is ignored by zarr-java (would read transposed): refused with UnsupportedError");
    if (!BuildInfo.hasUnsignedTypes()) {
      n.add("unsigned and bool dtypes read through a signed twin (" + BuildInfo.describeCdm() + ")");
      n.add("sharded arrays: shard index read by zarrjvm, inner chunks decoded by zarr-java");
    }
    return n;
  }
}
