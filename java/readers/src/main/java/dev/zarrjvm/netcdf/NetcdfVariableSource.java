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
   * For a {@code char} variable read as strings ({@code _Encoding}, as netCDF4-python's chartostring): the length of
   * the last dimension, which is not one of this array's dimensions but the byte length of its elements; else 0.
   */
  private final int stringLength;
  /**
   * With {@code decode="native"}, a NetCDF-3 numeric variable's stored (big-endian) bytes are copied by netCDF-Java's
   * own {@code readToByteChannel} straight into Arrow memory and swapped there, instead of netCDF-Java decoding them
   * element by element into a Java array that is then copied again (see {@link #readRegionInto}).
   */
  private final boolean rawBytes;

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
      String filters = filters(v);
      if (v.getDataType() == ucar.ma2.DataType.STRING && filters != null && !filters.isBlank()) {
        throw new UnsupportedException("netcdf-java " + NetcdfFiles.cdmVersion() + " cannot read the variable-length "
            + "strings of '" + v.getFullName() + "', an HDF5 dataset with filters (" + filters.trim() + "): its "
            + "H5iosp fails with IllegalStateException on every read of filtered vlen chunks; try backend='jhdf'");
      }
      if (NetcdfFiles.hdf5Facts(v).nullDataspace()) {
        throw new UnsupportedException("netcdf-java: HDF5 dataset '" + v.getFullName() + "' has a null dataspace (no "
            + "elements, not even one: h5py reads it as h5py.Empty); zarrjvm has no array to hand over for it");
      }
      String format = NetcdfFiles.format(nc);
      DType dtype = NetcdfFiles.dtype(v, format);
      int[] ishape = v.getShape();
      int[] ichunks = chunks(v, ishape);
      if (dtype.isList()) { // netCDF-Java shows the sequences as a last dimension of length -1
        ishape = java.util.Arrays.copyOf(ishape, ishape.length - 1);
        ichunks = java.util.Arrays.copyOf(ichunks, Math.min(ichunks.length, ishape.length));
        for (int i = 0; i < ichunks.length; i++) {
          ichunks[i] = Math.max(1, Math.min(ichunks[i], ishape[i]));
        }
        int[] hdf5 = NetcdfFiles.hdf5Facts(v).dataspace();
        if (hdf5 != null && hdf5.length != ishape.length && Grid.size(hdf5) == 1 && Grid.size(ishape) == 1) {
          // netCDF-Java 4.5.5 shows a one-element vlen dataset (h5py: shape (1,)) as a scalar: h5py's shape is kept
          ishape = hdf5;
          ichunks = hdf5.clone();
        }
      }
      if (v.getDataType() == ucar.ma2.DataType.STRING) {
        refuseChunkOrderedStrings(v, ishape, ichunks);
      }
      java.util.List<String> dims = NetcdfFiles.dimensionNames(v);
      if (dims != null && dims.size() > ishape.length) {
        dims = dims.subList(0, ishape.length);
      }
      String encoding = NetcdfFiles.charEncoding(v);
      int fixedString = NetcdfFiles.hdf5Facts(v).fixedStringSize();
      boolean collapse = encoding != null;
      if (fixedString > 1 && v.getDataType() == ucar.ma2.DataType.CHAR && ishape.length > 0
          && ishape[ishape.length - 1] == fixedString) {
        collapse = true; // an HDF5 fixed-length string: one element of |S<n>, as h5py reads it
        encoding = "bytes";
      }
      if (collapse) {
        int n = ishape[ishape.length - 1];
        if (n == 0) {
          throw new UnsupportedException("netcdf-java: char variable '" + v.getFullName() + "' has _Encoding '"
              + encoding + "' and a last dimension of length 0: strings of no characters have no numpy type");
        }
        stringLength = n;
        dtype = DType.bytes(n);
        ishape = java.util.Arrays.copyOf(ishape, ishape.length - 1);
        ichunks = java.util.Arrays.copyOf(ichunks, ichunks.length - 1);
        dims = dims == null ? null : dims.subList(0, dims.size() - 1);
        boolean decode = !(encoding.equals("none") || encoding.equals("None") || encoding.equals("bytes"));
        encoding = decode ? encoding : null;
      } else {
        stringLength = 0;
      }
      long[] shape = new long[ishape.length];
      for (int i = 0; i < ishape.length; i++) {
        shape[i] = ishape[i];
      }
      Attribute fill = dtype.isNumeric() ? v.findAttribute("_FillValue") : null;
      java.util.Set<String> synthesised = NetcdfFiles.synthesised(v);
      ArrayInfo.Builder b = ArrayInfo.builder(NetcdfBackend.NAME, format, v.getFullName())
          .shape(shape)
          .chunks(ichunks)
          .dtype(dtype)
          .fillBits(fill == null || fill.isString() ? null : FillValues.bits(fill.getNumericValue(), dtype))
          .attributes(NetcdfFiles.attributes(v.getAttributes(), synthesised))
          .attributeTypes(NetcdfFiles.attributeTypes(v.getAttributes(), synthesised))
          .dimensionNames(dims)
          .textEncoding(encoding)
          .charStrings(stringLength > 0 && fixedString <= 1)
          .enumMapping(NetcdfFiles.enumMapping(v, dtype))
          .fields(NetcdfFiles.structFields(v));
      if (stringLength > 0 && fixedString > 1) {
        b.note("HDF5 fixed-length strings of " + stringLength + " bytes: netCDF-Java's extra character dimension is "
            + "read as the bytes of each string, as h5py reads them");
      } else if (stringLength > 0) {
        b.note("char variable with _Encoding: its last dimension (" + stringLength + " characters) is read as "
            + "strings, as netCDF4-python's chartostring does");
      }
      rawBytes = options.nativeDecode() && format.equals("netcdf3") && dtype.isNumeric() && !dtype.isBool()
          && stringLength == 0 && !(v instanceof ucar.nc2.Structure);
      if (rawBytes) {
        b.decoding("native: netCDF-Java copies the stored big-endian bytes (readToByteChannel) into Arrow memory, "
            + "swapped there to little-endian");
      }
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
    String filters = filters(v);
    if (filters != null && filters.toLowerCase(java.util.Locale.ROOT).contains("fletcher32")) {
      throw new UnsupportedException("netcdf-java does not verify HDF5 Fletcher32 checksums (it strips them unread): "
          + "a damaged chunk of '" + v.getFullName() + "' (filters: " + filters.trim() + ") would read as wrong "
          + "numbers; pass checks=False to read it without verification");
    }
  }

  /**
   * netCDF-Java 4.5.5 hands over the strings of a chunked vlen-string dataset in the order its chunks are stored, read
   * as if they were C order (measured: chunks of shape (7, 1) over (7, 2) read s0, s2, s4, ... where h5py reads s0,
   * s1, s2, ...). That is the right order only when every chunk spans whole rows (each dimension after the first
   * whole); other chunkings are refused rather than read as strings in the wrong places.
   */
  private static void refuseChunkOrderedStrings(Variable v, int[] shape, int[] chunks) {
    for (int k = 1; k < shape.length; k++) {
      if (chunks[k] < shape[k]) {
        throw new UnsupportedException("netcdf-java " + NetcdfFiles.cdmVersion() + " reads the variable-length "
            + "strings of '" + v.getFullName() + "' (chunks " + java.util.Arrays.toString(chunks) + " of shape "
            + java.util.Arrays.toString(shape) + ") in chunk storage order, not in their places: strings of chunked "
            + "datasets are read only when each chunk spans whole rows; try backend='jhdf'");
      }
    }
  }

  /** The HDF5 filter names netCDF-Java lists for a variable (its public Vinfo.getCompression()), or null. */
  static String filters(Variable v) {
    Object sp = v.getSPobject();
    if (sp == null) {
      return null;
    }
    try {
      Object f = sp.getClass().getMethod("getCompression").invoke(sp);
      return f == null ? null : f.toString();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
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
    if (info().dtype.isList()) {
      return sequences(offset, shape);
    }
    int[] origin = new int[offset.length + (stringLength > 0 ? 1 : 0)];
    for (int i = 0; i < offset.length; i++) {
      origin[i] = Math.toIntExact(offset[i]);
    }
    if (stringLength > 0) {
      shape = java.util.Arrays.copyOf(shape, shape.length + 1);
      shape[shape.length - 1] = stringLength;
    }
    synchronized (nc) {
      try {
        if (var instanceof ucar.nc2.Structure) {
          return records((ucar.ma2.ArrayStructure) var.read(origin, shape));
        }
        return var.read(origin, shape);
      } catch (java.io.EOFException e) {
        throw new ChunkDecodeException("netcdf-java: " + nc.getLocation() + " ends before the data of '"
            + var.getFullName() + "' (truncated file): " + e, e);
      }
    }
  }

  @Override
  protected boolean readRegionInto(long[] offset, int[] shape, org.apache.arrow.memory.ArrowBuf dst) throws Exception {
    if (!rawBytes) {
      return false;
    }
    int[] origin = new int[offset.length];
    for (int i = 0; i < offset.length; i++) {
      origin[i] = Math.toIntExact(offset[i]);
    }
    int size = info().dtype.itemSize;
    long need = Grid.size(shape) * size;
    ArrowBufChannel into = new ArrowBufChannel(dst, need);
    synchronized (nc) {
      var.readToByteChannel(new ucar.ma2.Section(origin, shape), into);
    }
    if (into.written != need) {
      throw new ChunkDecodeException("netcdf-java: " + nc.getLocation() + " gave " + into.written + " bytes for "
          + java.util.Arrays.toString(shape) + " of '" + var.getFullName() + "', expected " + need
          + " (truncated file?)");
    }
    ArrowBufChannel.toLittleEndian(dst, need, size);
    return true;
  }

  /**
   * Compound elements as their bytes in this array's structured layout (info().fields: packed, little-endian), from
   * the values netCDF-Java decoded.
   */
  private ucar.ma2.Array records(ucar.ma2.ArrayStructure a) {
    java.util.List<java.util.List<Object>> fields = info().fields;
    int size = info().dtype.itemSize;
    int n = Math.toIntExact(a.getSize());
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(n * size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    ucar.ma2.StructureMembers members = a.getStructureMembers();
    ucar.ma2.StructureMembers.Member[] ms = new ucar.ma2.StructureMembers.Member[fields.size()];
    for (int k = 0; k < ms.length; k++) {
      ms[k] = members.findMember((String) fields.get(k).get(0));
    }
    for (int i = 0; i < n; i++) {
      ucar.ma2.StructureData sd = a.getStructureData(i);
      for (int k = 0; k < ms.length; k++) {
        int at = i * size + ((Number) fields.get(k).get(2)).intValue();
        ucar.ma2.DataType t = ms[k].getDataType();
        if (t == ucar.ma2.DataType.BYTE) {
          out.put(at, sd.getScalarByte(ms[k]));
        } else if (t == ucar.ma2.DataType.SHORT) {
          out.putShort(at, sd.getScalarShort(ms[k]));
        } else if (t == ucar.ma2.DataType.INT) {
          out.putInt(at, sd.getScalarInt(ms[k]));
        } else if (t == ucar.ma2.DataType.LONG) {
          out.putLong(at, sd.getScalarLong(ms[k]));
        } else if (t == ucar.ma2.DataType.FLOAT) {
          out.putFloat(at, sd.getScalarFloat(ms[k]));
        } else if (t == ucar.ma2.DataType.DOUBLE) {
          out.putDouble(at, sd.getScalarDouble(ms[k]));
        } else {
          throw new ChunkDecodeException("netcdf-java decoded member '" + ms[k].getName() + "' of '"
              + var.getFullName() + "' as " + t);
        }
      }
    }
    return ucar.ma2.Array.factory(ucar.ma2.DataType.BYTE, new int[] {n * size}, out.array());
  }

  private Object[] allSequences;

  /**
   * A box of a vlen variable: netCDF-Java 4.5.5 reads vlen data only whole (its section reads fail on the -1
   * dimension), so the variable is read once, kept, and boxes are cut from it (one Java array per sequence).
   */
  private ucar.ma2.Array sequences(long[] offset, int[] shape) throws java.io.IOException {
    Object[] all;
    synchronized (nc) {
      if (allSequences == null) {
        ucar.ma2.Array whole;
        try {
          whole = QuietStdout.capture(var::read, new java.util.ArrayList<>()); // its stack traces go with its failures
        } catch (IllegalStateException e) {
          if (!(e.getCause() instanceof ucar.ma2.InvalidRangeException)) {
            throw e;
          }
          // measured on PyTables' VLArray datasets (h5py and jhdf read them): H5iosp builds a section of the wrong rank
          throw new UnsupportedException("netCDF-Java " + NetcdfFiles.cdmVersion() + " cannot read the vlen variable '"
              + var.getFullName() + "': its HDF5 layer fails with '" + e.getCause().getMessage() + "' on every read of "
              + "it (try backend='jhdf')", e);
        } catch (java.io.IOException e) {
          throw emptySequence(e);
        }
        Object[] flat;
        if (whole.getDataType() != ucar.ma2.DataType.OBJECT && Grid.size(info().shape) == 1) {
          flat = new Object[] {whole.copyTo1DJavaArray()}; // a single sequence is handed over as itself
        } else {
          flat = new Object[Math.toIntExact(whole.getSize())];
          ucar.ma2.IndexIterator it = whole.getIndexIterator();
          for (int i = 0; i < flat.length; i++) {
            Object o = it.getObjectNext();
            flat[i] = o instanceof ucar.ma2.Array a ? a.copyTo1DJavaArray() : o;
          }
        }
        if (flat.length != Grid.size(info().shape)) {
          throw new ChunkDecodeException("netcdf-java read " + flat.length + " sequences of '" + var.getFullName()
              + "' of shape " + java.util.Arrays.toString(info().shape));
        }
        allSequences = flat;
      }
      all = allSequences;
    }
    Object[] box = Grid.box(all, info().shape, offset, shape);
    return ucar.ma2.Array.factory(ucar.ma2.DataType.OBJECT, shape, box);
  }

  /**
   * netCDF-Java 4.5.5 fails on a vlen element of length 0, which HDF5 stores at heap address 0 (H5header
   * .getHeapDataArray: "Illegal Heap address, HeapObject =  nelems=0 heapAddress=0"): refused by that cause; any other
   * I/O failure is passed on.
   */
  private java.io.IOException emptySequence(java.io.IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("Illegal Heap address") && m.contains("nelems=0")) {
        throw new UnsupportedException("netcdf-java " + NetcdfFiles.cdmVersion() + " cannot read the vlen variable '"
            + var.getFullName() + "': it has an empty sequence (stored at HDF5 heap address 0), on which netCDF-Java "
            + "fails ('" + m.trim() + "'); try backend='jhdf'", e);
      }
    }
    return e;
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
