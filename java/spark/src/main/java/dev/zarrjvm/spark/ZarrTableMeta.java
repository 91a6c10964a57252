package dev.zarrjvm.spark;

import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.backend.Readers;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.ZarrJvmException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.GroupInfo;
import dev.zarrjvm.store.ByteStore;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the driver learns from metadata alone (no chunk is read; a coordinate variable's values are read, they are what
 * filters on it are turned into index ranges with): the stores behind the table ({@link Source}), the arrays of each
 * (one column each, or {@code value} for an array store), the dimensions (named by the store's dimension names, else
 * {@code dim_i}; a dimension with a 1-D coordinate variable shows its values) and the table's schema.
 */
public final class ZarrTableMeta implements Serializable {
  private static final long serialVersionUID = 2L;
  public static final String VALUE = "value";
  public static final String METADATA = "_metadata";

  /** One array: its column name, path inside the store, and dtype as stored (numpy spelling). */
  public record Column(String name, String path, String dtype, Cf cf) implements Serializable {
    public DType dtypeObject() {
      return DType.parseNumpy(dtype);
    }
  }

  /**
   * One dimension: its column's name and, when a 1-D coordinate variable gives its values, that variable's path and
   * dtype (null: the column is the integer index).
   */
  public record Dim(String name, String coordPath, String coordDtype) implements Serializable {
    public boolean isCoordinate() {
      return coordPath != null;
    }
  }

  /**
   * One store of the table: where it is, its shape, each array column's chunk shape and the metadata documents its
   * open read (shipped to executors), and the coordinate values of each dimension that has them.
   */
  public static final class Source implements Serializable {
    private static final long serialVersionUID = 1L;
    public final int index;
    final StoreSpec store;
    public final long[] shape;
    public final int[][] chunks;
    final ShippedByteStore.Docs[] docs;
    final Coordinate[] coords;

    Source(int index, StoreSpec store, long[] shape, int[][] chunks, ShippedByteStore.Docs[] docs,
        Coordinate[] coords) {
      this.index = index;
      this.store = store;
      this.shape = shape;
      this.chunks = chunks;
      this.docs = docs;
      this.coords = coords;
    }

    public String location() {
      return store.location;
    }

    /** Elements in the first array's chunks along each dimension (the table's grid for metrics). */
    long totalChunks() {
      long n = 1;
      for (int d = 0; d < shape.length; d++) {
        n = Math.multiplyExact(n, (shape[d] + chunks[0][d] - 1) / chunks[0][d]);
      }
      return n;
    }
  }

  public final ZarrOptions options;
  public final List<Column> columns;
  public final List<Dim> dims;
  /** The stores (driver side; each partition carries its own). */
  public final transient List<Source> sources;

  ZarrTableMeta(ZarrOptions options, List<Column> columns, List<Dim> dims, List<Source> sources) {
    this.options = options;
    this.columns = List.copyOf(columns);
    this.dims = List.copyOf(dims);
    this.sources = sources == null ? null : List.copyOf(sources);
  }

  public int ndim() {
    return dims.size();
  }

  public static String dimName(int d) {
    return "dim_" + d;
  }

  /**
   * The dimensions whose filters can prune (driver side): an index always, a coordinate when its values are monotonic
   * in at least one store (in the others such a filter prunes nothing, see {@link ChunkFilter#indexRanges}).
   */
  public boolean[] prunable() {
    boolean[] out = new boolean[ndim()];
    for (int d = 0; d < ndim(); d++) {
      out[d] = !dims.get(d).isCoordinate();
      for (Source s : sources) {
        out[d] |= s.coords[d] != null && ChunkFilter.monotonic(s.coords[d].doubles()) != 0;
      }
    }
    return out;
  }

  /** The first store (for names and messages). */
  public String store() {
    return sources.get(0).location();
  }

  /** Opens every store's arrays with the chosen backend; errors name the store and the array. */
  public static ZarrTableMeta open(ZarrOptions o, Configuration conf) {
    List<StoreSpec> specs = StoreSpec.resolve(o.paths, o, conf);
    ZarrTableMeta first = null;
    List<Source> sources = new ArrayList<>();
    for (StoreSpec spec : specs) {
      ZarrTableMeta m = openOne(o, spec, conf, sources.size());
      if (first == null) {
        first = m;
      } else {
        first.checkSame(m, spec);
      }
      sources.add(m.sources.get(0));
    }
    return new ZarrTableMeta(o, first.columns, first.dims, sources);
  }

  private void checkSame(ZarrTableMeta other, StoreSpec spec) {
    List<String> a = columns.stream().map(c -> c.name() + " " + c.dtype()).toList();
    List<String> b = other.columns.stream().map(c -> c.name() + " " + c.dtype()).toList();
    if (!a.equals(b) || !dims.equals(other.dims)) {
      throw new InvalidArgumentException("zarr: the stores of one table must hold the same arrays and dimensions: "
          + store() + " has " + dims.stream().map(Dim::name).toList() + " " + a + ", " + spec.location + " has "
          + other.dims.stream().map(Dim::name).toList() + " " + b);
    }
  }

  /** One store: its arrays (given, the store itself, or a group's), dimensions and coordinates. */
  private static ZarrTableMeta openOne(ZarrOptions o, StoreSpec spec, Configuration conf, int index) {
    List<String> paths = o.arrays;
    boolean single = false;
    GroupInfo group = null;
    Map<String, ArrayInfo> infos = new LinkedHashMap<>();
    Map<String, ShippedByteStore.Docs> docs = new LinkedHashMap<>();
    if (paths.isEmpty()) {
      try {
        ShippedByteStore.Docs d = new ShippedByteStore.Docs();
        infos.put("", info(o.backend, spec, conf, "", d));
        docs.put("", d);
        paths = List.of("");
        single = true;
      } catch (ArrayNotFoundException notArray) {
        group = group(o.backend, spec, conf);
        if (group == null) {
          throw notArray;
        }
        paths = groupTable(o, spec, conf, group, infos);
      }
    } else if (o.coordinates) {
      group = groupOrNull(o.backend, spec, conf);
    }
    List<Column> cols = new ArrayList<>();
    long[] shape = null;
    String first = null;
    for (String p : paths) {
      if (!infos.containsKey(p) || !docs.containsKey(p)) {
        ShippedByteStore.Docs d = new ShippedByteStore.Docs();
        infos.put(p, info(o.backend, spec, conf, p, d));
        docs.put(p, d);
      }
      ArrayInfo info = infos.get(p);
      if (shape == null) {
        shape = info.shape;
        first = p;
      } else if (!Arrays.equals(shape, info.shape)) {
        throw new InvalidArgumentException("zarr: arrays of one table must have one shape: '" + first + "' is "
            + Arrays.toString(shape) + ", '" + p + "' is " + Arrays.toString(info.shape) + " (in " + spec + ")");
      }
      String name = single ? VALUE : p;
      Cf cf = o.maskAndScale ? Cf.of(info) : null;
      cols.add(new Column(name, p, info.dtype.numpy(), cf));
    }
    ArrayInfo firstInfo = infos.get(first);
    List<Dim> dims = new ArrayList<>();
    Coordinate[] coords = new Coordinate[shape.length];
    for (int d = 0; d < shape.length; d++) {
      String name = firstInfo.dimensionNames == null ? null : firstInfo.dimensionNames.get(d);
      if (name == null || name.isBlank() || clashes(name, cols, dims)) {
        name = dimName(d);
      }
      String coordPath = null;
      String coordDtype = null;
      if (o.coordinates && group != null && !name.equals(dimName(d)) && group.arrays().contains(name)) {
        Coordinate c = Coordinate.read(o.backend, spec, conf, name, shape[d]);
        if (c != null) {
          coords[d] = c;
          coordPath = name;
          coordDtype = c.dtype;
        }
      }
      dims.add(new Dim(name, coordPath, coordDtype));
    }
    for (Column c : cols) {
      for (Dim d : dims) {
        if (c.name().equalsIgnoreCase(d.name())) {
          throw new InvalidArgumentException("zarr: array '" + c.path() + "' would clash with the dimension column of "
              + "that name");
        }
      }
    }
    int[][] chunks = new int[cols.size()][];
    ShippedByteStore.Docs[] shipped = new ShippedByteStore.Docs[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      chunks[i] = infos.get(cols.get(i).path()).chunks.clone();
      shipped[i] = docs.get(cols.get(i).path());
    }
    Source s = new Source(index, spec, shape.clone(), chunks, shipped, coords);
    return new ZarrTableMeta(o, cols, dims, List.of(s));
  }

  private static boolean clashes(String name, List<Column> cols, List<Dim> dims) {
    String n = name.toLowerCase(Locale.ROOT);
    return cols.stream().anyMatch(c -> c.name().toLowerCase(Locale.ROOT).equals(n) && !c.path().equals(name))
        || dims.stream().anyMatch(d -> d.name().toLowerCase(Locale.ROOT).equals(n))
        || n.matches("dim_\\d+") || n.equals(METADATA);
  }

  /**
   * A group read whole: its arrays that are not coordinate variables (1-D, named as their dimension) and have the
   * group's largest rank; they must share one shape.
   */
  private static List<String> groupTable(ZarrOptions o, StoreSpec spec, Configuration conf, GroupInfo group,
      Map<String, ArrayInfo> infos) {
    Map<String, ArrayInfo> data = new LinkedHashMap<>();
    int rank = -1;
    for (String a : group.arrays()) {
      ArrayInfo info = info(o.backend, spec, conf, a, null);
      infos.put(a, info);
      boolean coordinate = info.ndim() == 1 && info.dimensionNames != null && a.equals(info.dimensionNames.get(0));
      if (!coordinate) {
        data.put(a, info);
        rank = Math.max(rank, info.ndim());
      }
    }
    final int r = rank;
    List<String> out = data.entrySet().stream().filter(e -> e.getValue().ndim() == r).map(Map.Entry::getKey).toList();
    if (out.isEmpty()) {
      throw new ArrayNotFoundException("zarr: " + spec + " is a group with no arrays to read (arrays: "
          + group.arrays() + ")");
    }
    long[] shape = data.get(out.get(0)).shape;
    for (String a : out) {
      if (!Arrays.equals(shape, data.get(a).shape)) {
        StringBuilder sb = new StringBuilder();
        out.forEach(x -> sb.append(sb.length() == 0 ? "" : ", ").append(x).append(' ')
            .append(Arrays.toString(data.get(x).shape)));
        throw new InvalidArgumentException("zarr: " + spec + " is a group whose arrays have different shapes (" + sb
            + "): pass option arrays (comma-separated names of same-shape arrays)");
      }
    }
    return out;
  }

  /** The array's metadata, its open recorded into {@code docs} (when given) for the executors. */
  static ArrayInfo info(String backend, StoreSpec spec, Configuration conf, String path, ShippedByteStore.Docs docs) {
    try (Readers.OpenedArray s = open(backend, spec, conf, path, docs, true)) {
      return s.array().info();
    }
  }

  private static GroupInfo group(String backend, StoreSpec spec, Configuration conf) {
    try (Readers.OpenedGroup g = Readers.openGroup(spec.open(conf), backend, "", ReaderOptions.defaults())) {
      return g.group().info();
    } catch (ZarrJvmException e) {
      return null;
    }
  }

  private static GroupInfo groupOrNull(String backend, StoreSpec spec, Configuration conf) {
    try {
      return group(backend, spec, conf);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Opens one array (and its store) through zarrjvm's one open path, as Python's {@code open_array} does: on the driver
   * recording the metadata it reads into {@code docs}, on an executor answering from them.
   */
  static Readers.OpenedArray open(String backend, StoreSpec spec, Configuration conf, String path,
      ShippedByteStore.Docs docs, boolean driver) {
    String where = "zarr: opening " + (path.isEmpty() ? spec.location : "array '" + path + "' in " + spec.location)
        + " with " + backend;
    try {
      ByteStore store = spec.open(conf);
      if (docs != null) {
        store = driver ? ShippedByteStore.recording(store, docs) : ShippedByteStore.serving(store, docs);
      }
      return Readers.openArray(store, backend, path, ReaderOptions.defaults());
    } catch (Throwable t) {
      ZarrJvmException e = Errors.translate(t, Errors.Phase.OPEN, where);
      if (!String.valueOf(e.getMessage()).contains(spec.location)) {
        e = e.in(where); // the adapters name the path inside the store, which is '' when the store is the array
      }
      throw e;
    }
  }

  /** The table's schema: the dimension columns, the array columns, in that order. */
  public StructType schema() {
    List<StructField> fields = new ArrayList<>();
    for (int d = 0; d < ndim(); d++) {
      Dim dim = dims.get(d);
      if (dim.isCoordinate()) {
        DType dt = DType.parseNumpy(dim.coordDtype());
        Metadata m = new MetadataBuilder().putString("comment", "values of coordinate variable '" + dim.coordPath()
            + "' along dimension " + d).putString("zarr.coordinate", dim.coordPath())
            .putString("zarr.dtype", dt.numpy()).putLong("zarr.dimension", d).build();
        fields.add(new StructField(dim.name(), SparkColumns.sparkType(dt), false, m));
      } else {
        Metadata m = new MetadataBuilder().putString("comment", "index along dimension " + d
            + (dim.name().equals(dimName(d)) ? "" : " '" + dim.name() + "'")).putLong("zarr.dimension", d).build();
        fields.add(new StructField(dim.name(), DataTypes.LongType, false, m));
      }
    }
    for (Column c : columns) {
      DType dt = c.dtypeObject();
      MetadataBuilder m = new MetadataBuilder()
          .putString("zarr.array", c.path().isEmpty() ? VALUE : c.path())
          .putString("zarr.dtype", dt.numpy());
      if (c.cf() != null) {
        m.putString("zarr.cf", c.cf().describe()).putString("comment", c.cf().describe());
        fields.add(new StructField(c.name(), c.cf().sparkType(dt), true, m.build()));
        continue;
      }
      String widened = SparkColumns.widening(dt);
      if (widened != null) {
        m.putString("zarr.widened", widened).putString("comment", widened);
      }
      fields.add(new StructField(c.name(), SparkColumns.sparkType(dt), false, m.build()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** The values of a 1-D coordinate variable, in Spark's representation (little-endian), read on the driver. */
  static final class Coordinate implements Serializable {
    private static final long serialVersionUID = 1L;
    final String dtype;
    /** Spark's representation of the values, in numpy's spelling. */
    final String sparkDtype;
    final byte[] values;
    final int length;
    private transient double[] doubles;

    private Coordinate(String dtype, DType spark, byte[] values, int length) {
      this.dtype = dtype;
      this.sparkDtype = spark.numpy();
      this.values = values;
      this.length = length;
    }

    static Coordinate read(String backend, StoreSpec spec, Configuration conf, String path, long extent) {
      try (Readers.OpenedArray a = open(backend, spec, conf, path, null, true)) {
        ArrayInfo info = a.array().info();
        DType dt = info.dtype;
        if (info.ndim() != 1 || info.shape[0] != extent || dt.isBool() || (dt.isUnsigned() && dt.itemSize == 8)
            || extent > Integer.MAX_VALUE / 8) {
          return null;
        }
        BufferAllocator alloc = ArrowMemory.newChild("spark-coordinate");
        try (FieldVector raw = a.array().readRegion(new long[] {0}, new int[] {(int) extent}, alloc);
             FieldVector v = SparkColumns.toSpark(raw, dt, alloc)) {
          DType sp = SparkColumns.sparkDType(dt);
          byte[] b = new byte[(int) extent * sp.itemSize];
          v.getDataBuffer().getBytes(0, b);
          return new Coordinate(dt.numpy(), sp, b, (int) extent);
        } finally {
          ArrowMemory.release(alloc);
        }
      }
    }

    DType spark() {
      return DType.parseNumpy(sparkDtype);
    }

    /** The values as doubles (exact for every float and for integers up to 2^53). */
    synchronized double[] doubles() {
      if (doubles == null) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(values).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
          DType spark = spark();
          out[i] = switch (spark.kind == 'f' ? -spark.itemSize : spark.itemSize) {
            case -4 -> bb.getFloat(4 * i);
            case -8 -> bb.getDouble(8 * i);
            case 1 -> bb.get(i);
            case 2 -> bb.getShort(2 * i);
            case 4 -> bb.getInt(4 * i);
            default -> bb.getLong(8 * i);
          };
        }
        doubles = out;
      }
      return doubles;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Coordinate c && c.dtype.equals(dtype) && Arrays.equals(c.values, values);
    }

    @Override
    public int hashCode() {
      return Objects.hash(dtype, Arrays.hashCode(values));
    }
  }
}
