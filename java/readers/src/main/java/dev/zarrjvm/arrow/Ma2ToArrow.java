package dev.zarrjvm.arrow;

import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.Regions;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import ucar.ma2.Index;

/**
 * The one copy on the data path for readers that decode into Java heap arrays ({@code ucar.ma2.Array}): a box of the
 * decoded chunk goes straight into its place in the Arrow buffer, little-endian, in contiguous runs (bulk copies).
 */
public final class Ma2ToArrow {
  private Ma2ToArrow() {}

  /**
   * Copies {@code copyShape} elements of {@code src} starting at {@code srcOffset} into {@code dst} (a C-ordered box of
   * {@code dstShape} elements of {@code dtype}) at {@code dstOffset}.
   */
  public static void copy(ucar.ma2.Array src, int[] srcOffset, int[] copyShape, ArrowBuf dst, int[] dstShape,
      int[] dstOffset, DType dtype) {
    Object storage = canonicalStorage(src);
    int width = width(storage);
    boolean floatStorage = storage instanceof float[] || storage instanceof double[];
    if (width != dtype.itemSize || floatStorage != (dtype.kind == 'f')) {
      throw new ChunkDecodeException("reader decoded " + storage.getClass().getSimpleName() + " elements for dtype "
          + dtype + ": refusing to reinterpret them");
    }
    int[] srcShape = src.getShape();
    Regions.forEachRun(copyShape, srcShape, srcOffset, dstShape, dstOffset,
        (s, t, n) -> putRun(storage, (int) s, dst, t, (int) n, dtype));
  }

  /**
   * Copies a box of a decoded chunk given as element bytes in C order ({@code src}, {@code srcShape} elements, byte
   * order as stored in {@code dtype}) into {@code dst}: the one copy for readers whose decompressed bytes zarrjvm
   * places itself. Little-endian runs are plain memory copies; big-endian ones are swapped element-wise.
   */
  public static void copyBytes(ByteBuffer src, int[] srcShape, int[] srcOffset, int[] copyShape, ArrowBuf dst,
      int[] dstShape, int[] dstOffset, DType dtype) {
    int size = dtype.itemSize;
    long need = (long) dev.zarrjvm.model.Grid.size(srcShape) * size;
    if (src.remaining() != need) {
      throw new ChunkDecodeException("decompressed to " + src.remaining() + " bytes, but a chunk of shape "
          + java.util.Arrays.toString(srcShape) + " of " + dtype + " is " + need + " bytes");
    }
    ByteBuffer base = src.slice();
    boolean swap = size > 1 && dtype.byteOrder == '>';
    Regions.forEachRun(copyShape, srcShape, srcOffset, dstShape, dstOffset, (s, t, n) -> {
      ByteBuffer run = base.duplicate();
      run.position((int) (s * size)).limit((int) ((s + n) * size));
      if (dtype.isBool()) {
        for (int i = 0; i < n; i++) {
          dst.setByte(t + i, run.get() != 0 ? 1 : 0);
        }
      } else if (!swap) {
        dst.setBytes(t * size, run);
      } else {
        swapToLittleEndian(run.slice(), dst.nioBuffer(t * size, (int) (n * size)), size);
      }
    });
  }

  /**
   * Copies the big-endian elements of {@code size} bytes in {@code src} into {@code dst} as little-endian (2 and 4 as
   * such, larger sizes as 8-byte words); both may be the same memory (an in-place swap).
   */
  public static void swapToLittleEndian(ByteBuffer src, ByteBuffer dst, int size) {
    ByteBuffer r = src.duplicate().order(ByteOrder.BIG_ENDIAN);
    ByteBuffer w = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (size) {
      case 2 -> w.asShortBuffer().put(r.asShortBuffer());
      case 4 -> w.asIntBuffer().put(r.asIntBuffer());
      default -> w.asLongBuffer().put(r.asLongBuffer());
    }
  }

  /**
   * Copies a whole box of fixed-length byte strings ({@code dtype} of kind {@link DType#BYTES}) decoded by a reader
   * into {@code dst} at its start: the reader's array holds the box's bytes in C order (one byte per element of an
   * array with an extra last dimension of {@code itemSize} characters, as netCDF-Java reads NetCDF {@code char}), as
   * bytes or as chars of one byte each. The byte count is checked.
   */
  public static void copyByteStrings(ucar.ma2.Array src, long count, ArrowBuf dst, DType dtype) {
    Object storage = canonicalStorage(src);
    long need = count * dtype.itemSize;
    long got = java.lang.reflect.Array.getLength(storage);
    if (got != need) {
      throw new ChunkDecodeException("reader decoded " + got + " characters for " + count + " elements of " + dtype
          + " (" + need + " bytes)");
    }
    if (storage instanceof byte[] a) {
      dst.setBytes(0, a, 0, a.length);
    } else if (storage instanceof char[] a) {
      for (int i = 0; i < a.length; i++) {
        dst.setByte(i, a[i]);
      }
    } else {
      throw new ChunkDecodeException("reader decoded " + storage.getClass().getSimpleName() + " elements for dtype "
          + dtype + ": refusing to reinterpret them");
    }
  }

  /**
   * A large_utf8 vector of a reader's decoded strings ({@code src}, in C order; a null string is the empty string, as
   * netCDF-C's fill value for {@code string} is). The text is encoded once, as UTF-8, straight into Arrow memory.
   */
  public static org.apache.arrow.vector.LargeVarCharVector text(String name, ucar.ma2.Array src,
      org.apache.arrow.memory.BufferAllocator allocator) {
    long n = src.getSize();
    if (n > Integer.MAX_VALUE) {
      throw new dev.zarrjvm.errors.UnsupportedException("a single read of " + n + " strings exceeds Arrow's "
          + "per-vector limit of 2^31-1 elements; read smaller regions");
    }
    byte[][] utf8 = new byte[(int) n][];
    ucar.ma2.IndexIterator it = src.getIndexIterator();
    long total = 0;
    for (int i = 0; i < n; i++) {
      Object o = it.getObjectNext();
      utf8[i] = o == null ? new byte[0] : o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      total += utf8[i].length;
    }
    return text(name, utf8, total, allocator);
  }

  /** A large_utf8 vector of already encoded UTF-8 strings (all valid, no nulls). */
  public static org.apache.arrow.vector.LargeVarCharVector text(String name, byte[][] utf8, long totalBytes,
      org.apache.arrow.memory.BufferAllocator allocator) {
    var v = new org.apache.arrow.vector.LargeVarCharVector(
        org.apache.arrow.vector.types.pojo.Field.notNullable(name, DType.text().arrowType()), allocator);
    try {
      int n = utf8.length;
      v.allocateNew(Math.max(1, totalBytes), n);
      ArrowBuf offsets = v.getOffsetBuffer();
      ArrowBuf data = v.getDataBuffer();
      long at = 0;
      offsets.setLong(0, 0);
      for (int i = 0; i < n; i++) {
        data.setBytes(at, utf8[i], 0, utf8[i].length);
        at += utf8[i].length;
        offsets.setLong((long) (i + 1) * 8, at);
        v.setIndexDefined(i);
      }
      v.setLastSet(n - 1);
      v.setValueCount(n);
      return v;
    } catch (RuntimeException | Error e) {
      v.close();
      throw e;
    }
  }

  /**
   * A large_list vector of a reader's decoded variable-length sequences ({@code src} holds one Java array of numbers
   * per element, in C order; null is an empty sequence), its values converted to {@code dtype.element}
   * (little-endian).
   */
  public static org.apache.arrow.vector.complex.LargeListVector lists(String name, ucar.ma2.Array src, DType dtype,
      org.apache.arrow.memory.BufferAllocator allocator) {
    DType e = dtype.element;
    long n = src.getSize();
    if (n > Integer.MAX_VALUE) {
      throw new dev.zarrjvm.errors.UnsupportedException("a single read of " + n + " sequences exceeds Arrow's "
          + "per-vector limit of 2^31-1 elements; read smaller regions");
    }
    Object[] rows = new Object[(int) n];
    ucar.ma2.IndexIterator it = src.getIndexIterator();
    long total = 0;
    for (int i = 0; i < n; i++) {
      rows[i] = it.getObjectNext();
      total += rows[i] == null ? 0 : java.lang.reflect.Array.getLength(rows[i]);
    }
    var v = org.apache.arrow.vector.complex.LargeListVector.empty(name, allocator);
    try {
      v.addOrGetVector(org.apache.arrow.vector.types.pojo.FieldType.notNullable(e.arrowType()));
      org.apache.arrow.vector.FieldVector child = (org.apache.arrow.vector.FieldVector) v.getDataVector();
      try (ArrowBuf data = allocator.buffer(Math.max(1, total * e.itemSize));
          ArrowBuf offsets = allocator.buffer((n + 1) * 8)) {
        ByteBuffer w = data.nioBuffer(0, (int) Math.max(1, total * e.itemSize)).order(ByteOrder.LITTLE_ENDIAN);
        long at = 0;
        offsets.setLong(0, 0);
        for (int i = 0; i < n; i++) {
          int len = rows[i] == null ? 0 : java.lang.reflect.Array.getLength(rows[i]);
          for (int k = 0; k < len; k++) {
            Number x = (Number) java.lang.reflect.Array.get(rows[i], k);
            int pos = (int) ((at + k) * e.itemSize);
            if (e.kind == 'f') {
              if (e.itemSize == 4) {
                w.putFloat(pos, x.floatValue());
              } else {
                w.putDouble(pos, x.doubleValue());
              }
            } else {
              long bits = x instanceof java.math.BigInteger b ? b.longValue() : x.longValue();
              switch (e.itemSize) {
                case 1 -> w.put(pos, (byte) bits);
                case 2 -> w.putShort(pos, (short) bits);
                case 4 -> w.putInt(pos, (int) bits);
                default -> w.putLong(pos, bits);
              }
            }
          }
          at += len;
          offsets.setLong((long) (i + 1) * 8, at);
        }
        child.loadFieldBuffers(new org.apache.arrow.vector.ipc.message.ArrowFieldNode(total, 0),
            java.util.List.of(allocator.getEmpty(), data));
        v.loadFieldBuffers(new org.apache.arrow.vector.ipc.message.ArrowFieldNode(n, 0),
            java.util.List.of(allocator.getEmpty(), offsets));
      }
      return v;
    } catch (RuntimeException | Error t) {
      v.close();
      throw t;
    }
  }

  /** Sets every element of a box of {@code dst} to the fill value's bit pattern (zeros when {@code bits} is null). */
  public static void fill(ArrowBuf dst, int[] dstShape, int[] dstOffset, int[] boxShape, DType dtype, Long bits) {
    int size = dtype.itemSize;
    long b = bits == null ? 0L : bits;
    if (b == 0L) {
      Regions.forEachRun(boxShape, boxShape, new int[boxShape.length], dstShape, dstOffset,
          (s, t, n) -> dst.setZero(t * size, n * size));
      return;
    }
    byte[] pattern = new byte[Math.max(size, (int) Math.min(1 << 16, Math.max(1, (long) size * 4096)))];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = (byte) (b >>> (8 * (i % size)));
    }
    Regions.forEachRun(boxShape, boxShape, new int[boxShape.length], dstShape, dstOffset, (s, t, n) -> {
      long pos = t * size;
      long left = n * size;
      while (left > 0) {
        int step = (int) Math.min(left, pattern.length);
        dst.setBytes(pos, pattern, 0, step);
        pos += step;
        left -= step;
      }
    });
  }

  private static void putRun(Object storage, int srcIndex, ArrowBuf dst, long dstIndex, int n, DType dtype) {
    int size = dtype.itemSize;
    if (storage instanceof byte[] a) {
      if (dtype.isBool()) {
        for (int i = 0; i < n; i++) {
          dst.setByte(dstIndex + i, a[srcIndex + i] != 0 ? 1 : 0);
        }
      } else {
        dst.setBytes(dstIndex, a, srcIndex, n);
      }
      return;
    }
    if (storage instanceof boolean[] a) {
      for (int i = 0; i < n; i++) {
        dst.setByte(dstIndex + i, a[srcIndex + i] ? 1 : 0);
      }
      return;
    }
    ByteBuffer w = dst.nioBuffer(dstIndex * size, n * size).order(ByteOrder.LITTLE_ENDIAN);
    if (storage instanceof short[] a) {
      w.asShortBuffer().put(a, srcIndex, n);
    } else if (storage instanceof char[] a) {
      w.asCharBuffer().put(a, srcIndex, n);
    } else if (storage instanceof int[] a) {
      w.asIntBuffer().put(a, srcIndex, n);
    } else if (storage instanceof long[] a) {
      w.asLongBuffer().put(a, srcIndex, n);
    } else if (storage instanceof float[] a) {
      w.asFloatBuffer().put(a, srcIndex, n);
    } else if (storage instanceof double[] a) {
      w.asDoubleBuffer().put(a, srcIndex, n);
    } else {
      throw new ChunkDecodeException("cannot copy " + storage.getClass().getName());
    }
  }

  static int width(Object storage) {
    if (storage instanceof byte[] || storage instanceof boolean[]) {
      return 1;
    }
    if (storage instanceof short[] || storage instanceof char[]) {
      return 2;
    }
    if (storage instanceof int[] || storage instanceof float[]) {
      return 4;
    }
    if (storage instanceof long[] || storage instanceof double[]) {
      return 8;
    }
    throw new ChunkDecodeException("reader decoded elements of unsupported storage " + storage.getClass().getName());
  }

  /**
   * The array's storage laid out in canonical C order. Views whose index is not the identity (a transpose or section
   * made by the reader) are copied into canonical order first; that second heap copy only happens for such views.
   *
   * <p>A canonical index over storage of another length is no view: it is what {@code Array.factory(type, shape,
   * storage)} makes of a chunk that decoded to the wrong number of elements (jzarr's byte reader, ucar.ma2's
   * ByteBuffer factory). Copying the first elements would hand out plausible wrong numbers, so it is refused.
   */
  static Object canonicalStorage(ucar.ma2.Array a) {
    Object storage = a.getStorage();
    long size = a.getSize();
    boolean canonical = isCanonical(a.getIndex());
    if (storage != null && canonical) {
      long length = java.lang.reflect.Array.getLength(storage);
      if (length != size) {
        throw new ChunkDecodeException("reader decoded " + length + " elements for shape "
            + java.util.Arrays.toString(a.getShape()) + " (" + size + " elements): refusing a wrongly sized chunk");
      }
      return storage;
    }
    return a.copy().getStorage();
  }

  /** An ma2 index is affine; it is the identity iff the origin maps to 0 and each unit step to its C stride. */
  static boolean isCanonical(Index index) {
    int[] shape = index.getShape();
    int nd = shape.length;
    if (nd == 0) {
      return index.currentElement() == 0;
    }
    for (int v : shape) {
      if (v == 0) {
        return true;
      }
    }
    Index ix = (Index) index.clone();
    int[] pos = new int[nd];
    ix.set(pos);
    if (ix.currentElement() != 0) {
      return false;
    }
    long stride = 1;
    for (int d = nd - 1; d >= 0; d--) {
      if (shape[d] > 1) {
        pos[d] = 1;
        ix.set(pos);
        if (ix.currentElement() != stride) {
          return false;
        }
        pos[d] = 0;
      }
      stride *= shape[d];
    }
    return true;
  }
}
