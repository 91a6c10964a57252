package dev.zarrjvm.jhdf;

import dev.zarrjvm.backend.ChunkBytes;
import dev.zarrjvm.backend.ChunkedSource;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.Grid;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.dataset.CompactDataset;
import io.jhdf.dataset.ContiguousDatasetImpl;
import io.jhdf.dataset.DatasetBase;
import io.jhdf.exceptions.HdfException;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.message.DataSpaceMessage;
import io.jhdf.object.message.FillValueMessage;
import io.jhdf.object.message.FillValueOldMessage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One HDF5 dataset read by jHDF. A chunked dataset's read grid is its HDF5 chunking, and each zarrjvm chunk is one
 * HDF5 chunk decoded by jHDF's own filter pipeline ({@link ChunkedDataset#getDecompressedChunk}); a chunk never
 * written reads as the HDF5 fill value. A contiguous dataset is read in row blocks of about {@link #BLOCK_BYTES}
 * straight from the file's bytes; a compact one as one chunk.
 */
final class JhdfDatasetSource extends ChunkedSource {
  /** Target size of one read block of a contiguous dataset. */
  static final long BLOCK_BYTES = 4L << 20;
  /**
   * jHDF's messages for a chunk that was never written (the HDF5 fill value then applies): absent from a v1 B-tree
   * index, or present with HDF5's undefined address in the fixed and extensible array indexes of newer files.
   */
  private static final String NO_CHUNK = "No chunk with offset";
  private static final String UNDEFINED_ADDRESS = "at address -1";

  private final JhdfFile.Handle file;
  private final Dataset dataset;
  private final ChunkedDataset chunked;
  /** Whether the filters end in Fletcher32, whose 4 checksum bytes jHDF leaves at the end of each chunk. */
  private final boolean fletcher32;
  /** For contiguous and compact datasets: the bytes of one C-order row along dimension 0. */
  private final long rowBytes;
  /**
   * For a NetCDF-4 {@code char} variable read as strings ({@code _Encoding}, as netCDF4-python's chartostring): the
   * length of the HDF5 dataset's last dimension, which is the byte length of this array's elements; else 0.
   */
  private final int stringLength;
  /** With {@code decode="native"}: zarrjvm runs the chunk filters (deflate, shuffle) on off-heap memory; else null. */
  private final JhdfNativeChunks nativeChunks;
  /**
   * When jHDF decodes a filtered dataset with {@code checks=true}: its chunk index, to refuse chunks stored with some
   * filters skipped (HDF5's filter mask), which jHDF 0.10.0 decodes as if every filter had run (finding H5); else null.
   */
  private final java.util.Map<?, ?> maskCheck;

  /** Takes ownership of {@code file} (closed with this source, or now if opening fails). */
  JhdfDatasetSource(JhdfFile.Handle file, Dataset dataset, ReaderOptions options) {
    this.file = file;
    this.dataset = dataset;
    String where = "dataset '" + dataset.getPath() + "' of " + file.file().path;
    try {
      refuseNullDataspace(dataset, where);
      DType dtype = JhdfTypes.require(dataset.getDataType(), where);
      List<String> filters = filters(dataset, where);
      this.fletcher32 = filters.stream().anyMatch(f -> f.toLowerCase(java.util.Locale.ROOT).contains("fletcher"));
      if (fletcher32 && options.checks()) {
        throw new UnsupportedException("jhdf does not verify HDF5 Fletcher32 checksums (jHDF "
            + JhdfBackend.libraryName() + " passes them through unread): a damaged chunk of " + where
            + " (filters: " + filters + ") would read as wrong numbers; pass checks=False to read it without "
            + "verification");
      }
      int[] dims = dataset.getDimensions();
      this.chunked = dataset instanceof ChunkedDataset c ? c : null;
      long row = dtype.itemSize;
      for (int i = 1; i < dims.length; i++) {
        row *= dims[i];
      }
      this.rowBytes = row;
      int[] hdfChunks = chunked != null ? chunked.getChunkDimensions().clone() : null;
      List<String> dimNames = JhdfAttributes.dimensionNames(dataset, file.file());
      String encoding = charEncoding(dataset, dtype);
      if (encoding != null) {
        int n = dims[dims.length - 1];
        if (n == 0 || hdfChunks != null && hdfChunks[hdfChunks.length - 1] != n) {
          throw new UnsupportedException("jhdf: char " + where + " has _Encoding '" + encoding + "' (netCDF4-python "
              + "reads its last dimension as strings) but " + (n == 0 ? "that dimension has length 0"
              : "is chunked across that dimension (chunks " + Arrays.toString(hdfChunks) + ")")
              + "; read it with backend='netcdf-java'");
        }
        this.stringLength = n;
        dtype = DType.bytes(n);
        dims = Arrays.copyOf(dims, dims.length - 1);
        hdfChunks = hdfChunks == null ? null : Arrays.copyOf(hdfChunks, hdfChunks.length - 1);
        dimNames = dimNames == null ? null : dimNames.subList(0, dimNames.size() - 1);
        boolean decode = !(encoding.equals("none") || encoding.equals("None") || encoding.equals("bytes"));
        encoding = decode ? encoding : null;
      } else {
        this.stringLength = 0;
      }
      long[] shape = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        shape[i] = dims[i];
      }
      int[] chunks = hdfChunks != null ? hdfChunks : blocks(dims, row);
      String path = dataset.getPath().replaceAll("^/+", "");
      ArrayInfo.Builder b = ArrayInfo.builder(JhdfBackend.NAME, file.file().format(), path)
          .shape(shape)
          .chunks(chunks)
          .dtype(dtype)
          .fillBits(JhdfTypes.fillBits(fillValue(dataset), dtype))
          .attributes(JhdfAttributes.values(dataset, file.file()))
          .attributeTypes(JhdfAttributes.types(dataset, file.file()))
          .dimensionNames(dimNames)
          .textEncoding(encoding)
          .charStrings(stringLength > 0)
          .enumMapping(JhdfTypes.enumMapping(dataset.getDataType()))
          .fields(JhdfTypes.fields(dataset.getDataType()));
      if (stringLength > 0) {
        b.note("char variable with _Encoding: its last dimension (" + stringLength + " characters) is read as "
            + "strings, as netCDF4-python's chartostring does");
      }
      filters.forEach(b::codec);
      this.nativeChunks = options.nativeDecode() && chunked != null && stringLength == 0 && dtype.isNumeric()
          && !dtype.isBool() && !fletcher32 ? JhdfNativeChunks.of(file.file(), chunked) : null;
      if (nativeChunks != null) {
        b.decoding(nativeChunks.describe());
      }
      this.maskCheck = nativeChunks == null && chunked != null && options.checks() && !filters.isEmpty()
          ? JhdfNativeChunks.chunkLookup(chunked) : null;
      JhdfAttributes.skipped(dataset, file.file()).forEach(b::note);
      if (chunked == null) {
        String layout = dataset.getDataLayout().name().toLowerCase(java.util.Locale.ROOT);
        b.note("HDF5 " + layout + " layout: read in blocks of " + Arrays.toString(chunks));
      }
      setInfo(b.build());
    } catch (Throwable t) {
      close();
      throw JhdfFile.translate(t, Errors.Phase.OPEN, "opening " + where + " with " + JhdfBackend.NAME);
    }
  }

  /**
   * The {@code _Encoding} of a NetCDF-4 {@code char} variable (an HDF5 string of one byte with at least one
   * dimension), which netCDF4-python reads as strings of its last dimension; else null.
   */
  private static String charEncoding(Dataset d, DType dtype) {
    if (!dtype.isBytes() || dtype.itemSize != 1 || d.getDimensions().length == 0) {
      return null;
    }
    io.jhdf.api.Attribute e = d.getAttributes().get("_Encoding");
    Object v = e == null ? null : JhdfTypes.value(e);
    return v instanceof String s ? s : null;
  }

  /** A dataset with a null dataspace has no elements at all (h5py: {@code Empty}); it is not a 0-d array. */
  private static void refuseNullDataspace(Dataset d, String where) {
    if (d instanceof DatasetBase base && base.getHeader().hasMessageOfType(DataSpaceMessage.class)
        && JhdfTypes.isNullSpace(base.getHeader().getMessageOfType(DataSpaceMessage.class).getDataSpace())) {
      throw new UnsupportedException("jhdf: " + where + " has a null dataspace (no elements, not even one: h5py "
          + "reads it as h5py.Empty); zarrjvm has no array to hand over for it");
    }
  }

  /** The filter pipeline's names; a filter jHDF does not have (SZIP, ...) is refused by name. */
  private static List<String> filters(Dataset d, String where) {
    try {
      return d.getFilters().stream().map(PipelineFilterWithData::getName).toList();
    } catch (HdfException e) {
      throw new UnsupportedException("jhdf cannot decode " + where + ": " + JhdfFile.describe(e)
          + " (jHDF decodes deflate, shuffle, fletcher32, LZF, LZ4 and bitshuffle; not SZIP or other plugins)", e);
    }
  }

  /** The HDF5 fill value's stored bytes (new or old fill value message), or null when none is defined. */
  private static ByteBuffer fillValue(Dataset d) {
    if (!(d instanceof DatasetBase base)) {
      return null;
    }
    var oh = base.getHeader();
    if (oh.hasMessageOfType(FillValueMessage.class)) {
      FillValueMessage m = oh.getMessageOfType(FillValueMessage.class);
      return m.isFillValueDefined() ? m.getFillValue() : null;
    }
    if (oh.hasMessageOfType(FillValueOldMessage.class)) {
      return oh.getMessageOfType(FillValueOldMessage.class).getFillValue();
    }
    return null;
  }

  /** Row blocks of a contiguous or compact dataset: whole rows along dimension 0, about BLOCK_BYTES each. */
  private static int[] blocks(int[] dims, long rowBytes) {
    int[] c = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      c[i] = Math.max(1, dims[i]);
    }
    if (dims.length > 0) {
      c[0] = (int) Math.max(1, Math.min(c[0], BLOCK_BYTES / Math.max(1, rowBytes)));
    }
    return c;
  }

  @Override
  protected ChunkBytes decodeChunkBytes(long[] chunkCoords) throws Exception {
    Grid g = info().grid();
    if (nativeChunks != null) {
      int full = Math.toIntExact(Grid.size(g.chunks) * (long) info().dtype.itemSize);
      org.apache.arrow.memory.ArrowBuf scratch = allocator().buffer(Math.max(1, full));
      try {
        ByteBuffer view = scratch.nioBuffer(0, full);
        if (!nativeChunks.decode(chunkOffset(chunkCoords), view, allocator(), chunkName(chunkCoords))) {
          scratch.close();
          return ABSENT;
        }
        return new ChunkBytes(view, scratch);
      } catch (java.io.IOException | RuntimeException | Error t) {
        scratch.close();
        throw t;
      }
    }
    if (chunked != null) {
      int[] offset = new int[chunkCoords.length + (stringLength > 0 ? 1 : 0)];
      for (int i = 0; i < chunkCoords.length; i++) {
        offset[i] = Math.toIntExact(chunkCoords[i] * g.chunks[i]);
      }
      java.util.BitSet skipped = maskCheck == null ? null : JhdfNativeChunks.skippedFilters(maskCheck, offset);
      if (skipped != null && JhdfNativeChunks.misdecoded(chunked.getFilters(), skipped)) {
        throw new UnsupportedException("jhdf: " + chunkName(chunkCoords) + " was stored with some of its filters "
            + "skipped (HDF5 filter mask " + skipped + " of "
            + dataset.getFilters() + "), which jHDF " + JhdfBackend.libraryName() + " decodes as if they had run "
            + "(wrong numbers); read it with decode='native', which honours the mask, or pass checks=False");
      }
      try {
        byte[] bytes = chunked.getDecompressedChunk(offset);
        int full = Math.toIntExact(Grid.size(g.chunks) * (long) info().dtype.itemSize);
        if (fletcher32 && bytes.length == full + 4) { // the checksum jHDF leaves in place (unverified)
          return ChunkBytes.of(ByteBuffer.wrap(bytes, 0, full));
        }
        return ChunkBytes.of(ByteBuffer.wrap(bytes));
      } catch (HdfException e) {
        String m = String.valueOf(e.getMessage());
        if (m.startsWith(NO_CHUNK) || m.endsWith(UNDEFINED_ADDRESS)) {
          return ABSENT;
        }
        throw e;
      }
    }
    return rows(chunkCoords, g);
  }

  /**
   * A whole row block of a contiguous dataset whose place in the region is contiguous: read from the file straight
   * into it (no scratch buffer and second copy), when Arrow's bytes equal the stored ones (little-endian, not bool).
   */
  @Override
  protected Into decodeChunkInto(long[] chunkCoords, org.apache.arrow.memory.ArrowBuf dst, long offset, int length)
      throws java.io.IOException {
    DType t = info().dtype;
    if (t.byteOrder == '>' || t.isBool() || !t.isNumeric() || info().grid().chunks.length == 0) {
      return Into.UNSUPPORTED;
    }
    if (nativeChunks != null) {
      return nativeChunks.decode(chunkOffset(chunkCoords), dst.nioBuffer(offset, length), allocator(),
          chunkName(chunkCoords)) ? Into.DECODED : Into.ABSENT;
    }
    if (!(dataset instanceof ContiguousDatasetImpl c)) {
      return Into.UNSUPPORTED;
    }
    if (c.isEmpty()) {
      return Into.ABSENT;
    }
    long first = chunkCoords[0] * info().grid().chunks[0];
    if (first + info().grid().chunks[0] > info().shape[0] || (long) info().grid().chunks[0] * rowBytes != length) {
      return Into.UNSUPPORTED; // the last block, shorter than a full one, goes through scratch memory
    }
    file.file().readFully(c.getDataAddress() + first * rowBytes, dst.nioBuffer(offset, length),
        "'" + dataset.getPath() + "'");
    return Into.DECODED;
  }

  /** The element offset of a chunk, as jHDF's chunk index keys it. */
  private int[] chunkOffset(long[] chunkCoords) {
    int[] chunks = info().grid().chunks;
    int[] offset = new int[chunkCoords.length];
    for (int i = 0; i < offset.length; i++) {
      offset[i] = Math.toIntExact(chunkCoords[i] * chunks[i]);
    }
    return offset;
  }

  private String chunkName(long[] chunkCoords) {
    return "chunk " + Arrays.toString(chunkCoords) + " of '" + dataset.getPath() + "' in " + file.file().path;
  }

  /** A block of whole rows of a contiguous or compact dataset, padded to the full block at the end. */
  private ChunkBytes rows(long[] chunkCoords, Grid g) throws java.io.IOException {
    int full = Math.toIntExact(Grid.size(g.chunks) * (long) info().dtype.itemSize);
    if (g.chunks.length == 0) {
      return data(0, full, full);
    }
    long first = chunkCoords[0] * g.chunks[0];
    long count = Math.min(g.chunks[0], info().shape[0] - first);
    return data(first * rowBytes, Math.toIntExact(count * rowBytes), full);
  }

  private ChunkBytes data(long start, int length, int full) throws java.io.IOException {
    ByteBuffer src;
    if (dataset instanceof ContiguousDatasetImpl c) {
      if (c.isEmpty()) { // storage never allocated: every element is the fill value
        return ABSENT;
      }
      return readContiguous(c.getDataAddress() + start, length, full);
    } else if (dataset instanceof CompactDataset c) {
      ByteBuffer all = c.getDataBuffer();
      src = all.duplicate().position(Math.toIntExact(start)).limit(Math.toIntExact(start + length)).slice();
    } else {
      throw new UnsupportedException("jhdf: dataset '" + dataset.getPath() + "' has a layout zarrjvm does not read: "
          + dataset.getDataLayout());
    }
    if (length == full) {
      return ChunkBytes.of(src);
    }
    ByteBuffer padded = ByteBuffer.allocate(full);
    padded.put(src).clear();
    return ChunkBytes.of(padded);
  }

  /**
   * {@code length} bytes of the file at HDF5 address {@code address} (after any user block), read with positional
   * reads straight into scratch Arrow memory of {@code full} bytes (the rest zeroed): no heap copy and no memory
   * mapping per block (mappings would pile up until a GC unmaps them).
   */
  private ChunkBytes readContiguous(long address, int length, int full) throws java.io.IOException {
    org.apache.arrow.memory.ArrowBuf scratch = allocator().buffer(full);
    try {
      ByteBuffer view = scratch.nioBuffer(0, full);
      file.file().readFully(address, view.duplicate().limit(length), "'" + dataset.getPath() + "'");
      if (length < full) {
        scratch.setZero(length, full - length);
      }
      return new ChunkBytes(view, scratch);
    } catch (java.io.IOException | RuntimeException | Error t) {
      scratch.close();
      throw t;
    }
  }

  /**
   * Variable-length strings: their bytes live in the global heap, not in the chunks, and jHDF reads them for the whole
   * dataset. Its box reads ({@code getData(offset, shape)}) lose strings of chunked datasets (measured with jHDF
   * 0.10.0: every chunk after the first few reads as empty strings), so the dataset is read whole once, kept, and
   * boxes are cut from it into a {@code ucar.ma2} array of strings for the text vector. Other types are assembled from
   * chunks (null).
   */
  @Override
  protected ucar.ma2.Array decodeRegion(long[] offset, int[] shape) {
    if (!info().dtype.isText() && !info().dtype.isList()) {
      return null;
    }
    Object[] all = allText();
    Object[] box = Grid.box(all, info().shape, offset, shape);
    return ucar.ma2.Array.factory(ucar.ma2.DataType.STRING, shape, box);
  }

  private Object[] text;

  /** Every string of the dataset in C order, read once. */
  private synchronized Object[] allText() {
    if (text == null) {
      Object[] flat = new Object[Math.toIntExact(Grid.size(info().shape))];
      if (dataset.isEmpty()) { // storage never allocated: every string is the fill value
        Object fill = info().attributes.get("_FillValue");
        java.util.Arrays.fill(flat, info().dtype.isList() ? null : fill instanceof String f ? f : "");
        text = flat;
        return text;
      }
      int n = flatten(dataset.getData(), flat, 0);
      if (n != flat.length) {
        throw new dev.zarrjvm.errors.ChunkDecodeException("jhdf read " + n + " strings of '" + dataset.getPath()
            + "' of " + flat.length);
      }
      text = flat;
    }
    return text;
  }

  /** The leaves of jHDF's nested Object arrays, in C order (a vlen sequence's primitive array is one leaf). */
  private static int flatten(Object o, Object[] out, int at) {
    if (o instanceof Object[] a) {
      for (Object x : a) {
        at = flatten(x, out, at);
      }
      return at;
    }
    if (at < out.length) {
      out[at] = o;
    }
    return at + 1;
  }

  @Override
  protected boolean parallelDecode() {
    return !info().dtype.isText() && !info().dtype.isList();
  }

  /** Never used: {@link #decodeChunkBytes} decodes every chunk (no heap {@code ucar.ma2} array in between). */
  @Override
  protected ucar.ma2.Array decodeChunk(long[] chunkCoords) {
    throw new IllegalStateException("jhdf decodes chunks to bytes");
  }

  @Override
  protected void closeReader() {
    file.close();
  }

  /** A remote file's chunks are fetched on the wider io pool: their reads wait for the network, not the CPU. */
  @Override
  protected boolean remoteStore() {
    return file.file().remote;
  }
}
