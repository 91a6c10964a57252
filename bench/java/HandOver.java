import dev.zarrjvm.arrow.ArrowMemory;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;

/**
 * Benchmark B1 only (compiled by bench/b1_handover.py, not shipped): one decoded buffer of {@code n} float32 values
 * held in Java, handed to Python three ways — Arrow C Data export (zarrjvm's path), a Java float[] for JPype's
 * conversion, and a byte[] for py4j.
 */
public final class HandOver implements AutoCloseable {
  private final BufferAllocator allocator = ArrowMemory.newChild("bench-handover");
  private final Float4Vector vector;
  private final float[] heap;
  private final byte[] bytes;

  public HandOver(int n) {
    vector = new Float4Vector("data", allocator);
    vector.allocateNew(n);
    for (int i = 0; i < n; i++) {
      vector.set(i, i * 0.5f);
    }
    vector.setValueCount(n);
    heap = new float[n];
    for (int i = 0; i < n; i++) {
      heap[i] = i * 0.5f;
    }
    bytes = new byte[n * 4];
    Arrays.fill(bytes, (byte) 7);
  }

  /**
   * Exports the held vector the way zarrjvm exports chunks (schema address 0: array only; the consumer gets its own
   * reference and Java keeps the vector).
   */
  public void export(long arrayAddress, long schemaAddress) {
    dev.zarrjvm.arrow.ArrowExport.export(vector, arrayAddress, schemaAddress);
  }

  public float[] heapArray() {
    return heap;
  }

  public byte[] bytes() {
    return bytes;
  }

  @Override
  public void close() {
    vector.close();
    ArrowMemory.release(allocator);
  }
}
