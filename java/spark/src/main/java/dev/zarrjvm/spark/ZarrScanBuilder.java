package dev.zarrjvm.spark;

import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructType;

/**
 * Takes Spark's pushdown: filters on {@code dim_*} prune chunks ({@link ChunkFilter}), and the required columns decide
 * which arrays are read at all. Every filter is handed back to Spark too, since pruning is per chunk, not per row.
 */
final class ZarrScanBuilder implements SupportsPushDownFilters, SupportsPushDownRequiredColumns {
  private final ZarrTableMeta meta;
  private StructType required;
  private ChunkFilter filter;

  ZarrScanBuilder(ZarrTableMeta meta) {
    this.meta = meta;
    this.required = meta.schema();
    this.filter = ChunkFilter.none(meta.ndim());
  }

  @Override
  public Filter[] pushFilters(Filter[] filters) {
    filter = ChunkFilter.of(filters, meta.ndim());
    return filters;
  }

  @Override
  public Filter[] pushedFilters() {
    return filter.usedFilters();
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    required = requiredSchema;
  }

  @Override
  public Scan build() {
    return new ZarrScan(meta, required, filter);
  }
}
