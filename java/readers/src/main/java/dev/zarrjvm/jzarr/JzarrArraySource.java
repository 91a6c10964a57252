package dev.zarrjvm.jzarr;

import com.bc.zarr.Compressor;
import com.bc.zarr.CompressorFactory;
import com.bc.zarr.ZarrArray;
import com.bc.zarr.ZarrUtils;
import com.bc.zarr.chunk.ChunkReaderWriter;
import dev.zarrjvm.backend.Capabilities;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.FillValues;
import dev.zarrjvm.model.Grid;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import dev.zarrjvm.zarr.ZarrChunkSource;
import dev.zarrjvm.zarr.ZarrMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * jzarr (dev.zarr:jzarr) behind {@link dev.zarrjvm.model.ChunkSource}: Zarr v2. Chunks are decoded by jzarr's own
 * per-chunk readers ({@link ChunkReaderWriter}); jzarr's whole-array {@code ZarrArray.read} is not used because it
 * needs {@code ucar.ma2.DataType.getType(Class, boolean)}, a netCDF-Java 5.x method, while the per-chunk readers link
 * against both cdm 4.5.5 and 5.x.
 */
final class JzarrArraySource extends ZarrChunkSource {
  private final ChunkReaderWriter chunks;
  private final CheckedCompressor checked;
  private final boolean direct;
  private final boolean uncompressed;
  private final String separator;

  JzarrArraySource(ByteStore store, String path, ReaderOptions options) {
    super(store, path, options.zarrFormat(), JzarrBackend.NAME);
    try {
      Capabilities caps = JzarrBackend.CAPABILITIES;
      String v = JzarrBackend.version();
      if (!caps.formats().contains(meta.format())) {
        throw new UnsupportedException("jzarr reads Zarr v2 only; '" + node + "' is " + meta.format());
      }
      if (!caps.dtypes().contains("" + meta.dtype.kind + meta.dtype.itemSize)) {
        throw new UnsupportedException("jzarr " + v + " has no dtype " + meta.dtype + " (it reads " + caps.dtypes()
            + ")");
      }
      if (meta.shape.length == 0 && !caps.v2ZeroDim()) {
        throw new UnsupportedException("jzarr " + v + " cannot read 0-d arrays (no chunk key for them)");
      }
      if (options.checks()) {
        refuseKnownMisreads(meta, caps);
      }
      JzarrStore js = new JzarrStore(store, node);
      ZarrArray za = ZarrArray.open(js);
      this.separator = za.getDimensionSeparator().getSeparatorChar();
      int[] shape = za.getShape();
      long[] lshape = new long[shape.length];
      for (int i = 0; i < shape.length; i++) {
        lshape[i] = shape[i];
      }
      if (!Arrays.equals(lshape, meta.shape)) {
        throw new UnsupportedException("jzarr " + v + " holds shapes as 32-bit ints: it reads shape "
            + Arrays.toString(meta.shape) + " of " + meta.key + " as " + Arrays.toString(shape));
      }
      long chunkBytes = (long) meta.dtype.itemSize * Grid.size(za.getChunks());
      Compressor compressor = za.getCompressor() == null ? CompressorFactory.nullCompressor : za.getCompressor();
      this.checked = new CheckedCompressor(compressor, chunkBytes);
      this.chunks = ChunkReaderWriter.create(checked, za.getDataType(), za.getByteOrder(), za.getChunks(),
          za.getFillValue(), js);
      this.direct = options.direct();
      this.uncompressed = compressor == CompressorFactory.nullCompressor; // its id is null, not "null"
      java.util.Map<String, Object> attrs = meta.attributes(store);
      ArrayInfo.Builder b = ArrayInfo.builder(JzarrBackend.NAME, meta.format(), node)
          .shape(lshape)
          .chunks(za.getChunks())
          .dtype(meta.dtype)
          .order(meta.order)
          .fillBits(meta.fillValue == null || meta.fillValue.isNull() ? null
              : FillValues.bits(za.getFillValue(), meta.dtype))
          .attributes(attrs)
          .dimensionNames(meta.dimensionNames(attrs));
      meta.codecIds.forEach(b::codec);
      b.decoding(decodeNatively(options, "jzarr " + JzarrBackend.version() + "'s codecs"));
      setInfo(b.build());
    } catch (Throwable t) {
      close();
      throw Errors.translate(t, Errors.Phase.OPEN, "opening " + ZarrMeta.where(store, node) + " with "
          + JzarrBackend.NAME);
    }
  }

  /** Inputs jzarr would read wrong without failing (it ignores 'order' and 'filters'), or does not declare. */
  static void refuseKnownMisreads(ZarrMeta meta, Capabilities caps) {
    String v = JzarrBackend.version();
    if (!caps.v2Orders().contains(String.valueOf(meta.order)) && meta.orderMatters()) {
      throw new UnsupportedException("jzarr " + v + " ignores the v2 'order' field: F-order chunks would be "
          + "read transposed (" + meta.key + ")");
    }
    com.fasterxml.jackson.databind.JsonNode f = meta.doc.get("filters");
    if (f != null && f.isArray() && f.size() > 0) {
      throw new UnsupportedException("jzarr " + v + " ignores v2 'filters' (" + f + "): the data would be "
          + "read unfiltered (" + meta.key + ")");
    }
    for (String id : meta.codecIds) {
      if (!caps.v2Codecs().contains(id)) {
        throw new UnsupportedException("jzarr " + v + " has no Zarr v2 codec '" + id + "' (it reads "
            + caps.v2Codecs() + ") in " + meta.key);
      }
    }
  }

  private static int[] intCoords(long[] chunkCoords) {
    int[] c = new int[chunkCoords.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.toIntExact(chunkCoords[i]);
    }
    return c;
  }

  @Override
  protected String chunkKey(long[] chunkCoords) {
    return StoreKeys.join(node, ZarrUtils.createChunkFilename(intCoords(chunkCoords), separator));
  }

  /**
   * The direct path: jzarr's own (checked) decompressor decodes a chunk once into element bytes that go straight into
   * Arrow memory, skipping its typed readers (ImageInputStream → Java array → ucar.ma2); uncompressed chunks are read
   * from the file into scratch Arrow memory. {@code direct=False} reads through jzarr's chunk readers.
   */
  @Override
  protected boolean direct() {
    return direct;
  }

  @Override
  protected boolean uncompressed() {
    return uncompressed;
  }

  @Override
  protected ByteBuffer decompress(byte[] encoded, String key) throws Exception {
    Exposed out = new Exposed(info().grid().chunkBytes(info().dtype.itemSize));
    try {
      checked.uncompress(new ByteArrayInputStream(encoded), out);
    } catch (ChunkDecodeException e) {
      throw new ChunkDecodeException("chunk '" + key + "': " + e.getMessage(), e);
    }
    return ByteBuffer.wrap(out.buffer(), 0, out.size());
  }

  /** A byte sink whose bytes are used in place (no toByteArray copy). */
  private static final class Exposed extends ByteArrayOutputStream {
    Exposed(int size) {
      super(size);
    }

    byte[] buffer() {
      return buf;
    }
  }

  @Override
  protected ucar.ma2.Array decodeChunk(long[] chunkCoords) throws Exception {
    String key = ZarrUtils.createChunkFilename(intCoords(chunkCoords), separator);
    try {
      return chunks.read(key);
    } catch (ChunkDecodeException e) {
      throw new ChunkDecodeException("chunk '" + StoreKeys.join(node, key) + "': " + e.getMessage(), e);
    }
  }
}
