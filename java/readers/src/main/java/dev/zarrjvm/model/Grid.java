package dev.zarrjvm.model;

import dev.zarrjvm.errors.MetadataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Regular chunk grid arithmetic: which chunks a region touches, and where they overlap. */
public final class Grid {
  /** numpy's NPY_MAXDIMS: arrays of higher rank cannot be handed to Python. */
  public static final int MAX_RANK = 64;

  public final long[] shape;
  public final int[] chunks;

  public Grid(long[] shape, int[] chunks) {
    check(shape, chunks);
    this.shape = shape;
    this.chunks = chunks;
  }

  /** Rejects shapes and chunk shapes no reader should be handed (negative, zero-sized chunks, rank mismatch). */
  public static void check(long[] shape, int[] chunks) {
    if (shape == null || chunks == null) {
      throw new MetadataException("shape and chunk shape are required");
    }
    if (shape.length > MAX_RANK) {
      throw new dev.zarrjvm.errors.UnsupportedException("rank " + shape.length + " exceeds the " + MAX_RANK
          + " dimensions numpy arrays have");
    }
    if (shape.length != chunks.length) {
      throw new MetadataException("shape " + Arrays.toString(shape) + " and chunk shape " + Arrays.toString(chunks)
          + " differ in rank");
    }
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] < 0) {
        throw new MetadataException("negative extent in shape " + Arrays.toString(shape));
      }
      if (chunks[d] <= 0) {
        throw new MetadataException("chunk shape " + Arrays.toString(chunks) + " has a non-positive extent");
      }
    }
  }

  /** Bytes of one full chunk of {@code itemSize}-byte elements (chunks hold at most 2^31-1 elements). */
  public int chunkBytes(int itemSize) {
    return Math.toIntExact(size(chunks) * itemSize);
  }

  public int ndim() {
    return shape.length;
  }

  /** Number of chunks along each dimension. */
  public long[] chunkCounts() {
    long[] n = new long[shape.length];
    for (int d = 0; d < n.length; d++) {
      n[d] = (shape[d] + chunks[d] - 1) / chunks[d];
    }
    return n;
  }

  public boolean containsChunk(long[] coords) {
    if (coords.length != shape.length) {
      return false;
    }
    long[] n = chunkCounts();
    for (int d = 0; d < n.length; d++) {
      if (coords[d] < 0 || coords[d] >= n[d]) {
        return false;
      }
    }
    return true;
  }

  /** Origin of a chunk in array coordinates. */
  public long[] chunkOrigin(long[] coords) {
    long[] o = new long[coords.length];
    for (int d = 0; d < o.length; d++) {
      o[d] = coords[d] * chunks[d];
    }
    return o;
  }

  /** Extent of a chunk clipped to the array bounds. */
  public int[] clippedChunkShape(long[] coords) {
    int[] s = new int[coords.length];
    for (int d = 0; d < s.length; d++) {
      s[d] = (int) Math.min(chunks[d], shape[d] - coords[d] * chunks[d]);
    }
    return s;
  }

  /** All chunk coordinates touched by the region [offset, offset + regionShape), in C order. */
  public List<long[]> chunksIn(long[] offset, int[] regionShape) {
    int nd = shape.length;
    long[] lo = new long[nd];
    long[] hi = new long[nd];
    for (int d = 0; d < nd; d++) {
      if (regionShape[d] == 0) {
        return List.of();
      }
      lo[d] = offset[d] / chunks[d];
      hi[d] = (offset[d] + regionShape[d] - 1) / chunks[d];
    }
    List<long[]> out = new ArrayList<>();
    long[] cur = lo.clone();
    while (true) {
      out.add(cur.clone());
      int d = nd - 1;
      while (d >= 0) {
        if (++cur[d] <= hi[d]) {
          break;
        }
        cur[d] = lo[d];
        d--;
      }
      if (d < 0) {
        break;
      }
    }
    return out;
  }

  public static long size(int[] shape) {
    long n = 1;
    for (int v : shape) {
      n = Math.multiplyExact(n, v);
    }
    return n;
  }

  public static long size(long[] shape) {
    long n = 1;
    for (long v : shape) {
      n = Math.multiplyExact(n, v);
    }
    return n;
  }

  /**
   * The elements of the box at {@code offset} of extent {@code shape}, in C order, cut from {@code all}: every element
   * of an array of shape {@code full} in C order.
   */
  public static Object[] box(Object[] all, long[] full, long[] offset, int[] shape) {
    Object[] box = new Object[Math.toIntExact(size(shape))];
    int[] counter = new int[shape.length];
    for (int i = 0; i < box.length; i++) {
      long at = 0;
      for (int d = 0; d < shape.length; d++) {
        at = at * full[d] + offset[d] + counter[d];
      }
      box[i] = all[Math.toIntExact(at)];
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++counter[d] < shape[d]) {
          break;
        }
        counter[d] = 0;
      }
    }
    return box;
  }
}
