package dev.zarrjvm.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir
  Path tmp;

  @Test
  void nodePathsStayInside() {
    assertEquals("", StoreKeys.nodePath(null));
    assertEquals("a/b", StoreKeys.nodePath("a/b/"));
    for (String bad : new String[] {"/abs", "..", "a/../b", "a//b", "./a", "a\\b", "C:/x"}) {
      assertThrows(StoreException.class, () -> StoreKeys.nodePath(bad), bad);
    }
    assertThrows(StoreException.class, () -> StoreKeys.checkKey("a/../../etc/passwd"));
    assertEquals("a/b/c", StoreKeys.join("a", "b", "", "c"));
  }

  @Test
  void localStoreReadsRangesAndRefusesEscapes() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("store"));
    Files.write(root.resolve("k"), new byte[] {1, 2, 3, 4, 5});
    Files.createDirectories(root.resolve("dir"));
    Path outside = Files.write(tmp.resolve("secret"), new byte[] {9});
    Files.createSymbolicLink(root.resolve("link"), outside);
    Files.createSymbolicLink(root.resolve("alias"), root.resolve("k"));
    LocalByteStore s = new LocalByteStore(root);
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, s.get("k"));
    assertArrayEquals(new byte[] {2, 3}, s.getRange("k", ByteRange.of(1, 3)));
    assertArrayEquals(new byte[] {4, 5}, s.getRange("k", ByteRange.suffix(2)));
    assertNull(s.get("absent"));
    assertTrue(s.exists("k"));
    assertFalse(s.exists("absent"));
    assertThrows(StoreException.class, () -> s.getRange("k", ByteRange.of(3, 9)), "short data must be an error");
    assertThrows(StoreException.class, () -> s.get("dir"));
    assertThrows(StoreException.class, () -> s.get("link"));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, s.get("alias"), "a link inside the store is an ordinary key");
    assertEquals(List.of("alias", "dir", "k"), s.list(""), "links out of the store are left out of listings");
    assertThrows(ArrayNotFoundException.class, () -> new LocalByteStore(tmp.resolve("missing")));
    // readInto fills exactly-sized buffers only, and reports the size otherwise
    java.nio.ByteBuffer five = java.nio.ByteBuffer.allocateDirect(5);
    assertEquals(5, s.readInto("k", five));
    byte[] got = new byte[5];
    five.duplicate().get(got);
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, got);
    java.nio.ByteBuffer four = java.nio.ByteBuffer.allocateDirect(4);
    assertEquals(5, s.readInto("k", four));
    assertEquals(0, four.get(0));
    assertEquals(-1, s.readInto("absent", four));
  }
}
