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

  /** The chunk's bytes exactly as stored (still encoded), or null when the chunk is absent. */
  byte[] readRawChunk(long[] chunkCoords);

  /** The allocator this source uses for reads made on behalf of Python. */
  BufferAllocator allocator();

  @Override
  void close();
}
