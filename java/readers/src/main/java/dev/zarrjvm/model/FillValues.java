package dev.zarrjvm.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zarrjvm.errors.MetadataException;
import java.math.BigInteger;

/** Fill values as bit patterns: one representation for every reader, exact for NaN payloads and uint64 extremes. */
public final class FillValues {
  private FillValues() {}

  /** Bits of a fill value a reader parsed into a Java value (Number or Boolean); null stays null. */
  public static Long bits(Object value, DType dtype) {
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (!(value instanceof Number n)) {
      throw new MetadataException("fill value " + value + " is not a number");
    }
    if (dtype.kind == 'f') {
      return dtype.itemSize == 4
          ? (long) Float.floatToRawIntBits(n.floatValue()) & 0xffffffffL
          : Double.doubleToRawLongBits(n.doubleValue());
    }
    if (dtype.kind == 'b') {
      return n.longValue() != 0 ? 1L : 0L;
    }
    return mask(n instanceof BigInteger bi ? bi.longValue() : n.longValue(), dtype.itemSize);
  }

  /** Bits of a fill value as written in Zarr metadata JSON (v2 or v3 spelling). */
  public static Long bitsFromJson(JsonNode v, DType dtype) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? 1L : 0L;
    }
    if (v.isTextual()) {
      String s = v.textValue();
      if (s.startsWith("0x") && dtype.kind == 'f') {
        return Long.parseUnsignedLong(s.substring(2), 16);
      }
      double d = switch (s) {
        case "NaN" -> Double.NaN;
        case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> throw new MetadataException("fill value '" + s + "' is not valid for " + dtype);
      };
      if (dtype.kind != 'f') {
        throw new MetadataException("fill value '" + s + "' is not valid for " + dtype);
      }
      return bits(d, dtype);
    }
    if (v.isNumber()) {
      if (dtype.kind == 'f') {
        return bits(v.doubleValue(), dtype);
      }
      if (v.isFloatingPointNumber() && v.doubleValue() != Math.rint(v.doubleValue())) {
        throw new MetadataException("fill value " + v + " is not an integer for " + dtype);
      }
      return mask(v.bigIntegerValue().longValue(), dtype.itemSize);
    }
    throw new MetadataException("fill value " + v + " is not valid for " + dtype);
  }

  /**
   * Checks a fill value as written in metadata JSON against the dtype: the right JSON type, an integral value within
   * the integer type's range, 0/1 or a boolean for bool. Both readers would otherwise wrap or truncate it silently
   * (zarr-java and jzarr read 300 for uint8 as 44, 1.5 for int32 as 1, and jzarr reads "abc" as 0).
   */
  public static void checkJson(JsonNode v, DType dtype, String where) {
    try {
      bitsFromJson(v, dtype);
    } catch (MetadataException e) {
      throw new MetadataException(where + ": " + e.getMessage(), e);
    }
    if (v == null || !v.isNumber() || dtype.kind == 'f') {
      return;
    }
    BigInteger x = v.bigIntegerValue();
    BigInteger lo;
    BigInteger hi;
    if (dtype.kind == 'b') {
      lo = BigInteger.ZERO;
      hi = BigInteger.ONE;
    } else if (dtype.kind == 'u') {
      lo = BigInteger.ZERO;
      hi = BigInteger.ONE.shiftLeft(8 * dtype.itemSize).subtract(BigInteger.ONE);
    } else {
      lo = BigInteger.ONE.shiftLeft(8 * dtype.itemSize - 1).negate();
      hi = BigInteger.ONE.shiftLeft(8 * dtype.itemSize - 1).subtract(BigInteger.ONE);
    }
    if (x.compareTo(lo) < 0 || x.compareTo(hi) > 0) {
      throw new MetadataException(where + ": fill value " + v + " is outside the range of " + dtype + " [" + lo + ", "
          + hi + "]");
    }
  }

  static long mask(long bits, int itemSize) {
    return itemSize == 8 ? bits : bits & ((1L << (8 * itemSize)) - 1);
  }
}
