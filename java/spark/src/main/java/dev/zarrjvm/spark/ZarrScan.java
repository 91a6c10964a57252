package dev.zarrjvm.spark;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A planned read, from metadata only: the columns the query needs (arrays not selected are never opened) and the chunk
 * positions its {@code dim_*} filters leave, grouped into input partitions of {@code chunksPerPartition}.
 */
final class ZarrScan implements Scan, Batch {
  private final ZarrTableMeta meta;
  private final StructType readSchema;
  private final ChunkFilter filter;
  private List<long[]> selected;

  ZarrScan(ZarrTableMeta meta, StructType readSchema, ChunkFilter filter) {
    this.meta = meta;
    this.readSchema = readSchema;
    this.filter = filter;
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  private synchronized List<long[]> selected() {
    if (selected == null) {
      selected = filter.selectChunks(meta.shape, meta.chunks);
    }
    return selected;
  }

  long totalChunks() {
    long n = 1;
    for (int d = 0; d < meta.ndim(); d++) {
      n = Math.multiplyExact(n, (meta.shape[d] + meta.chunks[d] - 1) / meta.chunks[d]);
    }
    return n;
  }

  @Override
  public String description() {
    String arrays = meta.columns.stream().map(c -> c.path().isEmpty() ? c.name() : c.path())
        .collect(Collectors.joining(", "));
    String pushed = Arrays.stream(filter.usedFilters()).map(Filter::toString).collect(Collectors.joining(", "));
    return "ZarrScan " + meta.options.store + " [" + arrays + "] backend=" + meta.options.backend
        + " shape=" + Arrays.toString(meta.shape) + " chunks=" + Arrays.toString(meta.chunks)
        + " ReadSchema: " + readSchema.catalogString() + " PushedFilters: [" + pushed + "]"
        + " ChunksPlanned: " + selected().size() + " of " + totalChunks();
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
    return ZarrInputPartition.plan(selected(), meta.ndim(), meta.options.chunksPerPartition)
        .toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    StructField[] fields = readSchema.fields();
    int[] outputs = new int[fields.length];
    for (int i = 0; i < fields.length; i++) {
      outputs[i] = columnIndex(fields[i].name());
    }
    return new ZarrReaderFactory(meta, outputs);
  }

  private int columnIndex(String name) {
    for (int d = 0; d < meta.ndim(); d++) {
      if (ZarrTableMeta.dimName(d).equals(name)) {
        return -d - 1;
      }
    }
    for (int c = 0; c < meta.columns.size(); c++) {
      if (meta.columns.get(c).name().equals(name)) {
        return c;
      }
    }
    throw new IllegalStateException("zarr: Spark asked for column '" + name + "', which the table does not have");
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return ZarrMetrics.supported();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {
        ZarrMetrics.value(ZarrMetrics.CHUNKS_PLANNED, selected().size()),
        ZarrMetrics.value(ZarrMetrics.CHUNKS_TOTAL, totalChunks())};
  }
}
