package dev.zarrjvm.netcdf;

import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.FillValues;
import dev.zarrjvm.model.Grid;
import dev.zarrjvm.backend.ChunkedSource;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

/**
 * One NetCDF-3 or NetCDF-4/HDF5 variable read by netCDF-Java (UCAR CDM). The chunk grid is the HDF5 chunking where
 * there is one (_ChunkSizes), one record for record variables, otherwise the whole variable. netCDF-Java reads any
 * box itself, so regions are read in one call; calls on one file are serialised (NetcdfFile is not thread-safe).
 */
final class NetcdfVariableSource extends ChunkedSource {
  private final SharedFile.Handle file;
  private final NetcdfFile nc;
  private final Variable var;

  /**
   * Takes ownership of {@code file} (closed with this source, or now if opening fails). {@code checks=false} lets
   * through what netCDF-Java is known to misread (see {@link #refuseKnownMisreads}).
   */
  NetcdfVariableSource(SharedFile.Handle file, Variable v, ReaderOptions options) {
    this.file = file;
    this.nc = file.nc();
    this.var = v;
    try {
      if (options.checks()) {
        refuseKnownMisreads(v);
      }
      if (NetcdfFiles.hdf5Facts(v).nullDataspace()) {
        throw new UnsupportedException("netcdf-java: HDF5 dataset '" + v.getFullName() + "' has a null dataspace (no "
            + "elements, not even one: h5py reads it as h5py.Empty); zarrjvm has no array to hand over for it");
      }
      String format = NetcdfFiles.format(nc);
      DType dtype = NetcdfFiles.dtype(v, format);
      int[] ishape = v.getShape();
      long[] shape = new long[ishape.length];
      for (int i = 0; i < ishape.length; i++) {
        shape[i] = ishape[i];
      }
      Attribute fill = v.findAttribute("_FillValue");
      java.util.Set<String> synthesised = NetcdfFiles.synthesised(v);
      ArrayInfo.Builder b = ArrayInfo.builder(NetcdfBackend.NAME, format, v.getFullName())
          .shape(shape)
          .chunks(chunks(v, ishape))
          .dtype(dtype)
          .fillBits(fill == null || fill.isString() ? null : FillValues.bits(fill.getNumericValue(), dtype))
          .attributes(NetcdfFiles.attributes(v.getAttributes(), synthesised))
          .attributeTypes(NetcdfFiles.attributeTypes(v.getAttributes(), synthesised))
          .dimensionNames(NetcdfFiles.dimensionNames(v));
      setInfo(b.build());
    } catch (Throwable t) {
      close(); // releases this source's share of the file
      throw Errors.translate(t, Errors.Phase.OPEN, "opening variable '" + v.getFullName() + "' of " + nc.getLocation()
          + " with " + NetcdfBackend.NAME);
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
  protected void closeReader() {
    file.close();
  }
}
