package dev.zarrjvm.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an adapter knows about an array before reading data: geometry, element type, fill value and metadata. Immutable
 * once built. {@link #toJson()} is the form the Python side reads (one call at open time).
 */
public final class ArrayInfo {
  public final String backend;
  /** {@code zarr-v2}, {@code zarr-v3}, {@code netcdf3} or {@code netcdf4}. */
  public final String format;
  public final String path;
  public final long[] shape;
  /** The read grid: the chunk shape (for sharded arrays, the inner chunk shape). */
  public final int[] chunks;
  /** Shard shape for sharded Zarr v3 arrays, otherwise null. */
  public final int[] shards;
  public final DType dtype;
  /** Fill value as the little-endian bit pattern of one element (low {@code itemSize} bytes), or null for none. */
  public final Long fillBits;
  /** Storage order of elements inside a chunk: 'C' or 'F'. Decoded data is always handed over in C order. */
  public final char order;
  public final Map<String, Object> attributes;
  /** The NumPy element type of each numeric attribute where the format has types (NetCDF), else empty. */
  public final Map<String, String> attributeTypes;
  /**
   * The name of each dimension where the format gives them (Zarr v3 {@code dimension_names}, Zarr v2's
   * {@code _ARRAY_DIMENSIONS} attribute as xarray writes it, NetCDF dimensions), else null. A name may be null in v3.
   */
  public final List<String> dimensionNames;
  /** Codec chain as declared in the metadata (ids only, for display and capability checks). */
  public final List<String> codecs;
  /** What the bridge did to make the reader read this array (e.g. a signed twin); empty when nothing. */
  public final List<String> notes;
  /**
   * What decodes the chunks: {@code "native: …"} (zarrjvm runs the codec libraries on off-heap memory) or
   * {@code "reader: …"} (the reader's own decoding).
   */
  public final String decoding;
  /**
   * For fixed-length byte strings that are text (NetCDF {@code char} arrays with an {@code _Encoding} attribute, read
   * as strings of the last dimension's length as netCDF4-python reads them): the encoding the Python side decodes them
   * with; else null.
   */
  public final String textEncoding;
  /**
   * Whether the elements are the strings of a NetCDF {@code char} variable's last dimension (its {@code _Encoding}
   * made them strings, as netCDF4-python's chartostring does; that dimension is not one of this array's).
   */
  public final boolean charStrings;
  /**
   * For compound types handed over as records (kind {@code S}, one element's bytes as stored): each member's name,
   * NumPy type and byte offset, for a NumPy structured dtype over those bytes. Null for other types.
   */
  public final List<List<Object>> fields;
  /**
   * For enum types (HDF5 / NetCDF-4 enum): each member's name and integer value, in the type's order, as
   * netCDF4-python's {@code EnumType.enum_dict} and h5py's {@code check_enum_dtype} give them; the data are the
   * values, in the base integer dtype. Null for other types.
   */
  public final Map<String, Long> enumMapping;

  /** The path as messages show it: {@code "/"} (the store root) when the array has no path inside its store. */
  public String displayPath() {
    return path == null || path.isEmpty() ? "/" : path;
  }

  private ArrayInfo(Builder b) {
    this.backend = b.backend;
    this.format = b.format;
    this.path = b.path;
    this.shape = b.shape.clone();
    this.chunks = b.chunks.clone();
    this.shards = b.shards == null ? null : b.shards.clone();
    this.dtype = b.dtype;
    this.fillBits = b.fillBits;
    this.order = b.order;
    this.attributes = b.attributes == null ? Map.of() : b.attributes;
    this.attributeTypes = b.attributeTypes == null ? Map.of() : Map.copyOf(b.attributeTypes);
    this.dimensionNames = b.dimensionNames == null ? null
        : java.util.Collections.unmodifiableList(new ArrayList<>(b.dimensionNames));
    if (dimensionNames != null && dimensionNames.size() != b.shape.length) {
      throw new dev.zarrjvm.errors.MetadataException(b.path + ": " + dimensionNames.size() + " dimension names "
          + dimensionNames + " for " + b.shape.length + " dimensions");
    }
    this.codecs = List.copyOf(b.codecs);
    this.notes = List.copyOf(b.notes);
    this.decoding = b.decoding != null ? b.decoding : "reader: " + b.backend;
    this.textEncoding = b.textEncoding;
    this.charStrings = b.charStrings;
    this.fields = b.fields == null ? null : List.copyOf(b.fields);
    this.enumMapping = b.enumMapping == null ? null
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(b.enumMapping));
    Grid.check(shape, chunks);
  }

  public int ndim() {
    return shape.length;
  }

  public Grid grid() {
    return new Grid(shape, chunks);
  }

  public String toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("backend", backend);
    o.put("format", format);
    o.put("path", path);
    ArrayNode s = o.putArray("shape");
    for (long v : shape) {
      s.add(v);
    }
    ArrayNode c = o.putArray("chunks");
    for (int v : chunks) {
      c.add(v);
    }
    if (shards == null) {
      o.putNull("shards");
    } else {
      ArrayNode sh = o.putArray("shards");
      for (int v : shards) {
        sh.add(v);
      }
    }
    o.put("dtype", dtype.numpy());
    if (fillBits == null) {
      o.putNull("fill_bits");
    } else {
      o.put("fill_bits", Long.toUnsignedString(fillBits));
    }
    o.put("order", String.valueOf(order));
    o.set("attributes", Json.MAPPER.valueToTree(attributes));
    o.set("attribute_types", Json.MAPPER.valueToTree(attributeTypes));
    if (dimensionNames == null) {
      o.putNull("dimension_names");
    } else {
      ArrayNode dn = o.putArray("dimension_names");
      dimensionNames.forEach(dn::add);
    }
    ArrayNode cs = o.putArray("codecs");
    codecs.forEach(cs::add);
    ArrayNode ns = o.putArray("notes");
    notes.forEach(ns::add);
    o.put("decoding", decoding);
    o.put("text_encoding", textEncoding);
    o.put("char_strings", charStrings);
    if (dtype.isList()) {
      o.put("vlen", dtype.element.numpy());
    } else {
      o.putNull("vlen");
    }
    o.set("fields", Json.MAPPER.valueToTree(fields));
    if (enumMapping == null) {
      o.putNull("enum");
    } else {
      ObjectNode e = o.putObject("enum");
      enumMapping.forEach(e::put);
    }
    return Json.write(o);
  }

  public static Builder builder(String backend, String format, String path) {
    return new Builder(backend, format, path);
  }

  /** Step-by-step construction for adapters. */
  public static final class Builder {
    private final String backend;
    private final String format;
    private final String path;
    private long[] shape;
    private int[] chunks;
    private int[] shards;
    private DType dtype;
    private Long fillBits;
    private char order = 'C';
    private Map<String, Object> attributes;
    private Map<String, String> attributeTypes;
    private List<String> dimensionNames;
    private final List<String> codecs = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String decoding;
    private String textEncoding;
    private boolean charStrings;
    private List<List<Object>> fields;
    private Map<String, Long> enumMapping;

    private Builder(String backend, String format, String path) {
      this.backend = backend;
      this.format = format;
      this.path = path;
    }

    public Builder shape(long[] v) {
      shape = v;
      return this;
    }

    public Builder chunks(int[] v) {
      chunks = v;
      return this;
    }

    public Builder shards(int[] v) {
      shards = v;
      return this;
    }

    public Builder dtype(DType v) {
      dtype = v;
      return this;
    }

    public Builder fillBits(Long v) {
      fillBits = v;
      return this;
    }

    public Builder order(char v) {
      order = v;
      return this;
    }

    public Builder dimensionNames(List<String> v) {
      dimensionNames = v;
      return this;
    }

    public Builder attributes(Map<String, Object> v) {
      attributes = v;
      return this;
    }

    public Builder attributeTypes(Map<String, String> v) {
      attributeTypes = v;
      return this;
    }

    public Builder codec(String id) {
      codecs.add(id);
      return this;
    }

    public Builder decoding(String v) {
      decoding = v;
      return this;
    }

    public Builder textEncoding(String v) {
      textEncoding = v;
      return this;
    }

    public Builder fields(List<List<Object>> v) {
      fields = v;
      return this;
    }

    public Builder charStrings(boolean v) {
      charStrings = v;
      return this;
    }

    public Builder enumMapping(Map<String, Long> v) {
      enumMapping = v;
      return this;
    }

    public Builder note(String n) {
      notes.add(n);
      return this;
    }

    public ArrayInfo build() {
      return new ArrayInfo(this);
    }
  }
}
