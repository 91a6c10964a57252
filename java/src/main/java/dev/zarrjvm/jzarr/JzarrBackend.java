package dev.zarrjvm.jzarr;

import com.bc.zarr.ZarrGroup;
import dev.zarrjvm.core.Backend;
import dev.zarrjvm.core.ChunkSource;
import dev.zarrjvm.core.GroupSource;
import dev.zarrjvm.core.Options;
import dev.zarrjvm.core.ZarrGroupSource;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.Stores;
import java.util.ArrayList;
import java.util.List;

/** The jzarr backend: Zarr v2. */
public final class JzarrBackend implements Backend {
  @Override
  public String name() {
    return JzarrArraySource.BACKEND;
  }

  @Override
  public List<String> formats() {
    return List.of("zarr-v2");
  }

  @Override
  public String library() {
    return "dev.zarr:jzarr:" + JzarrArraySource.version();
  }

  @Override
  public ChunkSource openArray(String store, String path, Options options) {
    return new JzarrArraySource(Stores.open(store, options.map("storage_options")), path, options);
  }

  @Override
  public GroupSource openGroup(String store, String path, Options options) {
    return group(Stores.open(store, options.map("storage_options")), path, options);
  }

  static GroupSource group(ByteStore bs, String path, Options options) {
    ZarrGroupSource g = new ZarrGroupSource(JzarrArraySource.BACKEND, bs, path, options) {
      @Override
      protected ChunkSource openArraySource(String p) {
        return new JzarrArraySource(store, p, options);
      }

      @Override
      protected GroupSource openGroupSource(String p) {
        return group(store, p, options);
      }
    };
    if (g.zarrFormat() == 3) {
      throw new UnsupportedException("jzarr reads Zarr v2 only; '" + path + "' is a Zarr v3 group");
    }
    try {
      ZarrGroup.open(new JzarrStore(bs, dev.zarrjvm.store.StoreKeys.nodePath(path)));
    } catch (Throwable t) {
      throw Errors.translate(t, "opening group '" + path + "' with jzarr");
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
    n.add("Zarr v2 only; dtypes i1 u1 i2 u2 i4 u4 i8 f4 f8 (no bool, no uint64); compressors zlib, blosc");
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
