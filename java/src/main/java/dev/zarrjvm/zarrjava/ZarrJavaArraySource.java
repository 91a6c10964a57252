package dev.zarrjvm.zarrjava;

import dev.zarr.zarrjava.store.StoreHandle;
import dev.zarrjvm.core.ArrayInfo;
import dev.zarrjvm.core.ChunkBytes;
import dev.zarrjvm.core.DType;
import dev.zarrjvm.core.FillValues;
import dev.zarrjvm.core.Grid;
import dev.zarrjvm.core.Ma2ChunkSource;
import dev.zarrjvm.core.Ma2Flavour;
import dev.zarrjvm.core.Options;
import dev.zarrjvm.core.ZarrMeta;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** zarr-java (dev.zarr:zarr-java) behind {@link dev.zarrjvm.core.ChunkSource}: Zarr v2 and v3, sharding included. */
public final class ZarrJavaArraySource extends Ma2ChunkSource {
  static final String BACKEND = "zarr-java";
  /** Codecs zarr-java 0.0.9 registers (v2: compressors; v3: codec names). */
  static final Set<String> V2_CODECS = Set.of("blosc", "zlib");
  static final Set<String> V3_CODECS = Set.of("bytes", "transpose", "blosc", "gzip", "zstd", "crc32c",
      "sharding_indexed");

  private final ByteStore store;
  private final ZarrMeta meta;
  private final dev.zarr.zarrjava.core.Array array;
  private final ShardIndex shardIndex;
  private final boolean shardFallback;
  /** zarr-java's bytes→bytes codecs (decompressors) when the direct path applies, else null. */
  private final dev.zarr.zarrjava.core.codec.BytesBytesCodec[] direct;
  /** zarr-java's codec pipeline with zarrjvm's size check (unsharded arrays); null for sharded ones. */
  private final CheckedPipeline pipeline;

  public ZarrJavaArraySource(ByteStore store, String path, Options options) {
    super("zarr-java:" + path);
    try {
      this.store = store;
      String node = StoreKeys.nodePath(path);
      ZarrMeta.checkUnambiguous(store, node);
      this.meta = ZarrMeta.read(store, node);
      boolean checks = options.bool("checks", true);
      boolean shims = options.bool("shims", true);
      if (checks) {
        refuseKnownMisreads(meta);
      }
      boolean needTwin = !Ma2Flavour.hasUnsignedTypes() && (meta.dtype.isUnsigned() || meta.dtype.isBool());
      boolean twin = shims && needTwin;
      Map<String, byte[]> overrides = twin ? Map.of(meta.key, meta.signedTwinDocument()) : Map.of();
      ZarrJavaStore zs = new ZarrJavaStore(store, overrides);
      this.array = dev.zarr.zarrjava.core.Array.open(new StoreHandle(zs, StoreKeys.split(node)));

      ArrayInfo.Builder b = ArrayInfo.builder(BACKEND, meta.format(), node)
          .shape(array.metadata().shape)
          .dtype(meta.dtype)
          .order(meta.order)
          .fillBits(FillValues.bits(array.metadata().parsedFillValue(), meta.dtype))
          .attributes(meta.attributes(store));
      meta.codecIds.forEach(b::codec);
      if (twin) {
        b.note("signed twin: " + meta.dtype.v3Name() + " read as " + meta.dtype.signedTwin().v3Name()
            + " (same bytes; " + Ma2Flavour.describe() + ")");
      }
      this.direct = options.bool("direct", true) && shims ? directCodecs(array, meta) : null;
      if (meta.sharding != null) {
        this.shardFallback = shims && !Ma2Flavour.hasUnsignedTypes();
        if (shardFallback && !meta.codecIds.get(0).equals("sharding_indexed")) {
          throw new UnsupportedException("sharded arrays with codecs before sharding_indexed (" + meta.codecIds
              + ") need netCDF-Java 5.x (" + Ma2Flavour.describe() + ")");
        }
        this.shardIndex = new ShardIndex(store, node, (dev.zarr.zarrjava.v3.Array) array, meta.sharding,
            shardFallback);
        b.chunks(shardIndex.innerShape()).shards(array.metadata().chunkShape());
        if (shardFallback) {
          b.note("shard index read by zarrjvm, inner chunks decoded by zarr-java's codec pipeline (zarr-java's own "
              + "index decoding needs ucar.ma2.DataType.ULONG; " + Ma2Flavour.describe() + ")");
        }
        this.pipeline = null;
      } else {
        this.shardIndex = null;
        this.shardFallback = false;
        this.pipeline = new CheckedPipeline(codecs(array), coreMetadata(array));
        b.chunks(array.metadata().chunkShape());
      }
      setInfo(b.build());
    } catch (Throwable t) {
      close();
      throw Errors.translateOpen(t, "opening '" + path + "' in " + store.describe() + " with " + BACKEND);
    }
  }

  /** Inputs zarr-java 0.0.9 would read wrong without failing; refused unless {@code checks=false}. */
  static void refuseKnownMisreads(ZarrMeta meta) {
    if (meta.zarrFormat == 2) {
      if (meta.shape.length == 0) {
        throw new UnsupportedException("zarr-java " + version() + " derives the chunk key '' for 0-d Zarr v2 arrays "
            + "(the spec's key is '0'), so it cannot read them (" + meta.key + ")");
      }
      if (meta.dtype.byteOrder == '>') {
        throw new UnsupportedException("zarr-java " + version() + " has no big-endian Zarr v2 dtypes (" + meta.dtype
            + " in " + meta.key + ")");
      }
      if (meta.order == 'F' && meta.orderMatters()) {
        throw new UnsupportedException("zarr-java " + version() + " ignores the v2 'order' field: F-order chunks "
            + "would be read transposed (" + meta.key + ")");
      }
      for (String id : meta.codecIds) {
        if (!V2_CODECS.contains(id)) {
          throw new UnsupportedException("zarr-java " + version() + " has no Zarr v2 codec '" + id + "' (it reads "
              + V2_CODECS + ") in " + meta.key);
        }
      }
    } else {
      for (String id : meta.codecIds) {
        String name = id.startsWith("sharding_indexed/") ? id.substring("sharding_indexed/".length()) : id;
        if (!V3_CODECS.contains(name)) {
          throw new UnsupportedException("zarr-java " + version() + " has no Zarr v3 codec '" + name + "' in "
              + meta.key);
        }
      }
    }
  }

  /** The codecs zarr-java's own pipeline is built from: v3 lists them; v2 is filters → bytes → compressor. */
  private static dev.zarr.zarrjava.core.codec.Codec[] codecs(dev.zarr.zarrjava.core.Array array) {
    if (array instanceof dev.zarr.zarrjava.v3.Array a3) {
      return a3.metadata().codecs;
    }
    dev.zarr.zarrjava.v2.ArrayMetadata m = ((dev.zarr.zarrjava.v2.Array) array).metadata();
    List<dev.zarr.zarrjava.core.codec.Codec> out = new ArrayList<>();
    if (m.filters != null) {
      out.addAll(Arrays.asList(m.filters));
    }
    out.add(new dev.zarr.zarrjava.v2.codec.core.BytesCodec(m.endianness.toEndian()));
    if (m.compressor != null) {
      out.add(m.compressor);
    }
    return out.toArray(new dev.zarr.zarrjava.core.codec.Codec[0]);
  }

  private static dev.zarr.zarrjava.core.ArrayMetadata.CoreArrayMetadata coreMetadata(
      dev.zarr.zarrjava.core.Array array) {
    return array instanceof dev.zarr.zarrjava.v3.Array a3 ? a3.metadata().coreArrayMetadata
        : ((dev.zarr.zarrjava.v2.Array) array).metadata().coreArrayMetadata;
  }

  static String version() {
    return Ma2Flavour.build().getProperty("zarr-java.version", "");
  }

  /**
   * The decompressors of an array whose codec chain is "bytes" + bytes→bytes codecs (no transpose, no sharding, no v2
   * filters): zarr-java's own codecs decompress, and the decompressed element bytes go straight into Arrow memory.
   * Anything else returns null and reads through zarr-java's full (size-checked) pipeline.
   */
  static dev.zarr.zarrjava.core.codec.BytesBytesCodec[] directCodecs(dev.zarr.zarrjava.core.Array array,
      ZarrMeta meta) {
    if (meta.sharding != null) {
      return null;
    }
    java.util.List<dev.zarr.zarrjava.core.codec.BytesBytesCodec> out = new java.util.ArrayList<>();
    if (array instanceof dev.zarr.zarrjava.v3.Array a3) {
      for (dev.zarr.zarrjava.v3.codec.Codec c : a3.metadata().codecs) {
        if (c instanceof dev.zarr.zarrjava.core.codec.BytesBytesCodec bb) {
          out.add(bb);
        } else if (!(c instanceof dev.zarr.zarrjava.v3.codec.core.BytesCodec)) {
          return null; // transpose or another array→array / array→bytes codec
        }
      }
    } else if (array instanceof dev.zarr.zarrjava.v2.Array a2) {
      dev.zarr.zarrjava.v2.ArrayMetadata md = a2.metadata();
      if (md.filters != null && md.filters.length > 0) {
        return null;
      }
      if (md.compressor != null) {
        if (!(md.compressor instanceof dev.zarr.zarrjava.core.codec.BytesBytesCodec bb)) {
          return null;
        }
        out.add(bb);
      }
    } else {
      return null;
    }
    return out.toArray(new dev.zarr.zarrjava.core.codec.BytesBytesCodec[0]);
  }

  @Override
  protected ChunkBytes decodeChunkBytes(long[] chunkCoords) throws Exception {
    if (direct == null) {
      return null;
    }
    String key = chunkKey(chunkCoords);
    if (direct.length == 0) { // no compressor: the stored bytes are the elements
      ChunkBytes plain = readUncompressed(store, key, info().grid().chunkBytes(info().dtype.itemSize));
      if (plain != null) {
        return plain;
      } // another size: the general path below reports it
    }
    byte[] raw = store.get(key);
    if (raw == null) {
      return ABSENT;
    }
    if (raw.length == 0) {
      throw new dev.zarrjvm.errors.ChunkDecodeException("chunk '" + key + "' is empty (0 bytes): no codec encodes a "
          + "chunk to nothing");
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw);
    for (int i = direct.length - 1; i >= 0; i--) {
      b = direct[i].decode(b);
    }
    return ChunkBytes.of(b);
  }

  private String chunkKey(long[] chunkCoords) {
    return StoreKeys.join(meta.node, StoreKeys.join(array.metadata().chunkKeyEncoding().encodeChunkKey(chunkCoords)));
  }

  @Override
  protected boolean remoteStore() {
    return store.localPath() == null;
  }

  @Override
  protected ucar.ma2.Array decodeChunk(long[] chunkCoords) throws Exception {
    if (shardIndex == null) {
      // what zarr-java's Array.readChunk does (key, bytes, pipeline), with zarrjvm's checks in the pipeline
      String key = chunkKey(chunkCoords);
      byte[] encoded = store.get(key);
      return encoded == null ? null : pipeline.decode(encoded, "chunk '" + key + "'");
    }
    if (shardFallback) {
      return shardIndex.decode(chunkCoords);
    }
    Grid g = info().grid();
    return array.read(g.chunkOrigin(chunkCoords), g.clippedChunkShape(chunkCoords));
  }

  @Override
  public byte[] readRawChunk(long[] chunkCoords) {
    ensureOpen();
    if (!info().grid().containsChunk(chunkCoords)) {
      throw new IllegalArgumentException("chunk " + java.util.Arrays.toString(chunkCoords) + " is outside the grid");
    }
    try {
      if (shardIndex != null) {
        return shardIndex.raw(chunkCoords);
      }
      return store.get(chunkKey(chunkCoords));
    } catch (Throwable t) {
      throw Errors.translate(t, "reading raw chunk " + java.util.Arrays.toString(chunkCoords) + " of " + info().displayPath());
    }
  }


  DType dtype() {
    return meta.dtype;
  }
}
