package dev.zarrjvm.compat;

import dev.zarr.zarrjava.core.codec.ArrayArrayCodec;
import dev.zarr.zarrjava.core.codec.ArrayBytesCodec;
import dev.zarr.zarrjava.core.codec.BytesBytesCodec;
import dev.zarr.zarrjava.core.codec.Codec;
import dev.zarr.zarrjava.store.StoreHandle;
import dev.zarr.zarrjava.utils.IndexingUtils;
import dev.zarr.zarrjava.utils.MultiArrayUtils;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.runtime.BuildInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * zarr-java's chunk write on cdm 4.5.5 for integer dtypes. zarr-java's {@code BytesCodec.encode} serialises integer
 * chunks with {@code ucar.ma2.Array.getDataAsByteBuffer(ByteOrder)} (netCDF-Java 5.x only: {@code NoSuchMethodError}),
 * and for unsigned dtypes a partial chunk starts from {@code allocateFillValueChunk()}, which needs
 * {@code DataType.UBYTE…ULONG} ({@code NoSuchFieldError}).
 *
 * <p>This shim does what {@code core.Array.write}/{@code writeChunk} do, chunk by chunk, with zarr-java's own pieces:
 * its chunk grid projection ({@code IndexingUtils}), region copy and fill ({@code MultiArrayUtils}), its chunk key
 * encoding, its array→array codecs (transpose) and bytes→bytes codecs (blosc, gzip, zstd, crc32c, zlib) on the
 * instances of the created array's metadata, and its store. Only two steps are zarrjvm's: the element serialisation
 * in the bytes codec's byte order (what {@code getDataAsByteBuffer} would return) and the fresh chunk a partial chunk
 * starts from (filled with the array's parsed fill value). Sharded arrays are not shimmed: zarr-java's sharding codec
 * builds its index as {@code DataType.ULONG}.
 */
final class ZarrJavaChunkShim {
  private ZarrJavaChunkShim() {}

  /** Whether zarr-java's own write path cannot link for {@code spec} on this build while a shim can route around it. */
  static boolean needed(WriteSpec spec) {
    DType d = spec.dtype;
    return !BuildInfo.hasUnsignedTypes() && (d.kind == 'i' || d.kind == 'u') && spec.shards == null;
  }

  /** Writes {@code values} at {@code offset}; returns the note for the report. */
  static String write(dev.zarr.zarrjava.core.Array array, long[] offset, ucar.ma2.Array values) throws Exception {
    dev.zarr.zarrjava.core.ArrayMetadata meta = array.metadata();
    int[] chunkShape = meta.chunkShape();
    int[] shape = values.getShape();
    List<Codec> codecs = codecs(array);
    ByteOrder order = byteOrder(array);
    Object fill = meta.parsedFillValue();
    for (long[] coords : IndexingUtils.computeChunkCoords(meta.shape, chunkShape, offset, shape)) {
      IndexingUtils.ChunkProjection p = IndexingUtils.computeProjection(coords, meta.shape, chunkShape, offset, shape);
      ucar.ma2.Array chunk = ucar.ma2.Array.factory(values.getDataType(), chunkShape);
      chunk.setUnsigned(values.isUnsigned());
      if (fill != null) {
        MultiArrayUtils.fill(chunk, fill);
      }
      MultiArrayUtils.copyRegion(values, p.outOffset, chunk, p.chunkOffset, p.shape);
      StoreHandle handle = array.storeHandle.resolve(meta.chunkKeyEncoding().encodeChunkKey(coords));
      if (fill != null && MultiArrayUtils.allValuesEqual(chunk, fill)) {
        handle.delete();
      } else {
        handle.set(encode(chunk, codecs, order));
      }
    }
    return "zarr-java chunk shim: element serialisation by zarrjvm in zarr-java's byte order (zarr-java's "
        + "BytesCodec.encode needs ucar.ma2.Array.getDataAsByteBuffer(ByteOrder), netCDF-Java 5.x; "
        + BuildInfo.describeCdm() + "); metadata, chunk keys and the other codecs are zarr-java's";
  }

  /** The codec chain of the created array, as zarr-java's own pipeline holds it (v2: filters, bytes, compressor). */
  static List<Codec> codecs(dev.zarr.zarrjava.core.Array array) {
    List<Codec> out = new ArrayList<>();
    if (array instanceof dev.zarr.zarrjava.v3.Array a3) {
      out.addAll(Arrays.asList(a3.metadata().codecs));
    } else {
      dev.zarr.zarrjava.v2.ArrayMetadata m = ((dev.zarr.zarrjava.v2.Array) array).metadata();
      if (m.filters != null) {
        out.addAll(Arrays.asList(m.filters));
      }
      out.add(null); // the bytes codec's place
      if (m.compressor != null) {
        out.add(m.compressor);
      }
    }
    return out;
  }

  static ByteOrder byteOrder(dev.zarr.zarrjava.core.Array array) {
    if (array instanceof dev.zarr.zarrjava.v3.Array a3) {
      for (Codec c : a3.metadata().codecs) {
        if (c instanceof dev.zarr.zarrjava.v3.codec.core.BytesCodec b && b.configuration != null) {
          return b.configuration.endian.getByteOrder();
        }
      }
      return ByteOrder.LITTLE_ENDIAN;
    }
    return ((dev.zarr.zarrjava.v2.Array) array).metadata().endianness.toEndian().getByteOrder();
  }

  static ByteBuffer encode(ucar.ma2.Array chunk, List<Codec> codecs, ByteOrder order) throws Exception {
    ByteBuffer bytes = null;
    for (Codec c : codecs) {
      if (c instanceof ArrayArrayCodec aa) {
        chunk = aa.encode(chunk);
      } else if (c == null || c instanceof ArrayBytesCodec) {
        bytes = serialise(chunk, order);
      } else if (c instanceof BytesBytesCodec bb) {
        bytes = bb.encode(bytes);
      }
    }
    return bytes;
  }

  /** The chunk's elements in logical C order (views such as a transpose included), in {@code order}. */
  static ByteBuffer serialise(ucar.ma2.Array chunk, ByteOrder order) {
    Object storage = chunk.copyTo1DJavaArray();
    ByteBuffer bb;
    if (storage instanceof byte[] a) {
      bb = ByteBuffer.wrap(a);
      return bb;
    } else if (storage instanceof short[] a) {
      bb = ByteBuffer.allocate(a.length * 2).order(order);
      bb.asShortBuffer().put(a);
    } else if (storage instanceof int[] a) {
      bb = ByteBuffer.allocate(a.length * 4).order(order);
      bb.asIntBuffer().put(a);
    } else if (storage instanceof long[] a) {
      bb = ByteBuffer.allocate(a.length * 8).order(order);
      bb.asLongBuffer().put(a);
    } else {
      throw new IllegalStateException("the shim serialises integer chunks only, not "
          + storage.getClass().getSimpleName());
    }
    return bb;
  }
}
