package dev.zarrjvm.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zarrjvm.errors.StoreException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zip store, the one reading of range arguments, and the dispatch by location. */
class ZipAndRangesTest {
  @TempDir
  Path tmp;

  @Test
  void rangeHeadersAndBounds() {
    assertEquals("bytes=2-4", Ranges.header(2, 5));
    assertEquals("bytes=2-", Ranges.header(2, -1));
    assertEquals("bytes=-3", Ranges.header(-3, -1));
    assertArrayEquals(new long[] {7, 10}, Ranges.resolve(-3, -1, 10, "k", "w"));
    assertThrows(StoreException.class, () -> Ranges.resolve(-11, -1, 10, "k", "w"));
    assertThrows(StoreException.class, () -> Ranges.resolve(5, 11, 10, "k", "w"));
    assertArrayEquals(new byte[] {3, 4}, Ranges.slice(new byte[] {1, 2, 3, 4}, -2, -1, "k", "w"));
  }

  @Test
  void zipStoreReadsEntriesRangesAndImpliedDirectories() throws Exception {
    Path zip = tmp.resolve("s.zip");
    try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream zo = new ZipOutputStream(os)) {
      for (String[] e : new String[][] {{"zarr.json", "{}"}, {"c/0/0", "abcdef"}, {"c/0/1", "xyz"}, {"../up", "no"}}) {
        zo.putNextEntry(new ZipEntry(e[0]));
        zo.write(e[1].getBytes());
        zo.closeEntry();
      }
    }
    ByteStore s = Stores.open(zip.toString(), Map.of());
    assertInstanceOf(ZipByteStore.class, s);
    assertArrayEquals("abcdef".getBytes(), s.get("c/0/0"));
    assertArrayEquals("cde".getBytes(), s.getRange("c/0/0", 2, 5));
    assertArrayEquals("ef".getBytes(), s.getRange("c/0/0", -2, -1));
    assertThrows(StoreException.class, () -> s.getRange("c/0/0", 4, 9));
    assertNull(s.get("c/1/0"));
    assertNull(s.get("c"));
    assertTrue(s.exists("c") && s.exists("c/0/1"));
    assertFalse(s.exists("nope"));
    assertEquals(List.of("..", "c", "zarr.json"), s.list(""));
    assertEquals(List.of("0", "1"), s.list("c/0/"));
    assertThrows(StoreException.class, () -> s.get("../up"));
    assertEquals(zip.toAbsolutePath(), s.localPath());
    s.close();
    assertThrows(StoreException.class, () -> s.get("zarr.json"));
  }

  @Test
  void locationsDispatchByScheme() {
    assertInstanceOf(HttpByteStore.class, Stores.open("http://127.0.0.1:1/x.zarr", Map.of()));
    assertThrows(StoreException.class, () -> Stores.open("http://127.0.0.1:1/x", Map.of("nope", 1)));
    assertThrows(StoreException.class, () -> Stores.open(tmp.toString(), Map.of("endpoint_url", "x")));
    assertThrows(dev.zarrjvm.errors.UnsupportedException.class, () -> Stores.open("gcs://b/x", Map.of()));
    ByteStore local = Stores.open(tmp.toString(), Map.of());
    String loc = Stores.register(local);
    assertEquals(local, Stores.open(loc, Map.of()));
    Stores.unregister(loc);
    assertThrows(StoreException.class, () -> Stores.open(loc, Map.of()));
  }

  @Test
  void httpKeysArePercentEncodedUnderTheBase() {
    HttpByteStore h = new HttpByteStore("http://127.0.0.1:1/data", Map.of());
    assertEquals("http://127.0.0.1:1/data/c/0/a%20b%3F%23", h.uri("c/0/a b?#").toString());
    assertThrows(StoreException.class, () -> h.uri("../x"));
  }
}
