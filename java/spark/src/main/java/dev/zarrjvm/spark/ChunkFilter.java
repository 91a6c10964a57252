package dev.zarrjvm.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualNullSafe;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Or;

/**
 * Chunk pruning: which chunks can hold a row that passes the query's filters on {@code dim_*}. Each usable filter
 * becomes, per dimension, a set of allowed index ranges (=, <, <=, >, >=, IN, AND; BETWEEN arrives as >= AND <=; an OR
 * keeps what both sides constrain, widened to their union). A chunk is read only when, along every dimension, its
 * extent meets the allowed ranges. Pruning is conservative: Spark still applies every filter to the rows read.
 */
public final class ChunkFilter implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Per dimension: sorted, disjoint, inclusive ranges {lo, hi}; null means unconstrained. */
  private final long[][][] allowed;
  private final Filter[] used;

  private ChunkFilter(long[][][] allowed, Filter[] used) {
    this.allowed = allowed;
    this.used = used;
  }

  public static ChunkFilter none(int ndim) {
    return new ChunkFilter(new long[ndim][][], new Filter[0]);
  }

  /** The constraint the filters (implicitly AND-ed, as Spark pushes them) put on an {@code ndim}-d array's indices. */
  public static ChunkFilter of(Filter[] filters, int ndim) {
    Map<Integer, long[][]> box = new HashMap<>();
    List<Filter> used = new ArrayList<>();
    for (Filter f : filters) {
      Map<Integer, long[][]> c = translate(f, ndim);
      if (c != null) {
        box = and(box, c);
        used.add(f);
      }
    }
    long[][][] allowed = new long[ndim][][];
    box.forEach((d, r) -> allowed[d] = r);
    return new ChunkFilter(allowed, used.toArray(new Filter[0]));
  }

  /** The filters that took part in pruning (shown as the scan's pushed filters). */
  public Filter[] usedFilters() {
    return used.clone();
  }

  /** Allowed index ranges along {@code d}, or null when the filters do not constrain it. */
  long[][] allowedAlong(int d) {
    return allowed[d] == null ? null : Arrays.stream(allowed[d]).map(long[]::clone).toArray(long[][]::new);
  }

  /** Chunk indices along one dimension ({@code extent} elements in chunks of {@code chunk}) that may match. */
  public long[] chunksAlong(int d, long extent, int chunk) {
    long n = (extent + chunk - 1) / chunk;
    if (allowed[d] == null) {
      long[] all = new long[Math.toIntExact(n)];
      Arrays.setAll(all, i -> i);
      return all;
    }
    List<long[]> spans = new ArrayList<>();
    for (long[] r : allowed[d]) {
      long lo = Math.max(r[0], 0);
      long hi = Math.min(r[1], extent - 1);
      if (lo <= hi) {
        spans.add(new long[] {lo / chunk, hi / chunk});
      }
    }
    long[][] merged = normalize(spans);
    int count = 0;
    for (long[] s : merged) {
      count = Math.addExact(count, Math.toIntExact(s[1] - s[0] + 1));
    }
    long[] out = new long[count];
    int k = 0;
    for (long[] s : merged) {
      for (long c = s[0]; c <= s[1]; c++) {
        out[k++] = c;
      }
    }
    return out;
  }

  /** Every chunk of the grid that may match, in C order (a 0-d array has one chunk, {@code []}). */
  public List<long[]> selectChunks(long[] shape, int[] chunks) {
    int nd = shape.length;
    long[][] along = new long[nd][];
    long total = 1;
    for (int d = 0; d < nd; d++) {
      along[d] = chunksAlong(d, shape[d], chunks[d]);
      total = Math.multiplyExact(total, along[d].length);
    }
    List<long[]> out = new ArrayList<>(Math.toIntExact(total));
    if (total == 0) {
      return out;
    }
    int[] ctr = new int[nd];
    while (true) {
      long[] c = new long[nd];
      for (int d = 0; d < nd; d++) {
        c[d] = along[d][ctr[d]];
      }
      out.add(c);
      int d = nd - 1;
      while (d >= 0 && ++ctr[d] == along[d].length) {
        ctr[d] = 0;
        d--;
      }
      if (d < 0) {
        return out;
      }
    }
  }

  // -- filters → per-dimension ranges ---------------------------------------------------------------------------------

  /** The ranges a filter allows per dimension (an empty map: no constraint), or null when it cannot be used. */
  static Map<Integer, long[][]> translate(Filter f, int ndim) {
    if (f instanceof And a) {
      Map<Integer, long[][]> l = translate(a.left(), ndim);
      Map<Integer, long[][]> r = translate(a.right(), ndim);
      if (l == null) {
        return r;
      }
      return r == null ? l : and(l, r);
    }
    if (f instanceof Or o) {
      Map<Integer, long[][]> l = translate(o.left(), ndim);
      Map<Integer, long[][]> r = translate(o.right(), ndim);
      if (l == null || r == null) {
        return null;
      }
      Map<Integer, long[][]> out = new HashMap<>();
      l.forEach((d, lr) -> {
        long[][] rr = r.get(d);
        if (rr != null) {
          out.put(d, union(lr, rr));
        }
      });
      return out;
    }
    if (f instanceof IsNotNull n) {
      return dim(n.attribute(), ndim) < 0 ? null : Map.of();
    }
    if (f instanceof In in) {
      int d = dim(in.attribute(), ndim);
      if (d < 0) {
        return null;
      }
      List<long[]> points = new ArrayList<>();
      for (Object v : in.values()) {
        if (v == null) {
          continue;
        }
        Long x = integral(v);
        if (x == null) {
          return null;
        }
        points.add(new long[] {x, x});
      }
      return Map.of(d, normalize(points));
    }
    String attr;
    Object value;
    if (f instanceof EqualTo e) {
      attr = e.attribute();
      value = e.value();
    } else if (f instanceof EqualNullSafe e) {
      attr = e.attribute();
      value = e.value();
    } else if (f instanceof LessThan e) {
      attr = e.attribute();
      value = e.value();
    } else if (f instanceof LessThanOrEqual e) {
      attr = e.attribute();
      value = e.value();
    } else if (f instanceof GreaterThan e) {
      attr = e.attribute();
      value = e.value();
    } else if (f instanceof GreaterThanOrEqual e) {
      attr = e.attribute();
      value = e.value();
    } else {
      return null;
    }
    int d = dim(attr, ndim);
    Long v = integral(value);
    if (d < 0 || v == null) {
      return null;
    }
    long[] r;
    if (f instanceof EqualTo || f instanceof EqualNullSafe) {
      r = new long[] {v, v};
    } else if (f instanceof LessThan) {
      r = v == Long.MIN_VALUE ? null : new long[] {Long.MIN_VALUE, v - 1};
    } else if (f instanceof LessThanOrEqual) {
      r = new long[] {Long.MIN_VALUE, v};
    } else if (f instanceof GreaterThan) {
      r = v == Long.MAX_VALUE ? null : new long[] {v + 1, Long.MAX_VALUE};
    } else {
      r = new long[] {v, Long.MAX_VALUE};
    }
    return Map.of(d, r == null ? new long[0][] : new long[][] {r});
  }

  /** The dimension a column name refers to ({@code dim_3} → 3), or -1. */
  static int dim(String attribute, int ndim) {
    if (attribute == null || !attribute.startsWith("dim_")) {
      return -1;
    }
    try {
      int d = Integer.parseInt(attribute.substring(4));
      return d >= 0 && d < ndim && attribute.equals(ZarrTableMeta.dimName(d)) ? d : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Only exact integers prune; anything else (a double literal, say) is left to Spark. */
  private static Long integral(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    return null;
  }

  private static Map<Integer, long[][]> and(Map<Integer, long[][]> a, Map<Integer, long[][]> b) {
    Map<Integer, long[][]> out = new HashMap<>(a);
    b.forEach((d, r) -> out.merge(d, r, ChunkFilter::intersect));
    return out;
  }

  static long[][] intersect(long[][] a, long[][] b) {
    List<long[]> out = new ArrayList<>();
    for (long[] x : a) {
      for (long[] y : b) {
        long lo = Math.max(x[0], y[0]);
        long hi = Math.min(x[1], y[1]);
        if (lo <= hi) {
          out.add(new long[] {lo, hi});
        }
      }
    }
    return normalize(out);
  }

  static long[][] union(long[][] a, long[][] b) {
    List<long[]> all = new ArrayList<>(Arrays.asList(a));
    all.addAll(Arrays.asList(b));
    return normalize(all);
  }

  /** Sorts ranges and merges those that overlap or touch. */
  static long[][] normalize(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>();
    for (long[] r : ranges) {
      sorted.add(r.clone());
    }
    sorted.sort((x, y) -> Long.compare(x[0], y[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && (last[1] == Long.MAX_VALUE || r[0] <= last[1] + 1)) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(r);
      }
    }
    return out.toArray(new long[0][]);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < allowed.length; d++) {
      if (allowed[d] != null) {
        sb.append(sb.length() == 0 ? "" : ", ").append(ZarrTableMeta.dimName(d)).append(" in ");
        StringBuilder rs = new StringBuilder();
        for (long[] r : allowed[d]) {
          rs.append(rs.length() == 0 ? "" : " ∪ ").append('[').append(r[0] == Long.MIN_VALUE ? "-∞" : r[0])
              .append(", ").append(r[1] == Long.MAX_VALUE ? "∞" : r[1]).append(']');
        }
        sb.append(rs.length() == 0 ? "∅" : rs);
      }
    }
    return sb.toString();
  }
}
