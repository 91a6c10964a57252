package dev.zarrjvm.netcdf;

import dev.zarrjvm.store.StoreFile;
import java.io.IOException;

/**
 * netCDF-Java's random-access file over a {@link StoreFile} (a NetCDF/HDF5 file on HTTP, S3 or fsspec): netCDF-Java
 * 4.5.5 reads every file through {@code ucar.unidata.io.RandomAccessFile}, whose buffered reads end in
 * {@link #read_}; this class answers them from the store file's block cache. Read-only. Like netCDF-Java's own, not
 * thread-safe: readers synchronise on the {@code NetcdfFile}.
 */
final class StoreRandomAccessFile extends ucar.unidata.io.RandomAccessFile {
  /** netCDF-Java's own buffer in front of the block cache: the size of most of its header reads. */
  private static final int BUFFER = 8 * 1024;

  private final StoreFile file;

  StoreRandomAccessFile(StoreFile file) {
    super(BUFFER);
    this.file = file;
    this.location = file.describe();
    this.readonly = true;
  }

  @Override
  protected int read_(long pos, byte[] b, int offset, int len) throws IOException {
    try {
      return file.read(pos, b, offset, len);
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public long readToByteChannel(java.nio.channels.WritableByteChannel dest, long offset, long nbytes)
      throws IOException {
    byte[] b = new byte[(int) Math.min(nbytes, Integer.MAX_VALUE - 16)];
    int n = read_(offset, b, 0, b.length);
    if (n <= 0) {
      return 0;
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, 0, n);
    while (buf.hasRemaining()) {
      dest.write(buf);
    }
    return n;
  }

  @Override
  public long length() {
    return file.size();
  }

  @Override
  public long getLastModified() {
    return 0;
  }
}
