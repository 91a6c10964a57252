package dev.zarrjvm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.filter.And;
import org.apache.spark.sql.connector.expressions.filter.Not;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Chunk pruning against brute force: every element of a small grid is tested against the predicate, and the chunks
 * that hold a matching element must all be selected (soundness); without OR/NOT the selection is exactly those chunks.
 */
class ChunkFilterTest {
  private static final long[] SHAPE = {23, 17, 5};
  private static final int[] CHUNKS = {5, 4, 5};
  private static final List<String> DIMS = List.of("dim_0", "dim_1", "dim_2");
  private static final boolean[] INTEGRAL = {true, true, true};
  private static final boolean[] PRUNABLE = {true, true, true};

  private static Predicate cmp(String op, String col, Object v) {
    return new Predicate(op, new Expression[] {Expressions.column(col), Expressions.literal(v)});
  }

  private static Predicate in(String col, Object... vs) {
    Expression[] ch = new Expression[vs.length + 1];
    ch[0] = Expressions.column(col);
    for (int i = 0; i < vs.length; i++) {
      ch[i + 1] = Expressions.literal(vs[i]);
    }
    return new Predicate("IN", ch);
  }

  private static String chunkKey(long[] c) {
    return Arrays.toString(c);
  }

  /** The chunks that hold at least one element passing {@code p}. */
  private static Set<String> bruteForce(Predicate p) {
    Set<String> out = new TreeSet<>();
    for (long i = 0; i < SHAPE[0]; i++) {
      for (long j = 0; j < SHAPE[1]; j++) {
        for (long k = 0; k < SHAPE[2]; k++) {
          long[] idx = {i, j, k};
          if (eval(p, idx)) {
            out.add(chunkKey(new long[] {i / CHUNKS[0], j / CHUNKS[1], k / CHUNKS[2]}));
          }
        }
      }
    }
    return out;
  }

  private static double num(Expression e) {
    return ((Number) ((Literal<?>) e).value()).doubleValue();
  }

  private static long at(Expression e, long[] idx) {
    return idx[DIMS.indexOf(((NamedReference) e).fieldNames()[0])];
  }

  private static boolean eval(Predicate p, long[] idx) {
    Expression[] c = p.children();
    return switch (p.name()) {
      case "AND" -> eval((Predicate) c[0], idx) && eval((Predicate) c[1], idx);
      case "OR" -> eval((Predicate) c[0], idx) || eval((Predicate) c[1], idx);
      case "NOT" -> !eval((Predicate) c[0], idx);
      case "=" -> at(c[0], idx) == num(c[1]);
      case "<" -> at(c[0], idx) < num(c[1]);
      case "<=" -> at(c[0], idx) <= num(c[1]);
      case ">" -> at(c[0], idx) > num(c[1]);
      case ">=" -> at(c[0], idx) >= num(c[1]);
      case "IN" -> Arrays.stream(c).skip(1).anyMatch(x -> num(x) == at(c[0], idx));
      default -> throw new IllegalArgumentException(p.toString());
    };
  }

  /** The chunks a filter leaves: along each dimension those meeting its index ranges. */
  private static Set<String> selected(Predicate... ps) {
    ChunkFilter f = ChunkFilter.of(ps, DIMS, INTEGRAL, PRUNABLE);
    List<Set<Long>> along = new java.util.ArrayList<>();
    for (int d = 0; d < 3; d++) {
      Set<Long> s = new TreeSet<>();
      long[][] r = f.indexRanges(d, SHAPE[d], null);
      if (r == null) {
        r = new long[][] {{0, SHAPE[d] - 1}};
      }
      for (long[] x : r) {
        for (long c = x[0] / CHUNKS[d]; c <= x[1] / CHUNKS[d]; c++) {
          s.add(c);
        }
      }
      along.add(s);
    }
    Set<String> out = new TreeSet<>();
    for (long a : along.get(0)) {
      for (long b : along.get(1)) {
        for (long c : along.get(2)) {
          out.add(chunkKey(new long[] {a, b, c}));
        }
      }
    }
    return out;
  }

  private static Predicate randomLeaf(Random r) {
    String a = DIMS.get(r.nextInt(3));
    long v = r.nextInt(30) - 3;
    return switch (r.nextInt(6)) {
      case 0 -> cmp("=", a, v);
      case 1 -> cmp("<", a, v);
      case 2 -> cmp("<=", a, v);
      case 3 -> cmp(">", a, v);
      case 4 -> cmp(">=", a, v);
      default -> in(a, v, v + 7, (long) r.nextInt(20));
    };
  }

  private static Predicate randomTree(Random r, int depth, boolean withOrNot) {
    if (depth == 0 || r.nextInt(3) == 0) {
      return randomLeaf(r);
    }
    int op = withOrNot ? r.nextInt(3) : 0;
    return switch (op) {
      case 0 -> new And(randomTree(r, depth - 1, withOrNot), randomTree(r, depth - 1, withOrNot));
      case 1 -> new Or(randomTree(r, depth - 1, withOrNot), randomTree(r, depth - 1, withOrNot));
      default -> new Not(randomTree(r, depth - 1, withOrNot));
    };
  }

  @Test
  void conjunctionsSelectExactlyTheChunksWithMatches() {
    Random r = new Random(4);
    for (int t = 0; t < 300; t++) {
      Predicate p = randomTree(r, 3, false);
      Set<String> want = bruteForce(p);
      Set<String> got = selected(p);
      // an empty selection along one dimension empties the product; brute force agrees
      assertEquals(want, got, p.toString());
    }
  }

  @Test
  void orAndNotNeverLoseAMatchingChunk() {
    Random r = new Random(5);
    int pruned = 0;
    for (int t = 0; t < 300; t++) {
      Predicate p = randomTree(r, 3, true);
      Set<String> want = bruteForce(p);
      Set<String> got = selected(p);
      assertTrue(got.containsAll(want), p + ": selected " + got + " misses some of " + want);
      if (got.size() < 5 * 5) {
        pruned++;
      }
    }
    assertTrue(pruned > 0, "some OR predicates should still prune");
  }

  @Test
  void onlyPredicatesThatPruneAreReportedAsPushed() {
    Predicate a = cmp(">=", "dim_0", 10L);
    Predicate b = cmp("<=", "dim_0", 14L);
    Predicate c = in("dim_1", 0L, 16L);
    Predicate onValue = cmp(">", "value", 3.0);
    Predicate crossOr = new Or(cmp("<", "dim_0", 100L), cmp("<", "dim_1", 100L)); // no box: prunes nothing
    ChunkFilter f = ChunkFilter.of(new Predicate[] {a, b, c, onValue, crossOr}, DIMS, INTEGRAL, PRUNABLE);
    assertEquals(List.of(a, b, c), Arrays.asList(f.usedPredicates()));
    assertArrayEquals(new long[][] {{10, 14}}, f.indexRanges(0, SHAPE[0], null));
    assertArrayEquals(new long[][] {{0, 0}, {16, 16}}, f.indexRanges(1, SHAPE[1], null));
    assertNull(f.indexRanges(2, SHAPE[2], null));
  }

  @Test
  void doubleLiteralsPruneByTheIndicesTheyAllow() {
    Predicate[] ps = {cmp("<", "dim_0", 2.5), cmp(">", "dim_1", 3.0)};
    ChunkFilter f = ChunkFilter.of(ps, DIMS, INTEGRAL, PRUNABLE);
    assertArrayEquals(new long[][] {{0, 2}}, f.indexRanges(0, SHAPE[0], null));
    assertArrayEquals(new long[][] {{4, 16}}, f.indexRanges(1, SHAPE[1], null));
  }

  @Test
  void emptyAndOutOfRangeSelections() {
    assertEquals(0, selected(cmp("<", "dim_0", Long.MIN_VALUE / 2048)).size());
    assertEquals(0, selected(cmp("=", "dim_2", 99L)).size());
    assertEquals(0, selected(new And(cmp("<", "dim_0", 3L), cmp(">", "dim_0", 10L))).size());
    assertEquals(25, selected(cmp(">", "dim_0", -100L)).size());
  }

  @Test
  void coordinatesBecomeIndexRangesWhenMonotonic() {
    List<String> dims = List.of("lat");
    boolean[] integral = {false};
    boolean[] prunable = {true};
    double[] up = {-1.5, 0.0, 2.5, 2.5, 7.0, 9.25};
    double[] down = {9.25, 7.0, 2.5, 2.5, 0.0, -1.5};
    Predicate[] ps = {cmp(">=", "lat", 0.0), cmp("<", "lat", 7.0)};
    ChunkFilter f = ChunkFilter.of(ps, dims, integral, prunable);
    assertArrayEquals(new long[][] {{1, 3}}, f.indexRanges(0, 6, up));
    assertArrayEquals(new long[][] {{2, 4}}, f.indexRanges(0, 6, down));
    ChunkFilter eq = ChunkFilter.of(new Predicate[] {in("lat", 2.5, 100.0)}, dims, integral, prunable);
    assertArrayEquals(new long[][] {{2, 3}}, eq.indexRanges(0, 6, up));
    assertArrayEquals(new long[0][], eq.indexRanges(0, 6, new double[] {0, 1, 2, 3, 4, 5}));
    // not monotonic (or NaN): no pruning
    assertNull(f.indexRanges(0, 6, new double[] {0, 3, 1, 4, 5, 6}));
    assertNull(f.indexRanges(0, 6, new double[] {0, 1, Double.NaN, 4, 5, 6}));
  }

  @Test
  void predicatesOnANonMonotonicCoordinateAreNotPushed() {
    // lat is a coordinate monotonic in no store: its predicates cannot become index ranges
    List<String> dims = List.of("lat", "time");
    boolean[] integral = {false, true};
    boolean[] prunable = {false, true};
    Predicate onLat = cmp(">=", "lat", 0.0);
    Predicate inLat = in("lat", 1.0, 2.0);
    Predicate onTime = cmp("<", "time", 3L);
    Predicate either = new Or(cmp("<", "lat", 5.0), cmp("<", "time", 3L)); // lat's side allows every index
    Predicate both = new And(cmp(">", "lat", 5.0), cmp(">", "time", 1L)); // time's side prunes
    ChunkFilter f = ChunkFilter.of(new Predicate[] {onLat, inLat, onTime, either, both}, dims, integral, prunable);
    assertEquals(List.of(onTime, both), Arrays.asList(f.usedPredicates()));
    assertNull(f.allowedAlong(0));
    assertNull(f.indexRanges(0, 6, new double[] {0, 3, 1, 4, 5, 6}));
    assertArrayEquals(new long[][] {{2, 2}}, f.indexRanges(1, 6, null));
    // nothing passes: said along the prunable dimension, so every store prunes everything
    Predicate never = new Predicate("ALWAYS_FALSE", new Expression[0]);
    ChunkFilter none = ChunkFilter.of(new Predicate[] {never}, dims, integral, prunable);
    assertEquals(List.of(never), Arrays.asList(none.usedPredicates()));
    assertNull(none.allowedAlong(0));
    assertArrayEquals(new long[0][], none.indexRanges(1, 6, null));
    ChunkFilter latOnly = ChunkFilter.of(new Predicate[] {never}, List.of("lat"), integral, new boolean[] {false});
    assertEquals(0, latOnly.usedPredicates().length);
  }
}
