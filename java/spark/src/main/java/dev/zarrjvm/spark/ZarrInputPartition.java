package dev.zarrjvm.spark;

import java.util.Arrays;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One Spark task's share of one store: a run of boxes (chunk-aligned where the planner could), flattened to keep
 * serialization small, and the store's metadata (its open's documents, shipped so that the task asks the store for
 * chunks only).
 */
public final class ZarrInputPartition implements InputPartition {
  private static final long serialVersionUID = 2L;
  final ZarrTableMeta.Source source;
  private final int ndim;
  private final int count;
  private final long[] origins;
  private final int[] shapes;

  ZarrInputPartition(ZarrTableMeta.Source source, long[] origins, int[] shapes, int count) {
    this.source = source;
    this.ndim = source.shape.length;
    this.count = count;
    this.origins = Arrays.copyOf(origins, count * ndim);
    this.shapes = Arrays.copyOf(shapes, count * ndim);
  }

  public int size() {
    return count;
  }

  public long[] origin(int i) {
    return Arrays.copyOfRange(origins, i * ndim, (i + 1) * ndim);
  }

  public int[] shape(int i) {
    return Arrays.copyOfRange(shapes, i * ndim, (i + 1) * ndim);
  }

  /** Elements in this partition. */
  public long elements() {
    long n = 0;
    for (int i = 0; i < count; i++) {
      long e = 1;
      for (int d = 0; d < ndim; d++) {
        e *= shapes[i * ndim + d];
      }
      n += e;
    }
    return n;
  }
}
