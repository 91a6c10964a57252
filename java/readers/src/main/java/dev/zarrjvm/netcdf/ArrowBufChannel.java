package dev.zarrjvm.netcdf;

import dev.zarrjvm.arrow.Ma2ToArrow;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.apache.arrow.memory.ArrowBuf;

/**
 * A channel writing into the first {@code limit} bytes of an Arrow buffer, in order: where netCDF-Java's
 * {@code readToByteChannel} puts a NetCDF-3 variable's stored bytes. Writing past {@code limit} is refused.
 */
final class ArrowBufChannel implements WritableByteChannel {
  private final ArrowBuf dst;
  private final long limit;
  long written;

  ArrowBufChannel(ArrowBuf dst, long limit) {
    this.dst = dst;
    this.limit = limit;
  }

  @Override
  public int write(ByteBuffer src) throws java.io.IOException {
    int n = src.remaining();
    if (written + n > limit) {
      throw new java.io.IOException("netcdf-java wrote more than the " + limit + " bytes of the box");
    }
    dst.setBytes(written, src);
    written += n;
    return n;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {
  }

  /** Swaps the first {@code n} bytes of {@code buf}, elements of {@code size} bytes, from big- to little-endian. */
  static void toLittleEndian(ArrowBuf buf, long n, int size) {
    if (size == 1 || n == 0) {
      return;
    }
    ByteBuffer b = buf.nioBuffer(0, Math.toIntExact(n));
    Ma2ToArrow.swapToLittleEndian(b, b, size);
  }
}
