package dev.zarrjvm.jzarr;

import com.bc.zarr.Compressor;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.NativeLongByReference;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;
import org.blosc.IBloscDll;

/**
 * jzarr's compressor for one array, wrapped with the checks jzarr 0.4.2 leaves out. jzarr's per-chunk readers use
 * whatever comes out of the compressor: the byte reader builds the chunk from any length (a longer chunk reads as its
 * first elements), the typed readers read exactly the chunk size and ignore what follows, and its blosc decompressor
 * ignores libblosc's return code, so a damaged blosc chunk reads as zeros. The decoding stays jzarr's; this wrapper
 * refuses empty chunks, checks a blosc chunk's header and that libblosc can decode it (its return code), and checks
 * that the chunk decompressed to exactly chunk elements × item size bytes.
 *
 * <p>One more defect is routed around rather than checked: jzarr's zlib decompressor hands a {@code new Inflater()} to
 * an {@code InflaterInputStream}, whose {@code close()} does not end an inflater it was given, so each chunk leaves
 * its native zlib state (tens of KB) to the garbage collector — up to hundreds of MB of native memory between two
 * Java GCs (finding J12). For zlib, this wrapper runs the same inflation jzarr runs (the JDK's {@link Inflater}, read
 * to the end of the zlib stream as {@code InflaterInputStream} reads it) and ends the inflater.
 */
final class CheckedCompressor extends Compressor {
  private final Compressor inner;
  private final long expectedBytes;

  CheckedCompressor(Compressor inner, long expectedBytes) {
    this.inner = inner;
    this.expectedBytes = expectedBytes;
  }

  @Override
  public String getId() {
    return inner.getId();
  }

  @Override
  public String toString() {
    return "checked " + inner;
  }

  @Override
  public void compress(InputStream is, OutputStream os) throws IOException {
    throw new UnsupportedOperationException("zarrjvm reads only");
  }

  @Override
  public void uncompress(InputStream is, OutputStream os) throws IOException {
    byte[] encoded = is.readAllBytes();
    if (encoded.length == 0) {
      throw new ChunkDecodeException("the chunk is empty (0 bytes): no codec encodes a chunk to nothing");
    }
    if ("blosc".equals(inner.getId())) {
      checkBlosc(encoded);
    }
    Counting counted = new Counting(os);
    if ("zlib".equals(inner.getId())) {
      inflate(encoded, counted);
    } else {
      inner.uncompress(new ByteArrayInputStream(encoded), counted);
    }
    if (counted.count != expectedBytes) {
      throw new ChunkDecodeException("the chunk decompressed to " + counted.count + " bytes, but a chunk is "
          + expectedBytes + " bytes (chunk elements × item size)");
    }
  }

  /**
   * jzarr's zlib decompression (InflaterInputStream over the chunk, copied to its end), with the inflater ended. As
   * there, output stops at the end of the zlib stream (or when it needs a preset dictionary), a stream cut short is
   * "Unexpected end of ZLIB input stream" and a corrupt one a {@link ZipException}.
   */
  static void inflate(byte[] encoded, OutputStream out) throws IOException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(encoded);
      byte[] buf = new byte[64 * 1024];
      while (!inflater.finished() && !inflater.needsDictionary()) {
        int n;
        try {
          n = inflater.inflate(buf);
        } catch (DataFormatException e) {
          String m = e.getMessage();
          throw new ZipException(m != null ? m : "Invalid ZLIB data format");
        }
        if (n == 0 && inflater.needsInput()) {
          throw new EOFException("Unexpected end of ZLIB input stream");
        }
        out.write(buf, 0, n);
      }
    } finally {
      inflater.end();
    }
  }

  /**
   * The checks jzarr's BloscCompressor.uncompress skips: the 16-byte header's sizes must match the chunk (cbytes its
   * length, nbytes a chunk's bytes), and libblosc's decompression must succeed (return nbytes). It calls the same
   * native function jzarr calls; jzarr then decodes the chunk itself.
   */
  private void checkBlosc(byte[] encoded) {
    if (encoded.length < 16) {
      throw new ChunkDecodeException("blosc chunk of " + encoded.length + " bytes is shorter than blosc's 16-byte "
          + "header");
    }
    NativeLongByReference nbytes = new NativeLongByReference();
    NativeLongByReference cbytes = new NativeLongByReference();
    NativeLongByReference blocksize = new NativeLongByReference();
    IBloscDll.blosc_cbuffer_sizes(ByteBuffer.wrap(encoded), nbytes, cbytes, blocksize);
    long n = nbytes.getValue().longValue();
    long c = cbytes.getValue().longValue();
    if (c != encoded.length) {
      throw new ChunkDecodeException("blosc header gives " + c + " compressed bytes, the chunk has " + encoded.length);
    }
    if (n != expectedBytes) {
      throw new ChunkDecodeException("blosc header gives " + n + " decompressed bytes, but a chunk is "
          + expectedBytes + " bytes");
    }
    int rc = IBloscDll.blosc_decompress_ctx(ByteBuffer.wrap(encoded), ByteBuffer.allocate((int) n), new NativeLong(n),
        1);
    if (rc != n) {
      throw new ChunkDecodeException("libblosc could not decompress the chunk (blosc_decompress_ctx returned " + rc
          + ", expected " + n + "); jzarr 0.4.2 would ignore this and read zeros");
    }
  }

  /** Counts the bytes jzarr's decompressor writes. */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
