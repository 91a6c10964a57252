package dev.zarrjvm.spark;

import dev.zarrjvm.arrow.ChunkVectors;
import dev.zarrjvm.model.DType;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * How a Zarr dtype becomes a Spark column. Signed integers and floats are handed to Spark's {@code ArrowColumnVector}
 * as decoded (no copy). Spark has no unsigned types and {@code ArrowColumnVector} reads no unsigned Arrow vectors, so
 * unsigned values are widened to the next signed type that holds every value (uint8→short, uint16→int, uint32→long,
 * uint64→decimal(20,0)); bool, decoded one byte per element, becomes Arrow's bit-packed boolean. Those conversions are
 * one extra copy per batch, for those columns only.
 */
public final class SparkColumns {
  private SparkColumns() {}

  public static DataType sparkType(DType dt) {
    return switch (dt.kind) {
      case 'b' -> DataTypes.BooleanType;
      case 'f' -> dt.itemSize == 4 ? DataTypes.FloatType : DataTypes.DoubleType;
      case 'i' -> signed(dt.itemSize);
      default -> dt.itemSize == 8 ? DataTypes.createDecimalType(20, 0) : signed(dt.itemSize * 2);
    };
  }

  private static DataType signed(int size) {
    return switch (size) {
      case 1 -> DataTypes.ByteType;
      case 2 -> DataTypes.ShortType;
      case 4 -> DataTypes.IntegerType;
      default -> DataTypes.LongType;
    };
  }

  /** The element type Spark's vector holds for {@code dt} (bool: one byte here; uint64: not representable, null). */
  public static DType sparkDType(DType dt) {
    if (dt.kind == 'f' || dt.kind == 'i' || dt.isBool()) {
      return new DType(dt.kind, dt.itemSize, dt.itemSize == 1 ? '|' : '<');
    }
    return dt.itemSize == 8 ? null : new DType('i', dt.itemSize * 2, '<');
  }

  /** The note a widened column carries in its schema metadata, or null when values are handed over as stored. */
  public static String widening(DType dt) {
    if (!dt.isUnsigned()) {
      return null;
    }
    return dt.v3Name() + " stored; Spark has no unsigned types, so values are widened to "
        + sparkType(dt).simpleString() + " (every value kept exactly; one copy per batch)";
  }

  /**
   * The vector Spark reads for {@code decoded} (a vector from {@code ChunkSource.readRegion}): {@code decoded} itself,
   * or a converted copy, in which case {@code decoded} is closed.
   */
  public static FieldVector toSpark(FieldVector decoded, DType dt, BufferAllocator allocator) {
    if (dt.kind == 'i' || dt.kind == 'f') {
      return decoded;
    }
    try (FieldVector src = decoded) {
      int n = src.getValueCount();
      ArrowBuf in = src.getDataBuffer();
      if (dt.isBool()) {
        return bits(in, n, allocator);
      }
      if (dt.itemSize == 8) {
        return unsignedLongs(in, n, allocator);
      }
      DType wide = new DType('i', dt.itemSize * 2, '<');
      FieldVector out = ChunkVectors.allocate(src.getName(), wide, n, allocator);
      ArrowBuf o = out.getDataBuffer();
      switch (dt.itemSize) {
        case 1 -> {
          for (int i = 0; i < n; i++) {
            o.setShort(2L * i, (short) (in.getByte(i) & 0xFF));
          }
        }
        case 2 -> {
          for (int i = 0; i < n; i++) {
            o.setInt(4L * i, in.getShort(2L * i) & 0xFFFF);
          }
        }
        default -> {
          for (int i = 0; i < n; i++) {
            o.setLong(8L * i, in.getInt(4L * i) & 0xFFFFFFFFL);
          }
        }
      }
      return out;
    }
  }

  private static FieldVector bits(ArrowBuf in, int n, BufferAllocator allocator) {
    BitVector out = new BitVector("value", allocator);
    try {
      out.allocateNew(n);
      for (int i = 0; i < n; i++) {
        out.set(i, in.getByte(i) != 0 ? 1 : 0);
      }
      out.setValueCount(n);
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  /** uint64 as decimal(20,0): Arrow's decimal is a 128-bit little-endian integer; the high half is zero. */
  private static FieldVector unsignedLongs(ArrowBuf in, int n, BufferAllocator allocator) {
    DecimalVector out = new DecimalVector("value", allocator, 20, 0);
    try {
      out.allocateNew(n);
      ArrowBuf o = out.getDataBuffer();
      for (int i = 0; i < n; i++) {
        o.setLong(16L * i, in.getLong(8L * i));
        o.setLong(16L * i + 8, 0L);
        out.setIndexDefined(i);
      }
      out.setValueCount(n);
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }
}
