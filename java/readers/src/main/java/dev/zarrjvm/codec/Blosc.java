package dev.zarrjvm.codec;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.util.MemoryUtil;
import org.blosc.IBloscDll;

/**
 * c-blosc 1.x through JNA (the libblosc jzarr's blosc codec calls), from and into direct memory. c-blosc's
 * decompression does not take the source's size, so the chunk is validated first: the header's compressed size must be
 * the chunk's, its decompressed size the chunk's byte size, and {@code blosc_cbuffer_validate} must accept it.
 */
final class Blosc implements NativeChain.Decompressor {
  private static final int HEADER = 16;
  private static volatile Function validate;

  /** Whether libblosc loads here (it is built for this platform and on the readers' classpath). */
  static boolean available() {
    try {
      IBloscDll.blosc_get_version_string();
      validate = NativeLibrary.getInstance("blosc").getFunction("blosc_cbuffer_validate");
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public long decode(ByteBuffer src, ByteBuffer dst, String what) {
    int len = src.remaining();
    if (len < HEADER) {
      throw new ChunkDecodeException(what + ": a blosc chunk of " + len + " bytes is shorter than blosc's 16-byte "
          + "header");
    }
    ByteBuffer h = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int p = src.position();
    long nbytes = Integer.toUnsignedLong(h.getInt(p + 4));
    long cbytes = Integer.toUnsignedLong(h.getInt(p + 12));
    if (cbytes != len) {
      throw new ChunkDecodeException(what + ": blosc header gives " + cbytes + " compressed bytes, the chunk has "
          + len);
    }
    if (nbytes != dst.remaining()) {
      return nbytes; // the chain reports the size mismatch; nothing is decompressed
    }
    Pointer in = new Pointer(MemoryUtil.getByteBufferAddress(src) + p);
    Pointer out = new Pointer(MemoryUtil.getByteBufferAddress(dst) + dst.position());
    NativeLongByReference checked = new NativeLongByReference();
    int ok = validate.invokeInt(new Object[] {in, new NativeLong(len), checked});
    if (ok != 0 || checked.getValue().longValue() != nbytes) {
      throw new ChunkDecodeException(what + ": libblosc finds the blosc chunk invalid (blosc_cbuffer_validate)");
    }
    int rc = IBloscDll.blosc_decompress_ctx(in, out, new NativeLong(nbytes), 1);
    if (rc < 0 || rc != nbytes) {
      throw new ChunkDecodeException(what + ": libblosc could not decompress it (blosc_decompress_ctx returned " + rc
          + ")");
    }
    return rc;
  }

  @Override
  public String library() {
    return "c-blosc " + IBloscDll.blosc_get_version_string();
  }
}
