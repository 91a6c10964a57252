package dev.zarrjvm.zarrjava;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zarr.zarrjava.core.ArrayMetadata.CoreArrayMetadata;
import dev.zarr.zarrjava.v3.codec.core.ShardingIndexedCodec;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.store.ByteRange;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads the shard index of a sharded Zarr v3 array (the spec's table of (offset, nbytes) pairs, uint64, with an
 * optional
 * crc32c) to find one inner chunk's encoded bytes inside its shard. Used for {@code read_chunk_raw} with every build,
 * and — in the Central-only build, where zarr-java's own index decoding needs {@code ucar.ma2.DataType.ULONG} — to
 * locate inner chunks that are then decoded by zarr-java's own codec pipeline.
 */
final class ShardIndex {
  private static final long ABSENT = -1L;
  private static final long[] NO_SHARD = new long[0];

  private final ByteStore store;
  private final String node;
  private final dev.zarr.zarrjava.core.chunkkeyencoding.ChunkKeyEncoding keys;
  private final int[] shardShape;
  private final int[] inner;
  private final int[] perShard;
  private final int nInner;
  private final boolean atStart;
  private final boolean crc;
  private final ByteOrder order;
  private final int indexBytes;
  private final CheckedPipeline innerPipeline;
  /** Shard indexes by shard key, single-flight: parallel readers of one shard wait for one index read. */
  private final Map<String, java.util.concurrent.CompletableFuture<long[]>> cache = new LinkedHashMap<>(64, 0.75f,
      true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, java.util.concurrent.CompletableFuture<long[]>> e) {
      return size() > 1024;
    }
  };

  ShardIndex(ByteStore store, String node, dev.zarr.zarrjava.v3.Array array, JsonNode config, boolean decode)
      throws Exception {
    this.store = store;
    this.node = node;
    dev.zarr.zarrjava.v3.ArrayMetadata md = array.metadata();
    this.keys = md.chunkKeyEncoding();
    this.shardShape = md.chunkShape();
    ShardingIndexedCodec codec = (ShardingIndexedCodec) dev.zarr.zarrjava.v3.ArrayMetadata
        .getShardingIndexedCodec(md.codecs).orElseThrow();
    this.inner = codec.configuration.chunkShape;
    this.perShard = new int[inner.length];
    int n = 1;
    for (int d = 0; d < inner.length; d++) {
      if (shardShape[d] % inner[d] != 0) {
        throw new dev.zarrjvm.errors.MetadataException("shard shape " + Arrays.toString(shardShape)
            + " is not a multiple of the inner chunk shape " + Arrays.toString(inner));
      }
      perShard[d] = shardShape[d] / inner[d];
      n *= perShard[d];
    }
    this.nInner = n;
    this.atStart = config.path("index_location").asText("end").equals("start");
    boolean sawCrc = false;
    ByteOrder bo = ByteOrder.LITTLE_ENDIAN;
    for (JsonNode c : config.path("index_codecs")) {
      String name = c.isTextual() ? c.textValue() : c.path("name").asText();
      if (name.equals("bytes")) {
        bo = c.path("configuration").path("endian").asText("little").equals("big")
            ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      } else if (name.equals("crc32c")) {
        sawCrc = true;
      } else {
        throw new UnsupportedException("shard index codec '" + name + "' is not supported");
      }
    }
    this.crc = sawCrc;
    this.order = bo;
    this.indexBytes = 16 * nInner + (crc ? 4 : 0);
    if (decode) {
      CoreArrayMetadata shardMeta = new CoreArrayMetadata(toLong(shardShape), inner, md.dataType,
          md.parsedFillValue);
      this.innerPipeline = new CheckedPipeline(codec.configuration.codecs, shardMeta);
    } else {
      this.innerPipeline = null;
    }
  }

  int[] innerShape() {
    return inner;
  }

  /** The encoded bytes of one inner chunk, or null when its shard or the chunk inside it is absent. */
  byte[] raw(long[] innerCoords) {
    long[] shard = new long[innerCoords.length];
    int local = 0;
    for (int d = 0; d < innerCoords.length; d++) {
      shard[d] = innerCoords[d] / perShard[d];
      local = local * perShard[d] + (int) (innerCoords[d] % perShard[d]);
    }
    String key = StoreKeys.join(node, StoreKeys.join(keys.encodeChunkKey(shard)));
    long[] index;
    index = index(key);
    if (index == NO_SHARD) {
      return null;
    }
    long off = index[2 * local];
    long len = index[2 * local + 1];
    if (off == ABSENT && len == ABSENT) {
      return null;
    }
    return store.getRange(key, ByteRange.of(off, off + len));
  }

  /** Inner chunk decoded by zarr-java's codec pipeline (full inner chunk shape), or null when absent. */
  ucar.ma2.Array decode(long[] innerCoords) throws Exception {
    byte[] b = raw(innerCoords);
    return b == null ? null : innerPipeline.decode(b, "inner chunk " + java.util.Arrays.toString(innerCoords));
  }

  /** The shard's index, read once however many threads ask for it at the same time; failures are not cached. */
  private long[] index(String key) {
    java.util.concurrent.CompletableFuture<long[]> f;
    boolean mine = false;
    synchronized (cache) {
      f = cache.get(key);
      if (f == null) {
        f = new java.util.concurrent.CompletableFuture<>();
        cache.put(key, f);
        mine = true;
      }
    }
    if (mine) {
      try {
        f.complete(readIndex(key));
      } catch (Throwable t) {
        synchronized (cache) {
          cache.remove(key, f);
        }
        f.completeExceptionally(t);
      }
    }
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /**
   * The shard's index, checked: the shard must hold the index, the index's crc32c must match, and every entry must
   * lie inside the shard's data (not over the index, no overflow). A truncated or damaged shard is refused as a
   * whole, so no inner chunk is read from a shard known to be broken.
   */
  private long[] readIndex(String key) {
    ByteStore.Sized sized;
    try {
      // one read gives the index and the shard's size (remote stores take it from the range response)
      sized = store.getRangeSized(key, atStart ? ByteRange.of(0, indexBytes) : ByteRange.suffix(indexBytes));
    } catch (dev.zarrjvm.errors.StoreException e) {
      long have = store.size(key);
      if (have >= 0 && have < indexBytes) {
        throw new ChunkDecodeException("shard " + key + " has " + have + " bytes, fewer than its " + indexBytes
            + "-byte index (truncated shard?)", e);
      }
      throw e;
    }
    if (sized == null) {
      return NO_SHARD;
    }
    long size = sized.total();
    byte[] b = sized.bytes();
    if (b.length != indexBytes) {
      throw new ChunkDecodeException("shard " + key + ": index has " + b.length + " bytes, expected " + indexBytes);
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    if (crc) {
      CRC32C c = new CRC32C();
      c.update(b, 0, indexBytes - 4);
      int want = ByteBuffer.wrap(b, indexBytes - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if ((int) c.getValue() != want) {
        throw new ChunkDecodeException("shard " + key + ": index crc32c mismatch (stored "
            + Integer.toHexString(want) + ", computed " + Long.toHexString(c.getValue()) + ")");
      }
    }
    buf.order(order);
    long[] out = new long[2 * nInner];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.getLong(8 * i);
    }
    long dataStart = atStart ? indexBytes : 0;
    long dataEnd = atStart ? size : size - indexBytes;
    for (int i = 0; i < nInner; i++) {
      long off = out[2 * i];
      long len = out[2 * i + 1];
      if (off == ABSENT && len == ABSENT) {
        continue;
      }
      // unsigned in the spec: values ≥ 2^63 arrive negative here and are refused with the rest
      if (off < dataStart || len < 0 || off > dataEnd || len > dataEnd - off) {
        throw new ChunkDecodeException("shard " + key + ": index entry " + i + " (offset "
            + Long.toUnsignedString(off) + ", length " + Long.toUnsignedString(len)
            + ") lies outside the shard's data ["
            + dataStart + ", " + dataEnd + ") of " + size + " bytes (truncated or damaged shard?)");
      }
    }
    return out;
  }

  private static long[] toLong(int[] a) {
    long[] o = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      o[i] = a[i];
    }
    return o;
  }
}
