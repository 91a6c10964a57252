package dev.zarrjvm.spark;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The scan's custom metrics, shown with the scan node in the Spark UI's SQL tab (and in the plan's metrics). Spark
 * re-creates these classes by name on the driver to aggregate task values, hence public classes with no-arg
 * constructors.
 */
public final class ZarrMetrics {
  public static final String CHUNKS_READ = "chunksRead";
  public static final String CHUNKS_PLANNED = "chunksPlanned";
  public static final String CHUNKS_TOTAL = "chunksTotal";

  private ZarrMetrics() {}

  public static CustomMetric[] supported() {
    return new CustomMetric[] {new ChunksRead(), new ChunksPlanned(), new ChunksTotal()};
  }

  public static CustomTaskMetric value(String name, long value) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long value() {
        return value;
      }
    };
  }

  /** Chunks decoded by the partition readers, summed over tasks and over the arrays read. */
  public static final class ChunksRead extends CustomSumMetric {
    @Override
    public String name() {
      return CHUNKS_READ;
    }

    @Override
    public String description() {
      return "zarr chunks read";
    }
  }

  /** Chunk positions the scan planned after pruning on dim_* filters (driver side). */
  public static final class ChunksPlanned extends CustomSumMetric {
    @Override
    public String name() {
      return CHUNKS_PLANNED;
    }

    @Override
    public String description() {
      return "zarr chunks planned (after pruning)";
    }
  }

  /** Chunk positions in the whole grid (driver side). */
  public static final class ChunksTotal extends CustomSumMetric {
    @Override
    public String name() {
      return CHUNKS_TOTAL;
    }

    @Override
    public String description() {
      return "zarr chunks in the array";
    }
  }
}
