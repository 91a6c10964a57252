package dev.zarrjvm.zarrjava;

import dev.zarr.zarrjava.core.codec.BytesBytesCodec;
import dev.zarr.zarrjava.core.codec.Codec;
import dev.zarr.zarrjava.store.StoreHandle;
import dev.zarrjvm.backend.Capabilities;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.FillValues;
import dev.zarrjvm.model.Grid;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import dev.zarrjvm.zarr.ZarrChunkSource;
import dev.zarrjvm.zarr.ZarrMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** zarr-java (dev.zarr:zarr-java) behind {@link dev.zarrjvm.model.ChunkSource}: Zarr v2 and v3, sharding included. */
final class ZarrJavaArraySource extends ZarrChunkSource {
  private final dev.zarr.zarrjava.core.Array array;
  private final ShardIndex shardIndex;
  private final boolean shardFallback;
  /** zarr-java's bytes→bytes codecs (decompressors) when the direct path applies, else null. */
  private final BytesBytesCodec[] direct;
  /** zarr-java's codec pipeline with zarrjvm's size check (unsharded arrays); null for sharded ones. */
  private final CheckedPipeline pipeline;

  ZarrJavaArraySource(ByteStore store, String path, ReaderOptions options) {
    super(store, path, options.zarrFormat(), ZarrJavaBackend.NAME);
    try {
      if (options.checks()) {
        refuseKnownMisreads(meta, ZarrJavaBackend.CAPABILITIES);
      }
      boolean needTwin = !BuildInfo.hasUnsignedTypes() && (meta.dtype.isUnsigned() || meta.dtype.isBool());
      boolean twin = options.shims() && needTwin;
      ZarrJavaDocument doc = ZarrJavaDocument.of(meta, options.shims(), twin);
      Map<String, byte[]> overrides = doc.changed() ? Map.of(meta.key, doc.bytes()) : Map.of();
      ZarrJavaStore zs = new ZarrJavaStore(store, overrides);
      this.array = ArrayOpener.open(new StoreHandle(zs, StoreKeys.split(node)), meta.zarrFormat);

      java.util.Map<String, Object> attrs = meta.attributes(store);
      ArrayInfo.Builder b = ArrayInfo.builder(ZarrJavaBackend.NAME, meta.format(), node)
          .shape(array.metadata().shape)
          .dtype(meta.dtype)
          .order(meta.order)
          .fillBits(FillValues.bits(array.metadata().parsedFillValue(), meta.dtype))
          .attributes(attrs)
          .dimensionNames(meta.dimensionNames(attrs));
      meta.codecIds.forEach(b::codec);
      doc.notes().forEach(b::note);
      if (twin) {
        b.note("signed twin: " + meta.dtype.v3Name() + " read as " + meta.dtype.signedTwin().v3Name()
            + " (same bytes; " + BuildInfo.describeCdm() + ")");
      }
      this.direct = options.direct() && options.shims() ? directCodecs(array, meta) : null;
      if (meta.sharding != null) {
        this.shardFallback = options.shims() && !BuildInfo.hasUnsignedTypes();
        if (shardFallback && !meta.codecIds.get(0).equals("sharding_indexed")) {
          throw new UnsupportedException("sharded arrays with codecs before sharding_indexed (" + meta.codecIds
              + ") need netCDF-Java 5.x (" + BuildInfo.describeCdm() + ")");
        }
        this.shardIndex = new ShardIndex(store, node, (dev.zarr.zarrjava.v3.Array) array, meta.sharding,
            shardFallback);
        b.chunks(shardIndex.innerShape()).shards(array.metadata().chunkShape());
        if (shardFallback) {
          b.note("shard index read by zarrjvm, inner chunks decoded by zarr-java's codec pipeline (zarr-java's own "
              + "index decoding needs ucar.ma2.DataType.ULONG; " + BuildInfo.describeCdm() + ")");
        }
        this.pipeline = null;
      } else {
        this.shardIndex = null;
        this.shardFallback = false;
        this.pipeline = new CheckedPipeline(codecs(array), coreMetadata(array));
        b.chunks(array.metadata().chunkShape());
      }
      b.decoding(decodeNatively(options, "zarr-java " + ZarrJavaBackend.version() + "'s codecs"));
      setInfo(b.build());
    } catch (Throwable t) {
      close();
      throw Errors.translate(t, Errors.Phase.OPEN, "opening " + ZarrMeta.where(store, node) + " with "
          + ZarrJavaBackend.NAME);
    }
  }

  /** Inputs zarr-java would read wrong without failing, or that it does not declare; refused unless checks=false. */
  static void refuseKnownMisreads(ZarrMeta meta, Capabilities caps) {
    String v = ZarrJavaBackend.version();
    if (meta.zarrFormat == 2) {
      if (meta.shape.length == 0 && !caps.v2ZeroDim()) {
        throw new UnsupportedException("zarr-java " + v + " derives the chunk key '' for 0-d Zarr v2 arrays "
            + "(the spec's key is '0'), so it cannot read them (" + meta.key + ")");
      }
      if (!caps.v2ByteOrders().contains(String.valueOf(meta.dtype.byteOrder))) {
        throw new UnsupportedException("zarr-java " + v + " has no big-endian Zarr v2 dtypes (" + meta.dtype
            + " in " + meta.key + ")");
      }
      if (!caps.v2Orders().contains(String.valueOf(meta.order)) && meta.orderMatters()) {
        throw new UnsupportedException("zarr-java " + v + " ignores the v2 'order' field: F-order chunks "
            + "would be read transposed (" + meta.key + ")");
      }
      for (String id : meta.codecIds) {
        if (!caps.v2Codecs().contains(id)) {
          throw new UnsupportedException("zarr-java " + v + " has no Zarr v2 codec '" + id + "' (it reads "
              + caps.v2Codecs() + ") in " + meta.key);
        }
      }
    } else {
      for (String id : meta.codecIds) {
        String name = id.startsWith("sharding_indexed/") ? id.substring("sharding_indexed/".length()) : id;
        if (!caps.v3Codecs().contains(name)) {
          throw new UnsupportedException("zarr-java " + v + " has no Zarr v3 codec '" + name + "' in " + meta.key);
        }
      }
    }
  }

  /** The codecs zarr-java's own pipeline is built from: v3 lists them; v2 is filters → bytes → compressor. */
  private static Codec[] codecs(dev.zarr.zarrjava.core.Array array) {
    if (array instanceof dev.zarr.zarrjava.v3.Array a3) {
      return a3.metadata().codecs;
    }
    dev.zarr.zarrjava.v2.ArrayMetadata m = ((dev.zarr.zarrjava.v2.Array) array).metadata();
    List<Codec> out = new ArrayList<>();
    if (m.filters != null) {
      out.addAll(Arrays.asList(m.filters));
    }
    out.add(new dev.zarr.zarrjava.v2.codec.core.BytesCodec(m.endianness.toEndian()));
    if (m.compressor != null) {
      out.add(m.compressor);
    }
    return out.toArray(new Codec[0]);
  }

  private static dev.zarr.zarrjava.core.ArrayMetadata.CoreArrayMetadata coreMetadata(
      dev.zarr.zarrjava.core.Array array) {
    return array instanceof dev.zarr.zarrjava.v3.Array a3 ? a3.metadata().coreArrayMetadata
        : ((dev.zarr.zarrjava.v2.Array) array).metadata().coreArrayMetadata;
  }

  /**
   * The decompressors of an array whose codec chain is "bytes" + bytes→bytes codecs (no transpose, no sharding, no v2
   * filters): zarr-java's own codecs decompress, and the decompressed element bytes go straight into Arrow memory.
   * Anything else returns null and reads through zarr-java's full (size-checked) pipeline.
   */
  static BytesBytesCodec[] directCodecs(dev.zarr.zarrjava.core.Array array, ZarrMeta meta) {
    if (meta.sharding != null) {
      return null;
    }
    List<BytesBytesCodec> out = new ArrayList<>();
    if (array instanceof dev.zarr.zarrjava.v3.Array a3) {
      for (dev.zarr.zarrjava.v3.codec.Codec c : a3.metadata().codecs) {
        if (c instanceof BytesBytesCodec bb) {
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
        if (!(md.compressor instanceof BytesBytesCodec bb)) {
          return null;
        }
        out.add(bb);
      }
    } else {
      return null;
    }
    return out.toArray(new BytesBytesCodec[0]);
  }

  @Override
  protected boolean direct() {
    return direct != null;
  }

  @Override
  protected boolean uncompressed() {
    return direct != null && direct.length == 0;
  }

  @Override
  protected ByteBuffer decompress(byte[] encoded, String key) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(encoded);
    for (int i = direct.length - 1; i >= 0; i--) {
      b = direct[i].decode(b);
    }
    return b;
  }

  @Override
  protected String chunkKey(long[] chunkCoords) {
    return StoreKeys.join(node, StoreKeys.join(array.metadata().chunkKeyEncoding().encodeChunkKey(chunkCoords)));
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

  /** An inner chunk's own bytes for sharded arrays (found through the shard index), else the stored chunk. */
  @Override
  protected byte[] rawChunk(long[] chunkCoords) throws Exception {
    return shardIndex != null ? shardIndex.raw(chunkCoords) : super.rawChunk(chunkCoords);
  }
}
