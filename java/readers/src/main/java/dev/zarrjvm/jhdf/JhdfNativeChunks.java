package dev.zarrjvm.jhdf;

import dev.zarrjvm.codec.NativeChain;
import dev.zarrjvm.errors.ChunkDecodeException;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.dataset.chunked.Chunk;
import io.jhdf.dataset.chunked.ChunkOffset;
import io.jhdf.dataset.chunked.ChunkedDatasetBase;
import io.jhdf.filter.PipelineFilterWithData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * {@code decode="native"} for HDF5 chunks: jHDF parses the dataset (layout, chunk index, filter pipeline) and zarrjvm
 * reads each chunk's stored bytes from the file into off-heap memory and runs the filters itself — deflate through
 * {@link NativeChain}'s zlib (libdeflate, or the JDK's zlib as jHDF uses where libdeflate is not built), HDF5's byte
 * shuffle — writing the element bytes straight into Arrow memory, with no Java
 * heap array per chunk. Only pipelines of deflate and shuffle are taken; anything else stays with jHDF. Each chunk's
 * filter mask (filters HDF5 skipped for it) is honoured.
 */
final class JhdfNativeChunks {
  private static final int DEFLATE = 1;
  private static final int SHUFFLE = 2;

  private final Map<?, ?> lookup;
  /** The pipeline's filter ids in encoding order, and each one's shuffle element size (else 0). */
  private final int[] ids;
  private final int[] shuffleSizes;
  private final NativeChain inflate = NativeChain.of(List.of("zlib"));
  private final JhdfFile file;

  private JhdfNativeChunks(JhdfFile file, Map<?, ?> lookup, int[] ids, int[] shuffleSizes) {
    this.file = file;
    this.lookup = lookup;
    this.ids = ids;
    this.shuffleSizes = shuffleSizes;
  }

  /** The native path for {@code d}, or null when its filters are not all deflate and shuffle or its index is hidden. */
  static JhdfNativeChunks of(JhdfFile file, ChunkedDataset d) {
    List<PipelineFilterWithData> filters = d.getFilters();
    int[] ids = new int[filters.size()];
    int[] sizes = new int[filters.size()];
    for (int i = 0; i < ids.length; i++) {
      PipelineFilterWithData f = filters.get(i);
      ids[i] = f.getId();
      if (ids[i] == SHUFFLE) {
        int[] data = f.getFilterData();
        sizes[i] = data != null && data.length > 0 ? data[0] : 0;
        if (sizes[i] <= 0) {
          return null;
        }
      } else if (ids[i] != DEFLATE) {
        return null;
      }
    }
    Map<?, ?> lookup = chunkLookup(d);
    return lookup == null ? null : new JhdfNativeChunks(file, lookup, ids, sizes);
  }

  /**
   * jHDF's chunk index (chunk offset → address, size, filter mask): {@code ChunkedDatasetBase.getChunkLookup()}, which
   * jHDF 0.10.0 keeps protected; null when it cannot be reached (then jHDF decodes).
   */
  static Map<?, ?> chunkLookup(ChunkedDataset d) {
    try {
      java.lang.reflect.Method m = ChunkedDatasetBase.class.getDeclaredMethod("getChunkLookup");
      m.setAccessible(true);
      return (Map<?, ?>) m.invoke(d);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The filters (by position in the pipeline) HDF5 skipped for the chunk at element offset {@code offset}, from
   * {@code lookup} ({@link #chunkLookup}); empty for an absent chunk or when every filter ran.
   */
  static BitSet skippedFilters(Map<?, ?> lookup, int[] offset) {
    Object found = lookup.get(new ChunkOffset(offset));
    BitSet mask = found instanceof Chunk chunk ? chunk.getFilterMask() : null;
    return mask == null ? new BitSet() : mask;
  }

  /**
   * Whether jHDF misdecodes a chunk whose {@code skipped} filters (of {@code filters}) HDF5 did not run: a skipped
   * shuffle or deflate (measured: the chunk unshuffled anyway, or inflated and failing). A skipped LZF (h5py's LZF
   * declines chunks it cannot shrink) reads right (measured equal to h5py), so it is not refused.
   */
  static boolean misdecoded(List<PipelineFilterWithData> filters, BitSet skipped) {
    for (int i = skipped.nextSetBit(0); i >= 0 && i < filters.size(); i = skipped.nextSetBit(i + 1)) {
      int id = filters.get(i).getId();
      if (id == DEFLATE || id == SHUFFLE) {
        return true;
      }
    }
    return false;
  }

  /** What decodes, for the array's notes. */
  String describe() {
    boolean shuffle = false;
    boolean deflate = false;
    for (int id : ids) {
      shuffle |= id == SHUFFLE;
      deflate |= id == DEFLATE;
    }
    String parts = (deflate ? inflate.describe() : "") + (deflate && shuffle ? " + " : "")
        + (shuffle ? "HDF5 byte shuffle" : "") + (!deflate && !shuffle ? "no filter" : "");
    return "native: " + parts + " on off-heap memory (jHDF reads the chunk index)";
  }

  /**
   * Decodes the chunk at element offset {@code offset} into {@code dst} (exactly a chunk's bytes, as stored: byte order
   * unchanged). Returns false when the chunk was never written.
   */
  boolean decode(int[] offset, ByteBuffer dst, BufferAllocator alloc, String what) throws java.io.IOException {
    Object found = lookup.get(new ChunkOffset(offset));
    if (!(found instanceof Chunk chunk) || chunk.getAddress() < 0) {
      return false;
    }
    BitSet skipped = chunk.getFilterMask();
    try (ArrowBuf stored = alloc.buffer(Math.max(1, chunk.getSize()))) {
      ByteBuffer in = stored.nioBuffer(0, chunk.getSize());
      file.readFully(chunk.getAddress(), in.duplicate(), what);
      ArrowBuf tmp = null;
      try {
        for (int i = ids.length - 1; i >= 0; i--) {
          if (skipped != null && skipped.get(i)) {
            continue;
          }
          boolean last = !anyActiveBefore(i, skipped);
          ByteBuffer out = dst;
          if (!last) {
            if (tmp == null) {
              tmp = alloc.buffer(Math.max(1, dst.remaining()));
            }
            out = tmp.nioBuffer(0, dst.remaining());
          }
          if (ids[i] == DEFLATE) {
            inflate.decode(in, out.duplicate(), what);
          } else {
            unshuffle(in, out, shuffleSizes[i], what);
          }
          in = out;
        }
        if (in != dst) { // every filter skipped: the stored bytes are the elements
          if (in.remaining() != dst.remaining()) {
            throw new ChunkDecodeException(what + ": an unfiltered chunk of " + in.remaining() + " bytes, a chunk is "
                + dst.remaining());
          }
          dst.duplicate().put(in.duplicate());
        }
      } finally {
        if (tmp != null) {
          tmp.close();
        }
      }
    }
    return true;
  }

  private boolean anyActiveBefore(int i, BitSet skipped) {
    for (int k = i - 1; k >= 0; k--) {
      if (skipped == null || !skipped.get(k)) {
        return true;
      }
    }
    return false;
  }

  /**
   * HDF5's shuffle filter undone: the stored bytes hold byte 0 of every element, then byte 1, ...; elements of
   * {@code size} bytes are put back together. A tail shorter than an element stays in place, as HDF5 leaves it.
   */
  static void unshuffle(ByteBuffer src, ByteBuffer dst, int size, String what) {
    int len = src.remaining();
    if (len != dst.remaining()) {
      throw new ChunkDecodeException(what + ": shuffled chunk of " + len + " bytes, a chunk is " + dst.remaining());
    }
    int n = len / size;
    ByteBuffer in = src.duplicate();
    ByteBuffer out = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int s0 = in.position();
    int d0 = out.position();
    if (size == 1 || n <= 1) {
      out.put(in);
      return;
    }
    if (size <= 8) {
      for (int e = 0; e < n; e++) {
        long v = 0;
        for (int b = 0; b < size; b++) {
          v |= (in.get(s0 + b * n + e) & 0xffL) << (8 * b);
        }
        int at = d0 + e * size;
        switch (size) {
          case 2 -> out.putShort(at, (short) v);
          case 4 -> out.putInt(at, (int) v);
          case 8 -> out.putLong(at, v);
          default -> {
            for (int b = 0; b < size; b++) {
              out.put(at + b, (byte) (v >>> (8 * b)));
            }
          }
        }
      }
    } else {
      for (int b = 0; b < size; b++) {
        for (int e = 0; e < n; e++) {
          out.put(d0 + e * size + b, in.get(s0 + b * n + e));
        }
      }
    }
    for (int t = n * size; t < len; t++) {
      out.put(d0 + t, in.get(s0 + t));
    }
  }
}
