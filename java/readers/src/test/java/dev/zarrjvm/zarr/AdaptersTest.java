package dev.zarrjvm.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.backend.Backends;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.store.LocalByteStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt2Vector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-written stores (raw chunks, metadata JSON) read through the Zarr adapters. */
class AdaptersTest {
  @TempDir
  Path tmp;

  /** A 5x4 uint16 array, chunks 3x2, uncompressed, values r*4+c+60000; chunk (1,1) left absent. */
  private Path writeU2(int format) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("u2-v" + format));
    if (format == 2) {
      Files.writeString(root.resolve(".zarray"),
          "{\"zarr_format\":2,\"shape\":[5,4],\"chunks\":[3,2],\"dtype\":\"<u2\","
          + "\"compressor\":null,\"filters\":null,\"fill_value\":65535,\"order\":\"C\",\"dimension_separator\":\".\"}");
      Files.writeString(root.resolve(".zattrs"), "{\"units\":\"m\"}");
    } else {
      Files.writeString(root.resolve("zarr.json"), "{\"zarr_format\":3,\"node_type\":\"array\",\"shape\":[5,4],"
          + "\"data_type\":\"uint16\",\"chunk_grid\":{\"name\":\"regular\",\"configuration\":{\"chunk_shape\":[3,2]}},"
          + "\"chunk_key_encoding\":{\"name\":\"default\",\"configuration\":{\"separator\":\"/\"}},"
          + "\"fill_value\":65535,\"codecs\":[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}}],"
          + "\"attributes\":{\"units\":\"m\"}}");
    }
    for (int ci = 0; ci < 2; ci++) {
      for (int cj = 0; cj < 2; cj++) {
        if (ci == 1 && cj == 1) {
          continue;
        }
        ByteBuffer b = ByteBuffer.allocate(3 * 2 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < 3; r++) {
          for (int c = 0; c < 2; c++) {
            int gr = ci * 3 + r;
            int gc = cj * 2 + c;
            b.putShort((short) (gr < 5 ? gr * 4 + gc + 60000 : 0));
          }
        }
        Path key = format == 2 ? root.resolve(ci + "." + cj) : root.resolve("c/" + ci + "/" + cj);
        Files.createDirectories(key.getParent());
        Files.write(key, b.array());
      }
    }
    return root;
  }

  /** Opens through the ServiceLoader-found backend, as every caller does. */
  private static ChunkSource open(String backend, Path root, String path) {
    return Backends.get(backend).openArray(new LocalByteStore(root), path, ReaderOptions.defaults());
  }

  private static void checkU2(ChunkSource s) {
    ArrayInfo info = s.info();
    assertEquals("<u2", info.dtype.numpy());
    assertEquals(65535L, info.fillBits);
    assertEquals("m", info.attributes.get("units"));
    try (FieldVector v = s.readRegion(new long[] {0, 0}, new int[] {5, 4}, s.allocator())) {
      UInt2Vector u = (UInt2Vector) v;
      for (int r = 0; r < 5; r++) {
        for (int c = 0; c < 4; c++) {
          int want = (r >= 3 && c >= 2) ? 65535 : r * 4 + c + 60000;
          assertEquals(want, u.get(r * 4 + c), "element " + r + "," + c);
        }
      }
    }
    try (FieldVector v = s.readChunk(new long[] {1, 0}, s.allocator())) {
      assertEquals(4, v.getValueCount(), "edge chunk is clipped to 2x2");
    }
    assertNull(s.readRawChunk(new long[] {1, 1}));
    assertEquals(12, s.readRawChunk(new long[] {0, 0}).length);
  }

  @Test
  void zarrJavaReadsV2AndV3Unsigned() throws Exception {
    for (int fmt : new int[] {2, 3}) {
      Path root = writeU2(fmt);
      try (ChunkSource s = open("zarr-java", root, "")) {
        checkU2(s);
        assertEquals(!BuildInfo.hasUnsignedTypes(), s.info().notes.size() == 1);
      }
    }
  }

  @Test
  void jzarrReadsV2Unsigned() throws Exception {
    Path root = writeU2(2);
    try (ChunkSource s = open("jzarr", root, "")) {
      checkU2(s);
    }
    Path v3 = writeU2(3);
    assertThrows(UnsupportedException.class,
        () -> open("jzarr", v3, ""));
  }

  @Test
  void twinDocumentKeepsBytesAndMapsBoolFill() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("bool"));
    Files.writeString(root.resolve(".zarray"), "{\"zarr_format\":2,\"shape\":[2],\"chunks\":[2],\"dtype\":\"|b1\","
        + "\"compressor\":null,\"filters\":null,\"fill_value\":true,\"order\":\"C\"}");
    ZarrMeta m = ZarrMeta.read(new LocalByteStore(root), "", 0);
    String twin = new String(m.signedTwinDocument(), StandardCharsets.UTF_8);
    assertTrue(twin.contains("\"dtype\":\"|i1\""), twin);
    assertTrue(twin.contains("\"fill_value\":1"), twin);
  }

  @Test
  void openingLeavesNoAllocatorBehind() throws Exception {
    Path root = writeU2(3);
    int before = ArrowMemory.openChildren();
    for (int i = 0; i < 50; i++) {
      try (ChunkSource s = open("zarr-java", root, "")) {
        s.readChunk(new long[] {0, 0}, s.allocator()).close();
      }
      assertThrows(ArrayNotFoundException.class, () -> open("zarr-java", root, "nothing"));
    }
    assertEquals(before, ArrowMemory.openChildren());
    assertArrayEquals(new long[] {5, 4}, open("zarr-java", root, "").info().shape);
  }
}
