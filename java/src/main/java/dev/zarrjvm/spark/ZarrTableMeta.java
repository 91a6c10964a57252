package dev.zarrjvm.spark;

import dev.zarrjvm.core.ArrayInfo;
import dev.zarrjvm.core.Backends;
import dev.zarrjvm.core.ChunkSource;
import dev.zarrjvm.core.DType;
import dev.zarrjvm.core.GroupSource;
import dev.zarrjvm.core.Json;
import dev.zarrjvm.core.Options;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.ZarrJvmException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the driver learns from metadata alone (no chunk is read): the arrays behind the table, their shared shape, the
 * chunk grid partitions follow (the first array's), and the table's schema: {@code dim_0 … dim_{n-1}} (long), then one
 * column per array ({@code value} for a single array).
 */
public final class ZarrTableMeta implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String VALUE = "value";

  /** One array: its column name, path inside the store, and dtype as stored (numpy spelling). */
  public record Column(String name, String path, String dtype) implements Serializable {
    public DType dtypeObject() {
      return DType.parseNumpy(dtype);
    }
  }

  public final ZarrOptions options;
  public final List<Column> columns;
  public final long[] shape;
  /** The partitioning grid: the first array's chunk shape (inner chunks for sharded arrays). */
  public final int[] chunks;

  ZarrTableMeta(ZarrOptions options, List<Column> columns, long[] shape, int[] chunks) {
    this.options = options;
    this.columns = List.copyOf(columns);
    this.shape = shape.clone();
    this.chunks = chunks.clone();
  }

  public int ndim() {
    return shape.length;
  }

  public static String dimName(int d) {
    return "dim_" + d;
  }

  /** Opens every array's metadata with the chosen backend; errors name the store and the array. */
  public static ZarrTableMeta open(ZarrOptions o) {
    boolean single = o.arrays.isEmpty();
    List<String> paths = single ? List.of("") : o.arrays;
    List<Column> cols = new ArrayList<>();
    long[] shape = null;
    int[] chunks = null;
    String first = null;
    for (String p : paths) {
      ArrayInfo info;
      try (ChunkSource s = openSource(o.backend, o.store, p)) {
        info = s.info();
      }
      String name = single ? VALUE : p;
      if (!single && name.toLowerCase(Locale.ROOT).matches("dim_\\d+")) {
        throw new IllegalArgumentException("zarr: array '" + p + "' would clash with the dimension column of that name");
      }
      if (shape == null) {
        shape = info.shape;
        chunks = info.chunks;
        first = p;
      } else if (!Arrays.equals(shape, info.shape)) {
        throw new IllegalArgumentException("zarr: arrays of one table must have one shape: '" + first + "' is "
            + Arrays.toString(shape) + ", '" + p + "' is " + Arrays.toString(info.shape) + " (in " + o.store + ")");
      }
      cols.add(new Column(name, p, info.dtype.numpy()));
    }
    return new ZarrTableMeta(o, cols, shape, chunks);
  }

  /**
   * Opens one array through the backend, as Python's {@code open_array} does. When the store is a group and no
   * {@code arrays} were given, the error lists the group's arrays.
   */
  static ChunkSource openSource(String backend, String store, String path) {
    var b = Backends.get(backend);
    try {
      return b.openArray(store, path, Options.empty());
    } catch (Throwable t) {
      String where = "zarr: opening " + (path.isEmpty() ? store : "array '" + path + "' in " + store) + " with "
          + backend;
      ZarrJvmException e = inContext(Errors.translate(t, where), where, store);
      if (path.isEmpty() && e instanceof ArrayNotFoundException) {
        String members = groupArrays(b, store);
        if (members != null) {
          throw new ArrayNotFoundException("zarr: " + store + " is a group, not an array: pass option arrays "
              + "(comma-separated names of same-shape arrays; this group has " + members + ")", e);
        }
      }
      throw e;
    }
  }

  /**
   * The same kind of error with {@code where} in front when its message does not name the store: the adapters name
   * the array's path inside the store, which is {@code ''} when the store is the array itself.
   */
  private static ZarrJvmException inContext(ZarrJvmException e, String where, String store) {
    if (String.valueOf(e.getMessage()).contains(store)) {
      return e;
    }
    try {
      return e.getClass().getConstructor(String.class, Throwable.class).newInstance(where + ": " + e.getMessage(), e);
    } catch (ReflectiveOperationException r) {
      return e;
    }
  }

  private static String groupArrays(dev.zarrjvm.core.Backend b, String store) {
    try (GroupSource g = b.openGroup(store, "", Options.empty())) {
      var node = Json.parse(g.infoJson().getBytes(StandardCharsets.UTF_8), "group");
      List<String> names = new ArrayList<>();
      node.get("arrays").forEach(n -> names.add(n.asText()));
      return names.isEmpty() ? "no arrays" : "arrays " + String.join(", ", names);
    } catch (Throwable t) {
      return null;
    }
  }

  public StructType schema() {
    List<StructField> fields = new ArrayList<>();
    for (int d = 0; d < ndim(); d++) {
      Metadata m = new MetadataBuilder()
          .putString("comment", "index along dimension " + d + " (extent " + shape[d] + ")").build();
      fields.add(new StructField(dimName(d), DataTypes.LongType, false, m));
    }
    for (Column c : columns) {
      DType dt = c.dtypeObject();
      MetadataBuilder m = new MetadataBuilder()
          .putString("zarr.array", c.path().isEmpty() ? options.store : c.path())
          .putString("zarr.dtype", dt.numpy());
      String widened = SparkColumns.widening(dt);
      if (widened != null) {
        m.putString("zarr.widened", widened).putString("comment", widened);
      }
      fields.add(new StructField(c.name(), SparkColumns.sparkType(dt), false, m.build()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }
}
