package dev.zarrjvm.backend;

import java.nio.ByteBuffer;

/**
 * One chunk decoded to element bytes (full chunk shape, C order, byte order as stored), ready to be copied into Arrow
 * memory; {@link #close()} hands back any scratch memory behind {@code bytes} once the copy is done.
 */
public record ChunkBytes(ByteBuffer bytes, AutoCloseable owner) implements AutoCloseable {
  /** A chunk absent from the store: it reads as the fill value. */
  public static final ChunkBytes ABSENT = new ChunkBytes(ByteBuffer.allocate(0), null);

  public static ChunkBytes of(ByteBuffer bytes) {
    return new ChunkBytes(bytes, null);
  }

  @Override
  public void close() throws Exception {
    if (owner != null) {
      owner.close();
    }
  }
}
