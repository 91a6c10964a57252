package dev.zarrjvm.codec;

import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * zlib and gzip through the JDK's {@code Inflater} (the zlib both readers use), on direct buffers. gzip's header and
 * trailer (RFC 1952) are read here: the trailer's CRC-32 and size are checked, and concatenated members are decoded one
 * after the other, as {@code GZIPInputStream} does. The fallback of {@link Libdeflate}, where libdeflate is not built.
 */
final class Inflation implements NativeChain.Decompressor {
  private final boolean gzip;

  Inflation(boolean gzip) {
    this.gzip = gzip;
  }

  @Override
  public long decode(ByteBuffer src, ByteBuffer dst, String what) {
    ByteBuffer in = src.duplicate();
    int start = dst.position();
    while (true) {
      int member = dst.position();
      if (gzip) {
        skipGzipHeader(in, what);
      }
      Inflater inf = new Inflater(gzip);
      try {
        inf.setInput(in);
        while (!inf.finished()) {
          int n = inf.inflate(dst);
          if (n == 0) {
            if (inf.needsInput() || inf.needsDictionary()) {
              throw new ChunkDecodeException(what + ": the " + name() + " stream ends early");
            }
            if (!dst.hasRemaining()) {
              return dst.position() - start + 1; // more data than a chunk holds: the chain reports the size
            }
          }
        }
        if (!gzip) {
          return dst.position() - start;
        }
        checkGzipTrailer(in, dst.duplicate().flip().position(member), dst.position() - member, what);
      } catch (DataFormatException e) {
        throw new ChunkDecodeException(what + ": " + name() + " data is invalid (" + e.getMessage() + ")", e);
      } finally {
        inf.end();
      }
      in.position(in.position() + 8);
      if (!gzipMemberAt(in, in.position())) {
        return dst.position() - start;
      }
    }
  }

  /**
   * Whether another gzip member starts at {@code p} (before {@code b}'s limit): {@code GZIPInputStream} reads on into
   * one, and bytes that are no gzip header end the stream there.
   */
  static boolean gzipMemberAt(ByteBuffer b, int p) {
    return b.limit() - p >= 3 && (b.get(p) & 0xff) == 0x1f && (b.get(p + 1) & 0xff) == 0x8b && b.get(p + 2) == 8;
  }

  @Override
  public String library() {
    return name() + " (JDK Inflater)";
  }

  private String name() {
    return gzip ? "gzip" : "zlib";
  }

  private static void skipGzipHeader(ByteBuffer in, String what) {
    try {
      if ((in.get() & 0xff) != 0x1f || (in.get() & 0xff) != 0x8b || in.get() != 8) {
        throw new ChunkDecodeException(what + ": not a gzip stream (bad magic or method)");
      }
      int flags = in.get() & 0xff;
      in.position(in.position() + 6); // mtime, xfl, os
      if ((flags & 4) != 0) {
        int xlen = (in.get() & 0xff) | (in.get() & 0xff) << 8;
        in.position(in.position() + xlen);
      }
      for (int f : new int[] {8, 16}) {
        if ((flags & f) != 0) {
          while (in.get() != 0) {
            // zero-terminated name or comment
          }
        }
      }
      if ((flags & 2) != 0) {
        in.position(in.position() + 2);
      }
    } catch (RuntimeException e) {
      if (e instanceof ChunkDecodeException c) {
        throw c;
      }
      throw new ChunkDecodeException(what + ": the gzip header is truncated", e);
    }
  }

  /** {@code in} is positioned after the deflate data once the Inflater finished (it reports the bytes left). */
  private static void checkGzipTrailer(ByteBuffer in, ByteBuffer out, long written, String what) {
    if (in.remaining() < 8) {
      throw new ChunkDecodeException(what + ": the gzip trailer is missing");
    }
    ByteBuffer t = in.slice().order(ByteOrder.LITTLE_ENDIAN);
    CRC32 crc = new CRC32();
    crc.update(out);
    if ((int) crc.getValue() != t.getInt(0) || (int) written != t.getInt(4)) {
      throw new ChunkDecodeException(what + ": gzip CRC-32 or size does not match the data");
    }
  }
}
