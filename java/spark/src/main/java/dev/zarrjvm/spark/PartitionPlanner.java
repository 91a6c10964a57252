package dev.zarrjvm.spark;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Input partitions from metadata only, sized like Spark's file sources size theirs: by bytes (decoded bytes of the
 * columns read, here), at most {@code min(maxPartitionBytes, max(openCostInBytes, total / minPartitionNum))}, so a
 * small table still spreads over the cluster's cores and a large one gets ~128 MiB tasks.
 *
 * <p>The unit is a box aligned with every read array's chunks (per dimension the least common multiple of their chunk
 * sizes), so each chunk of each array is decoded once per query; filters on dimension columns drop units and clip the
 * ones left to the allowed index ranges. Consecutive units (C order) are packed into a partition up to the target; a
 * unit larger than the target (a huge chunk, a contiguous NetCDF variable) is cut into ranges along its outermost
 * dimension. {@code chunksPerPartition} replaces the byte target with a number of units.
 */
final class PartitionPlanner {
  /** The planned read: partitions, and what they cover. */
  record Plan(List<ZarrInputPartition> partitions, long chunksPlanned, long chunksTotal, long rows, long bytes,
      long targetBytes) {}

  /** Spark's sizing settings (spark.sql.files.*) and the scan's options. */
  record Sizing(long maxPartitionBytes, long openCostInBytes, int minPartitionNum, int chunksPerPartition) {}

  private PartitionPlanner() {}

  /** Boxes of one store, flattened. */
  private static final class Boxes {
    final ZarrTableMeta.Source source;
    final int nd;
    long[] origins = new long[64];
    int[] shapes = new int[64];
    int count;

    Boxes(ZarrTableMeta.Source source) {
      this.source = source;
      this.nd = source.shape.length;
    }

    void add(long[] o, int[] s) {
      if ((count + 1) * nd > origins.length) {
        origins = Arrays.copyOf(origins, Math.max(16, origins.length * 2));
        shapes = Arrays.copyOf(shapes, Math.max(16, shapes.length * 2));
      }
      System.arraycopy(o, 0, origins, count * nd, nd);
      System.arraycopy(s, 0, shapes, count * nd, nd);
      count++;
    }

    long elements(int i) {
      long e = 1;
      for (int d = 0; d < nd; d++) {
        e *= shapes[i * nd + d];
      }
      return e;
    }
  }

  /**
   * Plans the read of {@code cols} (array column indices; empty: no array is read) under {@code filter}, with rows of
   * {@code rowBytes} decoded bytes.
   */
  static Plan plan(ZarrTableMeta meta, int[] cols, ChunkFilter filter, long rowBytes, Sizing sizing) {
    List<Boxes> all = new ArrayList<>();
    long planned = 0;
    long total = 0;
    long rows = 0;
    for (ZarrTableMeta.Source s : meta.sources) {
      Boxes b = new Boxes(s);
      planned += units(s, cols, filter, b);
      total += s.totalChunks();
      for (int i = 0; i < b.count; i++) {
        rows += b.elements(i);
      }
      all.add(b);
    }
    long bytes = Math.multiplyExact(rows, Math.max(1, rowBytes));
    List<ZarrInputPartition> out = new ArrayList<>();
    long target;
    if (sizing.chunksPerPartition() > 0) {
      target = -1;
      for (Boxes b : all) {
        for (int i = 0; i < b.count; i += sizing.chunksPerPartition()) {
          int n = Math.min(b.count - i, sizing.chunksPerPartition());
          out.add(partition(b, i, i + n, rowBytes));
        }
      }
    } else {
      long perCore = bytes / Math.max(1, sizing.minPartitionNum());
      target = Math.max(1, Math.min(sizing.maxPartitionBytes(), Math.max(sizing.openCostInBytes(), perCore)));
      for (Boxes b : all) {
        pack(split(b, target, Math.max(1, rowBytes)), target, Math.max(1, rowBytes), out);
      }
    }
    return new Plan(out, planned, total, rows, bytes, target);
  }

  /** The units of one store that the filter leaves, clipped to its ranges, into {@code out}; returns their chunks. */
  private static long units(ZarrTableMeta.Source s, int[] cols, ChunkFilter filter, Boxes out) {
    int nd = s.shape.length;
    int[] unit = new int[nd];
    for (int d = 0; d < nd; d++) {
      BigInteger l = BigInteger.ONE;
      if (cols.length == 0) {
        l = BigInteger.valueOf(s.chunks[0][d]);
      }
      for (int c : cols) {
        BigInteger x = BigInteger.valueOf(s.chunks[c][d]);
        l = l.multiply(x).divide(l.gcd(x));
      }
      unit[d] = (int) Math.max(1, Math.min(l.min(BigInteger.valueOf(Integer.MAX_VALUE)).longValue(), s.shape[d]));
    }
    // per dimension: the segments [lo, hi] of units that may hold a matching row
    long[][][] segs = new long[nd][][];
    for (int d = 0; d < nd; d++) {
      double[] coord = s.coords[d] == null ? null : s.coords[d].doubles();
      long[][] ranges = filter.indexRanges(d, s.shape[d], coord);
      if (ranges == null) {
        ranges = s.shape[d] == 0 ? new long[0][] : new long[][] {{0, s.shape[d] - 1}};
      }
      List<long[]> list = new ArrayList<>();
      for (long[] r : ranges) {
        for (long u = r[0] / unit[d]; u <= r[1] / unit[d]; u++) {
          long lo = Math.max(r[0], u * unit[d]);
          long hi = Math.min(r[1], (u + 1) * unit[d] - 1);
          long[] last = list.isEmpty() ? null : list.get(list.size() - 1);
          if (last != null && last[0] / unit[d] == u) {
            last[1] = hi; // another range in the same unit: their hull
          } else {
            list.add(new long[] {lo, hi});
          }
        }
      }
      if (list.isEmpty()) {
        return 0;
      }
      segs[d] = list.toArray(new long[0][]);
    }
    long chunks = 0;
    int[] ctr = new int[nd];
    long[] o = new long[nd];
    int[] sh = new int[nd];
    while (true) {
      long n = 1;
      for (int d = 0; d < nd; d++) {
        long[] seg = segs[d][ctr[d]];
        o[d] = seg[0];
        sh[d] = (int) (seg[1] - seg[0] + 1);
        int c0 = s.chunks[0][d];
        n *= seg[1] / c0 - seg[0] / c0 + 1;
      }
      out.add(o, sh);
      chunks += n;
      int d = nd - 1;
      while (d >= 0 && ++ctr[d] == segs[d].length) {
        ctr[d] = 0;
        d--;
      }
      if (d < 0) {
        return chunks;
      }
    }
  }

  /** Boxes larger than {@code target} bytes cut into ranges along their outermost dimension of extent > 1. */
  private static Boxes split(Boxes in, long target, long rowBytes) {
    Boxes out = new Boxes(in.source);
    int nd = in.nd;
    for (int i = 0; i < in.count; i++) {
      long[] o = Arrays.copyOfRange(in.origins, i * nd, (i + 1) * nd);
      int[] s = Arrays.copyOfRange(in.shapes, i * nd, (i + 1) * nd);
      long bytes = in.elements(i) * rowBytes;
      int d = 0;
      while (d < nd && s[d] <= 1) {
        d++;
      }
      if (bytes <= target || d == nd) {
        out.add(o, s);
        continue;
      }
      long slab = bytes / s[d];
      int step = (int) Math.max(1, Math.min(s[d], target / Math.max(1, slab)));
      int extent = s[d];
      long start = o[d];
      for (int k = 0; k < extent; k += step) {
        o[d] = start + k;
        s[d] = Math.min(step, extent - k);
        out.add(o, s);
      }
    }
    return out;
  }

  /** Decoded bytes a merged box may hold: one read per array of at most this much. */
  static final long MERGE_BYTES = 32L << 20;

  /**
   * Boxes {@code [from, to)} of {@code b} as one partition, neighbours merged into larger boxes where they form one
   * (same extent in every dimension but one, adjacent along it) up to {@link #MERGE_BYTES}: a row of small chunks is
   * then one region read and one batch, not one each (the per-read cost dominates 40 KB chunks).
   */
  private static ZarrInputPartition partition(Boxes b, int from, int to, long rowBytes) {
    int nd = b.nd;
    long[] o = new long[(to - from) * nd];
    int[] s = new int[(to - from) * nd];
    int n = 0;
    for (int i = from; i < to; i++) {
      if (n > 0 && merge(o, s, (n - 1) * nd, b.origins, b.shapes, i * nd, nd, rowBytes)) {
        continue;
      }
      System.arraycopy(b.origins, i * nd, o, n * nd, nd);
      System.arraycopy(b.shapes, i * nd, s, n * nd, nd);
      n++;
    }
    return new ZarrInputPartition(b.source, o, s, n);
  }

  /** Merges box {@code j} of (bo, bs) into box {@code i} of (o, s) when the two form one box; true when merged. */
  private static boolean merge(long[] o, int[] s, int i, long[] bo, int[] bs, int j, int nd, long rowBytes) {
    int along = -1;
    long elements = 1;
    for (int d = 0; d < nd; d++) {
      if (o[i + d] == bo[j + d] && s[i + d] == bs[j + d]) {
        elements *= s[i + d];
        continue;
      }
      if (along >= 0 || bo[j + d] != o[i + d] + s[i + d]) {
        return false;
      }
      along = d;
    }
    if (along < 0) {
      return false;
    }
    long merged = (long) s[i + along] + bs[j + along];
    if (merged > Integer.MAX_VALUE || elements * merged * rowBytes > MERGE_BYTES) {
      return false;
    }
    s[i + along] = (int) merged;
    return true;
  }

  /** Consecutive boxes into partitions of at most {@code target} bytes (a larger box alone). */
  private static void pack(Boxes b, long target, long rowBytes, List<ZarrInputPartition> out) {
    int start = 0;
    long acc = 0;
    for (int i = 0; i < b.count; i++) {
      long bytes = b.elements(i) * rowBytes;
      if (i > start && acc + bytes > target) {
        out.add(partition(b, start, i, rowBytes));
        start = i;
        acc = 0;
      }
      acc += bytes;
    }
    if (b.count > start) {
      out.add(partition(b, start, b.count, rowBytes));
    }
  }
}
