package dev.zarrjvm.compat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.Json;
import dev.zarrjvm.errors.UnsupportedException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What to write, as the Python side's case list describes it (one JSON document): format, array path, dtype, shape,
 * chunks, codec chain, order, separator, fill value, sharding, attributes, and the region the data passed covers.
 * Writers translate it into their library's own API calls; nothing here encodes data.
 */
public final class WriteSpec {
  public final String format;
  /** Array path inside the store ("" = the store root is the array); parents are groups the writer creates. */
  public final String path;
  public final DType dtype;
  public final long[] shape;
  public final int[] chunks;
  /** Codec chain as spelled in the case list: "none", "zlib", "gzip", "zstd", "blosc-lz4-shuffle", "zstd+crc32c". */
  public final String codec;
  public final char order;
  /** "/" or "."; null: the format's default. */
  public final String separator;
  /** Fill value: null (none), "NaN", "Infinity", "-Infinity" or a decimal number. */
  public final String fill;
  public final int[] shards;
  public final String indexLocation;
  public final Map<String, Object> attrs;
  public final String variant;
  public final boolean unlimited;
  public final int[] regionOffset;
  public final int[] regionShape;

  private WriteSpec(JsonNode n) {
    this.format = n.path("format").asText();
    this.path = n.path("path").asText("");
    this.dtype = DType.parseNumpy(n.path("dtype").asText());
    this.shape = longs(n.get("shape"));
    this.chunks = ints(n.get("chunks"));
    this.codec = n.path("codec").asText("none");
    this.order = n.path("order").asText("C").charAt(0);
    this.separator = text(n.get("separator"));
    this.fill = text(n.get("fill"));
    this.shards = n.hasNonNull("shards") ? ints(n.get("shards")) : null;
    this.indexLocation = n.path("index_location").asText("end");
    this.attrs = Json.toMap(n.get("attrs"));
    this.variant = text(n.get("variant"));
    this.unlimited = n.path("unlimited").asBoolean(false);
    this.regionOffset = ints(n.get("region_offset"));
    this.regionShape = ints(n.get("region_shape"));
  }

  public static WriteSpec parse(String json) {
    return new WriteSpec(Json.parse(json.getBytes(StandardCharsets.UTF_8), "write spec"));
  }

  /** The codec chain's parts ("zstd+crc32c" → [zstd, crc32c]); empty for "none". */
  public List<String> codecParts() {
    List<String> out = new ArrayList<>();
    for (String p : codec.split("\\+")) {
      if (!p.equals("none") && !p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  /** Parent group names of the array, outermost first. */
  public List<String> groups() {
    List<String> out = new ArrayList<>();
    String[] parts = path.isEmpty() ? new String[0] : path.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      out.add(parts[i]);
    }
    return out;
  }

  /** The array's own name (last path element), "" for a root array. */
  public String name() {
    int i = path.lastIndexOf('/');
    return i < 0 ? path : path.substring(i + 1);
  }

  /**
   * The fill value as the Java number a library user would pass: Boolean for bool, Float/Double for floats, Long for
   * integers (BigInteger above Long.MAX_VALUE: uint64), null when there is none.
   */
  public Object fillNumber() {
    if (fill == null) {
      return null;
    }
    switch (dtype.kind) {
      case 'b':
        return !(fill.equals("0") || fill.equalsIgnoreCase("false"));
      case 'f': {
        double d = switch (fill) {
          case "NaN" -> Double.NaN;
          case "Infinity" -> Double.POSITIVE_INFINITY;
          case "-Infinity" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(fill);
        };
        return dtype.itemSize == 4 ? (Object) (float) d : (Object) d;
      }
      default: {
        BigInteger v = new BigDecimal(fill).toBigIntegerExact();
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
      }
    }
  }

  /** The blosc parts of a codec spelling "blosc-cname-shuffle": {cname, shuffle}. */
  static String[] blosc(String part) {
    String[] p = part.split("-");
    if (p.length != 3) {
      throw new UnsupportedException("unknown blosc spelling '" + part + "'");
    }
    return new String[] {p[1], p[2]};
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static long[] longs(JsonNode n) {
    long[] out = new long[n == null ? 0 : n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asLong();
    }
    return out;
  }

  private static int[] ints(JsonNode n) {
    int[] out = new int[n == null ? 0 : n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }
}
