package dev.zarrjvm.jhdf;

import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.DType;
import io.jhdf.api.Attribute;
import io.jhdf.object.datatype.ArrayDataType;
import io.jhdf.object.datatype.BitField;
import io.jhdf.object.datatype.CompoundDataType;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.OpaqueDataType;
import io.jhdf.object.datatype.Reference;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import io.jhdf.object.message.DataSpace;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** HDF5 element types, as jHDF reads them, in zarrjvm's terms. */
final class JhdfTypes {
  /** HDF5's dataspace classes (the dataspace message's type field). */
  static final int SCALAR = 0;
  static final int NULL = 2;

  private JhdfTypes() {}

  /**
   * The numeric element type of an HDF5 type, or null when it is not one zarrjvm hands over as numbers. Bitfields are
   * unsigned integers of their width (h5py: {@code uint8} for an 8-bit bitfield); an enum of 1-byte integers with
   * exactly FALSE=0 and TRUE=1 is h5py's (and NumPy's) bool.
   */
  static DType numeric(DataType t) {
    if (t instanceof FixedPoint f) {
      return integer(f.isSigned() ? 'i' : 'u', f.getSize(), f.getByteOrder());
    }
    if (t instanceof BitField b) {
      return integer('u', b.getSize(), b.getByteOrder());
    }
    if (t instanceof FloatingPoint f && (f.getSize() == 4 || f.getSize() == 8)) {
      return new DType('f', f.getSize(), order(f.getByteOrder()));
    }
    if (t instanceof EnumDataType e && isBool(e)) {
      return new DType('b', 1, '|');
    }
    return null;
  }

  private static DType integer(char kind, int size, ByteOrder order) {
    return size == 1 || size == 2 || size == 4 || size == 8 ? new DType(kind, size, order(order)) : null;
  }

  private static char order(ByteOrder o) {
    return o == ByteOrder.BIG_ENDIAN ? '>' : '<';
  }

  private static boolean isBool(EnumDataType e) {
    Map<Integer, String> m = e.getEnumMapping();
    return e.getSize() == 1 && m.size() == 2 && "FALSE".equals(m.get(0)) && "TRUE".equals(m.get(1));
  }

  /** What an HDF5 type is called in messages: its class, and for the numeric ones their size. */
  static String describe(DataType t) {
    String what;
    if (t instanceof StringData) {
      what = "fixed-length string";
    } else if (t instanceof VariableLength v) {
      what = v.isVariableLengthString() ? "variable-length string" : "variable-length (vlen) sequence";
    } else if (t instanceof CompoundDataType) {
      what = "compound";
    } else if (t instanceof EnumDataType) {
      what = "enum";
    } else if (t instanceof OpaqueDataType) {
      what = "opaque";
    } else if (t instanceof Reference) {
      what = "reference";
    } else if (t instanceof ArrayDataType) {
      what = "array";
    } else if (t instanceof FloatingPoint) {
      what = "float" + 8 * t.getSize();
    } else if (t instanceof FixedPoint || t instanceof BitField) {
      what = (t instanceof BitField ? "bitfield" : "integer") + 8 * t.getSize();
    } else {
      what = "class " + t.getDataClass();
    }
    return what + " (" + t.getSize() + " bytes)";
  }

  /**
   * The dtype of a dataset's type, or an {@link UnsupportedException} naming the type and the reader. Fixed-length
   * strings are byte strings of their size ({@code |S<n>}, as h5py reads them: bytes as stored, padding included);
   * variable-length strings are text (h5py's {@code .asstr()}, netCDF4-python's {@code str}).
   */
  static DType require(DataType t, String what) {
    DType d = numeric(t);
    if (d == null && t instanceof EnumDataType e && e.getBaseType() instanceof FixedPoint base) {
      d = integer(base.isSigned() ? 'i' : 'u', base.getSize(), base.getByteOrder());
    }
    if (d == null && t instanceof VariableLength v && !v.isVariableLengthString()) {
      DType e = numeric(v.getParent());
      if (e != null && !e.isBool()) {
        d = DType.list(new DType(e.kind, e.itemSize, '<')); // jHDF decodes the values to Java numbers
      }
    }
    if (d == null && fields(t) != null) {
      d = DType.bytes(t.getSize());
    }
    if (d == null && t instanceof StringData) {
      d = DType.bytes(t.getSize());
    } else if (d == null && t instanceof VariableLength v && v.isVariableLengthString()) {
      d = DType.text();
    }
    if (d == null) {
      throw new UnsupportedException("jhdf: " + what + " has HDF5 type " + describe(t) + ", which zarrjvm does not "
          + "hand over with jhdf (it hands over integers, bitfields, float32/64, enums, strings, compounds of "
          + "numbers and vlen sequences of numbers)");
    }
    return d;
  }

  /**
   * The members of a compound type whose members are all numeric scalars (name, NumPy type, byte offset), as h5py's
   * structured dtype has them; null for other types, and for compounds with strings, arrays or nested compounds in them
   * (refused).
   */
  static List<List<Object>> fields(DataType t) {
    if (!(t instanceof CompoundDataType c) || c.getMembers().isEmpty()) {
      return null;
    }
    List<List<Object>> out = new ArrayList<>();
    for (CompoundDataType.CompoundDataMember m : c.getMembers()) {
      DType d = numeric(m.getDataType());
      int[] dims = m.getDimensionSize();
      boolean scalar = dims == null || java.util.Arrays.stream(dims).allMatch(x -> x == 1);
      if (d == null || !scalar || m.getOffset() + d.itemSize > c.getSize()) {
        return null;
      }
      out.add(List.of(m.getName(), d.numpy(), m.getOffset()));
    }
    return out;
  }

  /**
   * The members of an enum type (name to value, ordered by value as h5py lists them), or null for other types and for
   * the FALSE/TRUE enum read as bool.
   */
  static Map<String, Long> enumMapping(DataType t) {
    if (!(t instanceof EnumDataType e) || isBool(e)) {
      return null;
    }
    boolean unsigned = e.getBaseType() instanceof FixedPoint f && !f.isSigned();
    // jHDF 0.10.0 reads member values little-endian whatever the base type's order: swapped back here
    boolean swap = e.getBaseType() instanceof FixedPoint f && f.getByteOrder() == ByteOrder.BIG_ENDIAN;
    int bits = 8 * e.getSize();
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    new java.util.TreeMap<>(e.getEnumMapping()).forEach((key, v) -> {
      long k = swap && bits <= 32 ? Integer.reverseBytes(key) >>> (32 - bits) : key;
      int shift = 64 - bits;
      long value = unsigned ? (long) k << shift >>> shift : (long) k << shift >> shift;
      out.put(v, value);
    });
    return out;
  }

  /**
   * The fill value's bit pattern (little-endian, as {@code ArrayInfo.fillBits}) from the stored bytes of one element
   * in {@code dtype}'s byte order, or null when there are none.
   */
  static Long fillBits(ByteBuffer stored, DType dtype) {
    if (!dtype.isNumeric() || stored == null || stored.remaining() < dtype.itemSize) {
      return null;
    }
    ByteBuffer b = stored.duplicate().order(dtype.byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int p = b.position();
    return switch (dtype.itemSize) {
      case 1 -> (long) b.get(p) & 0xff;
      case 2 -> (long) b.getShort(p) & 0xffff;
      case 4 -> (long) b.getInt(p) & 0xffffffffL;
      default -> b.getLong(p);
    };
  }

  /** One element of {@code dtype} at element index {@code i} of {@code buf}, as a Java number (unsigned widened). */
  static Object element(ByteBuffer buf, int i, DType dtype) {
    ByteBuffer b = buf.duplicate().order(dtype.byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int p = b.position() + i * dtype.itemSize;
    boolean u = dtype.kind == 'u';
    if (dtype.kind == 'b') {
      return b.get(p) != 0;
    }
    if (dtype.kind == 'f') {
      return dtype.itemSize == 4 ? (Object) b.getFloat(p) : (Object) b.getDouble(p);
    }
    return switch (dtype.itemSize) {
      case 1 -> u ? (Object) Byte.toUnsignedInt(b.get(p)) : (Object) b.get(p);
      case 2 -> u ? (Object) Short.toUnsignedInt(b.getShort(p)) : (Object) b.getShort(p);
      case 4 -> u ? (Object) Integer.toUnsignedLong(b.getInt(p)) : (Object) b.getInt(p);
      default -> u ? (Object) new BigInteger(Long.toUnsignedString(b.getLong(p))) : (Object) b.getLong(p);
    };
  }

  /** Whether an attribute has no value (a null dataspace). */
  static boolean isNullSpace(DataSpace s) {
    return s != null && s.getType() == NULL;
  }

  /**
   * An attribute's value as the netcdf-java backend hands them over: a number or string for one element, a flat list
   * for more; null when its type is not one zarrjvm hands over (the caller notes it).
   */
  static Object value(Attribute a) {
    DataType t = a.getDataType();
    DType d = numeric(t);
    if (d != null) {
      ByteBuffer buf = a.getBuffer();
      int n = Math.toIntExact(a.getSize());
      if (n == 1) {
        return element(buf, 0, d);
      }
      List<Object> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(element(buf, i, d));
      }
      return out;
    }
    boolean text = t instanceof StringData || t instanceof VariableLength v && v.isVariableLengthString();
    if (!text) {
      return null;
    }
    Object data = a.getData();
    if (data instanceof String s) {
      return s;
    }
    List<Object> flat = new ArrayList<>();
    flatten(data, flat);
    return flat.size() == 1 ? flat.get(0) : flat;
  }

  /** The NumPy type of a numeric attribute ({@code <f4}, {@code <u1}, ...), as the netcdf-java backend spells it. */
  static String numpyType(Attribute a) {
    DType d = numeric(a.getDataType());
    return d == null ? null : "<" + d.kind + d.itemSize;
  }

  private static void flatten(Object o, List<Object> out) {
    if (o != null && o.getClass().isArray()) {
      int n = java.lang.reflect.Array.getLength(o);
      for (int i = 0; i < n; i++) {
        flatten(java.lang.reflect.Array.get(o, i), out);
      }
    } else if (o instanceof Collection<?> c) {
      for (Object x : c) {
        flatten(x, out);
      }
    } else {
      out.add(o);
    }
  }
}
