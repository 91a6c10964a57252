package dev.zarrjvm.arrow;

import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * The import side of the Arrow C Data Interface (the mirror of {@link ArrowExport}): Python exports a numpy-backed
 * pyarrow array into two C structs it owns and passes their addresses; Java wraps the producer's buffers without
 * copying them. The imported vector holds the producer's memory until it is closed, which calls the producer's
 * release callback (pyarrow then drops its reference to the numpy buffer).
 */
public final class ArrowImport {
  private ArrowImport() {}

  /** Imports the array in the C structs at the given addresses; the caller closes the vector (and so releases it). */
  public static FieldVector importVector(BufferAllocator allocator, long arrayAddress, long schemaAddress) {
    return Data.importVector(allocator, ArrowArray.wrap(arrayAddress), ArrowSchema.wrap(schemaAddress), null);
  }

  /** Address of the vector's data buffer: equal to the producer's pointer when nothing was copied. */
  public static long dataAddress(FieldVector v) {
    return v.getDataBuffer().memoryAddress();
  }
}
