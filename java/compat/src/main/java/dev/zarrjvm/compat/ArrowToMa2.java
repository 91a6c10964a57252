package dev.zarrjvm.compat;

import dev.zarrjvm.model.DType;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.vector.FieldVector;
import ucar.ma2.DataType;

/**
 * The one copy on the write path: the Java writers take heap arrays ({@code ucar.ma2.Array} or Java primitive
 * arrays), so the elements imported from Python (off-heap, numpy's own memory) are copied once into a heap array of
 * the dtype's width, C order. Unsigned dtypes use the signed storage of the same width with the ma2 unsigned flag
 * (cdm 4.5.5 has no unsigned {@code DataType}s); bool arrives as one byte per element.
 */
public final class ArrowToMa2 {
  private ArrowToMa2() {}

  /** The vector's elements as a Java primitive array (byte[]/short[]/int[]/long[]/float[]/double[]/boolean[]). */
  public static Object storage(FieldVector v, DType dtype) {
    int n = v.getValueCount();
    long bytes = (long) n * dtype.itemSize;
    if (v.getDataBuffer().capacity() < bytes) {
      throw new ChunkDecodeException("imported buffer holds " + v.getDataBuffer().capacity() + " bytes, " + n
          + " elements of " + dtype + " need " + bytes);
    }
    ByteBuffer b = v.getDataBuffer().nioBuffer(0, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (dtype.isBool()) {
      boolean[] out = new boolean[n];
      for (int i = 0; i < n; i++) {
        out[i] = b.get(i) != 0;
      }
      return out;
    }
    if (dtype.kind == 'f') {
      if (dtype.itemSize == 4) {
        float[] out = new float[n];
        b.asFloatBuffer().get(out);
        return out;
      }
      double[] out = new double[n];
      b.asDoubleBuffer().get(out);
      return out;
    }
    switch (dtype.itemSize) {
      case 1: {
        byte[] out = new byte[n];
        b.get(out);
        return out;
      }
      case 2: {
        short[] out = new short[n];
        b.asShortBuffer().get(out);
        return out;
      }
      case 4: {
        int[] out = new int[n];
        b.asIntBuffer().get(out);
        return out;
      }
      default: {
        long[] out = new long[n];
        b.asLongBuffer().get(out);
        return out;
      }
    }
  }

  /** The ma2 DataType holding elements of {@code dtype} (signed storage for unsigned kinds). */
  public static DataType ma2Type(DType dtype) {
    if (dtype.isBool()) {
      return DataType.BOOLEAN;
    }
    if (dtype.kind == 'f') {
      return dtype.itemSize == 4 ? DataType.FLOAT : DataType.DOUBLE;
    }
    return switch (dtype.itemSize) {
      case 1 -> DataType.BYTE;
      case 2 -> DataType.SHORT;
      case 4 -> DataType.INT;
      default -> DataType.LONG;
    };
  }

  /** The vector as a C-ordered {@code ucar.ma2.Array} of {@code shape}, flagged unsigned for unsigned dtypes. */
  public static ucar.ma2.Array toMa2(FieldVector v, DType dtype, int[] shape) {
    ucar.ma2.Array a = ucar.ma2.Array.factory(ma2Type(dtype), shape, storage(v, dtype));
    if (dtype.isUnsigned()) {
      a.setUnsigned(true);
    }
    return a;
  }
}
