package dev.zarrjvm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.arrow.ChunkVectors;
import dev.zarrjvm.model.DType;
import java.math.BigInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.junit.jupiter.api.Test;

/** dim_* generation against the C-order formula, and unsigned widening on the extremes, read through Spark's vector. */
class SparkColumnsTest {
  @Test
  void dimColumnsFollowCOrder() {
    long[] origin = {10, 200, 3000};
    int[] shape = {3, 4, 5};
    BufferAllocator a = ArrowMemory.newChild("test");
    try {
      for (int d = 0; d < 3; d++) {
        try (ArrowColumnVector v = new ArrowColumnVector(DimVectors.make("dim_" + d, d, origin, shape, a))) {
          int i = 0;
          for (int x = 0; x < shape[0]; x++) {
            for (int y = 0; y < shape[1]; y++) {
              for (int z = 0; z < shape[2]; z++) {
                long want = origin[d] + new int[] {x, y, z}[d];
                assertEquals(want, v.getLong(i), "dim " + d + " element " + i);
                assertEquals(false, v.isNullAt(i));
                i++;
              }
            }
          }
        }
      }
      assertEquals(0, a.getAllocatedMemory());
    } finally {
      ArrowMemory.release(a);
    }
  }

  private static FieldVector decoded(DType dt, long[] bits, BufferAllocator a) {
    FieldVector v = ChunkVectors.allocate("x", dt, bits.length, a);
    ArrowBuf b = v.getDataBuffer();
    for (int i = 0; i < bits.length; i++) {
      switch (dt.itemSize) {
        case 1 -> b.setByte(i, (byte) bits[i]);
        case 2 -> b.setShort(2L * i, (short) bits[i]);
        case 4 -> b.setInt(4L * i, (int) bits[i]);
        default -> b.setLong(8L * i, bits[i]);
      }
    }
    return v;
  }

  @Test
  void unsignedValuesAreWidenedExactly() {
    BufferAllocator a = ArrowMemory.newChild("test");
    try {
      DType u1 = DType.parseNumpy("|u1");
      try (ArrowColumnVector v = spark(decoded(u1, new long[] {0, 1, 255}, a), u1, a)) {
        assertEquals(DataTypes.ShortType, SparkColumns.sparkType(u1));
        assertEquals(255, v.getShort(2));
        assertEquals(1, v.getShort(1));
      }
      DType u2 = DType.parseNumpy("<u2");
      try (ArrowColumnVector v = spark(decoded(u2, new long[] {0, 65535}, a), u2, a)) {
        assertEquals(65535, v.getInt(1));
      }
      DType u4 = DType.parseNumpy("<u4");
      try (ArrowColumnVector v = new ArrowColumnVector(
          SparkColumns.toSpark(decoded(u4, new long[] {0, 0xFFFFFFFFL}, a), u4, a))) {
        assertEquals(4294967295L, v.getLong(1));
      }
      DType u8 = DType.parseNumpy("<u8");
      try (ArrowColumnVector v = spark(decoded(u8, new long[] {0, -1L, 1L << 63}, a), u8, a)) {
        assertEquals(new BigInteger("18446744073709551615"), v.getDecimal(1, 20, 0).toJavaBigDecimal().toBigInteger());
        assertEquals(new BigInteger("9223372036854775808"), v.getDecimal(2, 20, 0).toJavaBigDecimal().toBigInteger());
        assertEquals(BigInteger.ZERO, v.getDecimal(0, 20, 0).toJavaBigDecimal().toBigInteger());
      }
      DType b1 = DType.parseNumpy("|b1");
      try (ArrowColumnVector v = spark(decoded(b1, new long[] {1, 0, 1}, a), b1, a)) {
        assertEquals(true, v.getBoolean(0));
        assertEquals(false, v.getBoolean(1));
        assertEquals(true, v.getBoolean(2));
      }
      DType i2 = DType.parseNumpy("<i2");
      FieldVector same = decoded(i2, new long[] {-32768, 32767}, a);
      try (ArrowColumnVector v = new ArrowColumnVector(SparkColumns.toSpark(same, i2, a))) {
        assertEquals(-32768, v.getShort(0));
      }
      assertEquals(0, a.getAllocatedMemory());
    } finally {
      ArrowMemory.release(a);
    }
  }

  private static ArrowColumnVector spark(FieldVector decoded, DType dt, BufferAllocator a) {
    return new ArrowColumnVector(SparkColumns.toSpark(decoded, dt, a));
  }
}
