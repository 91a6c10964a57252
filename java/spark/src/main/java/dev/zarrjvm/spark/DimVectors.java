package dev.zarrjvm.spark;

import dev.zarrjvm.arrow.ChunkVectors;
import dev.zarrjvm.model.DType;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * The {@code dim_d} column of one batch, generated from the chunk's position (nothing is read): the batch holds the
 * box [origin, origin + shape) in C order, so element {@code i} has index {@code origin[d] + (i / stride[d]) %
 * shape[d]}
 * along dimension d. The first block (dimensions d… of one outer index) is written element by element, then copied
 * in bulk for every outer index.
 */
public final class DimVectors {
  private static final DType INT64 = new DType('i', 8, '<');

  private DimVectors() {}

  public static FieldVector make(String name, int d, long[] origin, int[] shape, BufferAllocator allocator) {
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    FieldVector v = ChunkVectors.allocate(name, INT64, n, allocator);
    if (n == 0) {
      return v;
    }
    ArrowBuf buf = v.getDataBuffer();
    long inner = 1;
    for (int k = d + 1; k < shape.length; k++) {
      inner *= shape[k];
    }
    long block = inner * shape[d];
    // the first block: shape[d] runs of `inner` equal values
    long pos = 0;
    for (int j = 0; j < shape[d]; j++) {
      long value = origin[d] + j;
      for (long r = 0; r < inner; r++) {
        buf.setLong(8 * pos++, value);
      }
    }
    // the block repeats for every index of the outer dimensions: copy it, doubling
    long filled = block;
    while (filled < n) {
      long step = Math.min(filled, n - filled);
      buf.setBytes(8 * filled, buf, 0, 8 * step);
      filled += step;
    }
    return v;
  }

  /**
   * The column of a dimension with a coordinate variable: element {@code i} of the box holds {@code values[origin[d] +
   * (i / stride[d]) % shape[d]]}, {@code values} being the coordinate in Spark's representation {@code spark}
   * (little-endian, shipped from the driver).
   */
  public static FieldVector coordinate(String name, int d, long[] origin, int[] shape, byte[] values, DType spark,
      BufferAllocator allocator) {
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    FieldVector v = ChunkVectors.allocate(name, spark, n, allocator);
    if (n == 0) {
      return v;
    }
    int w = spark.itemSize;
    ArrowBuf buf = v.getDataBuffer();
    long inner = 1;
    for (int k = d + 1; k < shape.length; k++) {
      inner *= shape[k];
    }
    long block = inner * shape[d];
    long pos = 0;
    for (int j = 0; j < shape[d]; j++) {
      int at = (int) ((origin[d] + j) * w);
      buf.setBytes(w * pos, values, at, w);
      pos++;
      // the rest of the run: doubling copies of the first element
      long filled = 1;
      while (filled < inner) {
        long step = Math.min(filled, inner - filled);
        buf.setBytes(w * pos, buf, w * (pos - filled), w * step);
        pos += step;
        filled += step;
      }
    }
    long filled = block;
    while (filled < n) {
      long step = Math.min(filled, n - filled);
      buf.setBytes(w * filled, buf, 0, w * step);
      filled += step;
    }
    return v;
  }
}
