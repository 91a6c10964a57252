package dev.zarrjvm.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zarrjvm.errors.ChunkDecodeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * libdeflate (zlib and gzip) decodes what the JDK's encoders wrote and answers damage and wrong sizes exactly as the
 * JDK's Inflater path does (both are run on the same inputs here).
 */
class LibdeflateTest {
  private static final byte[] DATA = data(50_000, 5);
  private static final byte[] MORE = data(7_000, 6);

  private static byte[] data(int n, long seed) {
    Random r = new Random(seed);
    byte[] b = new byte[n];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i % 89 < 50 ? i / 300 : r.nextInt(256)); // runs and noise
    }
    return b;
  }

  private static byte[] zlib(byte[] b) throws IOException {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
      d.write(b);
    }
    return z.toByteArray();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream d = new GZIPOutputStream(z)) {
      d.write(b);
    }
    return z.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  /** libdeflate (which must load where the build made it) and the JDK fallback, on the same codec. */
  private static List<NativeChain.Decompressor> both(boolean gzip) {
    boolean built = LibdeflateTest.class.getClassLoader().getResource(
        com.sun.jna.Platform.RESOURCE_PREFIX + "/libzarrjvm_deflate.so") != null;
    assumeTrue(built, "tools/build_deflate.sh built no libzarrjvm_deflate.so for this platform");
    assertTrue(Libdeflate.available(), "libzarrjvm_deflate.so is on the classpath but does not load");
    return List.of(new Libdeflate(gzip), new Inflation(gzip));
  }

  /** Decodes into a direct buffer of {@code size} bytes at offset 3 of a larger one: the count and the bytes. */
  private static Object[] run(NativeChain.Decompressor d, byte[] stored, int size) {
    ByteBuffer src = ByteBuffer.allocateDirect(stored.length + 5).position(5).put(stored).position(5);
    ByteBuffer dst = ByteBuffer.allocateDirect(size + 3).position(3);
    long n = d.decode(src.slice(), dst.slice(), "test chunk");
    byte[] out = new byte[(int) Math.min(n, size)];
    dst.position(3).get(out);
    return new Object[] {n, out};
  }

  @Test
  void decodesWhatTheJdkWrote() throws IOException {
    for (NativeChain.Decompressor d : both(false)) {
      Object[] r = run(d, zlib(DATA), DATA.length);
      assertEquals((long) DATA.length, r[0], d.library());
      assertArrayEquals(DATA, (byte[]) r[1], d.library());
    }
    for (NativeChain.Decompressor d : both(true)) {
      Object[] r = run(d, gzip(DATA), DATA.length);
      assertEquals((long) DATA.length, r[0], d.library());
      assertArrayEquals(DATA, (byte[]) r[1], d.library());
    }
    assertTrue(new Libdeflate(false).library().matches("zlib \\(libdeflate 1\\.\\d+\\)"), new Libdeflate(false)
        .library());
    assertTrue(new Libdeflate(true).library().matches("gzip \\(libdeflate 1\\.\\d+\\)"));
  }

  @Test
  void concatenatedGzipMembersAreReadOnAsGzipInputStreamDoes() throws IOException {
    byte[] stored = concat(gzip(DATA), gzip(MORE), gzip(new byte[0]), gzip(DATA));
    byte[] want = new GZIPInputStream(new ByteArrayInputStream(stored)).readAllBytes();
    assertArrayEquals(concat(DATA, MORE, DATA), want);
    // bytes after the last member that are no gzip header: GZIPInputStream stops there
    byte[] trailing = concat(gzip(DATA), gzip(MORE), new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertArrayEquals(concat(DATA, MORE), new GZIPInputStream(new ByteArrayInputStream(trailing)).readAllBytes());
    for (NativeChain.Decompressor d : both(true)) {
      Object[] r = run(d, stored, want.length);
      assertEquals((long) want.length, r[0], d.library());
      assertArrayEquals(want, (byte[]) r[1], d.library());
      r = run(d, trailing, DATA.length + MORE.length);
      assertArrayEquals(concat(DATA, MORE), (byte[]) r[1], d.library());
      // a second member beyond the chunk: one byte more than the chunk holds, as for one long member
      assertEquals((long) DATA.length + 1, run(d, stored, DATA.length)[0], d.library());
      // a damaged second member is an error, not the end of the stream
      byte[] bad = concat(gzip(DATA), gzip(MORE));
      bad[bad.length - 5] ^= 1;
      assertThrows(ChunkDecodeException.class, () -> run(d, bad, DATA.length + MORE.length), d.library());
    }
  }

  @Test
  void outputLongerThanTheChunkReturnsOneByteMore() throws IOException {
    for (boolean g : new boolean[] {false, true}) {
      byte[] stored = g ? gzip(DATA) : zlib(DATA);
      for (NativeChain.Decompressor d : both(g)) {
        assertEquals((long) DATA.length - 99, run(d, stored, DATA.length - 100)[0], d.library());
        assertEquals(1L, run(d, stored, 0)[0], d.library());
      }
    }
  }

  @Test
  void shortOutputReturnsTheBytesWritten() throws IOException {
    for (boolean g : new boolean[] {false, true}) {
      byte[] stored = g ? gzip(DATA) : zlib(DATA);
      for (NativeChain.Decompressor d : both(g)) {
        Object[] r = run(d, stored, DATA.length + 64);
        assertEquals((long) DATA.length, r[0], d.library());
        assertArrayEquals(DATA, Arrays.copyOf((byte[]) r[1], DATA.length), d.library());
      }
    }
  }

  @Test
  void damagedDataIsInvalid() throws IOException {
    byte[] z = zlib(DATA);
    byte[] g = gzip(DATA);
    byte[][] zlibBad = {flip(z, z.length / 2), flip(z, z.length - 1), /* Adler-32 */ Arrays.copyOf(z, z.length / 2),
        flip(z, 0), /* header */ new byte[] {1, 2, 3}};
    for (NativeChain.Decompressor d : both(false)) {
      for (byte[] bad : zlibBad) {
        ChunkDecodeException e = assertThrows(ChunkDecodeException.class, () -> run(d, bad, DATA.length),
            d.library());
        assertTrue(e.getMessage().startsWith("test chunk: ") && e.getMessage().contains("zlib"), e.getMessage());
      }
    }
    byte[][] gzipBad = {flip(g, g.length / 2), flip(g, g.length - 6), /* the trailer's CRC-32 */
        flip(g, g.length - 2), /* the trailer's size */ Arrays.copyOf(g, g.length - 4), Arrays.copyOf(g, g.length / 2),
        flip(g, 0), /* magic */ new byte[] {0x1f, (byte) 0x8b}};
    for (NativeChain.Decompressor d : both(true)) {
      for (byte[] bad : gzipBad) {
        ChunkDecodeException e = assertThrows(ChunkDecodeException.class, () -> run(d, bad, DATA.length),
            d.library());
        assertTrue(e.getMessage().startsWith("test chunk: ") && e.getMessage().contains("gzip"), e.getMessage());
      }
    }
  }

  /**
   * A stream cut short by a few bytes: libdeflate alone would decode zeros past its end until the chunk is full and
   * report "too long" (measured: a gzip member without its last 2 to 8 bytes); it must be an error, as the JDK says.
   */
  @Test
  void truncatedStreamsAreErrorsNotLongOutput() throws IOException {
    for (boolean g : new boolean[] {false, true}) {
      byte[] stored = g ? gzip(DATA) : zlib(DATA);
      for (NativeChain.Decompressor d : both(g)) {
        for (int cut = 1; cut <= 12; cut++) {
          byte[] bad = Arrays.copyOf(stored, stored.length - cut);
          assertThrows(ChunkDecodeException.class, () -> run(d, bad, DATA.length), d.library() + " cut " + cut);
        }
      }
    }
  }

  @Test
  void libdeflatesBadDataNamesTheCodecAndSaysInvalid() throws IOException {
    byte[] z = flip(zlib(DATA), 0);
    byte[] g = flip(gzip(DATA), gzip(DATA).length - 6);
    both(true);
    ChunkDecodeException e = assertThrows(ChunkDecodeException.class, () -> run(new Libdeflate(false), z, 10));
    assertEquals("test chunk: zlib data is invalid (libdeflate: bad data)", e.getMessage());
    e = assertThrows(ChunkDecodeException.class, () -> run(new Libdeflate(true), g, DATA.length));
    assertEquals("test chunk: gzip data is invalid (libdeflate: bad data)", e.getMessage());
  }

  @Test
  void eachThreadHasItsOwnDecompressor() throws Exception {
    byte[] stored = gzip(DATA);
    NativeChain.Decompressor d = both(true).get(0);
    Thread[] threads = new Thread[4];
    Throwable[] failed = new Throwable[1];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        try {
          for (int i = 0; i < 50; i++) {
            assertArrayEquals(DATA, (byte[]) run(d, stored, DATA.length)[1]);
          }
        } catch (Throwable e) {
          failed[0] = e;
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(null, failed[0]);
  }

  private static byte[] flip(byte[] b, int i) {
    byte[] c = b.clone();
    c[i] ^= 0x55;
    return c;
  }
}
