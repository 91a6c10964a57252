package dev.zarrjvm.zarr;

import dev.zarrjvm.backend.ChunkBytes;
import dev.zarrjvm.backend.ChunkedSource;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.store.ByteStore;
import java.nio.ByteBuffer;

/**
 * What the Zarr adapters share: the store and the node's metadata (read by zarrjvm, for checks and messages), chunk
 * keys, the raw-chunk read, and the direct path's prologue — an uncompressed chunk is read from the store straight
 * into scratch Arrow memory, an absent one reads as the fill value, an empty one is refused; the reader's own
 * decompressors do the rest ({@link #decompress}).
 */
public abstract class ZarrChunkSource extends ChunkedSource {
  protected final ByteStore store;
  protected final String node;
  protected final ZarrMeta meta;

  /**
   * Reads the metadata at {@code path} ({@code zarrFormat}'s when 2 or 3); refuses files, ambiguous nodes, groups and
   * missing arrays.
   */
  protected ZarrChunkSource(ByteStore store, String path, int zarrFormat) {
    this.store = store;
    this.node = ZarrMeta.checkNode(store, path, zarrFormat);
    this.meta = ZarrMeta.read(store, node, zarrFormat);
  }

  /** The store key of the chunk (or, for sharded arrays, of the shard holding it) at {@code chunkCoords}. */
  protected abstract String chunkKey(long[] chunkCoords);

  /**
   * The reader's own decompressors applied to one stored chunk, giving its element bytes (full chunk shape, C order,
   * byte order as stored); {@code key} names it in errors.
   */
  protected abstract ByteBuffer decompress(byte[] encoded, String key) throws Exception;

  /** Whether the direct path applies to this array (else chunks decode through {@link #decodeChunk}). */
  protected abstract boolean direct();

  /** Whether the codec chain has no compressor, so a stored chunk is its element bytes. */
  protected abstract boolean uncompressed();

  @Override
  protected byte[] rawChunk(long[] chunkCoords) throws Exception {
    return store.get(chunkKey(chunkCoords));
  }

  @Override
  protected final ChunkBytes decodeChunkBytes(long[] chunkCoords) throws Exception {
    if (!direct()) {
      return null;
    }
    String key = chunkKey(chunkCoords);
    if (uncompressed()) {
      ChunkBytes plain = readUncompressed(store, key, info().grid().chunkBytes(info().dtype.itemSize));
      if (plain != null) {
        return plain;
      } // another size: the decompressor's size check reports it
    }
    byte[] raw = store.get(key);
    if (raw == null) {
      return ABSENT;
    }
    if (raw.length == 0) {
      throw new ChunkDecodeException("chunk '" + key + "' is empty (0 bytes): no codec encodes a chunk to nothing");
    }
    return ChunkBytes.of(decompress(raw, key));
  }

  @Override
  protected boolean remoteStore() {
    return store.localPath() == null;
  }
}
