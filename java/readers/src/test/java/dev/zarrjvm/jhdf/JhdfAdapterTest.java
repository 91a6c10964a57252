package dev.zarrjvm.jhdf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.backend.Backends;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.store.LocalByteStore;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by jHDF's own writer, read back through the jhdf backend (the Python tests use h5py's files). */
class JhdfAdapterTest {
  @TempDir
  Path tmp;

  private Path write() {
    Path f = tmp.resolve("w.h5");
    int[][] ints = new int[5][7];
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 7; c++) {
        ints[r][c] = r * 100 + c - 250;
      }
    }
    try (WritableHdfFile w = HdfFile.write(f)) {
      w.putDataset("ints", ints);
      w.putDataset("name.with dots and spaces", new double[] {0.5, -1.25, Double.NaN});
      w.putGroup("grp").putDataset("longs", new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE});
      w.putAttribute("answer", 42);
    }
    return f;
  }

  private static ChunkSource open(Path f, String path) {
    return Backends.get("jhdf").openArray(new LocalByteStore(f), path, ReaderOptions.defaults());
  }

  @Test
  void contiguousDatasetsReadAsWritten() {
    Path f = write();
    int before = ArrowMemory.openChildren();
    try (ChunkSource s = open(f, "ints")) {
      ArrayInfo info = s.info();
      assertArrayEquals(new long[] {5, 7}, info.shape);
      assertEquals("<i4", info.dtype.numpy().replace('>', '<'));
      try (IntVector v = (IntVector) s.readRegion(new long[] {1, 2}, new int[] {3, 4}, s.allocator())) {
        for (int r = 0; r < 3; r++) {
          for (int c = 0; c < 4; c++) {
            assertEquals((r + 1) * 100 + c + 2 - 250, v.get(r * 4 + c));
          }
        }
      }
    }
    try (ChunkSource s = open(f, "name.with dots and spaces");
        Float8Vector v = (Float8Vector) s.readChunk(new long[] {0}, s.allocator())) {
      assertEquals(-1.25, v.get(1));
      assertTrue(Double.isNaN(v.get(2)));
    }
    try (ChunkSource s = open(f, "/grp/longs");
        BigIntVector v = (BigIntVector) s.readChunk(new long[] {0}, s.allocator())) {
      assertEquals(Long.MIN_VALUE, v.get(0));
      assertEquals(Long.MAX_VALUE, v.get(2));
    }
    assertEquals(before, ArrowMemory.openChildren());
  }

  @Test
  void groupsListMembersAndShareTheFile() {
    Path f = write();
    try (GroupSource g = Backends.get("jhdf").openGroup(new LocalByteStore(f), "", ReaderOptions.defaults())) {
      assertEquals(java.util.List.of("ints", "name.with dots and spaces"), g.info().arrays().stream().sorted()
          .toList());
      assertEquals(java.util.List.of("grp"), g.info().groups());
      assertEquals(42, ((Number) g.info().attributes().get("answer")).intValue());
      try (ChunkSource s = (ChunkSource) g.open("grp/longs")) {
        assertArrayEquals(new long[] {3}, s.info().shape);
      }
      assertThrows(ArrayNotFoundException.class, () -> g.open("nope"));
    }
  }

  @Test
  void netcdf3IsRefusedByName() throws Exception {
    Path f = Files.write(tmp.resolve("classic.nc"), new byte[] {'C', 'D', 'F', 1, 0, 0, 0, 0});
    UnsupportedException e = assertThrows(UnsupportedException.class, () -> open(f, "v"));
    assertTrue(e.getMessage().contains("netcdf-java"), e.getMessage());
  }
}
