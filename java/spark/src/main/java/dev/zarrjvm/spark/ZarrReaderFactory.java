package dev.zarrjvm.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Shipped to the executors: the table's columns and dimensions, the columns the query needs (in output order) and,
 * when a store is read through Hadoop, the session's Hadoop configuration (broadcast once). Each partition carries its
 * own store's metadata. Reads are columnar only.
 */
public final class ZarrReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 2L;
  private final ZarrTableMeta meta;
  /**
   * Output columns in order: {@code c >= 0} is array column c of the meta, {@code c < 0} is dimension {@code -c-1},
   * {@link ZarrPartitionReader#METADATA} the {@code _metadata} struct.
   */
  private final int[] outputs;
  private final StructType metadataType;
  private final Broadcast<SerializableConfiguration> conf;

  ZarrReaderFactory(ZarrTableMeta meta, int[] outputs, StructType metadataType,
      Broadcast<SerializableConfiguration> conf) {
    this.meta = meta;
    this.outputs = outputs.clone();
    this.metadataType = metadataType;
    this.conf = conf;
  }

  @Override
  public boolean supportColumnarReads(InputPartition partition) {
    return true;
  }

  @Override
  public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
    Configuration c = conf == null ? null : conf.value().value();
    return new ZarrPartitionReader(meta, outputs, metadataType, (ZarrInputPartition) partition, c);
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    throw new UnsupportedOperationException("zarr reads are columnar only");
  }
}
