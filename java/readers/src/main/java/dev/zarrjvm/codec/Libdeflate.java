package dev.zarrjvm.codec;

import com.sun.jna.FunctionMapper;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * zlib and gzip through libdeflate (built by {@code tools/build_deflate.sh} as {@code libzarrjvm_deflate.so}, packed
 * into the readers' jar), direct buffer to direct buffer through JNA's direct mapping. libdeflate decompresses a whole
 * buffer whose decoded size is known — a chunk's always is — about twice as fast as zlib's streaming {@code inflate}.
 * Results are those of {@link Inflation} (the JDK's zlib, the fallback where the library does not load): damaged data
 * is a {@link ChunkDecodeException} (libdeflate checks zlib's Adler-32 and gzip's CRC-32 and size), output beyond the
 * chunk returns one byte more than the chunk holds (decided by the Inflater: see {@link #decode}) and short output the
 * bytes written (the chain reports both), and concatenated gzip members are decoded one after the other, as
 * {@code GZIPInputStream} does.
 */
final class Libdeflate implements NativeChain.Decompressor {
  private static final int SUCCESS = 0;
  private static final int BAD_DATA = 1;
  private static final int INSUFFICIENT_SPACE = 3;
  private static final Map<String, String> C_NAMES = Map.of("allocDecompressor", "libdeflate_alloc_decompressor",
      "freeDecompressor", "libdeflate_free_decompressor", "zlibDecompressEx", "libdeflate_zlib_decompress_ex",
      "gzipDecompressEx", "libdeflate_gzip_decompress_ex", "version", "zarrjvm_libdeflate_version");
  private static final String VERSION = load();

  /**
   * One decompressor per thread (libdeflate's are not shared between threads; allocating one per chunk costs a 32 KB
   * allocation), with 16 bytes for the two {@code size_t} results (JNA's {@code Memory} frees itself).
   */
  private static final ThreadLocal<State> STATE = PerThread.of(() -> {
    long d = Lib.allocDecompressor();
    if (d == 0) {
      throw new OutOfMemoryError("libdeflate_alloc_decompressor: no native memory");
    }
    return new State(d, new Memory(16));
  }, s -> Lib.freeDecompressor(s.decompressor()));

  private record State(long decompressor, Memory sizes) {
  }

  private final boolean gzip;

  Libdeflate(boolean gzip) {
    this.gzip = gzip;
  }

  /** Whether libzarrjvm_deflate loads here (built for this 64-bit platform and on the readers' classpath). */
  static boolean available() {
    return VERSION != null;
  }

  /**
   * The libdeflate functions, bound by JNA's direct mapping (Java names mapped to C's by {@link #C_NAMES}); pointers
   * and {@code size_t} are {@code long} (LP64).
   */
  private static final class Lib {
    static native long allocDecompressor();

    static native void freeDecompressor(long d);

    static native int zlibDecompressEx(long d, long in, long inBytes, long out, long outAvail,
        long actualIn, long actualOut);

    static native int gzipDecompressEx(long d, long in, long inBytes, long out, long outAvail,
        long actualIn, long actualOut);

    static native String version();
  }

  private static String load() {
    try {
      if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
        return null; // the direct mapping above passes pointers and size_t as Java longs
      }
      FunctionMapper names = (library, method) -> C_NAMES.get(method.getName());
      NativeLibrary lib = NativeLibrary.getInstance("zarrjvm_deflate", Map.of(Library.OPTION_CLASSLOADER,
          Libdeflate.class.getClassLoader(), Library.OPTION_FUNCTION_MAPPER, names));
      Native.register(Lib.class, lib);
      return Lib.version();
    } catch (Throwable t) {
      // not built for this platform, not on the classpath, or no JNA here (its own native part missing: Native's
      // initializer throws): the JDK's Inflater decodes
      return null;
    }
  }

  @Override
  public long decode(ByteBuffer src, ByteBuffer dst, String what) {
    State state = STATE.get();
    Memory sizes = state.sizes();
    long actualIn = Pointer.nativeValue(sizes);
    long actualOut = actualIn + 8;
    int start = src.position();
    long in = MemoryUtil.getByteBufferAddress(src) + start;
    long inBytes = src.remaining();
    long out = MemoryUtil.getByteBufferAddress(dst) + dst.position();
    long avail = dst.remaining();
    long used = 0;
    long written = 0;
    while (true) {
      long d = state.decompressor();
      int rc = gzip
          ? Lib.gzipDecompressEx(d, in + used, inBytes - used, out + written, avail - written, actualIn,
              actualOut)
          : Lib.zlibDecompressEx(d, in + used, inBytes - used, out + written, avail - written, actualIn,
              actualOut);
      if (rc == INSUFFICIENT_SPACE) {
        // libdeflate decodes past the end of a truncated stream as if zeros followed until the output is full, so
        // "no space left" is either a stream longer than the chunk or damage: the JDK's Inflater tells which (one
        // byte more than the chunk holds, or the error), on this error path only
        return new Inflation(gzip).decode(src, dst, what);
      }
      if (rc != SUCCESS) {
        throw new ChunkDecodeException(what + ": " + name() + " data is invalid (libdeflate: "
            + (rc == BAD_DATA ? "bad data" : "result " + rc) + ")");
      }
      used += sizes.getLong(0);
      written += sizes.getLong(8);
      if (!gzip || !Inflation.gzipMemberAt(src, start + (int) used)) {
        return written;
      }
    }
  }

  @Override
  public String library() {
    return name() + " (libdeflate " + VERSION + ")";
  }

  private String name() {
    return gzip ? "gzip" : "zlib";
  }
}
