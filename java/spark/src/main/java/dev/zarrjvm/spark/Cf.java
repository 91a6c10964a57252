package dev.zarrjvm.spark;

import dev.zarrjvm.arrow.ChunkVectors;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.DType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * CF masking and scaling ({@code maskAndScale=true}), as xarray's {@code mask_and_scale} does it: an element equal to
 * {@code _FillValue} or a {@code missing_value} (for Zarr, the array's fill value when there is no {@code _FillValue})
 * becomes null; with {@code scale_factor}/{@code add_offset}, values become {@code raw * scale_factor + add_offset} as
 * double. Off by default: raw values are what the store holds.
 */
record Cf(double[] missing, Double scale, Double offset) implements Serializable {
  static Cf of(ArrayInfo info) {
    Map<String, Object> a = info.attributes;
    List<Double> missing = new ArrayList<>();
    Object fv = a.get("_FillValue");
    if (fv != null) {
      numbers(fv, missing);
    } else if (info.format.startsWith("zarr") && info.fillBits != null) {
      missing.add(fromBits(info.dtype, info.fillBits));
    }
    numbers(a.get("missing_value"), missing);
    Double scale = number(a.get("scale_factor"));
    Double offset = number(a.get("add_offset"));
    return new Cf(missing.stream().mapToDouble(Double::doubleValue).toArray(), scale, offset);
  }

  boolean scales() {
    return scale != null || offset != null;
  }

  DataType sparkType(DType dt) {
    return scales() ? DataTypes.DoubleType : SparkColumns.sparkType(dt);
  }

  String describe() {
    StringBuilder sb = new StringBuilder("CF applied (maskAndScale): ");
    sb.append(missing.length == 0 ? "no fill value" : "null where the stored value is "
        + java.util.Arrays.toString(missing));
    if (scales()) {
      sb.append("; value = stored * ").append(scale == null ? 1.0 : scale).append(" + ")
          .append(offset == null ? 0.0 : offset).append(" (double)");
    }
    return sb.toString();
  }

  private static void numbers(Object v, List<Double> out) {
    if (v instanceof List<?> l) {
      l.forEach(x -> numbers(x, out));
    } else {
      Double d = number(v);
      if (d != null) {
        out.add(d);
      }
    }
  }

  private static Double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s && s.equalsIgnoreCase("NaN")) {
      return Double.NaN;
    }
    return null;
  }

  private static double fromBits(DType dt, long bits) {
    if (dt.kind == 'f') {
      return dt.itemSize == 4 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
    }
    if (dt.isUnsigned()) {
      return dt.itemSize == 8 ? unsigned(bits) : (double) (bits & ((1L << (8 * dt.itemSize)) - 1));
    }
    int shift = 64 - 8 * dt.itemSize;
    return (double) ((bits << shift) >> shift);
  }

  private static double unsigned(long bits) {
    return bits >= 0 ? bits : (double) (bits >>> 1) * 2.0 + (bits & 1);
  }

  private boolean isMissing(double x) {
    for (double m : missing) {
      if (m == x || (Double.isNaN(m) && Double.isNaN(x))) {
        return true;
      }
    }
    return false;
  }

  /** {@code v} (Spark's representation of {@code dt}, as {@link SparkColumns#toSpark} gives it) masked and scaled. */
  FieldVector apply(FieldVector v, DType dt, BufferAllocator allocator) {
    DType sp = SparkColumns.sparkDType(dt);
    if (sp == null || dt.isBool()) {
      return v; // bool and uint64 (decimal) columns are handed over raw
    }
    int n = v.getValueCount();
    ArrowBuf in = v.getDataBuffer();
    if (!scales()) {
      if (missing.length == 0 || !(v instanceof BaseFixedWidthVector fw)) {
        return v;
      }
      for (int i = 0; i < n; i++) {
        if (isMissing(read(in, sp, i))) {
          fw.setNull(i);
        }
      }
      return v;
    }
    try (FieldVector src = v) {
      BaseFixedWidthVector out = (BaseFixedWidthVector) ChunkVectors.allocate(src.getName(), new DType('f', 8, '<'),
          n, allocator);
      ArrowBuf o = out.getDataBuffer();
      double s = scale == null ? 1.0 : scale;
      double off = offset == null ? 0.0 : offset;
      for (int i = 0; i < n; i++) {
        double x = read(in, sp, i);
        if (isMissing(x)) {
          out.setNull(i);
        } else {
          o.setDouble(8L * i, x * s + off);
        }
      }
      return out;
    }
  }

  private static double read(ArrowBuf b, DType sp, int i) {
    if (sp.kind == 'f') {
      return sp.itemSize == 4 ? b.getFloat(4L * i) : b.getDouble(8L * i);
    }
    return switch (sp.itemSize) {
      case 1 -> b.getByte(i);
      case 2 -> b.getShort(2L * i);
      case 4 -> b.getInt(4L * i);
      default -> b.getLong(8L * i);
    };
  }
}
