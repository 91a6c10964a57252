package dev.zarrjvm.zarr;

import dev.zarrjvm.backend.ChunkBytes;
import dev.zarrjvm.backend.ChunkedSource;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.codec.NativeChain;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.store.ByteStore;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;

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
  /** The codec chain run natively ({@code decode="native"}), or null: the reader's own codecs decode. */
  private NativeChain nativeChain;

  /**
   * Reads the metadata at {@code path} ({@code zarrFormat}'s when 2 or 3); refuses files, ambiguous nodes, groups and
   * missing arrays; {@code reader} (the adapter's reader, as users name it) is named in refusals of data types it
   * cannot read.
   */
  protected ZarrChunkSource(ByteStore store, String path, int zarrFormat, String reader) {
    this.store = store;
    this.node = ZarrMeta.checkNode(store, path, zarrFormat);
    this.meta = ZarrMeta.read(store, node, zarrFormat, reader);
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

  /**
   * With {@code decode="native"}, where this array's codec chain has a native decoder: chunks then decode on off-heap
   * memory ({@link NativeChain}) once the adapter has opened the array with its reader. Returns what decodes, for
   * {@link dev.zarrjvm.model.ArrayInfo#decoding} ({@code reader} names the reader's own codecs).
   */
  protected final String decodeNatively(ReaderOptions options, String reader) {
    List<String> ids = options.nativeDecode() ? meta.bytesCodecs() : null;
    nativeChain = ids == null ? null : NativeChain.of(ids);
    if (nativeChain != null) {
      return "native: " + nativeChain.describe() + " on off-heap memory";
    }
    return "reader: " + reader + (options.nativeDecode() ? " (no native decoder for the codecs " + meta.codecIds
        + ")" : "");
  }

  @Override
  protected byte[] rawChunk(long[] chunkCoords) throws Exception {
    return store.get(chunkKey(chunkCoords));
  }

  @Override
  protected final ChunkBytes decodeChunkBytes(long[] chunkCoords) throws Exception {
    if (nativeChain != null) {
      return decodeNative(chunkCoords);
    }
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

  /** The native path when the chunk's place in the region is contiguous: decoded straight into it, no scratch. */
  @Override
  protected final Into decodeChunkInto(long[] chunkCoords, ArrowBuf dst, long offset, int length) {
    if (nativeChain == null) {
      return Into.UNSUPPORTED;
    }
    return decodeNativeInto(chunkCoords, dst.nioBuffer(offset, length));
  }

  /** The native path otherwise: the chunk decoded into scratch Arrow memory, which the caller places. */
  private ChunkBytes decodeNative(long[] chunkCoords) {
    int chunkBytes = info().grid().chunkBytes(info().dtype.itemSize);
    ArrowBuf out = allocator().buffer(chunkBytes);
    try {
      ByteBuffer view = out.nioBuffer(0, chunkBytes);
      if (decodeNativeInto(chunkCoords, view) == Into.ABSENT) {
        out.close();
        return ABSENT;
      }
      return new ChunkBytes(view, out);
    } catch (RuntimeException | Error t) {
      out.close();
      throw t;
    }
  }

  /**
   * The stored chunk in off-heap memory, decoded by {@link NativeChain} into {@code place} (exactly the chunk's bytes);
   * a plain chunk of that size goes from the store straight into it: one copy, no stored-bytes buffer.
   */
  private Into decodeNativeInto(long[] chunkCoords, ByteBuffer place) {
    String key = chunkKey(chunkCoords);
    String what = "decoding chunk " + java.util.Arrays.toString(chunkCoords) + " of " + info().displayPath() + " with "
        + info().backend + " (key '" + key + "', native decoding)";
    Stored stored = readStoredChunk(key, what, nativeChain.plain() ? place : null);
    if (stored == null) {
      return Into.ABSENT;
    }
    if (stored.buf() == null) { // in its place: the value's size was the chunk's when the store asked for memory
      if (stored.size() != place.remaining()) {
        throw new ChunkDecodeException(what + ": the store gave " + stored.size() + " bytes after sizing "
            + place.remaining());
      }
      return Into.DECODED;
    }
    try (ArrowBuf in = stored.buf()) {
      nativeChain.decode(stored.bytes(), place, what);
      return Into.DECODED;
    }
  }

  /**
   * A stored value in off-heap memory: {@code size} bytes of {@code buf} (whose capacity may be larger), or, with
   * {@code buf} null, written into the place the caller offered.
   */
  private record Stored(ArrowBuf buf, long size) {
    ByteBuffer bytes() {
      return buf.nioBuffer(0, (int) size);
    }
  }

  /**
   * A stored chunk in off-heap memory for the native chain, or null when absent; an empty one is refused. One of
   * exactly {@code place}'s size is written there (when {@code place} is not null).
   */
  private Stored readStoredChunk(String key, String what, ByteBuffer place) {
    Stored stored = readStored(key, place);
    if (stored != null && stored.size() == 0) {
      stored.buf().close();
      throw new ChunkDecodeException(what + ": the stored chunk is empty (0 bytes): no codec encodes a chunk to "
          + "nothing");
    }
    return stored;
  }

  /**
   * A stored value in off-heap memory, or null when absent: the store writes it there (a local file read straight
   * into it, an HTTP body as it arrives) or copies its bytes once.
   */
  private Stored readStored(String key, ByteBuffer place) {
    ArrowBuf[] held = {null};
    boolean ok = false;
    try {
      long size = store.readDirect(key, n -> {
        if (held[0] != null) {
          held[0].close(); // a retried request: the earlier attempt's memory
          held[0] = null;
        }
        if (place != null && n == place.remaining()) {
          return place.duplicate();
        }
        held[0] = allocator().buffer(n);
        return held[0].nioBuffer(0, n);
      });
      ok = size >= 0;
      return ok ? new Stored(held[0], size) : null;
    } finally {
      if (!ok && held[0] != null) {
        held[0].close();
      }
    }
  }

  @Override
  protected boolean remoteStore() {
    return store.localPath() == null;
  }
}
