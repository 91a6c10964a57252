package dev.zarrjvm.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;

/** zstd through zstd-jni (the library zarr-java's zstd codec calls), direct buffer to direct buffer. */
final class ZstdDecompressor implements NativeChain.Decompressor {
  private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
  /**
   * One decompression context per thread, reused for every chunk: zstd-jni's one-shot call creates and frees a context
   * per chunk (measured: ~17% of a 40 KB chunk's read). A context's native memory is freed once its thread is gone
   * (a cleaner on the thread: contexts have no finalizer of their own).
   */
  private static final ThreadLocal<ZstdDecompressCtx> CONTEXT = ThreadLocal.withInitial(() -> {
    ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    CLEANER.register(Thread.currentThread(), ctx::close);
    return ctx;
  });

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
