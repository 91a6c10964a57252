package dev.zarrjvm.arrow;

import dev.zarrjvm.model.DType;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Arrow vectors that hold decoded elements: fixed width, no nulls, data buffer left unzeroed for the decoder to fill.
 */
public final class ChunkVectors {
  private ChunkVectors() {}

  public static Field field(String name, DType dtype) {
    return Field.notNullable(name, dtype.arrowType());
  }

  /**
   * A vector of {@code n} elements of {@code dtype}, all valid. The data buffer is not zeroed: the caller writes every
   * element (decoded data or fill value) before handing it out. A large buffer is advised to use huge pages
   * ({@link HugePages}).
   */
  public static FieldVector allocate(String name, DType dtype, long n, BufferAllocator allocator) {
    if (n > Integer.MAX_VALUE) {
      throw new dev.zarrjvm.errors.UnsupportedException(
          "a single read of " + n + " elements exceeds Arrow's per-vector limit of 2^31-1 elements; read smaller "
              + "regions");
    }
    if (dtype.isText()) {
      throw new IllegalArgumentException("text has no fixed width: build its vector with Ma2ToArrow.text");
    }
    FieldVector v = field(name, dtype).createVector(allocator);
    try (ArrowBuf data = allocator.buffer(Math.max(1, n * dtype.itemSize))) {
      HugePages.advise(data);
      // null count 0: Arrow builds an all-set validity bitmap itself
      v.loadFieldBuffers(new ArrowFieldNode((int) n, 0), List.of(allocator.getEmpty(), data));
    } catch (RuntimeException | Error e) {
      v.close();
      throw e;
    }
    return v;
  }
}
