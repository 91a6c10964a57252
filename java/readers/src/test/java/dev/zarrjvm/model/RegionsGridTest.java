package dev.zarrjvm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zarrjvm.errors.MetadataException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionsGridTest {
  private static List<long[]> runs(int[] copy, int[] src, int[] srcOff, int[] dst, int[] dstOff) {
    List<long[]> out = new ArrayList<>();
    Regions.forEachRun(copy, src, srcOff, dst, dstOff, (s, t, n) -> out.add(new long[] {s, t, n}));
    return out;
  }

  @Test
  void fullBoxIsOneRun() {
    List<long[]> r = runs(new int[] {4, 5}, new int[] {4, 5}, new int[] {0, 0}, new int[] {4, 5}, new int[] {0, 0});
    assertEquals(1, r.size());
    assertArrayEquals(new long[] {0, 0, 20}, r.get(0));
  }

  @Test
  void partialBoxHasOneRunPerRow() {
    // copy 2x3 from src(4,5) at (1,1) into dst(3,10) at (0,4)
    List<long[]> r = runs(new int[] {2, 3}, new int[] {4, 5}, new int[] {1, 1}, new int[] {3, 10}, new int[] {0, 4});
    assertEquals(2, r.size());
    assertArrayEquals(new long[] {6, 4, 3}, r.get(0));
    assertArrayEquals(new long[] {11, 14, 3}, r.get(1));
  }

  @Test
  void trailingFullDimensionsMerge() {
    // 3-d: the last two dims are complete on both sides -> one run per index of dim 0
    List<long[]> r = runs(new int[] {2, 3, 4}, new int[] {5, 3, 4}, new int[] {1, 0, 0}, new int[] {2, 3, 4},
        new int[] {0, 0, 0});
    assertEquals(1, r.size());
    assertArrayEquals(new long[] {12, 0, 24}, r.get(0));
  }

  @Test
  void zeroDimensionalAndEmpty() {
    assertEquals(1, runs(new int[0], new int[0], new int[0], new int[0], new int[0]).size());
    assertEquals(0, runs(new int[] {0, 3}, new int[] {2, 3}, new int[] {0, 0}, new int[] {2, 3}, new int[] {0, 0})
        .size());
  }

  @Test
  void gridChunksInRegion() {
    Grid g = new Grid(new long[] {37, 23}, new int[] {10, 8});
    assertArrayEquals(new long[] {4, 3}, g.chunkCounts());
    List<long[]> c = g.chunksIn(new long[] {9, 7}, new int[] {2, 2});
    assertEquals(4, c.size());
    assertArrayEquals(new long[] {0, 0}, c.get(0));
    assertArrayEquals(new long[] {1, 1}, c.get(3));
    assertArrayEquals(new int[] {7, 7}, g.clippedChunkShape(new long[] {3, 2}));
    assertTrue(g.containsChunk(new long[] {3, 2}));
    assertTrue(!g.containsChunk(new long[] {4, 0}));
    assertEquals(0, g.chunksIn(new long[] {0, 0}, new int[] {0, 5}).size());
  }

  @Test
  void badGeometryIsMetadataError() {
    assertThrows(MetadataException.class, () -> new Grid(new long[] {-1}, new int[] {1}));
    assertThrows(MetadataException.class, () -> new Grid(new long[] {5}, new int[] {0}));
    assertThrows(MetadataException.class, () -> new Grid(new long[] {5, 5}, new int[] {1}));
  }
}
