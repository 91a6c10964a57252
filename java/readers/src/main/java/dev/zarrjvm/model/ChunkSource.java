package dev.zarrjvm.model;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * The seam between readers and consumers. One adapter per reader implements it; Python's {@code JvmArray} and Spark's
 * partition readers use only this. Decoded data comes back as Arrow vectors (C order, little-endian, no nulls) that the
 * caller owns and must close or export.
 */
public interface ChunkSource extends Node {
  /** Geometry, element type, fill value and metadata; available without reading data. */
  ArrayInfo info();

  /**
   * The decoded chunk at {@code chunkCoords} on the {@link ArrayInfo#chunks} grid, clipped to the array bounds (edge
   * chunks are smaller). A chunk absent from the store reads as the fill value.
   */
  FieldVector readChunk(long[] chunkCoords, BufferAllocator allocator);

  /** The decoded box [offset, offset + shape) of the array, assembled from every chunk it touches. */
  FieldVector readRegion(long[] offset, int[] shape, BufferAllocator allocator);

  /**
   * Several boxes at once, {@code offsets[i]} + {@code shapes[i]} each, read in parallel where the reader allows; the
   * result is in the same order and the caller owns every vector. Boxes should not share chunks (each box decodes the
   * chunks it touches). This default reads them one after another.
   */
  default FieldVector[] readRegions(long[][] offsets, int[][] shapes, BufferAllocator allocator) {
    FieldVector[] out = new FieldVector[offsets.length];
    try {
      for (int i = 0; i < out.length; i++) {
        out[i] = readRegion(offsets[i], shapes[i], allocator);
      }
      return out;
    } catch (RuntimeException | Error e) {
      for (FieldVector v : out) {
        if (v != null) {
          v.close();
        }
      }
      throw e;
    }
  }

  /** What this source has read since it was opened, or null when it does not count. */
  default ReadCounts readCounts() {
    return null;
  }

  /** The chunk's bytes exactly as stored (still encoded), or null when the chunk is absent. */
  byte[] readRawChunk(long[] chunkCoords);

  /** The allocator this source uses for reads made on behalf of Python. */
  BufferAllocator allocator();

  @Override
  void close();
}
