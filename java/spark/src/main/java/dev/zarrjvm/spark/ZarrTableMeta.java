package dev.zarrjvm.spark;

import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.backend.Readers;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.ZarrJvmException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.store.StorageOptions;
import java.io.Serializable;
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
      try (Readers.OpenedArray s = open(o.backend, o.store, p)) {
        info = s.array().info();
      }
      String name = single ? VALUE : p;
      if (!single && name.toLowerCase(Locale.ROOT).matches("dim_\\d+")) {
        throw new InvalidArgumentException("zarr: array '" + p + "' would clash with the dimension column of that "
            + "name");
      }
      if (shape == null) {
        shape = info.shape;
        chunks = info.chunks;
        first = p;
      } else if (!Arrays.equals(shape, info.shape)) {
        throw new InvalidArgumentException("zarr: arrays of one table must have one shape: '" + first + "' is "
            + Arrays.toString(shape) + ", '" + p + "' is " + Arrays.toString(info.shape) + " (in " + o.store + ")");
      }
      cols.add(new Column(name, p, info.dtype.numpy()));
    }
    return new ZarrTableMeta(o, cols, shape, chunks);
  }

  /**
   * Opens one array (and its store) through zarrjvm's one open path, as Python's {@code open_array} does. When the
   * store is a group and no {@code arrays} were given, the error lists the group's arrays.
   */
  static Readers.OpenedArray open(String backend, String store, String path) {
    try {
      return Readers.openArray(store, StorageOptions.none(), backend, path, ReaderOptions.defaults());
    } catch (Throwable t) {
      String where = "zarr: opening " + (path.isEmpty() ? store : "array '" + path + "' in " + store) + " with "
          + backend;
      ZarrJvmException e = Errors.translate(t, Errors.Phase.OPEN, where);
      if (!String.valueOf(e.getMessage()).contains(store)) {
        e = e.in(where); // the adapters name the path inside the store, which is '' when the store is the array
      }
      if (path.isEmpty() && e instanceof ArrayNotFoundException) {
        String members = groupArrays(backend, store);
        if (members != null) {
          throw new ArrayNotFoundException("zarr: " + store + " is a group, not an array: pass option arrays "
              + "(comma-separated names of same-shape arrays; this group has " + members + ")", e);
        }
      }
      throw e;
    }
  }

  private static String groupArrays(String backend, String store) {
    try (Readers.OpenedGroup g = Readers.openGroup(store, StorageOptions.none(), backend, "",
        ReaderOptions.defaults())) {
      List<String> names = g.group().info().arrays();
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
