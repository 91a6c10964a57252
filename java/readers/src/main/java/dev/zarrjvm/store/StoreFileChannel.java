package dev.zarrjvm.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A read-only {@link FileChannel} over a {@link StoreFile}, for readers that take a channel (jHDF). Positional reads
 * go straight to the file's block cache and may run on many threads at once; mapping is unsupported (readers that try
 * it fall back to reads), and so is anything that writes or locks.
 */
public final class StoreFileChannel extends FileChannel {
  private final StoreFile file;
  private long position; // guarded by this

  public StoreFileChannel(StoreFile file) {
    this.file = file;
  }

  @Override
  public int read(ByteBuffer dst, long pos) throws IOException {
    ensureOpen();
    int len = dst.remaining();
    if (len == 0) {
      return 0;
    }
    byte[] b = new byte[len];
    int n;
    try {
      n = file.read(pos, b, 0, len);
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (n > 0) {
      dst.put(b, 0, n);
    }
    return n;
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    int n = read(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public synchronized long position() {
    return position;
  }

  @Override
  public synchronized FileChannel position(long newPosition) {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return file.size();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long pos, long size) {
    throw new UnsupportedOperationException(file.describe() + " is read by range requests; it cannot be mapped");
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long pos) {
    throw new NonWritableChannelException();
  }

  @Override
  public FileChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) {
    // nothing is written
  }

  @Override
  public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, Integer.MAX_VALUE - 16));
    int n = read(b, pos);
    if (n <= 0) {
      return 0;
    }
    b.flip();
    return target.write(b);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long pos, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public FileLock lock(long pos, long size, boolean shared) {
    throw new UnsupportedOperationException("a store file cannot be locked");
  }

  @Override
  public FileLock tryLock(long pos, long size, boolean shared) {
    throw new UnsupportedOperationException("a store file cannot be locked");
  }

  @Override
  protected void implCloseChannel() {
    // the store is closed by whoever opened it
  }
}
