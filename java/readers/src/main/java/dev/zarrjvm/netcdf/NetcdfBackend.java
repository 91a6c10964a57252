package dev.zarrjvm.netcdf;

import dev.zarrjvm.backend.Backend;
import dev.zarrjvm.backend.Capabilities;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.store.ByteStore;
import java.util.List;
import ucar.nc2.Group;
import ucar.nc2.Variable;

/** The netCDF-Java (UCAR CDM) backend: NetCDF-3 and NetCDF-4/HDF5 variables. */
public final class NetcdfBackend implements Backend {
  static final String NAME = "netcdf-java";

  /** netCDF-Java's numeric types; cdm 4.5.5's N3header knows the classic and 64-bit offset magics, not CDF-5. */
  static final Capabilities CAPABILITIES = new Capabilities(
      List.of("netcdf3", "netcdf4"),
      List.of("i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"),
      List.of(), List.of(), List.of(), List.of(), false, false,
      List.of("classic", "64bit_offset"),
      List.of("numeric variables; char (S1, or strings with _Encoding), string (object str), HDF5 fixed-length "
          + "strings (S<n>), enums (base integers + enum_dict), compounds of numbers (structured dtype) and vlen of "
          + "numbers (object arrays of arrays); other compounds and vlens are refused, and so are vlen strings in "
          + "filtered chunks or in chunks not spanning whole rows (netCDF-Java 4.5.5 misreads them)"),
      List.of("netcdf3:char", "netcdf4:char", "netcdf4:string", "netcdf4:enum", "netcdf4:compound", "netcdf4:vlen"));

  /** NetCDF/HDF5 files opened (headers parsed) since the JVM started: members of one open file share it. */
  public static long filesOpened() {
    return SharedFile.OPENED.get();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String library() {
    return BuildInfo.get("cdm.artifact", "edu.ucar:cdm");
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public ChunkSource openArray(ByteStore store, String path, ReaderOptions options) {
    SharedFile.Handle file = SharedFile.acquire(NetcdfFiles.file(store));
    try {
      if (path == null || path.isEmpty()) {
        throw new ArrayNotFoundException("netcdf-java needs a variable name (path=...) for " + store.describe());
      }
      if (!(NetcdfFiles.resolve(file.nc().getRootGroup(), path) instanceof Variable v)) {
        UnsupportedException szip = NetcdfFiles.szipSkipped(file.messages(), path, store.describe());
        if (szip != null) {
          throw szip;
        }
        throw new ArrayNotFoundException("no variable '" + path + "' in " + store.describe() + " (variables: "
            + NetcdfFiles.variableNames(file.nc()) + ")");
      }
      return new NetcdfVariableSource(file, v, options);
    } catch (RuntimeException | Error e) {
      file.close();
      throw e;
    }
  }

  @Override
  public GroupSource openGroup(ByteStore store, String path, ReaderOptions options) {
    SharedFile.Handle file = SharedFile.acquire(NetcdfFiles.file(store));
    try {
      Object g = path == null || path.isEmpty() ? file.nc().getRootGroup()
          : NetcdfFiles.resolve(file.nc().getRootGroup(), path);
      if (!(g instanceof Group group)) {
        throw new ArrayNotFoundException("no group '" + path + "' in " + store.describe());
      }
      return new NetcdfGroupSource(file, group, options);
    } catch (RuntimeException | Error e) {
      file.close();
      throw e;
    }
  }

  @Override
  public String unavailableReason() {
    try {
      Class.forName("ucar.nc2.NetcdfFile");
      return null;
    } catch (Throwable t) {
      return "netCDF-Java is not on the classpath: " + t;
    }
  }

  @Override
  public List<String> notes() {
    return List.of("numeric variables (signed and unsigned integers, float32/64); char/string/compound refused",
        "read_chunk_raw is not available (netCDF-Java does not expose stored chunk bytes)",
        "local files, and files on HTTP, S3 and fsspec stores read with range requests through zarrjvm's store",
        "library: " + library());
  }
}
