package dev.zarrjvm.compat;

import dev.zarr.zarrjava.core.Attributes;
import dev.zarr.zarrjava.core.chunkkeyencoding.Separator;
import dev.zarr.zarrjava.core.codec.core.BytesCodec.Endian;
import dev.zarr.zarrjava.store.FilesystemStore;
import dev.zarr.zarrjava.store.StoreHandle;
import dev.zarr.zarrjava.v2.Order;
import dev.zarr.zarrjava.v3.codec.CodecBuilder;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.errors.UnsupportedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * zarr-java (dev.zarr:zarr-java) writing Zarr v2 and v3 through its public API: {@code ArrayMetadataBuilder},
 * {@code Group.create/createGroup/createArray}, {@code Array.create} and {@code Array.write(offset, ucar.ma2.Array)}.
 * With {@code shims}, the element serialisation zarr-java cannot link on cdm 4.5.5 is routed through
 * {@link ZarrJavaChunkShim}; metadata, chunk keys and every other codec stay zarr-java's.
 */
final class ZarrJavaWriter implements JavaWriter {
  static final int LEVEL_ZLIB = 5;
  static final int LEVEL_GZIP = 5;
  static final int LEVEL_ZSTD = 3;
  static final int LEVEL_BLOSC = 5;

  @Override
  public String name() {
    return "zarr-java";
  }

  @Override
  public List<String> write(Path store, WriteSpec spec, FieldVector data, boolean shims) throws Exception {
    StoreHandle root = new StoreHandle(new FilesystemStore(store));
    ucar.ma2.Array values = ArrowToMa2.toMa2(data, spec.dtype, spec.regionShape);
    dev.zarr.zarrjava.core.Array array = switch (spec.format) {
      case "zarr-v2" -> createV2(root, spec);
      case "zarr-v3" -> createV3(root, spec);
      default -> throw new UnsupportedException("zarr-java writes zarr-v2 and zarr-v3, not " + spec.format);
    };
    long[] offset = new long[spec.regionOffset.length];
    for (int i = 0; i < offset.length; i++) {
      offset[i] = spec.regionOffset[i];
    }
    List<String> notes = new ArrayList<>();
    if (shims && ZarrJavaChunkShim.needed(spec)) {
      notes.add(ZarrJavaChunkShim.write(array, offset, values));
    } else {
      array.write(offset, values);
    }
    return notes;
  }

  // -- Zarr v2 ------------------------------------------------------------------------------------------------------
  static dev.zarr.zarrjava.v2.Array createV2(StoreHandle root, WriteSpec spec) throws Exception {
    dev.zarr.zarrjava.v2.ArrayMetadataBuilder b = dev.zarr.zarrjava.v2.Array.metadataBuilder()
        .withShape(spec.shape)
        .withChunks(spec.chunks)
        .withDataType(v2Type(spec.dtype))
        .withOrder(spec.order == 'F' ? Order.F : Order.C)
        .withDimensionSeparator("/".equals(spec.separator) ? Separator.SLASH : Separator.DOT)
        .withFillValue(spec.fillNumber());
    List<String> parts = spec.codecParts();
    if (parts.size() > 1) {
      throw new UnsupportedException("Zarr v2 has one compressor, not " + parts);
    }
    for (String part : parts) {
      if (part.equals("zlib")) {
        b.withZlibCompressor(LEVEL_ZLIB);
      } else if (part.startsWith("blosc-")) {
        String[] cs = WriteSpec.blosc(part);
        b.withBloscCompressor(cs[0], cs[1], LEVEL_BLOSC);
      } else {
        throw new UnsupportedException("zarr-java has no Zarr v2 compressor '" + part + "'");
      }
    }
    if (!spec.attrs.isEmpty()) {
      b.withAttributes(new Attributes(spec.attrs));
    }
    dev.zarr.zarrjava.v2.ArrayMetadata meta = b.build();
    List<String> groups = spec.groups();
    if (groups.isEmpty()) {
      return dev.zarr.zarrjava.v2.Array.create(resolve(root, spec.path), meta);
    }
    dev.zarr.zarrjava.v2.Group g = dev.zarr.zarrjava.v2.Group.create(root);
    for (String name : groups) {
      g = g.createGroup(name);
    }
    return g.createArray(spec.name(), meta);
  }

  static dev.zarr.zarrjava.v2.DataType v2Type(DType d) {
    if (d.byteOrder == '>') {
      throw new UnsupportedException("zarr-java's v2 DataType has no big-endian types (" + d + ")");
    }
    return switch (d.kind + "" + d.itemSize) {
      case "b1" -> dev.zarr.zarrjava.v2.DataType.BOOL;
      case "i1" -> dev.zarr.zarrjava.v2.DataType.INT8;
      case "i2" -> dev.zarr.zarrjava.v2.DataType.INT16;
      case "i4" -> dev.zarr.zarrjava.v2.DataType.INT32;
      case "i8" -> dev.zarr.zarrjava.v2.DataType.INT64;
      case "u1" -> dev.zarr.zarrjava.v2.DataType.UINT8;
      case "u2" -> dev.zarr.zarrjava.v2.DataType.UINT16;
      case "u4" -> dev.zarr.zarrjava.v2.DataType.UINT32;
      case "u8" -> dev.zarr.zarrjava.v2.DataType.UINT64;
      case "f4" -> dev.zarr.zarrjava.v2.DataType.FLOAT32;
      default -> dev.zarr.zarrjava.v2.DataType.FLOAT64;
    };
  }

  // -- Zarr v3 ------------------------------------------------------------------------------------------------------
  static dev.zarr.zarrjava.v3.Array createV3(StoreHandle root, WriteSpec spec) throws Exception {
    dev.zarr.zarrjava.v3.DataType type = v3Type(spec.dtype);
    dev.zarr.zarrjava.v3.ArrayMetadataBuilder b = dev.zarr.zarrjava.v3.Array.metadataBuilder()
        .withShape(spec.shape)
        .withDataType(type)
        .withChunkShape(spec.shards != null ? spec.shards : spec.chunks)
        .withFillValue(spec.fillNumber())
        .withDefaultChunkKeyEncoding(".".equals(spec.separator) ? Separator.DOT : Separator.SLASH);
    if (spec.shards != null) {
      b.withCodecs(c -> c.withSharding(spec.chunks, inner -> codecs(inner, spec), spec.indexLocation));
    } else {
      b.withCodecs(c -> codecs(c, spec));
    }
    if (!spec.attrs.isEmpty()) {
      b.withAttributes(new Attributes(spec.attrs));
    }
    dev.zarr.zarrjava.v3.ArrayMetadata meta = b.build();
    List<String> groups = spec.groups();
    if (groups.isEmpty()) {
      return dev.zarr.zarrjava.v3.Array.create(resolve(root, spec.path), meta);
    }
    dev.zarr.zarrjava.v3.Group g = dev.zarr.zarrjava.v3.Group.create(root);
    for (String name : groups) {
      g = g.createGroup(name);
    }
    return g.createArray(spec.name(), meta);
  }

  /** The array → bytes → bytes chain of the case, with zarr-java's CodecBuilder. */
  static CodecBuilder codecs(CodecBuilder c, WriteSpec spec) {
    if (spec.order == 'F') {
      int n = spec.shape.length;
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = n - 1 - i;
      }
      c = c.withTranspose(order);
    }
    c = c.withBytes(spec.dtype.byteOrder == '>' ? Endian.BIG : Endian.LITTLE);
    for (String part : spec.codecParts()) {
      if (part.equals("gzip")) {
        c = c.withGzip(LEVEL_GZIP);
      } else if (part.equals("zstd")) {
        c = c.withZstd(LEVEL_ZSTD, false);
      } else if (part.equals("crc32c")) {
        c = c.withCrc32c();
      } else if (part.startsWith("blosc-")) {
        String[] cs = WriteSpec.blosc(part);
        c = c.withBlosc(cs[0], cs[1], LEVEL_BLOSC);
      } else {
        throw new UnsupportedException("zarr-java has no Zarr v3 codec '" + part + "'");
      }
    }
    return c;
  }

  static dev.zarr.zarrjava.v3.DataType v3Type(DType d) {
    return switch (d.kind + "" + d.itemSize) {
      case "b1" -> dev.zarr.zarrjava.v3.DataType.BOOL;
      case "i1" -> dev.zarr.zarrjava.v3.DataType.INT8;
      case "i2" -> dev.zarr.zarrjava.v3.DataType.INT16;
      case "i4" -> dev.zarr.zarrjava.v3.DataType.INT32;
      case "i8" -> dev.zarr.zarrjava.v3.DataType.INT64;
      case "u1" -> dev.zarr.zarrjava.v3.DataType.UINT8;
      case "u2" -> dev.zarr.zarrjava.v3.DataType.UINT16;
      case "u4" -> dev.zarr.zarrjava.v3.DataType.UINT32;
      case "u8" -> dev.zarr.zarrjava.v3.DataType.UINT64;
      case "f4" -> dev.zarr.zarrjava.v3.DataType.FLOAT32;
      default -> dev.zarr.zarrjava.v3.DataType.FLOAT64;
    };
  }

  static StoreHandle resolve(StoreHandle root, String path) {
    return path.isEmpty() ? root : root.resolve(path.split("/"));
  }
}
