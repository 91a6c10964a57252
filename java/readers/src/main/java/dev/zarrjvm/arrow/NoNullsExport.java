package dev.zarrjvm.arrow;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.types.Types;
import org.apache.arrow.vector.util.TransferPair;

/**
 * The form in which a decoded vector crosses to Python: the same data buffer, declared free of nulls, with no
 * validity bitmap. Arrow Java's C Data exporter asks a vector for its null count, and a standard vector answers by
 * scanning its bitmap (n/8 bytes: 0.5 ms for 256 MiB of float32); this one answers 0, so the hand-over costs the same
 * at every size. Decoded chunks never hold nulls (the fill value is data), and importers ignore the bitmap when the
 * null count is 0. Used only for the export; Spark gets the standard vector classes.
 */
final class NoNullsExport extends BaseFixedWidthVector {
  NoNullsExport(BaseFixedWidthVector source, BufferAllocator allocator) {
    super(source.getField(), allocator, source.getTypeWidth());
    ArrowBuf data = source.getDataBuffer();
    data.getReferenceManager().retain();
    this.valueBuffer = data;
    this.valueCount = source.getValueCount();
  }

  @Override
  public int getNullCount() {
    return 0;
  }

  /** Exports a NULL validity pointer and the data buffer (the two buffers of a fixed-width array). */
  @Override
  public void exportCDataBuffers(List<ArrowBuf> buffers, ArrowBuf buffersPtr, long nullValue) {
    exportBuffer(null, buffers, buffersPtr, nullValue, false);
    exportBuffer(valueBuffer, buffers, buffersPtr, nullValue, true);
  }

  @Override
  public Types.MinorType getMinorType() {
    return Types.getMinorTypeForArrowType(getField().getType());
  }

  @Override
  protected org.apache.arrow.vector.complex.reader.FieldReader getReaderImpl() {
    throw new UnsupportedOperationException("export-only vector");
  }

  @Override
  public Object getObject(int index) {
    throw new UnsupportedOperationException("export-only vector");
  }

  @Override
  public TransferPair getTransferPair(String ref, BufferAllocator allocator) {
    throw new UnsupportedOperationException("export-only vector");
  }

  @Override
  public TransferPair getTransferPair(org.apache.arrow.vector.types.pojo.Field field, BufferAllocator allocator) {
    throw new UnsupportedOperationException("export-only vector");
  }

  @Override
  public TransferPair makeTransferPair(org.apache.arrow.vector.ValueVector target) {
    throw new UnsupportedOperationException("export-only vector");
  }
}
