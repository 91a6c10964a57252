package dev.zarrjvm.model;

import dev.zarrjvm.errors.UnsupportedException;
import java.util.Objects;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * An element type as stored, in numpy's terms: kind ({@code b} bool, {@code i} signed, {@code u} unsigned, {@code f}
 * float), item size in bytes and byte order as stored ({@code <}, {@code >}, or {@code |} for one byte). Decoded data
 * in Arrow memory is always little-endian; the byte order only describes the stored chunks.
 */
public final class DType {
  public final char kind;
  public final int itemSize;
  public final char byteOrder;
  /** For variable-length sequences ({@link #list}): the type of their elements; else null. */
  public final DType element;

  /** Kind of fixed-length byte strings ({@code |S<n>}, {@link #bytes}): numpy's {@code S}, Arrow fixed_size_binary. */
  public static final char BYTES = 'S';
  /**
   * Kind of variable-length text ({@link #text}): Arrow utf8 (large_utf8 past 2 GiB of text), numpy object arrays of
   * {@code str}. Its item size is 0: elements have no fixed width.
   */
  public static final char TEXT = 'T';
  /**
   * Kind of variable-length sequences of numbers ({@link #list}): Arrow large_list of the element type, numpy object
   * arrays of arrays (as h5py and netCDF4-python read vlen types).
   */
  public static final char LIST = 'L';

  private DType(char kind, int itemSize) {
    this.kind = kind;
    this.itemSize = itemSize;
    this.byteOrder = '|';
    this.element = null;
  }

  private DType(DType element) {
    this.kind = LIST;
    this.itemSize = 0;
    this.byteOrder = '|';
    this.element = element;
  }

  /** Variable-length sequences of {@code element} (numeric, little-endian as decoded). */
  public static DType list(DType element) {
    if (!element.isNumeric() || element.isBool()) {
      throw new UnsupportedException("unsupported vlen element type " + element);
    }
    return new DType(element);
  }

  /** Whether elements are variable-length sequences (not fixed-width: the byte paths do not apply). */
  public boolean isList() {
    return kind == LIST;
  }

  /** Fixed-length byte strings of {@code n} bytes each (HDF5 fixed-length strings, NetCDF {@code char}). */
  public static DType bytes(int n) {
    if (n < 1) {
      throw new UnsupportedException("unsupported dtype |S" + n + " (fixed-length strings need at least one byte)");
    }
    return new DType(BYTES, n);
  }

  /** Variable-length UTF-8 text (NetCDF-4 {@code string}, HDF5 variable-length strings). */
  public static DType text() {
    return new DType(TEXT, 0);
  }

  /** Whether elements are variable-length text (not fixed-width: the byte paths do not apply). */
  public boolean isText() {
    return kind == TEXT;
  }

  /** Whether elements are fixed-length byte strings. */
  public boolean isBytes() {
    return kind == BYTES;
  }

  /** Whether elements are numbers or bools (the kinds with fill values, byte orders and numeric attributes). */
  public boolean isNumeric() {
    return "biuf".indexOf(kind) >= 0;
  }

  public DType(char kind, int itemSize, char byteOrder) {
    if ("biuf".indexOf(kind) < 0) {
      throw new UnsupportedException("unsupported dtype kind '" + kind + "'");
    }
    boolean ok = switch (kind) {
      case 'b' -> itemSize == 1;
      case 'f' -> itemSize == 4 || itemSize == 8;
      default -> itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8;
    };
    if (!ok) {
      throw new UnsupportedException("unsupported dtype " + kind + itemSize);
    }
    this.kind = kind;
    this.itemSize = itemSize;
    this.byteOrder = itemSize == 1 ? '|' : byteOrder;
    this.element = null;
  }

  /** Parses a numpy type string such as {@code <u2}, {@code |b1}, {@code >f8}. */
  public static DType parseNumpy(String s) {
    if (s == null || s.length() < 3) {
      throw new UnsupportedException("unsupported dtype '" + s + "'");
    }
    char order = s.charAt(0);
    if ("<>|=".indexOf(order) < 0) {
      throw new UnsupportedException("unsupported dtype '" + s + "'");
    }
    int size;
    try {
      size = Integer.parseInt(s.substring(2));
    } catch (NumberFormatException e) {
      throw new UnsupportedException("unsupported dtype '" + s + "'");
    }
    if (order == '=') {
      order = '<';
    }
    return new DType(s.charAt(1), size, order);
  }

  /**
   * Parses a Zarr v3 data type name ({@code uint16}, {@code bool}, ...); v3 data is little-endian unless a codec says.
   */
  public static DType parseV3(String name, char byteOrder) {
    return switch (String.valueOf(name)) {
      case "bool" -> new DType('b', 1, '|');
      case "int8" -> new DType('i', 1, '|');
      case "int16" -> new DType('i', 2, byteOrder);
      case "int32" -> new DType('i', 4, byteOrder);
      case "int64" -> new DType('i', 8, byteOrder);
      case "uint8" -> new DType('u', 1, '|');
      case "uint16" -> new DType('u', 2, byteOrder);
      case "uint32" -> new DType('u', 4, byteOrder);
      case "uint64" -> new DType('u', 8, byteOrder);
      case "float32" -> new DType('f', 4, byteOrder);
      case "float64" -> new DType('f', 8, byteOrder);
      default -> throw new UnsupportedException("unsupported Zarr v3 data type '" + name + "'");
    };
  }

  /** The numpy type string; text is numpy's object type {@code |O} (the Python side holds {@code str} objects). */
  public String numpy() {
    if (kind == TEXT || kind == LIST) {
      return "|O";
    }
    return "" + byteOrder + kind + itemSize;
  }

  public String v3Name() {
    return switch (kind) {
      case 'b' -> "bool";
      case 'i' -> "int" + itemSize * 8;
      case 'u' -> "uint" + itemSize * 8;
      case TEXT -> "string";
      case LIST -> "vlen_" + element.v3Name();
      case BYTES -> "fixed_length_bytes" + itemSize;
      default -> "float" + itemSize * 8;
    };
  }

  public boolean isUnsigned() {
    return kind == 'u';
  }

  public boolean isBool() {
    return kind == 'b';
  }

  /** Same width, signed: what a reader without unsigned types is shown (bool → int8). */
  public DType signedTwin() {
    return kind == 'u' || kind == 'b' ? new DType('i', itemSize, byteOrder) : this;
  }

  /**
   * The Arrow type decoded data is exported with. Bool is exported as uint8 (one byte per element, 0 or 1): Arrow's
   * boolean is bit-packed and numpy's is a byte, so the Python side views the uint8 buffer as bool without a copy.
   */
  public ArrowType arrowType() {
    return switch (kind) {
      case 'b' -> new ArrowType.Int(8, false);
      case 'i' -> new ArrowType.Int(itemSize * 8, true);
      case 'u' -> new ArrowType.Int(itemSize * 8, false);
      case TEXT -> ArrowType.LargeUtf8.INSTANCE;
      case LIST -> ArrowType.LargeList.INSTANCE;
      case BYTES -> new ArrowType.FixedSizeBinary(itemSize);
      default -> new ArrowType.FloatingPoint(itemSize == 4 ? FloatingPointPrecision.SINGLE
          : FloatingPointPrecision.DOUBLE);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DType d && d.kind == kind && d.itemSize == itemSize && d.byteOrder == byteOrder
        && Objects.equals(d.element, element);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, itemSize, byteOrder, element);
  }

  @Override
  public String toString() {
    return kind == LIST ? "vlen " + element.numpy() : numpy();
  }
}
