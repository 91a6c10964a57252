package dev.zarrjvm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.junit.jupiter.api.Test;

/**
 * Chunk pruning against brute force: every element of a small grid is tested against the filter, and the chunks that
 * hold a matching element must all be selected (soundness); without OR/NOT the selection is exactly those chunks.
 */
class ChunkFilterTest {
  private static final long[] SHAPE = {23, 17, 5};
  private static final int[] CHUNKS = {5, 4, 5};

  private static String chunkKey(long[] c) {
    return Arrays.toString(c);
  }

  /** The chunks that hold at least one element passing {@code f}. */
  private static Set<String> bruteForce(Filter f) {
    Set<String> out = new TreeSet<>();
    for (long i = 0; i < SHAPE[0]; i++) {
      for (long j = 0; j < SHAPE[1]; j++) {
        for (long k = 0; k < SHAPE[2]; k++) {
          long[] idx = {i, j, k};
          if (eval(f, idx)) {
            out.add(chunkKey(new long[] {i / CHUNKS[0], j / CHUNKS[1], k / CHUNKS[2]}));
          }
        }
      }
    }
    return out;
  }

  private static long at(String attr, long[] idx) {
    return idx[Integer.parseInt(attr.substring(4))];
  }

  private static boolean eval(Filter f, long[] idx) {
    if (f instanceof And a) {
      return eval(a.left(), idx) && eval(a.right(), idx);
    }
    if (f instanceof Or o) {
      return eval(o.left(), idx) || eval(o.right(), idx);
    }
    if (f instanceof Not n) {
      return !eval(n.child(), idx);
    }
    if (f instanceof EqualTo e) {
      return at(e.attribute(), idx) == ((Number) e.value()).longValue();
    }
    if (f instanceof LessThan e) {
      return at(e.attribute(), idx) < ((Number) e.value()).longValue();
    }
    if (f instanceof LessThanOrEqual e) {
      return at(e.attribute(), idx) <= ((Number) e.value()).longValue();
    }
    if (f instanceof GreaterThan e) {
      return at(e.attribute(), idx) > ((Number) e.value()).longValue();
    }
    if (f instanceof GreaterThanOrEqual e) {
      return at(e.attribute(), idx) >= ((Number) e.value()).longValue();
    }
    if (f instanceof In in) {
      long v = at(in.attribute(), idx);
      return Arrays.stream(in.values()).anyMatch(x -> ((Number) x).longValue() == v);
    }
    throw new IllegalArgumentException(f.toString());
  }

  private static Set<String> selected(Filter... filters) {
    Set<String> out = new TreeSet<>();
    for (long[] c : ChunkFilter.of(filters, SHAPE.length).selectChunks(SHAPE, CHUNKS)) {
      out.add(chunkKey(c));
    }
    return out;
  }

  private static Filter randomLeaf(Random r) {
    String a = "dim_" + r.nextInt(SHAPE.length);
    long v = r.nextInt(30) - 3;
    return switch (r.nextInt(6)) {
      case 0 -> new EqualTo(a, v);
      case 1 -> new LessThan(a, v);
      case 2 -> new LessThanOrEqual(a, v);
      case 3 -> new GreaterThan(a, v);
      case 4 -> new GreaterThanOrEqual(a, v);
      default -> new In(a, new Object[] {v, v + 7, (long) r.nextInt(20)});
    };
  }

  private static Filter randomTree(Random r, int depth, boolean withOrNot) {
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
      Filter f = randomTree(r, 3, false);
      assertEquals(bruteForce(f), selected(f), f.toString());
    }
  }

  @Test
  void orAndNotNeverLoseAMatchingChunk() {
    Random r = new Random(5);
    int pruned = 0;
    for (int t = 0; t < 300; t++) {
      Filter f = randomTree(r, 3, true);
      Set<String> want = bruteForce(f);
      Set<String> got = selected(f);
      assertTrue(got.containsAll(want), f + ": selected " + got + " misses some of " + want);
      if (got.size() < 5 * 5 * 1) {
        pruned++;
      }
    }
    assertTrue(pruned > 0, "some OR filters should still prune");
  }

  @Test
  void severalPushedFiltersAreAnded() {
    Filter a = new GreaterThanOrEqual("dim_0", 10L);
    Filter b = new LessThanOrEqual("dim_0", 14L);
    Filter c = new In("dim_1", new Object[] {0L, 16L});
    assertEquals(bruteForce(new And(new And(a, b), c)), selected(a, b, c));
    ChunkFilter cf = ChunkFilter.of(new Filter[] {a, b, c}, 3);
    assertArrayEquals(new long[] {2}, cf.chunksAlong(0, SHAPE[0], CHUNKS[0]));
    assertArrayEquals(new long[] {0, 4}, cf.chunksAlong(1, SHAPE[1], CHUNKS[1]));
    assertEquals(3, cf.usedFilters().length);
  }

  @Test
  void filtersPrunersCannotUseAreNotPushed() {
    Filter onValue = new GreaterThan("value", 3.0);
    Filter doubleLiteral = new LessThan("dim_0", 2.5);
    Filter otherDim = new EqualTo("dim_7", 1L);
    ChunkFilter cf = ChunkFilter.of(new Filter[] {onValue, doubleLiteral, otherDim}, 3);
    assertEquals(0, cf.usedFilters().length);
    assertEquals(5 * 5 * 1, cf.selectChunks(SHAPE, CHUNKS).size());
  }

  @Test
  void emptyAndOutOfRangeSelections() {
    assertEquals(0, selected(new LessThan("dim_0", Long.MIN_VALUE)).size());
    assertEquals(0, selected(new GreaterThan("dim_1", Long.MAX_VALUE)).size());
    assertEquals(0, selected(new EqualTo("dim_2", 99L)).size());
    assertEquals(0, selected(new And(new LessThan("dim_0", 3L), new GreaterThan("dim_0", 10L))).size());
    assertEquals(25, selected(new GreaterThan("dim_0", -100L)).size());
  }

  @Test
  void zeroDimensionalArraysHaveOneChunk() {
    List<long[]> c = ChunkFilter.none(0).selectChunks(new long[0], new int[0]);
    assertEquals(1, c.size());
    assertEquals(0, c.get(0).length);
  }

  @Test
  void partitionsGroupChunksInOrder() {
    List<long[]> chunks = new ArrayList<>();
    for (long i = 0; i < 7; i++) {
      chunks.add(new long[] {i, 2 * i});
    }
    List<ZarrInputPartition> one = ZarrInputPartition.plan(chunks, 2, 1);
    assertEquals(7, one.size());
    List<ZarrInputPartition> three = ZarrInputPartition.plan(chunks, 2, 3);
    assertEquals(3, three.size());
    assertEquals(List.of(3, 3, 1), three.stream().map(ZarrInputPartition::size).toList());
    int k = 0;
    for (ZarrInputPartition p : three) {
      for (int i = 0; i < p.size(); i++) {
        assertArrayEquals(chunks.get(k++), p.chunk(i));
      }
    }
    assertEquals(0, ZarrInputPartition.plan(List.of(), 2, 4).size());
  }
}
