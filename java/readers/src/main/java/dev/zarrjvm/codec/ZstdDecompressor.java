package dev.zarrjvm.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;

/** zstd through zstd-jni (the library zarr-java's zstd codec calls), direct buffer to direct buffer. */
final class ZstdDecompressor implements NativeChain.Decompressor {
  @Override
  public long decode(ByteBuffer src, ByteBuffer dst, String what) {
    long n;
    try {
      n = Zstd.decompressDirectByteBuffer(dst, dst.position(), dst.remaining(), src, src.position(), src.remaining());
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
