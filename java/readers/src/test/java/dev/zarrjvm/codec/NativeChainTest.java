package dev.zarrjvm.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Native chains decode what the JDK's and zstd-jni's encoders wrote, into direct memory, and refuse damage. */
class NativeChainTest {
  private static final byte[] DATA = data();

  private static byte[] data() {
    Random r = new Random(3);
    byte[] b = new byte[40_000];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i % 97 < 60 ? i / 400 : r.nextInt(256)); // runs and noise
    }
    return b;
  }

  private static byte[] decode(List<String> ids, byte[] stored, int size) {
    NativeChain c = NativeChain.of(ids);
    assertNotNull(c, ids.toString());
    ByteBuffer src = ByteBuffer.allocateDirect(stored.length).put(stored).flip();
    ByteBuffer dst = ByteBuffer.allocateDirect(size);
    c.decode(src, dst, "test chunk");
    byte[] out = new byte[size];
    dst.get(out);
    return out;
  }

  private static byte[] withCrc32c(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return ByteBuffer.allocate(b.length + 4).order(ByteOrder.LITTLE_ENDIAN).put(b).putInt((int) c.getValue()).array();
  }

  @Test
  void zstdZlibGzipAndChecksums() throws Exception {
    assertArrayEquals(DATA, decode(List.of("zstd"), Zstd.compress(DATA, 3), DATA.length));
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
      d.write(DATA);
    }
    assertArrayEquals(DATA, decode(List.of("zlib"), z.toByteArray(), DATA.length));
    ByteArrayOutputStream g = new ByteArrayOutputStream();
    try (GZIPOutputStream d = new GZIPOutputStream(g)) {
      d.write(DATA);
    }
    assertArrayEquals(DATA, decode(List.of("gzip"), g.toByteArray(), DATA.length));
    assertArrayEquals(DATA, decode(List.of("zstd", "crc32c"), withCrc32c(Zstd.compress(DATA, 1)), DATA.length));
    assertArrayEquals(DATA, decode(List.of("crc32c"), withCrc32c(DATA), DATA.length));
    assertArrayEquals(DATA, decode(List.of(), DATA, DATA.length));
  }

  /** gzip members with every optional header field (extra, name, comment, header CRC), as RFC 1952 allows. */
  @Test
  void gzipOptionalHeaderFields() {
    Deflater d = new Deflater(6, true);
    d.setInput(DATA);
    d.finish();
    byte[] buf = new byte[DATA.length + 1024];
    int n = d.deflate(buf);
    d.end();
    CRC32 crc = new CRC32();
    crc.update(DATA);
    ByteBuffer b = ByteBuffer.allocate(n + 64).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x1f).put((byte) 0x8b).put((byte) 8).put((byte) (4 | 8 | 16 | 2)).putInt(0).put((byte) 0)
        .put((byte) 3);
    b.putShort((short) 3).put(new byte[] {1, 2, 3});
    b.put("name".getBytes()).put((byte) 0).put("comment".getBytes()).put((byte) 0).putShort((short) 0);
    b.put(buf, 0, n).putInt((int) crc.getValue()).putInt(DATA.length);
    byte[] member = java.util.Arrays.copyOf(b.array(), b.position());
    assertArrayEquals(DATA, decode(List.of("gzip"), member, DATA.length));
    member[member.length - 5] ^= 1; // the trailer's CRC
    assertThrows(ChunkDecodeException.class, () -> decode(List.of("gzip"), member, DATA.length));
  }

  @Test
  void sizesAndDamageAreRefused() {
    byte[] z = Zstd.compress(DATA, 3);
    ChunkDecodeException e = assertThrows(ChunkDecodeException.class,
        () -> decode(List.of("zstd"), z, DATA.length + 8));
    assertTrue(e.getMessage().contains("decoded to " + DATA.length + " bytes"), e.getMessage());
    assertThrows(ChunkDecodeException.class, () -> decode(List.of("zstd"), z, DATA.length - 8));
    byte[] bad = withCrc32c(DATA);
    bad[10] ^= 1;
    assertThrows(ChunkDecodeException.class, () -> decode(List.of("crc32c"), bad, DATA.length));
    assertThrows(ChunkDecodeException.class, () -> decode(List.of("zlib"), java.util.Arrays.copyOf(DATA, 100), 100));
  }

  @Test
  void chainsWithoutANativeDecoder() {
    assertNull(NativeChain.of(List.of("lzma")));
    assertNull(NativeChain.of(List.of("zstd", "gzip")));
    assertNull(NativeChain.of(List.of("crc32c", "zstd")));
  }
}
