package dev.zarrjvm.codec;

import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** The v3 {@code crc32c} codec: a little-endian CRC-32C of the data after it, checked with the JDK's CRC32C. */
final class Checksums {
  private Checksums() {}

  /** {@code in} without its 4-byte checksum, once the checksum matches. */
  static ByteBuffer crc32c(ByteBuffer in, String what) {
    int n = in.remaining() - 4;
    if (n < 0) {
      throw new ChunkDecodeException(what + ": shorter than its 4-byte crc32c checksum");
    }
    ByteBuffer data = in.slice(in.position(), n);
    CRC32C crc = new CRC32C();
    crc.update(data.duplicate());
    int stored = in.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(in.position() + n);
    if ((int) crc.getValue() != stored) {
      throw new ChunkDecodeException(what + ": crc32c checksum does not match the data");
    }
    return data;
  }
}
