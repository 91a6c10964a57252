package dev.zarrjvm.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * A planned read, from metadata only: the columns the query needs (arrays not selected are never opened) and the boxes
 * its dimension filters leave, in partitions sized by decoded bytes ({@link PartitionPlanner}). Statistics (rows,
 * bytes) come from the same plan, so Spark can broadcast a small side of a join.
 */
final class ZarrScan implements Scan, Batch, SupportsReportStatistics {
  private final ZarrTableMeta meta;
  private final StructType readSchema;
  private final ChunkFilter filter;
  private final Configuration conf;
  private PartitionPlanner.Plan plan;

  ZarrScan(ZarrTableMeta meta, StructType readSchema, ChunkFilter filter, Configuration conf) {
    this.meta = meta;
    this.readSchema = readSchema;
    this.filter = filter;
    this.conf = conf;
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  /** Array columns read, by index into the meta's columns. */
  private int[] arrayColumns() {
    List<Integer> out = new ArrayList<>();
    for (StructField f : readSchema.fields()) {
      int c = columnIndex(f.name());
      if (c >= 0 && !out.contains(c)) {
        out.add(c);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  synchronized PartitionPlanner.Plan plan() {
    if (plan == null) {
      int[] cols = arrayColumns();
      long rowBytes = 0;
      for (int c : cols) {
        ZarrTableMeta.Column col = meta.columns.get(c);
        rowBytes += col.cf() != null && col.cf().scales() ? 8 : SparkColumns.sparkType(col.dtypeObject()).defaultSize();
      }
      if (rowBytes == 0) {
        rowBytes = 8;
      }
      plan = PartitionPlanner.plan(meta, cols, filter, rowBytes, sizing());
    }
    return plan;
  }

  private PartitionPlanner.Sizing sizing() {
    long max = 128L << 20;
    long open = 4L << 20;
    int minParts = 2;
    SparkSession s = SparkSession.getActiveSession().getOrElse(() -> null);
    if (s != null) {
      SQLConf c = s.sessionState().conf();
      max = c.filesMaxPartitionBytes();
      open = c.filesOpenCostInBytes();
      minParts = c.filesMinPartitionNum().isDefined() ? (Integer) c.filesMinPartitionNum().get()
          : s.sparkContext().defaultParallelism();
    }
    if (meta.options.maxPartitionBytes > 0) {
      max = meta.options.maxPartitionBytes;
    }
    return new PartitionPlanner.Sizing(max, open, minParts, meta.options.chunksPerPartition);
  }

  @Override
  public String description() {
    String arrays = meta.columns.stream().map(c -> c.path().isEmpty() ? c.name() : c.path())
        .collect(Collectors.joining(", "));
    String pushed = Arrays.stream(filter.usedPredicates()).map(Predicate::toString)
        .collect(Collectors.joining(", "));
    PartitionPlanner.Plan p = plan();
    String stores = meta.sources.size() == 1 ? meta.store() : meta.sources.size() + " stores (" + meta.store() + ", …)";
    return "ZarrScan " + stores + " [" + arrays + "] backend=" + meta.options.backend
        + " shape=" + Arrays.toString(meta.sources.get(0).shape) + " chunks="
        + Arrays.toString(meta.sources.get(0).chunks[0])
        + " ReadSchema: " + readSchema.catalogString() + " PushedFilters: [" + pushed + "]"
        + " ChunksPlanned: " + p.chunksPlanned() + " of " + p.chunksTotal() + " Partitions: " + p.partitions().size();
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public ColumnarSupportMode columnarSupportMode() {
    return ColumnarSupportMode.SUPPORTED;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    return plan().partitions().toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    StructField[] fields = readSchema.fields();
    int[] outputs = new int[fields.length];
    StructType metadataType = null;
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(ZarrTableMeta.METADATA)) {
        outputs[i] = ZarrPartitionReader.METADATA;
        metadataType = (StructType) fields[i].dataType();
      } else {
        outputs[i] = columnIndex(fields[i].name());
      }
    }
    Broadcast<SerializableConfiguration> b = null;
    if (meta.sources.stream().anyMatch(s -> s.store.hadoop)) {
      SparkSession s = SparkSession.active();
      b = JavaSparkContext.fromSparkContext(s.sparkContext()).broadcast(new SerializableConfiguration(conf));
    }
    return new ZarrReaderFactory(meta, outputs, metadataType, b);
  }

  private int columnIndex(String name) {
    for (int d = 0; d < meta.ndim(); d++) {
      if (meta.dims.get(d).name().equals(name)) {
        return -d - 1;
      }
    }
    for (int c = 0; c < meta.columns.size(); c++) {
      if (meta.columns.get(c).name().equals(name)) {
        return c;
      }
    }
    if (name.equals(ZarrTableMeta.METADATA)) {
      return ZarrPartitionReader.METADATA;
    }
    throw new IllegalStateException("zarr: Spark asked for column '" + name + "', which the table does not have");
  }

  @Override
  public Statistics estimateStatistics() {
    PartitionPlanner.Plan p = plan();
    long width = 0;
    for (StructField f : readSchema.fields()) {
      width += f.dataType().defaultSize();
    }
    long rows = p.rows();
    long bytes = rows > Long.MAX_VALUE / Math.max(1, width) ? Long.MAX_VALUE : rows * Math.max(1, width);
    return new Statistics() {
      @Override
      public OptionalLong sizeInBytes() {
        return OptionalLong.of(bytes);
      }

      @Override
      public OptionalLong numRows() {
        return OptionalLong.of(rows);
      }
    };
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return ZarrMetrics.supported();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {
        ZarrMetrics.value(ZarrMetrics.CHUNKS_PLANNED, plan().chunksPlanned()),
        ZarrMetrics.value(ZarrMetrics.CHUNKS_TOTAL, plan().chunksTotal())};
  }
}
