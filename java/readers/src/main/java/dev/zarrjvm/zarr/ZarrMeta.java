package dev.zarrjvm.zarr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.FillValues;
import dev.zarrjvm.model.Grid;
import dev.zarrjvm.model.Json;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * zarrjvm's own reading of a Zarr array's metadata document (v2 {@code .zarray} or v3 {@code zarr.json}). Adapters use
 * it to refuse what their reader would misread, to build the signed twin the Central-only {@code ucar.ma2} needs, and
 * to
 * name causes in errors. It never decodes data.
 */
public final class ZarrMeta {
  public static final String V2_ARRAY = ".zarray";
  public static final String V2_GROUP = ".zgroup";
  public static final String V2_ATTRS = ".zattrs";
  public static final String V3_META = "zarr.json";

  public final int zarrFormat;
  /** Store key of the metadata document. */
  public final String key;
  public final String node;
  public final ObjectNode doc;
  public final long[] shape;
  public final int[] chunks;
  public final DType dtype;
  public final JsonNode fillValue;
  /** v2 'order'; for v3 'C' (a transpose codec is listed in {@link #codecIds}). */
  public final char order;
  /** v2: filter ids then the compressor id; v3: codec names, sharding's inner codecs as "sharding_indexed/name". */
  public final List<String> codecIds;
  public final String separator;
  /** The sharding_indexed codec's configuration, or null when the array is not sharded. */
  public final JsonNode sharding;

  private ZarrMeta(int zarrFormat, String key, String node, ObjectNode doc, long[] shape, int[] chunks, DType dtype,
      JsonNode fillValue, char order, List<String> codecIds, String separator, JsonNode sharding) {
    this.zarrFormat = zarrFormat;
    this.key = key;
    this.node = node;
    this.doc = doc;
    this.shape = shape;
    this.chunks = chunks;
    this.dtype = dtype;
    this.fillValue = fillValue;
    this.order = order;
    this.codecIds = codecIds;
    this.separator = separator;
    this.sharding = sharding;
  }

  public String format() {
    return zarrFormat == 3 ? "zarr-v3" : "zarr-v2";
  }

  /** What sits at a node path. */
  public enum Kind { ARRAY, GROUP, NONE }

  /** The node at a path: its kind, its Zarr format (0 for none) and, for v3, its parsed {@code zarr.json}. */
  public record Node(Kind kind, int zarrFormat, JsonNode v3Doc) {
    static final Node NONE = new Node(Kind.NONE, 0, null);
  }

  /**
   * Which kind of node sits at {@code node}: an array, a group or nothing, with its Zarr format; only {@code
   * zarrFormat}'s metadata is looked for when it is 2 or 3 (0: v3 first, then v2).
   */
  public static Node probe(ByteStore store, String node, int zarrFormat) {
    String v3Key = StoreKeys.join(node, V3_META);
    byte[] v3 = zarrFormat == 2 ? null : store.get(v3Key);
    if (v3 != null) {
      JsonNode doc = Json.parse(v3, v3Key);
      String t = doc.path("node_type").asText("");
      if (!t.equals("array") && !t.equals("group")) {
        throw new MetadataException(v3Key + ": node_type must be 'array' or 'group', got '" + t + "'");
      }
      return new Node(t.equals("array") ? Kind.ARRAY : Kind.GROUP, 3, doc);
    }
    if (zarrFormat == 3) {
      return Node.NONE;
    }
    if (store.exists(StoreKeys.join(node, V2_ARRAY))) {
      return new Node(Kind.ARRAY, 2, null);
    }
    if (store.exists(StoreKeys.join(node, V2_GROUP))) {
      return new Node(Kind.GROUP, 2, null);
    }
    return Node.NONE;
  }

  /**
   * Refuses a store that cannot hold Zarr nodes (a single file, such as a NetCDF file) and, unless {@code zarrFormat}
   * chooses one (2 or 3), a node with both v2 and v3 metadata; returns the node's path without a trailing '/'.
   */
  public static String checkNode(ByteStore store, String path, int zarrFormat) {
    if (store.localFile() != null) {
      throw new StoreException(store.localFile() + " is a file, not a directory: a Zarr store is a directory, a .zip "
          + "file or a URL");
    }
    String node = StoreKeys.nodePath(path);
    if (zarrFormat == 0 && store.exists(StoreKeys.join(node, V3_META))
        && (store.exists(StoreKeys.join(node, V2_ARRAY)) || store.exists(StoreKeys.join(node, V2_GROUP)))) {
      throw new MetadataException("both Zarr v2 and v3 metadata at " + where(store, node) + ": choose one with "
          + "zarr_format=2 or zarr_format=3");
    }
    return node;
  }

  /** "'a/b' in /data/x.zarr" (the root as '/'), for messages. */
  public static String where(ByteStore store, String node) {
    return "'" + (node.isEmpty() ? "/" : node) + "' in " + store.describe();
  }

  /**
   * Reads the array metadata at {@code node} ({@code zarrFormat}'s only when 2 or 3); a missing array or a group there
   * is {@link ArrayNotFoundException}.
   */
  public static ZarrMeta read(ByteStore store, String node, int zarrFormat) {
    return read(store, node, zarrFormat, "zarrjvm");
  }

  /**
   * Zarr's string and bytes data types, as zarr-python writes them, with what they hold; null for other types. None of
   * the Zarr readers zarrjvm drives has them (zarr-java 0.0.9's and jzarr 0.4.2's DataType are bool, integers and
   * float32/64 only), so they are refused naming the type and the reader.
   */
  static String stringType(String dtype, int format) {
    if (format == 3) {
      return switch (dtype) {
        case "string" -> "variable-length UTF-8 strings";
        case "bytes", "variable_length_bytes" -> "variable-length bytes";
        case "fixed_length_utf32" -> "fixed-length UTF-32 strings";
        case "fixed_length_ascii", "null_terminated_bytes" -> "fixed-length bytes";
        default -> null;
      };
    }
    if (dtype.length() < 2) {
      return null;
    }
    return switch (dtype.charAt(1)) {
      case 'S' -> "fixed-length bytes (numpy " + dtype + ")";
      case 'U' -> "fixed-length UTF-32 strings (numpy " + dtype + ")";
      case 'O' -> "Python objects (vlen-utf8 / vlen-bytes strings, numpy object)";
      default -> null;
    };
  }

  private static UnsupportedException noStrings(String key, String dtype, String what, String reader) {
    return new UnsupportedException(key + ": data type '" + dtype + "' holds " + what + ", and " + reader
        + " has no string or bytes data types (bool, integers and float32/64 only); zarrjvm cannot read it with "
        + reader);
  }

  /** As {@link #read(ByteStore, String, int)}; {@code reader} is named when the data type is one it cannot read. */
  public static ZarrMeta read(ByteStore store, String node, int zarrFormat, String reader) {
    Node k = probe(store, node, zarrFormat);
    if (k.kind() == Kind.NONE) {
      throw new ArrayNotFoundException("no Zarr " + (zarrFormat == 0 ? "" : "v" + zarrFormat + " ") + "array at "
          + where(store, node));
    }
    if (k.kind() == Kind.GROUP) {
      throw new ArrayNotFoundException(where(store, node) + " is a group, not an array");
    }
    String key = StoreKeys.join(node, k.zarrFormat() == 3 ? V3_META : V2_ARRAY);
    JsonNode doc = k.v3Doc() != null ? k.v3Doc() : Json.parse(store.get(key), key);
    if (!doc.isObject()) {
      throw new MetadataException(key + ": must be a JSON object");
    }
    JsonNode dt = doc.get(k.zarrFormat() == 3 ? "data_type" : "dtype");
    // v3 data types with a configuration are objects ({"name": "null_terminated_bytes", "configuration": ...})
    JsonNode named = dt != null && dt.isObject() && k.zarrFormat() == 3 ? dt.get("name") : dt;
    String strings = named != null && named.isTextual() ? stringType(named.textValue(), k.zarrFormat()) : null;
    if (strings != null) {
      throw noStrings(key, named.textValue(), strings, reader);
    }
    return k.zarrFormat() == 3 ? parseV3(key, node, (ObjectNode) doc) : parseV2(key, node, (ObjectNode) doc);
  }

  private static ZarrMeta parseV2(String key, String node, ObjectNode doc) {
    int fmt = doc.path("zarr_format").asInt(-1);
    if (fmt != 2) {
      throw new MetadataException(key + ": zarr_format must be 2, got " + doc.get("zarr_format"));
    }
    long[] shape = longs(doc.get("shape"), key, "shape");
    int[] chunks = ints(doc.get("chunks"), key, "chunks");
    JsonNode dt = doc.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw (dt != null && dt.isArray())
          ? new UnsupportedException(key + ": structured dtypes are not supported")
          : new MetadataException(key + ": dtype must be a string");
    }
    DType dtype;
    try {
      dtype = DType.parseNumpy(dt.textValue());
    } catch (UnsupportedException e) {
      throw new UnsupportedException(key + ": " + e.getMessage() + " (dtype '" + dt.textValue() + "')", e);
    }
    String order = doc.path("order").asText("C");
    if (!order.equals("C") && !order.equals("F")) {
      throw new MetadataException(key + ": order must be 'C' or 'F', got '" + order + "'");
    }
    List<String> codecs = new ArrayList<>();
    JsonNode filters = doc.get("filters");
    if (filters != null && !filters.isNull()) {
      if (!filters.isArray()) {
        throw new MetadataException(key + ": filters must be null or a list");
      }
      for (JsonNode f : filters) {
        codecs.add(codecId(f, key));
      }
    }
    JsonNode comp = doc.get("compressor");
    if (comp != null && !comp.isNull()) {
      codecs.add(codecId(comp, key));
    }
    String sep = doc.path("dimension_separator").asText(".");
    if (!sep.equals(".") && !sep.equals("/")) {
      throw new MetadataException(key + ": dimension_separator must be '.' or '/', got '" + sep + "'");
    }
    if (!doc.has("fill_value")) {
      throw new MetadataException(key + ": fill_value is required");
    }
    FillValues.checkJson(doc.get("fill_value"), dtype, key);
    checkSize(shape, key);
    Grid.check(shape, chunks);
    return new ZarrMeta(2, key, node, doc, shape, chunks, dtype, doc.get("fill_value"), order.charAt(0), codecs, sep,
        null);
  }

  private static ZarrMeta parseV3(String key, String node, ObjectNode doc) {
    if (doc.path("zarr_format").asInt(-1) != 3) {
      throw new MetadataException(key + ": zarr_format must be 3, got " + doc.get("zarr_format"));
    }
    long[] shape = longs(doc.get("shape"), key, "shape");
    JsonNode grid = doc.path("chunk_grid");
    if (!grid.path("name").asText("").equals("regular")) {
      throw new UnsupportedException(key + ": only the 'regular' chunk grid is supported, got " + grid.get("name"));
    }
    int[] chunks = ints(grid.path("configuration").get("chunk_shape"), key, "chunk_grid.configuration.chunk_shape");
    JsonNode codecsNode = doc.get("codecs");
    if (codecsNode == null || !codecsNode.isArray() || codecsNode.size() == 0) {
      throw new MetadataException(key + ": codecs must be a non-empty list");
    }
    List<String> codecs = new ArrayList<>();
    JsonNode sharding = null;
    char endian = '<';
    for (JsonNode c : codecsNode) {
      String name = codecName(c, key);
      codecs.add(name);
      if (name.equals("sharding_indexed")) {
        sharding = c.path("configuration");
        JsonNode inner = sharding.get("codecs");
        if (inner == null || !inner.isArray()) {
          throw new MetadataException(key + ": sharding_indexed needs a codecs list");
        }
        for (JsonNode ic : inner) {
          String iname = codecName(ic, key);
          codecs.add("sharding_indexed/" + iname);
          if (iname.equals("bytes")) {
            endian = endianOf(ic);
          }
        }
      } else if (name.equals("bytes")) {
        endian = endianOf(c);
      }
    }
    JsonNode dt = doc.get("data_type");
    if (dt == null || !dt.isTextual()) {
      throw new UnsupportedException(key + ": data_type " + dt + " is not supported");
    }
    DType dtype = DType.parseV3(dt.textValue(), endian);
    JsonNode cke = doc.path("chunk_key_encoding");
    String sep = cke.path("configuration").path("separator").asText(
        cke.path("name").asText("default").equals("v2") ? "." : "/");
    if (!doc.has("fill_value")) {
      throw new MetadataException(key + ": fill_value is required");
    }
    FillValues.checkJson(doc.get("fill_value"), dtype, key);
    checkSize(shape, key);
    Grid.check(shape, chunks);
    return new ZarrMeta(3, key, node, doc, shape, chunks, dtype, doc.get("fill_value"), 'C', codecs, sep, sharding);
  }

  /**
   * The same document with the element type shown as its signed twin (same width, same bytes): uint16 → int16,
   * bool → int8, fill value as the twin's integer. Readers then decode with their own codecs, and the bridge labels the
   * result with the real dtype.
   */
  public byte[] signedTwinDocument() {
    ObjectNode twin = doc.deepCopy();
    DType t = dtype.signedTwin();
    if (zarrFormat == 2) {
      twin.set("dtype", TextNode.valueOf(t.numpy()));
    } else {
      twin.set("data_type", TextNode.valueOf(t.v3Name()));
    }
    if (dtype.isBool() && fillValue != null && fillValue.isBoolean()) {
      twin.set("fill_value", IntNode.valueOf(fillValue.booleanValue() ? 1 : 0));
    }
    return Json.writeBytes(twin);
  }

  /**
   * The bytes→bytes codecs in encoding order when the chain is only those after the element bytes (v2: no filters,
   * order C or a 1-element-wide chunk; v3: {@code bytes} then bytes→bytes codecs, no transpose or sharding); null for
   * any other chain.
   */
  public List<String> bytesCodecs() {
    if (zarrFormat == 2) {
      JsonNode filters = doc.get("filters");
      if (filters != null && filters.isArray() && filters.size() > 0 || order == 'F' && orderMatters()) {
        return null;
      }
      return codecIds;
    }
    if (sharding != null || codecIds.isEmpty() || !codecIds.get(0).equals("bytes")) {
      return null;
    }
    List<String> rest = codecIds.subList(1, codecIds.size());
    return rest.contains("bytes") || rest.contains("transpose") ? null : rest;
  }

  /** Attributes: v3 inline, v2 from {@code .zattrs}. */
  public Map<String, Object> attributes(ByteStore store) {
    return attributes(store, node, zarrFormat, doc);
  }

  /** Attributes of the node at {@code node}: inline in a v3 document, in {@code .zattrs} for v2. */
  public static Map<String, Object> attributes(ByteStore store, String node, int zarrFormat, JsonNode v3Doc) {
    if (zarrFormat == 3) {
      return Json.toMap(v3Doc.get("attributes"));
    }
    String k = StoreKeys.join(node, V2_ATTRS);
    byte[] b = store.get(k);
    return b == null ? new java.util.LinkedHashMap<>() : Json.toMap(Json.parse(b, k));
  }

  private static char endianOf(JsonNode bytesCodec) {
    String e = bytesCodec.path("configuration").path("endian").asText("little");
    return e.equals("big") ? '>' : '<';
  }

  private static String codecId(JsonNode c, String key) {
    if (!c.isObject() || !c.path("id").isTextual()) {
      throw new MetadataException(key + ": codec " + c + " has no 'id'");
    }
    return c.get("id").textValue();
  }

  private static String codecName(JsonNode c, String key) {
    if (c.isTextual()) {
      return c.textValue();
    }
    if (!c.isObject() || !c.path("name").isTextual()) {
      throw new MetadataException(key + ": codec " + c + " has no 'name'");
    }
    return c.get("name").textValue();
  }

  static long[] longs(JsonNode n, String key, String field) {
    if (n == null || !n.isArray()) {
      throw new MetadataException(key + ": " + field + " must be a list of integers");
    }
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = n.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw new MetadataException(key + ": " + field + " " + n + " must hold integers that fit in 64 bits");
      }
      out[i] = v.longValue();
      if (out[i] < 0) {
        throw new MetadataException(key + ": " + field + " " + n + " has a negative extent");
      }
    }
    return out;
  }

  static int[] ints(JsonNode n, String key, String field) {
    long[] l = longs(n, key, field);
    int[] out = new int[l.length];
    long total = 1;
    for (int i = 0; i < l.length; i++) {
      if (l[i] <= 0) {
        throw new MetadataException(key + ": " + field + " " + n + " must be positive");
      }
      if (l[i] > Integer.MAX_VALUE) {
        throw new UnsupportedException(key + ": " + field + " " + n + " exceeds 2^31-1 elements per dimension");
      }
      out[i] = (int) l[i];
      total = Math.multiplyExact(total, l[i]);
    }
    if (total > Integer.MAX_VALUE) {
      throw new UnsupportedException(key + ": a chunk of " + total + " elements exceeds the 2^31-1 elements Java "
          + "arrays hold");
    }
    return out;
  }

  /** Refuses shapes whose element count overflows 64 bits (each extent fits, their product does not). */
  static void checkSize(long[] shape, String key) {
    try {
      Grid.size(shape);
    } catch (ArithmeticException e) {
      throw new MetadataException(key + ": shape " + java.util.Arrays.toString(shape) + " has more than 2^63-1 "
          + "elements");
    }
  }

  /**
   * The dimension names: v3 {@code dimension_names} (a name may be null), or, for v2, the {@code _ARRAY_DIMENSIONS}
   * attribute xarray writes; null when the metadata gives none (a v2 attribute of another form is left alone).
   */
  public List<String> dimensionNames(Map<String, Object> attributes) {
    if (zarrFormat == 3) {
      JsonNode names = doc.get("dimension_names");
      if (names == null || names.isNull()) {
        return null;
      }
      if (!names.isArray() || names.size() != shape.length) {
        throw new MetadataException(key + ": dimension_names must be a list of " + shape.length + " names or nulls, "
            + "got " + names);
      }
      List<String> out = new ArrayList<>();
      for (JsonNode n : names) {
        if (!n.isNull() && !n.isTextual()) {
          throw new MetadataException(key + ": dimension_names must hold strings or nulls, got " + names);
        }
        out.add(n.isNull() ? null : n.textValue());
      }
      return out;
    }
    Object dims = attributes.get("_ARRAY_DIMENSIONS");
    if (dims instanceof List<?> l && l.size() == shape.length && l.stream().allMatch(String.class::isInstance)) {
      List<String> out = new ArrayList<>();
      l.forEach(o -> out.add((String) o));
      return out;
    }
    return null;
  }

  /** False when F and C order coincide: at most one chunk dimension is longer than 1. */
  public boolean orderMatters() {
    int longer = 0;
    for (int c : chunks) {
      if (c > 1) {
        longer++;
      }
    }
    return longer > 1;
  }

  /** A short description of the shape for messages. */
  public String describe() {
    return format() + " " + dtype + " shape " + java.util.Arrays.toString(shape) + " chunks "
        + java.util.Arrays.toString(chunks) + " codecs " + codecIds;
  }
}
