package dev.zarrjvm.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.expressions.Cast;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Chunk pruning: which index ranges of each dimension can hold a row that passes the query's predicates on the
 * dimension columns (an index column, or a coordinate column whose values are monotonic). Each usable predicate
 * becomes, per dimension, a set of allowed value intervals (=, <=>, <, <=, >, >=, IN, AND; BETWEEN arrives as >= AND
 * <=; an OR keeps what both sides constrain, widened to their union); they become index ranges per store (a
 * coordinate's values differ between stores). Pruning is conservative: Spark still applies every predicate to the
 * rows read, and only predicates that constrain some dimension are reported as pushed.
 */
public final class ChunkFilter implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final double EXACT = 9007199254740992.0; // 2^53: larger longs are not exact as doubles

  /** Per dimension: sorted, disjoint, inclusive value intervals {lo, hi}; null means unconstrained. */
  private final double[][][] allowed;
  private final Predicate[] used;

  private ChunkFilter(double[][][] allowed, Predicate[] used) {
    this.allowed = allowed;
    this.used = used;
  }

  public static ChunkFilter none(int ndim) {
    return new ChunkFilter(new double[ndim][][], new Predicate[0]);
  }

  /**
   * The constraint the predicates (AND-ed, as Spark pushes them) put on the dimensions named {@code dimNames} (a
   * dimension column's name in the schema), whose Spark types are {@code integral} or not. Only dimensions that are
   * {@code prunable} (an index, or a coordinate monotonic in some store) take part: a predicate on another dimension
   * cannot become index ranges, so it prunes nothing and is not reported as pushed.
   */
  public static ChunkFilter of(Predicate[] predicates, List<String> dimNames, boolean[] integral,
      boolean[] prunable) {
    List<String> usable = new ArrayList<>(dimNames.size()); // a dimension that cannot prune matches no column
    for (int d = 0; d < dimNames.size(); d++) {
      usable.add(prunable[d] ? dimNames.get(d) : null);
    }
    Map<Integer, double[][]> box = new HashMap<>();
    List<Predicate> used = new ArrayList<>();
    for (Predicate p : predicates) {
      Map<Integer, double[][]> c = translate(p, usable, integral);
      if (c != null && !c.isEmpty()) {
        box = and(box, c);
        used.add(p);
      }
    }
    double[][][] allowed = new double[dimNames.size()][][];
    box.forEach((d, r) -> allowed[d] = r);
    return new ChunkFilter(allowed, used.toArray(new Predicate[0]));
  }

  /** The predicates that take part in pruning (shown as the scan's pushed filters). */
  public Predicate[] usedPredicates() {
    return used.clone();
  }

  /** Allowed value intervals along {@code d}, or null when unconstrained. */
  double[][] allowedAlong(int d) {
    return allowed[d] == null ? null : Arrays.stream(allowed[d]).map(double[]::clone).toArray(double[][]::new);
  }

  /**
   * Allowed index ranges along {@code d} of a dimension of {@code extent} elements (inclusive, sorted, disjoint,
   * within [0, extent)); null when unconstrained. {@code coordinate} gives the dimension's values (null: the index is
   * the value); values that are not monotonic prune nothing.
   */
  public long[][] indexRanges(int d, long extent, double[] coordinate) {
    if (allowed[d] == null) {
      return null;
    }
    if (allowed[d].length == 0) {
      return new long[0][]; // nothing passes, whatever the values
    }
    List<long[]> out = new ArrayList<>();
    if (coordinate == null) {
      for (double[] r : allowed[d]) {
        double lo = Math.max(Math.ceil(r[0]), 0);
        double hi = Math.min(Math.floor(r[1]), extent - 1);
        if (lo <= hi) {
          out.add(new long[] {(long) lo, (long) hi});
        }
      }
      return out.toArray(new long[0][]);
    }
    int dir = monotonic(coordinate);
    if (dir == 0) {
      return null;
    }
    for (double[] r : allowed[d]) {
      long[] range = dir > 0 ? rangeIncreasing(coordinate, r[0], r[1]) : rangeDecreasing(coordinate, r[0], r[1]);
      if (range != null) {
        out.add(range);
      }
    }
    return normalizeLong(out);
  }

  /** 1: non-decreasing, -1: non-increasing, 0: neither, or a NaN, or a value too large to be exact as a double. */
  static int monotonic(double[] c) {
    boolean up = true;
    boolean down = true;
    for (int i = 0; i < c.length; i++) {
      if (Double.isNaN(c[i]) || Math.abs(c[i]) > EXACT) {
        return 0;
      }
      if (i > 0) {
        up &= c[i - 1] <= c[i];
        down &= c[i - 1] >= c[i];
      }
    }
    return up ? 1 : down ? -1 : 0;
  }

  private static long[] rangeIncreasing(double[] c, double lo, double hi) {
    int first = lowerBound(c, lo);
    int last = upperBound(c, hi) - 1;
    return first <= last ? new long[] {first, last} : null;
  }

  private static long[] rangeDecreasing(double[] c, double lo, double hi) {
    // c non-increasing: indices where lo <= c[i] <= hi form one run
    int n = c.length;
    int first = 0;
    int a = 0;
    int b = n;
    while (a < b) { // first index with c[i] <= hi
      int m = (a + b) >>> 1;
      if (c[m] <= hi) {
        b = m;
      } else {
        a = m + 1;
      }
    }
    first = a;
    a = 0;
    b = n;
    while (a < b) { // first index with c[i] < lo
      int m = (a + b) >>> 1;
      if (c[m] < lo) {
        b = m;
      } else {
        a = m + 1;
      }
    }
    int last = a - 1;
    return first <= last ? new long[] {first, last} : null;
  }

  private static int lowerBound(double[] c, double v) {
    int a = 0;
    int b = c.length;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (c[m] < v) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  private static int upperBound(double[] c, double v) {
    int a = 0;
    int b = c.length;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (c[m] <= v) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    return a;
  }

  // -- predicates → per-dimension value intervals ------------------------------------------------------------------

  /**
   * The intervals a predicate allows per dimension (an empty map: no constraint), or null when it cannot be used;
   * {@code dims} holds null for a dimension that cannot prune.
   */
  static Map<Integer, double[][]> translate(Predicate p, List<String> dims, boolean[] integral) {
    String name = p.name();
    Expression[] ch = p.children();
    switch (name) {
      case "AND" -> {
        Map<Integer, double[][]> l = translate((Predicate) ch[0], dims, integral);
        Map<Integer, double[][]> r = translate((Predicate) ch[1], dims, integral);
        if (l == null) {
          return r;
        }
        return r == null ? l : and(l, r);
      }
      case "OR" -> {
        Map<Integer, double[][]> l = translate((Predicate) ch[0], dims, integral);
        Map<Integer, double[][]> r = translate((Predicate) ch[1], dims, integral);
        if (l == null || r == null) {
          return null;
        }
        Map<Integer, double[][]> out = new HashMap<>();
        l.forEach((d, lr) -> {
          double[][] rr = r.get(d);
          if (rr != null) {
            out.put(d, union(lr, rr));
          }
        });
        return out;
      }
      case "ALWAYS_FALSE" -> {
        for (int d = 0; d < dims.size(); d++) {
          if (dims.get(d) != null) {
            return Map.of(d, new double[0][]); // nothing passes: any prunable dimension says so
          }
        }
        return null;
      }
      case "IN" -> {
        int d = dim(ch[0], dims, integral);
        if (d < 0) {
          return null;
        }
        List<double[]> points = new ArrayList<>();
        for (int i = 1; i < ch.length; i++) {
          Double v = value(ch[i]);
          if (v == null) {
            if (ch[i] instanceof Literal<?> lit && lit.value() == null) {
              continue; // x IN (NULL, ...): NULL matches nothing
            }
            return null;
          }
          points.add(new double[] {v, v});
        }
        return Map.of(d, normalize(points));
      }
      case "=", "<=>", "<", "<=", ">", ">=" -> {
        String op = name;
        int d = dim(ch[0], dims, integral);
        Double v = value(ch[1]);
        if (d < 0) { // literal on the left: flip
          d = dim(ch[1], dims, integral);
          v = value(ch[0]);
          op = switch (name) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> name;
          };
        }
        if (d < 0 || v == null) {
          return null;
        }
        double[] r = switch (op) {
          case "=", "<=>" -> new double[] {v, v};
          case "<" -> new double[] {Double.NEGATIVE_INFINITY, Math.nextDown(v)};
          case "<=" -> new double[] {Double.NEGATIVE_INFINITY, v};
          case ">" -> new double[] {Math.nextUp(v), Double.POSITIVE_INFINITY};
          default -> new double[] {v, Double.POSITIVE_INFINITY};
        };
        return Map.of(d, r[0] <= r[1] ? new double[][] {r} : new double[0][]);
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * The dimension a predicate's operand refers to: a dimension column, or a widening cast of one (Spark compares a
   * float column with a double literal through a cast to double), else -1.
   */
  static int dim(Expression e, List<String> dims, boolean[] integral) {
    if (e instanceof Cast c) {
      int d = dim(c.expression(), dims, integral);
      if (d < 0) {
        return -1;
      }
      DataType to = c.dataType();
      boolean widening = to.equals(DataTypes.DoubleType) || (integral[d] && to.equals(DataTypes.LongType));
      return widening ? d : -1;
    }
    if (e instanceof NamedReference ref && ref.fieldNames().length == 1) {
      return dims.indexOf(ref.fieldNames()[0]);
    }
    return -1;
  }

  /** A literal's value as an exact double (integers up to 2^53, floats, doubles; not NaN), else null. */
  private static Double value(Expression e) {
    if (!(e instanceof Literal<?> lit)) {
      return null;
    }
    Object v = lit.value();
    double x;
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long l = ((Number) v).longValue();
      if (Math.abs((double) l) > EXACT) {
        return null;
      }
      x = l;
    } else if (v instanceof Double || v instanceof Float) {
      x = ((Number) v).doubleValue();
    } else {
      return null;
    }
    return Double.isNaN(x) ? null : x;
  }

  private static Map<Integer, double[][]> and(Map<Integer, double[][]> a, Map<Integer, double[][]> b) {
    Map<Integer, double[][]> out = new HashMap<>(a);
    b.forEach((d, r) -> out.merge(d, r, ChunkFilter::intersect));
    return out;
  }

  static double[][] intersect(double[][] a, double[][] b) {
    List<double[]> out = new ArrayList<>();
    for (double[] x : a) {
      for (double[] y : b) {
        double lo = Math.max(x[0], y[0]);
        double hi = Math.min(x[1], y[1]);
        if (lo <= hi) {
          out.add(new double[] {lo, hi});
        }
      }
    }
    return normalize(out);
  }

  static double[][] union(double[][] a, double[][] b) {
    List<double[]> all = new ArrayList<>(Arrays.asList(a));
    all.addAll(Arrays.asList(b));
    return normalize(all);
  }

  /** Sorts intervals and merges those that overlap. */
  static double[][] normalize(List<double[]> ranges) {
    List<double[]> sorted = new ArrayList<>();
    for (double[] r : ranges) {
      sorted.add(r.clone());
    }
    sorted.sort((x, y) -> Double.compare(x[0], y[0]));
    List<double[]> out = new ArrayList<>();
    for (double[] r : sorted) {
      double[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0] <= last[1]) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(r);
      }
    }
    return out.toArray(new double[0][]);
  }

  /** Sorts index ranges and merges those that overlap or touch. */
  static long[][] normalizeLong(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>();
    for (long[] r : ranges) {
      sorted.add(r.clone());
    }
    sorted.sort((x, y) -> Long.compare(x[0], y[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0] <= last[1] + 1) {
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
        sb.append(sb.length() == 0 ? "" : ", ").append(d).append(" in ");
        StringBuilder rs = new StringBuilder();
        for (double[] r : allowed[d]) {
          rs.append(rs.length() == 0 ? "" : " ∪ ").append('[').append(r[0]).append(", ").append(r[1]).append(']');
        }
        sb.append(rs.length() == 0 ? "∅" : rs);
      }
    }
    return sb.toString();
  }
}
