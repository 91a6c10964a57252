package dev.zarrjvm.spark;

import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.backend.Readers;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.Grid;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.UnsupportedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Reads one partition, one chunk position per batch: each array's box at that position comes from
 * {@link ChunkSource#readRegion} (the same reader and Arrow memory Python uses), each requested {@code dim_*} column is
 * generated, and the vectors go to Spark as {@link ArrowColumnVector}s. A batch stays valid until the next call to
 * {@link #next()}; its memory is accounted to this reader's child of {@link ArrowMemory}, released on close.
 */
final class ZarrPartitionReader implements PartitionReader<ColumnarBatch> {
  private final ZarrTableMeta meta;
  private final int[] outputs;
  private final ZarrInputPartition partition;
  private final Grid grid;
  private final BufferAllocator allocator;
  private final Readers.OpenedArray[] sources;
  private final DType[] dtypes;
  private int next;
  private long chunksRead;
  private ColumnarBatch current;

  ZarrPartitionReader(ZarrTableMeta meta, int[] outputs, ZarrInputPartition partition) {
    this.meta = meta;
    this.outputs = outputs;
    this.partition = partition;
    this.grid = new Grid(meta.shape, meta.chunks);
    this.sources = new Readers.OpenedArray[meta.columns.size()];
    this.dtypes = new DType[meta.columns.size()];
    this.allocator = ArrowMemory.newChild("spark-partition");
  }

  @Override
  public boolean next() {
    closeCurrent();
    if (next >= partition.size()) {
      return false;
    }
    long[] coords = partition.chunk(next++);
    long[] origin = grid.chunkOrigin(coords);
    int[] shape = grid.clippedChunkShape(coords);
    long n = Grid.size(shape);
    if (n > Integer.MAX_VALUE) {
      throw new UnsupportedException("zarr: chunk " + Arrays.toString(coords) + " of " + meta.options.store + " holds "
          + n + " elements; a Spark batch holds at most 2^31-1");
    }
    int rows = (int) n;
    List<ColumnVector> cols = new ArrayList<>(outputs.length);
    try {
      for (int c : outputs) {
        FieldVector v;
        if (c < 0) {
          int d = -c - 1;
          v = DimVectors.make(ZarrTableMeta.dimName(d), d, origin, shape, allocator);
        } else {
          ChunkSource s = source(c);
          v = SparkColumns.toSpark(s.readRegion(origin, shape, allocator), dtypes[c], allocator);
          chunksRead += s.info().grid().chunksIn(origin, shape).size();
        }
        cols.add(new ArrowColumnVector(v));
      }
    } catch (RuntimeException | Error e) {
      cols.forEach(ColumnVector::close);
      throw e;
    }
    current = new ColumnarBatch(cols.toArray(new ColumnVector[0]), rows);
    return true;
  }

  private ChunkSource source(int c) {
    if (sources[c] == null) {
      ZarrTableMeta.Column col = meta.columns.get(c);
      sources[c] = ZarrTableMeta.open(meta.options.backend, meta.options.store, col.path());
      ArrayInfo info = sources[c].array().info();
      if (!info.dtype.numpy().equals(col.dtype()) || !Arrays.equals(info.shape, meta.shape)) {
        throw new MetadataException("zarr: array '" + col.path() + "' in " + meta.options.store + " changed since the "
            + "query was planned: now " + info.dtype + " " + Arrays.toString(info.shape) + ", planned " + col.dtype()
            + " " + Arrays.toString(meta.shape));
      }
      dtypes[c] = info.dtype;
    }
    return sources[c].array();
  }

  @Override
  public ColumnarBatch get() {
    return current;
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return new CustomTaskMetric[] {ZarrMetrics.value(ZarrMetrics.CHUNKS_READ, chunksRead)};
  }

  private void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  @Override
  public void close() {
    try {
      closeCurrent();
      for (Readers.OpenedArray s : sources) {
        if (s != null) {
          s.close();
        }
      }
    } finally {
      ArrowMemory.release(allocator);
    }
  }
}
