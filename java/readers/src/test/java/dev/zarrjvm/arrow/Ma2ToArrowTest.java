package dev.zarrjvm.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zarrjvm.model.DType;
import dev.zarrjvm.errors.ChunkDecodeException;
import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.junit.jupiter.api.Test;
import ucar.ma2.Array;
import ucar.ma2.DataType;

class Ma2ToArrowTest {
  @Test
  void copiesBoxesIncludingTransposedViews() {
    DType i4 = DType.parseNumpy("<i4");
    int[] data = new int[12];
    for (int i = 0; i < 12; i++) {
      data[i] = i;
    }
    Array src = Array.factory(DataType.INT, new int[] {3, 4}, data);
    Array transposed = src.transpose(0, 1); // shape (4, 3), not canonical
    assertFalse(Ma2ToArrow.isCanonical(transposed.getIndex()));
    assertTrue(Ma2ToArrow.isCanonical(src.getIndex()));
    try (BufferAllocator a = ArrowMemory.newChild("test");
        IntVector v = (IntVector) ChunkVectors.allocate("x", i4, 12, a)) {
      Ma2ToArrow.copy(transposed, new int[] {0, 0}, new int[] {4, 3}, v.getDataBuffer(), new int[] {4, 3},
          new int[] {0, 0}, i4);
      for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(c * 4 + r, v.get(r * 3 + c));
        }
      }
      assertEquals(0, v.getNullCount());
      v.close();
      assertEquals(0, a.getAllocatedMemory());
      ArrowMemory.release(a);
    }
  }

  @Test
  void fillsWithBitPatternsAndNormalisesBool() {
    DType u2 = DType.parseNumpy("<u2");
    DType b1 = DType.parseNumpy("|b1");
    BufferAllocator a = ArrowMemory.newChild("test");
    try (UInt2Vector v = (UInt2Vector) ChunkVectors.allocate("x", u2, 6, a)) {
      Ma2ToArrow.fill(v.getDataBuffer(), new int[] {2, 3}, new int[] {0, 0}, new int[] {2, 3}, u2, 0xfffeL);
      for (int i = 0; i < 6; i++) {
        assertEquals(0xfffe, v.get(i));
      }
    }
    try (UInt1Vector v = (UInt1Vector) ChunkVectors.allocate("x", b1, 3, a)) {
      Array src = Array.factory(DataType.BYTE, new int[] {3}, new byte[] {0, 5, -1});
      Ma2ToArrow.copy(src, new int[] {0}, new int[] {3}, v.getDataBuffer(), new int[] {3}, new int[] {0}, b1);
      assertEquals(0, v.get(0));
      assertEquals(1, v.get(1));
      assertEquals(1, v.get(2));
    }
    ArrowMemory.release(a);
  }

  @Test
  void refusesToReinterpretWrongElements() {
    DType f4 = DType.parseNumpy("<f4");
    BufferAllocator a = ArrowMemory.newChild("test");
    try (Float4Vector v = (Float4Vector) ChunkVectors.allocate("x", f4, 2, a)) {
      Array ints = Array.factory(DataType.INT, new int[] {2}, new int[] {1, 2});
      assertThrows(ChunkDecodeException.class, () -> Ma2ToArrow.copy(ints, new int[] {0}, new int[] {2},
          v.getDataBuffer(), new int[] {2}, new int[] {0}, f4));
    }
    ArrowMemory.release(a);
  }

  @Test
  void refusesWronglySizedStorageButCopiesRealViews() {
    DType i1 = DType.parseNumpy("|i1");
    DType i4 = DType.parseNumpy("<i4");
    BufferAllocator a = ArrowMemory.newChild("test");
    try (FieldVector v = ChunkVectors.allocate("x", i1, 4, a)) {
      // what Array.factory makes of a chunk that decoded to too many or too few elements
      Array longer = Array.factory(DataType.BYTE, new int[] {2, 2}, new byte[] {1, 2, 3, 4, 5});
      Array shorter = Array.factory(DataType.BYTE, new int[] {2, 2}, new byte[] {1, 2, 3});
      for (Array bad : new Array[] {longer, shorter}) {
        ChunkDecodeException e = assertThrows(ChunkDecodeException.class, () -> Ma2ToArrow.copy(bad,
            new int[] {0, 0}, new int[] {2, 2}, v.getDataBuffer(), new int[] {2, 2}, new int[] {0, 0}, i1));
        assertTrue(e.getMessage().contains("4 elements"), e.getMessage());
      }
    }
    try (IntVector v = (IntVector) ChunkVectors.allocate("x", i4, 2, a)) {
      // a section that is not a prefix (origin 1) is a real view: copied, values right
      Array src = Array.factory(DataType.INT, new int[] {4}, new int[] {10, 11, 12, 13});
      Array view = src.section(new int[] {1}, new int[] {2});
      Ma2ToArrow.copy(view, new int[] {0}, new int[] {2}, v.getDataBuffer(), new int[] {2}, new int[] {0}, i4);
      assertEquals(11, v.get(0));
      assertEquals(12, v.get(1));
    } catch (ucar.ma2.InvalidRangeException e) {
      throw new AssertionError(e);
    }
    ArrowMemory.release(a);
  }

  @Test
  void exportThroughCDataAndBackReleasesEverything() {
    DType f4 = DType.parseNumpy("<f4");
    BufferAllocator a = ArrowMemory.newChild("test");
    long before = ArrowMemory.allocatedBytes();
    try (ArrowArray arr = ArrowArray.allocateNew(a); ArrowSchema sch = ArrowSchema.allocateNew(a)) {
      FieldVector v = ChunkVectors.allocate("x", f4, 1000, a);
      Ma2ToArrow.fill(v.getDataBuffer(), new int[] {1000}, new int[] {0}, new int[] {1000}, f4,
          (long) Float.floatToRawIntBits(2.5f));
      ArrowExport.exportAndRelease(v, arr.memoryAddress(), sch.memoryAddress());
      try (FieldVector back = Data.importVector(a, arr, sch, null)) {
        assertEquals(1000, back.getValueCount());
        assertEquals(2.5f, ((Float4Vector) back).get(999));
      }
    }
    assertEquals(before, ArrowMemory.allocatedBytes());
    assertEquals(0, a.getAllocatedMemory());
    ArrowMemory.release(a);
  }
}
