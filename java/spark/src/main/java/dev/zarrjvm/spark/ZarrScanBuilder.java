package dev.zarrjvm.spark;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownV2Filters;
import org.apache.spark.sql.types.StructType;

/**
 * Takes Spark's pushdown: predicates on dimension columns (indices, or coordinates monotonic in some store) prune
 * boxes ({@link ChunkFilter}); only those are reported as pushed (a filter on a non-monotonic coordinate is not).
 * Every predicate is handed back to Spark too, since pruning is per box, not per row. The required columns decide
 * which arrays are read at all.
 */
final class ZarrScanBuilder implements SupportsPushDownV2Filters, SupportsPushDownRequiredColumns {
  private final ZarrTableMeta meta;
  private final Configuration conf;
  private StructType required;
  private ChunkFilter filter;

  ZarrScanBuilder(ZarrTableMeta meta, Configuration conf) {
    this.meta = meta;
    this.conf = conf;
    this.required = meta.schema();
    this.filter = ChunkFilter.none(meta.ndim());
  }

  @Override
  public Predicate[] pushPredicates(Predicate[] predicates) {
    List<String> names = meta.dims.stream().map(ZarrTableMeta.Dim::name).toList();
    boolean[] integral = new boolean[meta.ndim()];
    for (int d = 0; d < meta.ndim(); d++) {
      ZarrTableMeta.Dim dim = meta.dims.get(d);
      integral[d] = !dim.isCoordinate() || dev.zarrjvm.model.DType.parseNumpy(dim.coordDtype()).kind != 'f';
    }
    filter = ChunkFilter.of(predicates, names, integral, meta.prunable());
    return predicates;
  }

  @Override
  public Predicate[] pushedPredicates() {
    return filter.usedPredicates();
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    required = requiredSchema;
  }

  @Override
  public Scan build() {
    return new ZarrScan(meta, required, filter, conf);
  }
}
