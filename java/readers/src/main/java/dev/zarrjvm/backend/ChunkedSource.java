package dev.zarrjvm.backend;

import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.arrow.ChunkVectors;
import dev.zarrjvm.arrow.Ma2ToArrow;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.OutOfBoundsException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.Grid;
import dev.zarrjvm.model.ReadCounts;
import dev.zarrjvm.runtime.Pools;
import dev.zarrjvm.store.ByteStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * Base of the adapters: what every reader behind {@link ChunkSource} shares. It owns bounds checks, region assembly
 * straight into Arrow memory (the one copy), parallel decoding of the chunks a region touches, fill values for absent
 * chunks, the raw-chunk read's checks, and the classification of what the reader throws. An adapter supplies its
 * reader's decoding: element bytes ({@link #decodeChunkBytes}), a {@code ucar.ma2.Array} ({@link #decodeChunk}), or
 * a whole box ({@link #decodeRegion}).
 */
public abstract class ChunkedSource implements ChunkSource {
  private BufferAllocator allocator;
  private volatile boolean closed;
  private ArrayInfo info;
  private final AtomicLong chunksRead = new AtomicLong();
  private final AtomicLong chunksAbsent = new AtomicLong();
  private final AtomicLong boxesRead = new AtomicLong();

  protected ChunkedSource() {}

  @Override
  public final ReadCounts readCounts() {
    return new ReadCounts(chunksRead.get(), chunksAbsent.get(), boxesRead.get());
  }

  /**
   * Adapters call this once, at the end of their constructor: the source is then open and owns a child allocator of
   * {@link ArrowMemory}. A constructor that fails before holds no Arrow memory.
   */
  protected final void setInfo(ArrayInfo info) {
    this.info = info;
    this.allocator = ArrowMemory.newChild(info.backend + ":" + info.displayPath());
  }

  @Override
  public final ArrayInfo info() {
    return info;
  }

  @Override
  public final BufferAllocator allocator() {
    return allocator;
  }

  /**
   * Decodes one chunk of the {@link ArrayInfo#chunks} grid with the reader's own decoding. Returns either the full
   * chunk or the chunk clipped to the array bounds, or null when the chunk is absent (it then reads as the fill value).
   */
  protected abstract ucar.ma2.Array decodeChunk(long[] chunkCoords) throws Exception;

  /** Returned by {@link #decodeChunkBytes} for a chunk absent from the store (it reads as the fill value). */
  protected static final ChunkBytes ABSENT = ChunkBytes.ABSENT;

  /**
   * Optional fast path: the chunk decoded by the reader's own codecs to element bytes (full chunk shape, C order, byte
   * order as stored), which the base copies straight into Arrow memory — no {@code ucar.ma2} heap array, and the size
   * is checked. Return {@link #ABSENT} for an absent chunk, or null to use {@link #decodeChunk} instead.
   */
  protected ChunkBytes decodeChunkBytes(long[] chunkCoords) throws Exception {
    return null;
  }

  /** What {@link #decodeChunkInto} did. */
  protected enum Into { DECODED, ABSENT, UNSUPPORTED }

  /**
   * Optional: decodes a whole chunk straight into {@code length} bytes of {@code dst} at {@code offset} (its place in
   * a region, contiguous there; element bytes as Arrow holds them, little-endian, not bool). {@link Into#ABSENT} for an
   * absent chunk (the caller fills it), {@link Into#UNSUPPORTED} when this source decodes through scratch memory.
   */
  protected Into decodeChunkInto(long[] chunkCoords, ArrowBuf dst, long offset, int length) throws Exception {
    return Into.UNSUPPORTED;
  }

  /**
   * For {@link #decodeChunkBytes} of uncompressed chunks: the stored value of {@code key} is the chunk's element bytes,
   * read from the store into scratch Arrow memory (no heap array) when it has exactly {@code chunkBytes} bytes. Returns
   * {@link #ABSENT} for an absent chunk, or null for a value of another size (the caller's checked path reports it).
   */
  protected final ChunkBytes readUncompressed(ByteStore store, String key, int chunkBytes) {
    ArrowBuf scratch = allocator.buffer(chunkBytes);
    try {
      ByteBuffer view = scratch.nioBuffer(0, chunkBytes);
      long size = store.readInto(key, view);
      if (size == chunkBytes) {
        return new ChunkBytes(view, scratch);
      }
      scratch.close();
      return size < 0 ? ABSENT : null;
    } catch (RuntimeException | Error t) {
      scratch.close();
      throw t;
    }
  }

  /**
   * Optional: the reader reads an arbitrary box itself (netCDF-Java does). Returning null means "assemble from chunks".
   */
  protected ucar.ma2.Array decodeRegion(long[] offset, int[] shape) throws Exception {
    return null;
  }

  /**
   * Optional: the reader writes a box's element bytes (little-endian, C order) straight into {@code dst} and returns
   * true, or returns false to have {@link #decodeRegion} or the chunks read it. Tried first for every box.
   */
  protected boolean readRegionInto(long[] offset, int[] shape, ArrowBuf dst) throws Exception {
    return false;
  }

  /** Whether chunks of one region are decoded in parallel (readers that are not thread-safe say no). */
  protected boolean parallelDecode() {
    return true;
  }

  /**
   * Whether chunk reads mostly wait for a remote store: a region's chunks are then fetched on Pools's wider io pool.
   */
  protected boolean remoteStore() {
    return false;
  }

  @Override
  public FieldVector readChunk(long[] chunkCoords, BufferAllocator alloc) {
    ensureOpen();
    Grid g = info.grid();
    checkChunk(chunkCoords);
    long[] origin = g.chunkOrigin(chunkCoords);
    return readRegion(origin, g.clippedChunkShape(chunkCoords), alloc);
  }

  private void checkChunk(long[] chunkCoords) {
    Grid g = info.grid();
    if (chunkCoords == null || !g.containsChunk(chunkCoords)) {
      throw new OutOfBoundsException("chunk " + Arrays.toString(chunkCoords) + " is outside the chunk grid "
          + Arrays.toString(g.chunkCounts()) + " of " + info.displayPath());
    }
  }

  @Override
  public final byte[] readRawChunk(long[] chunkCoords) {
    ensureOpen();
    checkChunk(chunkCoords);
    try {
      return rawChunk(chunkCoords);
    } catch (Throwable t) {
      throw Errors.translate(t, "reading raw chunk " + Arrays.toString(chunkCoords) + " of " + info.displayPath()
          + " with " + info.backend);
    }
  }

  /** The stored bytes of a chunk inside the grid, or null when absent; readers that cannot tell refuse. */
  protected byte[] rawChunk(long[] chunkCoords) throws Exception {
    throw new UnsupportedException(info.backend + " does not expose a chunk's stored bytes");
  }

  @Override
  public FieldVector readRegion(long[] offset, int[] shape, BufferAllocator alloc) {
    ensureOpen();
    checkRegion(offset, shape);
    DType dtype = info.dtype;
    long n = Grid.size(shape);
    if (dtype.isText() || dtype.isList()) {
      return readText(offset, shape, alloc == null ? allocator : alloc);
    }
    FieldVector out = ChunkVectors.allocate("data", dtype, n, alloc == null ? allocator : alloc);
    String what = "reading " + Arrays.toString(offset) + "+" + Arrays.toString(shape) + " of " + info.displayPath()
        + " with " + info.backend;
    try {
      if (n > 0) {
        ArrowBuf dst = out.getDataBuffer();
        if (readRegionInto(offset, shape, dst)) {
          boxesRead.incrementAndGet();
          return out;
        }
        ucar.ma2.Array direct = decodeRegion(offset, shape);
        if (direct != null) {
          boxesRead.incrementAndGet();
          if (dtype.isBytes()) {
            Ma2ToArrow.copyByteStrings(direct, n, dst, dtype);
            return out;
          }
          checkShape(direct.getShape(), shape, what);
          Ma2ToArrow.copy(direct, new int[shape.length], shape, dst, shape, new int[shape.length], dtype);
        } else {
          assemble(offset, shape, dst, what);
        }
      }
      return out;
    } catch (CancellationException c) {
      out.close(); // an async read nobody waits for any more
      throw c;
    } catch (Throwable t) {
      out.close();
      throw Errors.translate(t, what);
    }
  }

  /**
   * A box of variable-length text or sequences: the reader reads it ({@link #decodeRegion} must return the strings,
   * or one Java array per sequence) and they become one large_utf8 or large_list vector.
   */
  private FieldVector readText(long[] offset, int[] shape, BufferAllocator alloc) {
    String what = "reading " + Arrays.toString(offset) + "+" + Arrays.toString(shape) + " of " + info.displayPath()
        + " with " + info.backend;
    try {
      ucar.ma2.Array direct = Grid.size(shape) == 0 ? ucar.ma2.Array.factory(Object.class, shape)
          : decodeRegion(offset, shape);
      if (direct == null) {
        throw new UnsupportedException(info.backend + " reads no text for " + info.displayPath());
      }
      boxesRead.incrementAndGet();
      if (direct.getSize() != Grid.size(shape)) {
        throw new ChunkDecodeException(what + ": reader returned shape " + Arrays.toString(direct.getShape())
            + ", expected " + Arrays.toString(shape));
      }
      return info.dtype.isList() ? Ma2ToArrow.lists("data", direct, info.dtype, alloc)
          : Ma2ToArrow.text("data", direct, alloc);
    } catch (CancellationException c) {
      throw c;
    } catch (Throwable t) {
      throw Errors.translate(t, what);
    }
  }

  /**
   * The boxes in parallel (on the io pool over a remote store), each assembled as {@link #readRegion} does; a box read
   * from a helper thread decodes its own chunks inline, so the parallelism is across boxes.
   */
  @Override
  public FieldVector[] readRegions(long[][] offsets, int[][] shapes, BufferAllocator alloc) {
    ensureOpen();
    if (offsets == null || shapes == null || offsets.length != shapes.length) {
      throw new InvalidArgumentException("readRegions needs one shape per offset");
    }
    int n = offsets.length;
    FieldVector[] out = new FieldVector[n];
    List<Pools.Task> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      tasks.add(() -> out[k] = readRegion(offsets[k], shapes[k], alloc));
    }
    try {
      Pools.runAll(tasks, parallelDecode() && n > 1, remoteStore(), "reading " + n + " boxes of "
          + info.displayPath());
      return out;
    } catch (Throwable t) {
      for (FieldVector v : out) {
        if (v != null) {
          v.close();
        }
      }
      throw Errors.translate(t, "reading " + n + " boxes of " + info.displayPath() + " with " + info.backend);
    }
  }

  private void assemble(long[] offset, int[] shape, ArrowBuf dst, String what) {
    Grid g = info.grid();
    int nd = shape.length;
    List<long[]> chunks = g.chunksIn(offset, shape);
    List<Pools.Task> tasks = new ArrayList<>(chunks.size());
    for (long[] c : chunks) {
      tasks.add(() -> {
        long[] origin = g.chunkOrigin(c);
        int[] clipped = g.clippedChunkShape(c);
        int[] srcOff = new int[nd];
        int[] dstOff = new int[nd];
        int[] box = new int[nd];
        for (int d = 0; d < nd; d++) {
          long lo = Math.max(offset[d], origin[d]);
          long hi = Math.min(offset[d] + shape[d], origin[d] + clipped[d]);
          srcOff[d] = (int) (lo - origin[d]);
          dstOff[d] = (int) (lo - offset[d]);
          box[d] = (int) (hi - lo);
        }
        String decoding = "decoding chunk " + Arrays.toString(c) + " of " + info.displayPath() + " with "
            + info.backend;
        ChunkBytes bytes;
        chunksRead.incrementAndGet();
        try {
          long at = placeOfWholeChunk(box, g.chunks, shape, dstOff);
          Into into = at < 0 ? Into.UNSUPPORTED
              : decodeChunkInto(c, dst, at * info.dtype.itemSize, g.chunkBytes(info.dtype.itemSize));
          if (into == Into.DECODED) {
            return;
          }
          bytes = into == Into.ABSENT ? ABSENT : decodeChunkBytes(c);
        } catch (Throwable t) {
          throw Errors.translate(t, Errors.Phase.DECODE, decoding);
        }
        if (bytes == ABSENT) {
          chunksAbsent.incrementAndGet();
          Ma2ToArrow.fill(dst, shape, dstOff, box, info.dtype, info.fillBits);
          return;
        }
        if (bytes != null) {
          try (ChunkBytes b = bytes) {
            Ma2ToArrow.copyBytes(b.bytes(), g.chunks, srcOff, box, dst, shape, dstOff, info.dtype);
          } catch (ChunkDecodeException e) {
            throw new ChunkDecodeException(decoding + ": " + e.getMessage(), e);
          }
          return;
        }
        ucar.ma2.Array decoded;
        try {
          decoded = decodeChunk(c);
        } catch (Throwable t) {
          throw Errors.translate(t, Errors.Phase.DECODE, decoding);
        }
        if (decoded == null) {
          chunksAbsent.incrementAndGet();
          Ma2ToArrow.fill(dst, shape, dstOff, box, info.dtype, info.fillBits);
          return;
        }
        int[] got = decoded.getShape();
        if (!Arrays.equals(got, g.chunks) && !Arrays.equals(got, clipped)) {
          throw new ChunkDecodeException("chunk " + Arrays.toString(c) + " of " + info.displayPath()
              + " decoded to shape "
              + Arrays.toString(got) + ", expected " + Arrays.toString(g.chunks));
        }
        Ma2ToArrow.copy(decoded, srcOff, box, dst, shape, dstOff, info.dtype);
      });
    }
    Pools.runAll(tasks, parallelDecode() && tasks.size() > 1, remoteStore(), what);
  }

  /**
   * The element index in the region where a chunk's bytes can be written as they are: the box is the whole chunk and
   * lies contiguously in the region (every dimension after the first one longer than 1 spans the region), and Arrow's
   * bytes equal the stored ones (not bool, not big-endian). -1 otherwise.
   */
  private long placeOfWholeChunk(int[] box, int[] chunk, int[] shape, int[] dstOff) {
    DType t = info.dtype;
    if (!Arrays.equals(box, chunk) || t.isBool() || t.itemSize > 1 && t.byteOrder == '>') {
      return -1;
    }
    int d = 0;
    while (d < box.length && box[d] == 1) {
      d++;
    }
    for (int k = d + 1; k < box.length; k++) {
      if (box[k] != shape[k]) {
        return -1;
      }
    }
    long at = 0;
    for (int k = 0; k < shape.length; k++) {
      at = at * shape[k] + dstOff[k];
    }
    return at;
  }

  private void checkRegion(long[] offset, int[] shape) {
    if (offset == null || shape == null || offset.length != info.ndim() || shape.length != info.ndim()) {
      throw new OutOfBoundsException("region rank must be " + info.ndim());
    }
    for (int d = 0; d < shape.length; d++) {
      if (offset[d] < 0 || shape[d] < 0 || offset[d] + shape[d] > info.shape[d]) {
        throw new OutOfBoundsException("region " + Arrays.toString(offset) + "+" + Arrays.toString(shape)
            + " is outside the array shape " + Arrays.toString(info.shape));
      }
    }
  }

  private static void checkShape(int[] got, int[] want, String what) {
    if (!Arrays.equals(got, want)) {
      throw new ChunkDecodeException(what + ": reader returned shape " + Arrays.toString(got) + ", expected "
          + Arrays.toString(want));
    }
  }

  protected final void ensureOpen() {
    if (closed) {
      throw new InvalidArgumentException(info == null ? "source is closed" : info.displayPath() + " is closed");
    }
  }

  /** Adapters release their reader here; called once. */
  protected void closeReader() throws Exception {}

  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closeReader();
    } catch (Exception e) {
      throw Errors.translate(e, "closing " + (info == null ? "source" : info.displayPath()));
    } finally {
      if (allocator != null) {
        ArrowMemory.release(allocator);
      }
    }
  }
}
