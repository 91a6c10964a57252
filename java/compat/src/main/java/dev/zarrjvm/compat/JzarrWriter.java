package dev.zarrjvm.compat;

import com.bc.zarr.ArrayParams;
import com.bc.zarr.Compressor;
import com.bc.zarr.CompressorFactory;
import com.bc.zarr.DataType;
import com.bc.zarr.DimensionSeparator;
import com.bc.zarr.ZarrArray;
import com.bc.zarr.ZarrGroup;
import com.bc.zarr.ZarrUtils;
import com.bc.zarr.storage.FileSystemStore;
import com.bc.zarr.storage.Store;
import com.bc.zarr.ucar.NetCDF_Util;
import com.bc.zarr.ucar.PartialDataCopier;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.errors.UnsupportedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.arrow.vector.FieldVector;

/**
 * jzarr (dev.zarr:jzarr) writing Zarr v2 through its public API: {@code ArrayParams}, {@code ZarrGroup.create/
 * createSubGroup/createArray}, {@code ZarrArray.create} and {@code ZarrArray.write(data, shape, offset)}.
 *
 * <p>On cdm 4.5.5 {@code ZarrArray.write} cannot link ({@code ucar.ma2.DataType.getType(Class, boolean)}), nor can any
 * {@code ChunkReaderWriter.write} ({@code Array.get1DJavaArray(DataType)}): both are netCDF-Java 5.x methods. With
 * {@code shims}, zarrjvm then drives jzarr's own lower-level pieces chunk by chunk, in {@code ZarrArray.write}'s order:
 * {@code ZarrUtils.computeChunkIndices}, {@code createChunkFilename}, {@code NetCDF_Util.createFilledArray},
 * {@code PartialDataCopier.copy}, the array's {@code Compressor} and {@code Store}. zarrjvm's part is the element
 * serialisation, done as jzarr's chunk writers do it (an {@code ImageOutputStream} in the array's byte order).
 */
final class JzarrWriter implements JavaWriter {
  static final int LEVEL_ZLIB = 5;
  static final int LEVEL_BLOSC = 5;

  @Override
  public String name() {
    return "jzarr";
  }

  @Override
  public List<String> write(Path storePath, WriteSpec spec, FieldVector data, boolean shims) throws Exception {
    if (!spec.format.equals("zarr-v2")) {
      throw new UnsupportedException("jzarr writes zarr-v2 only, not " + spec.format);
    }
    if (spec.order != 'C') {
      throw new UnsupportedException("jzarr's ArrayParams has no 'order': it writes C order only");
    }
    DataType type = type(spec.dtype);
    ArrayParams params = new ArrayParams()
        .shape(spec.shape.length == 0 ? new int[0] : toInts(spec.shape))
        .chunks(spec.chunks)
        .dataType(type)
        .byteOrder(spec.dtype.byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
        .fillValue((Number) spec.fillNumber())
        .compressor(compressor(spec))
        .dimensionSeparator("/".equals(spec.separator) ? DimensionSeparator.SLASH : DimensionSeparator.DOT);
    Store store = new FileSystemStore(storePath);
    ZarrArray array;
    List<String> groups = spec.groups();
    if (groups.isEmpty() && spec.path.isEmpty()) {
      array = ZarrArray.create(store, params, spec.attrs.isEmpty() ? null : spec.attrs);
    } else {
      ZarrGroup g = ZarrGroup.create(store, null);
      for (String name : groups) {
        g = g.createSubGroup(name);
      }
      array = g.createArray(spec.name(), params, spec.attrs.isEmpty() ? null : spec.attrs);
    }
    Object values = ArrowToMa2.storage(data, spec.dtype);
    List<String> notes = new ArrayList<>();
    if (shims && !BuildInfo.hasUnsignedTypes()) {
      writeByChunks(array, store, spec, values);
      notes.add("jzarr chunk shim: ZarrArray.write and ChunkReaderWriter.write need netCDF-Java 5.x methods "
          + "(DataType.getType(Class, boolean), Array.get1DJavaArray(DataType); " + BuildInfo.describeCdm() + "): "
          + "zarrjvm drives jzarr's own chunk indexing, fill, partial copy, compressor and store, and serialises the "
          + "elements as jzarr's chunk writers do");
    } else {
      array.write(values, spec.regionShape, spec.regionOffset);
    }
    return notes;
  }

  static DataType type(DType d) {
    return switch (d.kind + "" + d.itemSize) {
      case "i1" -> DataType.i1;
      case "u1" -> DataType.u1;
      case "i2" -> DataType.i2;
      case "u2" -> DataType.u2;
      case "i4" -> DataType.i4;
      case "u4" -> DataType.u4;
      case "i8" -> DataType.i8;
      case "f4" -> DataType.f4;
      case "f8" -> DataType.f8;
      default -> throw new UnsupportedException("jzarr's DataType has no " + d.kind + d.itemSize + " (it has "
          + java.util.Arrays.toString(DataType.values()) + ")");
    };
  }

  static Compressor compressor(WriteSpec spec) {
    List<String> parts = spec.codecParts();
    if (parts.isEmpty()) {
      return CompressorFactory.nullCompressor;
    }
    if (parts.size() > 1) {
      throw new UnsupportedException("Zarr v2 has one compressor, not " + parts);
    }
    String part = parts.get(0);
    if (part.equals("zlib")) {
      return CompressorFactory.create("zlib", "level", LEVEL_ZLIB);
    }
    if (part.startsWith("blosc-")) {
      String[] cs = WriteSpec.blosc(part);
      int shuffle = switch (cs[1]) {
        case "noshuffle" -> 0;
        case "shuffle" -> 1;
        case "bitshuffle" -> 2;
        default -> throw new UnsupportedException("unknown blosc shuffle '" + cs[1] + "'");
      };
      return CompressorFactory.create("blosc", "cname", cs[0], "clevel", LEVEL_BLOSC, "shuffle", shuffle);
    }
    throw new UnsupportedException("jzarr has no Zarr v2 compressor '" + part + "' (CompressorFactory: null, zlib, "
        + "blosc)");
  }

  /** {@code ZarrArray.write(data, shape, offset)} step by step with jzarr's own pieces (see the class comment). */
  static void writeByChunks(ZarrArray array, Store store, WriteSpec spec, Object values) throws Exception {
    int[] shape = array.getShape();
    int[] chunks = array.getChunks();
    int[] dataShape = spec.regionShape;
    int[] offset = spec.regionOffset;
    ucar.ma2.DataType ma2Type = NetCDF_Util.getDataType(array.getDataType());
    ucar.ma2.Array source = ucar.ma2.Array.factory(ma2Type, dataShape, values);
    String sep = array.getDimensionSeparator().getSeparatorChar();
    for (int[] chunkIndex : ZarrUtils.computeChunkIndices(shape, chunks, dataShape, offset)) {
      int[] from = new int[chunkIndex.length];
      for (int i = 0; i < from.length; i++) {
        from[i] = chunkIndex[i] * chunks[i] - offset[i];
      }
      ucar.ma2.Array target = NetCDF_Util.createFilledArray(ma2Type, chunks, array.getFillValue());
      PartialDataCopier.copy(from, source, target);
      String key = ZarrUtils.normalizeStoragePath(spec.path + "/" + ZarrUtils.createChunkFilename(chunkIndex, sep));
      byte[] raw = serialise(target, array.getByteOrder());
      try (InputStream is = new ByteArrayInputStream(raw); OutputStream os = store.getOutputStream(key)) {
        array.getCompressor().compress(is, os);
      }
    }
  }

  /** The chunk's elements as jzarr's ChunkReaderWriterImpl_* write them: an ImageOutputStream in {@code order}. */
  static byte[] serialise(ucar.ma2.Array chunk, ByteOrder order) throws java.io.IOException {
    Object storage = chunk.copyTo1DJavaArray();
    if (storage instanceof byte[] b) {
      return b;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
      ios.setByteOrder(order);
      if (storage instanceof short[] a) {
        ios.writeShorts(a, 0, a.length);
      } else if (storage instanceof int[] a) {
        ios.writeInts(a, 0, a.length);
      } else if (storage instanceof long[] a) {
        ios.writeLongs(a, 0, a.length);
      } else if (storage instanceof float[] a) {
        ios.writeFloats(a, 0, a.length);
      } else if (storage instanceof double[] a) {
        ios.writeDoubles(a, 0, a.length);
      } else {
        throw new IllegalStateException("cannot serialise " + storage.getClass().getSimpleName());
      }
    }
    return bytes.toByteArray();
  }

  static int[] toInts(long[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.toIntExact(v[i]);
    }
    return out;
  }
}
