package dev.zarrjvm.arrow;

import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.Data;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Hands vectors to the other side of the Arrow C Data Interface. The caller (Python) owns the two C structs and passes
 * their addresses; after export the consumer holds references to the buffers and releases them through the struct's
 * release callback, so Java's own reference is dropped here.
 */
public final class ArrowExport {
  private ArrowExport() {}

  /**
   * Exports {@code vector} into the structs at the given addresses and gives up Java's reference to it. A
   * {@code schemaAddress} of 0 exports the array alone: a consumer that already knows the type (zarrjvm's Python side
   * does, from the dtype) saves a schema export and parse per chunk.
   */
  public static void exportAndRelease(FieldVector vector, long arrayAddress, long schemaAddress) {
    try (FieldVector v = vector) {
      export(v, arrayAddress, schemaAddress);
    }
  }

  /**
   * Exports {@code vector} (the consumer gets its own references; the caller keeps the vector). Fixed-width vectors
   * cross as {@link NoNullsExport}: no validity bitmap, no scan to count nulls.
   */
  public static void export(FieldVector vector, long arrayAddress, long schemaAddress) {
    if (vector instanceof BaseFixedWidthVector f) {
      try (NoNullsExport e = new NoNullsExport(f, f.getAllocator())) {
        exportAs(e, arrayAddress, schemaAddress);
      }
    } else {
      exportAs(vector, arrayAddress, schemaAddress);
    }
  }

  private static void exportAs(FieldVector v, long arrayAddress, long schemaAddress) {
    if (schemaAddress == 0) {
      Data.exportVector(ArrowMemory.root(), v, null, ArrowArray.wrap(arrayAddress));
    } else {
      Data.exportVector(ArrowMemory.root(), v, null, ArrowArray.wrap(arrayAddress), ArrowSchema.wrap(schemaAddress));
    }
  }
}
