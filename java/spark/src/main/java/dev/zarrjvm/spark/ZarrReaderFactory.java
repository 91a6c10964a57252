package dev.zarrjvm.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Shipped to the executors: the table's metadata and the columns the query needs, in output order. Reads are columnar
 * only (one {@link ColumnarBatch} per chunk).
 */
public final class ZarrReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;
  private final ZarrTableMeta meta;
  /** Output columns in order: {@code c >= 0} is array column c of the meta, {@code c < 0} is dimension {@code -c-1}. */
  private final int[] outputs;

  ZarrReaderFactory(ZarrTableMeta meta, int[] outputs) {
    this.meta = meta;
    this.outputs = outputs.clone();
  }

  @Override
  public boolean supportColumnarReads(InputPartition partition) {
    return true;
  }

  @Override
  public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
    return new ZarrPartitionReader(meta, outputs, (ZarrInputPartition) partition);
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    throw new UnsupportedOperationException("zarr reads are columnar only");
  }
}
