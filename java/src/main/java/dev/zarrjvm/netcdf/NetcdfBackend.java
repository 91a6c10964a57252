package dev.zarrjvm.netcdf;

import dev.zarrjvm.core.Backend;
import dev.zarrjvm.core.ChunkSource;
import dev.zarrjvm.core.GroupSource;
import dev.zarrjvm.core.Ma2Flavour;
import dev.zarrjvm.core.Options;
import java.util.List;

/** The netCDF-Java (UCAR CDM) backend: NetCDF-3 and NetCDF-4/HDF5 variables. */
public final class NetcdfBackend implements Backend {
  @Override
  public String name() {
    return NetcdfVariableSource.BACKEND;
  }

  @Override
  public List<String> formats() {
    return List.of("netcdf3", "netcdf4");
  }

  @Override
  public String library() {
    return Ma2Flavour.build().getProperty("cdm.artifact", "edu.ucar:cdm");
  }

  @Override
  public ChunkSource openArray(String store, String path, Options options) {
    return new NetcdfVariableSource(NetcdfFiles.localFile(store), path, options.bool("checks", true));
  }

  @Override
  public GroupSource openGroup(String store, String path, Options options) {
    return new NetcdfGroupSource(NetcdfFiles.localFile(store), path);
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
        "library: " + library());
  }
}
