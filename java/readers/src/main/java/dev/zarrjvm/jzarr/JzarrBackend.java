package dev.zarrjvm.jzarr;

import com.bc.zarr.ZarrGroup;
import dev.zarrjvm.backend.Backend;
import dev.zarrjvm.backend.Capabilities;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.zarr.ZarrGroupSource;
import dev.zarrjvm.zarr.ZarrMeta;
import java.util.ArrayList;
import java.util.List;

/** The jzarr backend: Zarr v2. */
public final class JzarrBackend implements Backend {
  static final String NAME = "jzarr";

  /** jzarr 0.4.2, from its source (com.bc.zarr.DataType, CompressorFactory, ZarrUtils, ZarrHeader). */
  static final Capabilities CAPABILITIES = new Capabilities(
      List.of("zarr-v2"),
      // com.bc.zarr.DataType: f8 f4 i8 i4 u4 i2 u2 i1 u1
      List.of("i1", "u1", "i2", "u2", "i4", "u4", "i8", "f4", "f8"),
      // CompressorFactory: null, zlib, blosc
      List.of("zlib", "blosc"),
      List.of(),
      List.of("C"),
      List.of("|", "<", ">"),
      // ZarrUtils.createChunkFilename has no key for zero coordinates
      false,
      false,
      List.of(),
      List.of("ZarrHeader ignores 'order' and 'filters'",
          "com.bc.zarr.DataType has no string or bytes types: |S, <U and |O are refused with UnsupportedError"),
      List.of());

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String library() {
    return "dev.zarr:jzarr:" + version();
  }

  static String version() {
    return BuildInfo.get("jzarr.version", "");
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public ChunkSource openArray(ByteStore store, String path, ReaderOptions options) {
    return new JzarrArraySource(store, path, options);
  }

  @Override
  public GroupSource openGroup(ByteStore store, String path, ReaderOptions options) {
    ZarrGroupSource g = new ZarrGroupSource(this, store, path, options);
    if (g.zarrFormat() == 3) {
      throw new UnsupportedException("jzarr reads Zarr v2 only; '" + path + "' is a Zarr v3 group");
    }
    try {
      ZarrGroup.open(new JzarrStore(store, ZarrMeta.checkNode(store, path, options.zarrFormat())));
    } catch (Throwable t) {
      throw Errors.translate(t, Errors.Phase.OPEN, "opening group " + ZarrMeta.where(store, path) + " with jzarr");
    }
    return g;
  }

  @Override
  public String unavailableReason() {
    try {
      Class.forName("com.bc.zarr.ZarrArray");
      return null;
    } catch (Throwable t) {
      return "jzarr is not on the classpath: " + t;
    }
  }

  @Override
  public List<String> notes() {
    List<String> n = new ArrayList<>();
    n.add("Zarr v2 only; dtypes " + String.join(" ", CAPABILITIES.dtypes()) + " (no bool, no uint64); compressors "
        + String.join(", ", CAPABILITIES.v2Codecs()));
    n.add("v2 'order' and 'filters' are ignored by jzarr (would read wrong): refused with UnsupportedError");
    n.add("blosc: " + bloscStatus());
    return n;
  }

  /** jzarr's blosc goes through JNA to a native libblosc; zarrjvm's jar carries one for linux-x86-64. */
  public static String bloscStatus() {
    try {
      return "libblosc " + new org.blosc.JBlosc().getVersionString();
    } catch (Throwable t) {
      return "unavailable (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
    }
  }
}
