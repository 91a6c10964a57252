package dev.zarrjvm.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;

/** zstd through zstd-jni (the library zarr-java's zstd codec calls), direct buffer to direct buffer. */
final class ZstdDecompressor implements NativeChain.Decompressor {
  /**
   * One decompression context per thread, reused for every chunk: zstd-jni's one-shot call creates and frees a context
   * per chunk (measured: ~17% of a 40 KB chunk's read).
   */
  private static final ThreadLocal<ZstdDecompressCtx> CONTEXT =
      PerThread.of(ZstdDecompressCtx::new, ZstdDecompressCtx::close);

  @Override
  public long decode(ByteBuffer src, ByteBuffer dst, String what) {
    long n;
    try {
      n = CONTEXT.get().decompressDirectByteBuffer(dst, dst.position(), dst.remaining(), src, src.position(),
          src.remaining());
    } catch (ZstdException e) {
      throw new ChunkDecodeException(what + ": zstd could not decompress it (" + e.getMessage() + ")", e);
    }
    if (Zstd.isError(n)) {
      throw new ChunkDecodeException(what + ": zstd could not decompress it (" + Zstd.getErrorName(n) + ")");
    }
    return n;
  }

  @Override
  public String library() {
    return "zstd-jni " + Zstd.class.getPackage().getImplementationVersion();
  }
}
