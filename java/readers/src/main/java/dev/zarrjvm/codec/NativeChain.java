package dev.zarrjvm.codec;

import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A Zarr chunk's bytes→bytes codecs run on off-heap memory by native libraries — those the Java readers link
 * (zstd-jni, c-blosc through JNA, CRC32C) and, for zlib and gzip, libdeflate (through JNA; where it is not built, the
 * JDK's zlib, {@code Inflater}, both readers' own) — writing the decoded element bytes into a buffer the caller owns
 * (Arrow memory): no Java heap array holds the chunk. A chain is checksums (crc32c, outermost) around at most one
 * decompressor; anything else has no native chain (the reader's own codecs decode it).
 */
public final class NativeChain {
  /** One decompressor: decodes all of {@code src} into {@code dst} and returns the number of bytes written. */
  interface Decompressor {
    long decode(ByteBuffer src, ByteBuffer dst, String what);

    String library();
  }

  private final List<String> checksums;
  private final Decompressor decompressor;

  private NativeChain(List<String> checksums, Decompressor decompressor) {
    this.checksums = checksums;
    this.decompressor = decompressor;
  }

  /**
   * The native chain for the bytes→bytes codecs {@code ids} in encoding order (v2: the compressor; v3: the codecs
   * after {@code bytes}), or null when a codec has no native decoder here or the chain has another shape.
   */
  public static NativeChain of(List<String> ids) {
    List<String> checks = new ArrayList<>();
    Decompressor d = null;
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      if (id.equals("crc32c")) {
        if (d != null) {
          return null; // a checksum inside a compressor: rare, left to the reader
        }
        checks.add(id);
        continue;
      }
      if (d != null) {
        return null; // two compressors
      }
      d = switch (id) {
        case "zstd" -> new ZstdDecompressor();
        case "blosc" -> Blosc.available() ? new Blosc() : null;
        case "zlib", "gzip" -> Libdeflate.available() ? new Libdeflate(id.equals("gzip"))
            : new Inflation(id.equals("gzip"));
        default -> null;
      };
      if (d == null) {
        return null;
      }
    }
    return new NativeChain(List.copyOf(checks), d);
  }

  /**
   * Whether a stored chunk is its element bytes as they are (no decompressor, no checksum): such a chunk of the right
   * size may be read straight into its place. A chain with a checksum is not plain: a stored chunk of exactly the
   * element bytes' size then lacks its checksum, which {@link #decode} reports, as the readers do.
   */
  public boolean plain() {
    return decompressor == null && checksums.isEmpty();
  }

  /** What decodes, for the array's notes. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (decompressor != null) {
      parts.add(decompressor.library());
    }
    if (!checksums.isEmpty()) {
      parts.add("CRC32C (JDK)");
    }
    return parts.isEmpty() ? "no codec" : String.join(" + ", parts);
  }

  /**
   * Decodes the stored chunk {@code src} (direct memory, position 0 to limit) into {@code dst} (direct memory, exactly
   * the chunk's byte size): checksums checked and stripped, then the decompressor, whose output must fill {@code dst}.
   */
  public void decode(ByteBuffer src, ByteBuffer dst, String what) {
    ByteBuffer in = src.duplicate();
    for (int i = 0; i < checksums.size(); i++) {
      in = Checksums.crc32c(in, what);
    }
    long expected = dst.remaining();
    long got;
    if (decompressor == null) {
      got = in.remaining();
      if (got == expected) {
        dst.duplicate().put(in);
      }
    } else {
      got = decompressor.decode(in, dst.duplicate(), what);
    }
    if (got != expected) {
      throw new ChunkDecodeException(what + ": decoded to " + got + " bytes, a chunk is " + expected);
    }
  }
}
