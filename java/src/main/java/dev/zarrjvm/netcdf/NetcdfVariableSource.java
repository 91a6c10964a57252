package dev.zarrjvm.netcdf;

import dev.zarrjvm.core.ArrayInfo;
import dev.zarrjvm.core.DType;
import dev.zarrjvm.core.FillValues;
import dev.zarrjvm.core.Grid;
import dev.zarrjvm.core.Ma2ChunkSource;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import java.nio.file.Path;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

/**
 * One NetCDF-3 or NetCDF-4/HDF5 variable read by netCDF-Java (UCAR CDM). The chunk grid is the HDF5 chunking where
 * there is one (_ChunkSizes), one record for record variables, otherwise the whole variable. netCDF-Java reads any
 * box itself, so regions are read in one call; calls on one file are serialised (NetcdfFile is not thread-safe).
 */
public final class NetcdfVariableSource extends Ma2ChunkSource {
  static final String BACKEND = "netcdf-java";

  private final NetcdfFile nc;
  private final Variable var;

  public NetcdfVariableSource(Path file, String name) {
    this(file, name, true);
  }

  /** {@code checks=false} lets through what netCDF-Java is known to misread (see {@link #refuseKnownMisreads}). */
  public NetcdfVariableSource(Path file, String name, boolean checks) {
    super("netcdf-java:" + name);
    try {
      this.nc = NetcdfFiles.open(file);
      if (name == null || name.isEmpty()) {
        throw new ArrayNotFoundException("netcdf-java needs a variable name (path=...) for " + file);
      }
      Variable v = nc.findVariable(name.startsWith("/") ? name.substring(1) : name);
      if (v == null) {
        throw new ArrayNotFoundException("no variable '" + name + "' in " + file);
      }
      this.var = v;
      if (checks) {
        refuseKnownMisreads(v);
      }
      String format = NetcdfFiles.format(nc);
      DType dtype = NetcdfFiles.dtype(v, format);
      int[] ishape = v.getShape();
      long[] shape = new long[ishape.length];
      for (int i = 0; i < ishape.length; i++) {
        shape[i] = ishape[i];
      }
      Attribute fill = v.findAttribute("_FillValue");
      ArrayInfo.Builder b = ArrayInfo.builder(BACKEND, format, v.getFullName())
          .shape(shape)
          .chunks(chunks(v, ishape))
          .dtype(dtype)
          .fillBits(fill == null || fill.isString() ? null : FillValues.bits(fill.getNumericValue(), dtype))
          .attributes(NetcdfFiles.attributes(v.getAttributes()));
      setInfo(b.build());
    } catch (Throwable t) {
      close(); // closes the file too, when it was opened
      throw Errors.translateOpen(t, "opening variable '" + name + "' of " + file + " with " + BACKEND);
    }
  }

  /**
   * netCDF-Java (cdm 4.5.5) strips an HDF5 chunk's Fletcher32 checksum without checking it, so a damaged chunk of a
   * variable written with {@code fletcher32=True} reads as wrong numbers where netCDF-C refuses it. Such variables are
   * refused unless {@code checks=false}. The filter names come from netCDF-Java's public
   * {@code H5header.Vinfo.getCompression()}, looked up by name so the adapter also compiles against 5.x; when it is
   * not there, nothing is refused.
   */
  static void refuseKnownMisreads(Variable v) {
    Object sp = v.getSPobject();
    if (sp == null) {
      return;
    }
    String filters;
    try {
      filters = String.valueOf(sp.getClass().getMethod("getCompression").invoke(sp));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return;
    }
    if (filters.toLowerCase(java.util.Locale.ROOT).contains("fletcher32")) {
      throw new UnsupportedException("netcdf-java does not verify HDF5 Fletcher32 checksums (it strips them unread): "
          + "a damaged chunk of '" + v.getFullName() + "' (filters: " + filters.trim() + ") would read as wrong "
          + "numbers; pass checks=False to read it without verification");
    }
  }

  private static int[] chunks(Variable v, int[] shape) {
    int[] c = new int[shape.length];
    Attribute cs = v.findAttribute("_ChunkSizes");
    if (cs != null && !cs.isString() && cs.getLength() == shape.length) {
      for (int i = 0; i < c.length; i++) {
        c[i] = Math.max(1, cs.getNumericValue(i).intValue());
      }
      return c;
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.max(1, shape[i]);
    }
    if (v.isUnlimited() && c.length > 0) {
      c[0] = 1;
    }
    return c;
  }

  @Override
  protected ucar.ma2.Array decodeRegion(long[] offset, int[] shape) throws Exception {
    int[] origin = new int[offset.length];
    for (int i = 0; i < origin.length; i++) {
      origin[i] = Math.toIntExact(offset[i]);
    }
    synchronized (nc) {
      try {
        return var.read(origin, shape);
      } catch (java.io.EOFException e) {
        throw new ChunkDecodeException("netcdf-java: " + nc.getLocation() + " ends before the data of '"
            + var.getFullName() + "' (truncated file): " + e, e);
      }
    }
  }

  @Override
  protected ucar.ma2.Array decodeChunk(long[] chunkCoords) throws Exception {
    Grid g = info().grid();
    return decodeRegion(g.chunkOrigin(chunkCoords), g.clippedChunkShape(chunkCoords));
  }

  @Override
  protected boolean parallelDecode() {
    return false;
  }

  @Override
  public byte[] readRawChunk(long[] chunkCoords) {
    throw new UnsupportedException("netcdf-java does not expose a chunk's stored bytes");
  }

  @Override
  protected void closeReader() throws Exception {
    if (nc != null) {
      nc.close();
    }
  }
}
