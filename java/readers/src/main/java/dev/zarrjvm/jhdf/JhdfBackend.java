package dev.zarrjvm.jhdf;

import dev.zarrjvm.backend.Backend;
import dev.zarrjvm.backend.Capabilities;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.store.ByteStore;
import java.util.List;

/**
 * The jHDF backend: HDF5 and NetCDF-4 files (superblocks v0 to v3) read by jHDF, a pure-Java HDF5 library. This class
 * names no jHDF type in its fields or signatures, so ServiceLoader can instantiate it (and {@link #unavailableReason}
 * can say so) even where jHDF is missing from the classpath.
 */
public final class JhdfBackend implements Backend {
  static final String NAME = "jhdf";

  static final Capabilities CAPABILITIES = new Capabilities(
      List.of("netcdf4", "hdf5"),
      List.of("b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"),
      List.of(), List.of(), List.of(), List.of(), false, false, List.of(),
      List.of("HDF5 superblocks v0-v3; chunked (deflate, shuffle, fletcher32, LZF, LZ4, bitshuffle), contiguous and "
          + "compact datasets; numeric types (bitfields as unsigned); strings (S<n>, object str; NetCDF char with "
          + "_Encoding as strings), enums (base integers + enum_dict), compounds of numbers (structured dtype), vlen "
          + "of numbers (object arrays of arrays); opaque, references and other compounds/vlens are refused; SZIP "
          + "is refused"),
      List.of("netcdf4:char", "netcdf4:string", "netcdf4:enum", "netcdf4:compound", "netcdf4:vlen"));

  /** HDF5 files opened since the JVM started: arrays and groups open on one file at the same time share it. */
  public static long filesOpened() {
    return JhdfFile.OPENED.get();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String library() {
    return libraryName();
  }

  /** jHDF's coordinates and version in this build. */
  static String libraryName() {
    return BuildInfo.get("jhdf.artifact", "io.jhdf:jhdf");
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public String unavailableReason() {
    try {
      Class.forName("io.jhdf.HdfFile");
      return null;
    } catch (Throwable t) {
      return "jHDF is not on the classpath: " + t;
    }
  }

  @Override
  public List<String> notes() {
    return List.of("HDF5 and NetCDF-4 files, superblock versions 0-3 (also those netCDF-Java 4.5.5 refuses)",
        "numeric datasets; each HDF5 chunk is one zarrjvm chunk, decoded by jHDF's own filters",
        "read_chunk_raw is not available",
        "local files, and files on HTTP, S3 and fsspec stores read with range requests through zarrjvm's store",
        "library: " + library());
  }

  @Override
  public ChunkSource openArray(ByteStore store, String path, ReaderOptions options) {
    JhdfFile.Handle file = JhdfFile.open(store);
    try {
      if (path == null || path.replace("/", "").isEmpty()) {
        throw new ArrayNotFoundException("jhdf needs a dataset name (path=...) for " + store.describe());
      }
      io.jhdf.api.Node n = file.file().resolve(file.file().hdf, path);
      if (!(n instanceof io.jhdf.api.Dataset d)) {
        throw new ArrayNotFoundException("no dataset '" + path + "' in " + store.describe()
            + (n == null ? "" : " (it is an HDF5 " + n.getType() + ")"));
      }
      return new JhdfDatasetSource(file, d, options);
    } catch (RuntimeException | Error e) {
      file.close();
      throw JhdfFile.translate(e, Errors.Phase.OPEN, "jhdf opening '" + path + "' of " + store.describe());
    }
  }

  @Override
  public GroupSource openGroup(ByteStore store, String path, ReaderOptions options) {
    JhdfFile.Handle file = JhdfFile.open(store);
    try {
      io.jhdf.api.Node n = file.file().resolve(file.file().hdf, path);
      if (!(n instanceof io.jhdf.api.Group g)) {
        throw new ArrayNotFoundException("no group '" + path + "' in " + store.describe());
      }
      return new JhdfGroupSource(file, g, options);
    } catch (RuntimeException | Error e) {
      file.close();
      throw JhdfFile.translate(e, Errors.Phase.OPEN, "jhdf opening group '" + path + "' of " + store.describe());
    }
  }
}
