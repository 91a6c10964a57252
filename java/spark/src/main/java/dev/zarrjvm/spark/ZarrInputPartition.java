package dev.zarrjvm.spark;

import dev.zarrjvm.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/** One Spark task's share of the grid: a run of chunk positions (C order), flattened to keep serialization small. */
public final class ZarrInputPartition implements InputPartition {
  private static final long serialVersionUID = 1L;
  private final int ndim;
  private final int count;
  private final long[] coords;

  ZarrInputPartition(List<long[]> chunks, int ndim) {
    this.ndim = ndim;
    this.count = chunks.size();
    this.coords = new long[chunks.size() * ndim];
    for (int i = 0; i < chunks.size(); i++) {
      System.arraycopy(chunks.get(i), 0, coords, i * ndim, ndim);
    }
  }

  public int size() {
    return count;
  }

  public long[] chunk(int i) {
    long[] c = new long[ndim];
    System.arraycopy(coords, i * ndim, c, 0, ndim);
    return c;
  }

  /** Groups chunk positions, in order, {@code perPartition} at a time. */
  public static List<ZarrInputPartition> plan(List<long[]> chunks, int ndim, int perPartition) {
    if (perPartition < 1) {
      throw new InvalidArgumentException("chunksPerPartition must be positive");
    }
    List<ZarrInputPartition> out = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i += perPartition) {
      out.add(new ZarrInputPartition(chunks.subList(i, Math.min(chunks.size(), i + perPartition)), ndim));
    }
    return out;
  }
}
