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
    assertEquals("bytes=2-4", ByteRange.of(2, 5).httpHeader());
    assertEquals("bytes=2-", ByteRange.from(2).httpHeader());
    assertEquals("bytes=-3", ByteRange.suffix(3).httpHeader());
    assertArrayEquals(new long[] {7, 10}, ByteRange.suffix(3).resolve(10, "k", "w"));
    assertArrayEquals(new long[] {4, 10}, ByteRange.from(4).resolve(10, "k", "w"));
    assertThrows(StoreException.class, () -> ByteRange.suffix(11).resolve(10, "k", "w"));
    assertThrows(StoreException.class, () -> ByteRange.of(5, 11).resolve(10, "k", "w"));
    assertThrows(StoreException.class, () -> ByteRange.of(5, 4));
    assertThrows(StoreException.class, () -> ByteRange.suffix(0));
    assertArrayEquals(new byte[] {3, 4}, ByteRange.suffix(2).slice(new byte[] {1, 2, 3, 4}, "k", "w"));
    assertEquals(100, ByteRange.totalFromContentRange("bytes 0-9/100"));
    assertEquals(-1, ByteRange.totalFromContentRange("bytes 0-9/*"));
    assertEquals(-1, ByteRange.totalFromContentRange(null));
    ByteRange.of(0, 10).checkBody(10, 100, "k", "w");
    ByteRange.suffix(4).checkBody(4, -1, "k", "w");
    assertThrows(StoreException.class, () -> ByteRange.of(0, 10).checkBody(9, 100, "k", "w"));
    assertThrows(StoreException.class, () -> ByteRange.from(95).checkBody(4, 100, "k", "w"));
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
    ByteStore s = Stores.open(zip.toString(), StorageOptions.none());
    assertInstanceOf(ZipByteStore.class, s);
    assertArrayEquals("abcdef".getBytes(), s.get("c/0/0"));
    assertArrayEquals("cde".getBytes(), s.getRange("c/0/0", ByteRange.of(2, 5)));
    assertArrayEquals("ef".getBytes(), s.getRange("c/0/0", ByteRange.suffix(2)));
    assertThrows(StoreException.class, () -> s.getRange("c/0/0", ByteRange.of(4, 9)));
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
    StorageOptions none = StorageOptions.none();
    assertInstanceOf(HttpByteStore.class, Stores.open("http://127.0.0.1:1/x.zarr", none));
    assertThrows(StoreException.class, () -> Stores.open("http://127.0.0.1:1/x", StorageOptions.of(Map.of("nope", 1))));
    assertThrows(StoreException.class,
        () -> Stores.open(tmp.toString(), StorageOptions.parse("{\"endpoint_url\": \"x\"}")));
    assertThrows(dev.zarrjvm.errors.UnsupportedException.class, () -> Stores.open("gcs://b/x", none));
    assertInstanceOf(LocalByteStore.class, Stores.open(tmp.toString(), none));
    assertTrue(Stores.opens("/a/b") && Stores.opens("s3://b/k") && Stores.opens("ZIP://x.zip"));
    assertFalse(Stores.opens("memory://x") || Stores.opens("gcs://b/x"));
  }

  @Test
  void aFileIsAStoreOfOneValue() throws Exception {
    Path f = Files.write(tmp.resolve("data.nc"), new byte[] {'C', 'D', 'F', 1});
    ByteStore s = Stores.open(f.toString(), StorageOptions.none());
    assertEquals(f.toAbsolutePath(), s.localFile());
    assertArrayEquals(new byte[] {'C', 'D', 'F', 1}, s.get(""));
    assertNull(s.get(".zarray"));
    assertEquals(List.of(), s.list(""));
    assertNull(Stores.open(tmp.toString(), StorageOptions.none()).localFile(), "a directory is no single file");
  }

  @Test
  void httpKeysArePercentEncodedUnderTheBase() {
    HttpByteStore h = new HttpByteStore("http://127.0.0.1:1/data", StorageOptions.none());
    assertEquals("http://127.0.0.1:1/data/c/0/a%20b%3F%23", h.uri("c/0/a b?#").toString());
    assertThrows(StoreException.class, () -> h.uri("../x"));
  }
}
