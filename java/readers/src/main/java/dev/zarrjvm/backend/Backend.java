package dev.zarrjvm.backend;

import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.store.ByteStore;
import java.util.List;

/**
 * One Java reader behind zarrjvm's seam. An implementation is one package (an adapter) and one line in
 * {@code META-INF/services/dev.zarrjvm.backend.Backend}; {@link Backends} finds it with {@link
 * java.util.ServiceLoader}.
 * It reads from a {@link ByteStore} the caller opened (and closes); it never opens stores itself.
 */
public interface Backend {
  /** The name users pass ({@code backend="zarr-java"}). */
  String name();

  /** The reader's library coordinates and version, e.g. dev.zarr:zarr-java:0.0.9. */
  String library();

  /** What the reader claims to read: the one declaration zarrjvm refuses by and the compatibility matrix uses. */
  Capabilities capabilities();

  /** Null when usable; otherwise the reason it is not. */
  String unavailableReason();

  /** Facts about this backend in this build (e.g. what the Central-only ucar.ma2 changes), for users. */
  List<String> notes();

  /** The array (or variable) at {@code path} inside {@code store}. */
  ChunkSource openArray(ByteStore store, String path, ReaderOptions options);

  /** The group at {@code path} inside {@code store} ("" for the root); its members open with the same options. */
  GroupSource openGroup(ByteStore store, String path, ReaderOptions options);
}
