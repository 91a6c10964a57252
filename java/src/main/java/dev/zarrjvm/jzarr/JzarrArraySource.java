package dev.zarrjvm.jzarr;

import com.bc.zarr.Compressor;
import com.bc.zarr.CompressorFactory;
import com.bc.zarr.ZarrArray;
import com.bc.zarr.ZarrUtils;
import com.bc.zarr.chunk.ChunkReaderWriter;
import dev.zarrjvm.core.ArrayInfo;
import dev.zarrjvm.core.FillValues;
import dev.zarrjvm.core.Ma2ChunkSource;
import dev.zarrjvm.core.Ma2Flavour;
import dev.zarrjvm.core.Options;
import dev.zarrjvm.core.ZarrMeta;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.util.Set;

/**
 * jzarr (dev.zarr:jzarr) behind {@link dev.zarrjvm.core.ChunkSource}: Zarr v2. Chunks are decoded by jzarr's own
 * per-chunk readers ({@link ChunkReaderWriter}); jzarr's whole-array {@code ZarrArray.read} is not used because it
 * needs {@code ucar.ma2.DataType.getType(Class, boolean)}, a netCDF-Java 5.x method, while the per-chunk readers link
 * against both cdm 4.5.5 and 5.x.
 */
public final class JzarrArraySource extends Ma2ChunkSource {
  static final String BACKEND = "jzarr";
  static final Set<String> DTYPES = Set.of("i1", "u1", "i2", "u2", "i4", "u4", "i8", "f4", "f8");
  static final Set<String> COMPRESSORS = Set.of("zlib", "blosc");

  private final ByteStore store;
  private final ZarrMeta meta;
  private final ChunkReaderWriter chunks;
  private final CheckedCompressor checked;
  private final boolean direct;
  private final boolean uncompressed;
  private final int chunkBytes;
  private final String separator;
  private final String node;

  public JzarrArraySource(ByteStore store, String path, Options options) {
    super("jzarr:" + path);
    try {
      this.store = store;
      this.node = StoreKeys.nodePath(path);
      ZarrMeta.checkUnambiguous(store, node);
      this.meta = ZarrMeta.read(store, node);
      if (meta.zarrFormat != 2) {
        throw new UnsupportedException("jzarr reads Zarr v2 only; '" + node + "' is " + meta.format());
      }
      String kindSize = "" + meta.dtype.kind + meta.dtype.itemSize;
      if (!DTYPES.contains(kindSize)) {
        throw new UnsupportedException("jzarr " + version() + " has no dtype " + meta.dtype + " (it reads " + DTYPES
            + ")");
      }
      if (meta.shape.length == 0) {
        throw new UnsupportedException("jzarr " + version() + " cannot read 0-d arrays (no chunk key for them)");
      }
      if (options.bool("checks", true)) {
        refuseKnownMisreads(meta);
      }
      JzarrStore js = new JzarrStore(store, node);
      ZarrArray za = ZarrArray.open(js);
      this.separator = za.getDimensionSeparator().getSeparatorChar();
      int[] shape = za.getShape();
      long[] lshape = new long[shape.length];
      for (int i = 0; i < shape.length; i++) {
        lshape[i] = shape[i];
      }
      if (!java.util.Arrays.equals(lshape, meta.shape)) {
        throw new UnsupportedException("jzarr " + version() + " holds shapes as 32-bit ints: it reads shape "
            + java.util.Arrays.toString(meta.shape) + " of " + meta.key + " as " + java.util.Arrays.toString(shape));
      }
      long chunkBytes = (long) meta.dtype.itemSize * dev.zarrjvm.core.Grid.size(za.getChunks());
      Compressor compressor = za.getCompressor() == null ? CompressorFactory.nullCompressor : za.getCompressor();
      this.checked = new CheckedCompressor(compressor, chunkBytes);
      this.chunks = ChunkReaderWriter.create(checked, za.getDataType(), za.getByteOrder(), za.getChunks(),
          za.getFillValue(), js);
      this.direct = options.bool("direct", true);
      this.uncompressed = compressor == CompressorFactory.nullCompressor; // its id is null, not "null"
      this.chunkBytes = Math.toIntExact(chunkBytes);
      ArrayInfo.Builder b = ArrayInfo.builder(BACKEND, meta.format(), node)
          .shape(lshape)
          .chunks(za.getChunks())
          .dtype(meta.dtype)
          .order(meta.order)
          .fillBits(meta.fillValue == null || meta.fillValue.isNull() ? null
              : FillValues.bits(za.getFillValue(), meta.dtype))
          .attributes(meta.attributes(store));
      meta.codecIds.forEach(b::codec);
      setInfo(b.build());
    } catch (Throwable t) {
      close();
      throw Errors.translateOpen(t, "opening '" + path + "' in " + store.describe() + " with " + BACKEND);
    }
  }

  /** Inputs jzarr 0.4.2 would read wrong without failing (it ignores 'order' and 'filters'). */
  static void refuseKnownMisreads(ZarrMeta meta) {
    if (meta.order == 'F' && meta.orderMatters()) {
      throw new UnsupportedException("jzarr " + version() + " ignores the v2 'order' field: F-order chunks would be "
          + "read transposed (" + meta.key + ")");
    }
    JsonFilters.refuse(meta);
    for (String id : meta.codecIds) {
      if (!COMPRESSORS.contains(id)) {
        throw new UnsupportedException("jzarr " + version() + " has no Zarr v2 codec '" + id + "' (it reads "
            + COMPRESSORS + ") in " + meta.key);
      }
    }
  }

  static String version() {
    return Ma2Flavour.build().getProperty("jzarr.version", "");
  }

  @Override
  protected boolean remoteStore() {
    return store.localPath() == null;
  }

  /**
   * The direct path: jzarr's own (checked) decompressor decodes a chunk once into element bytes that go straight into
   * Arrow memory, skipping its typed readers (ImageInputStream → Java array → ucar.ma2); uncompressed chunks are read
   * from the file into scratch Arrow memory. {@code direct=False} reads through jzarr's chunk readers.
   */
  @Override
  protected dev.zarrjvm.core.ChunkBytes decodeChunkBytes(long[] chunkCoords) throws Exception {
    if (!direct) {
      return null;
    }
    int[] c = new int[chunkCoords.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.toIntExact(chunkCoords[i]);
    }
    String key = StoreKeys.join(node, ZarrUtils.createChunkFilename(c, separator));
    if (uncompressed) {
      dev.zarrjvm.core.ChunkBytes plain = readUncompressed(store, key, chunkBytes);
      if (plain != null) {
        return plain;
      } // another size: the checked decompressor below reports it
    }
    byte[] raw = store.get(key);
    if (raw == null) {
      return ABSENT;
    }
    Exposed out = new Exposed(chunkBytes);
    try {
      checked.uncompress(new java.io.ByteArrayInputStream(raw), out);
    } catch (ChunkDecodeException e) {
      throw new ChunkDecodeException("chunk '" + key + "': " + e.getMessage(), e);
    }
    return dev.zarrjvm.core.ChunkBytes.of(java.nio.ByteBuffer.wrap(out.buffer(), 0, out.size()));
  }

  /** A byte sink whose bytes are used in place (no toByteArray copy). */
  private static final class Exposed extends java.io.ByteArrayOutputStream {
    Exposed(int size) {
      super(size);
    }

    byte[] buffer() {
      return buf;
    }
  }

  @Override
  protected ucar.ma2.Array decodeChunk(long[] chunkCoords) throws Exception {
    int[] c = new int[chunkCoords.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.toIntExact(chunkCoords[i]);
    }
    String key = ZarrUtils.createChunkFilename(c, separator);
    try {
      return chunks.read(key);
    } catch (ChunkDecodeException e) {
      throw new ChunkDecodeException("chunk '" + StoreKeys.join(node, key) + "': " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] readRawChunk(long[] chunkCoords) {
    ensureOpen();
    if (!info().grid().containsChunk(chunkCoords)) {
      throw new IllegalArgumentException("chunk " + java.util.Arrays.toString(chunkCoords) + " is outside the grid");
    }
    int[] c = new int[chunkCoords.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.toIntExact(chunkCoords[i]);
    }
    try {
      return store.get(StoreKeys.join(node, ZarrUtils.createChunkFilename(c, separator)));
    } catch (Throwable t) {
      throw Errors.translate(t, "reading raw chunk " + java.util.Arrays.toString(chunkCoords) + " of " + info().displayPath());
    }
  }

  /** jzarr reads the compressor only; any filter would be skipped silently. */
  private static final class JsonFilters {
    static void refuse(ZarrMeta meta) {
      com.fasterxml.jackson.databind.JsonNode f = meta.doc.get("filters");
      if (f != null && f.isArray() && f.size() > 0) {
        throw new UnsupportedException("jzarr " + version() + " ignores v2 'filters' (" + f + "): the data would be "
            + "read unfiltered (" + meta.key + ")");
      }
    }
  }
}
