package dev.zarrjvm.spark;

import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.backend.Readers;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.errors.ZarrJvmException;
import dev.zarrjvm.model.ArrayInfo;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.DType;
import dev.zarrjvm.model.Grid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads one partition box by box: each array's box comes from {@link ChunkSource#readRegion} once (the same reader and
 * Arrow memory Python uses; a box is aligned with every array's chunks, so each chunk is decoded once), and goes to
 * Spark as {@link ArrowColumnVector}s, in batches of at most {@code batchSize} rows (slices of the box along its
 * outermost dimension, which share the box's memory). Dimension columns are generated (indices from the box's
 * position, coordinates from the values shipped from the driver). A batch stays valid until the next call to
 * {@link #next()}; memory is accounted to this reader's child of {@link ArrowMemory}, released on close.
 */
final class ZarrPartitionReader implements PartitionReader<ColumnarBatch> {
  /** The output code of the {@code _metadata} column. */
  static final int METADATA = Integer.MIN_VALUE;

  private final ZarrTableMeta meta;
  private final int[] outputs;
  private final StructType metadataType;
  private final ZarrInputPartition partition;
  private final ZarrTableMeta.Source source;
  private final Configuration conf;
  private final BufferAllocator allocator;
  private final Readers.OpenedArray[] sources;
  private final DType[] dtypes;
  private int nextBox;
  private long chunksRead;
  private ColumnarBatch current;
  /** The box being emitted: its origin, shape, the arrays' vectors (by column), and the slicing. */
  private long[] boxOrigin;
  private int[] boxShape;
  private FieldVector[] boxVectors;
  private int sliceDim;
  private int rowsPerSlice;
  private int nextRow;

  ZarrPartitionReader(ZarrTableMeta meta, int[] outputs, StructType metadataType, ZarrInputPartition partition,
      Configuration conf) {
    this.meta = meta;
    this.outputs = outputs;
    this.metadataType = metadataType;
    this.partition = partition;
    this.source = partition.source;
    this.conf = conf;
    this.sources = new Readers.OpenedArray[meta.columns.size()];
    this.dtypes = new DType[meta.columns.size()];
    this.allocator = ArrowMemory.newChild("spark-partition");
    try {
      InputFileBlockHolder.set(source.location(), 0, -1);
    } catch (RuntimeException | LinkageError e) {
      // input_file_name() stays empty; _metadata.file_path is the supported way
    }
  }

  @Override
  public boolean next() {
    closeCurrent();
    if (boxVectors == null || nextRow >= (boxShape.length == 0 ? 1 : boxShape[sliceDim])) {
      closeBox();
      if (nextBox >= partition.size()) {
        return false;
      }
      loadBox(nextBox++);
    }
    emitSlice();
    return true;
  }

  private void loadBox(int i) {
    boxOrigin = partition.origin(i);
    boxShape = partition.shape(i);
    long n = Grid.size(boxShape);
    boxVectors = new FieldVector[meta.columns.size()];
    sliceDim = 0;
    while (sliceDim < boxShape.length - 1 && boxShape[sliceDim] <= 1) {
      sliceDim++;
    }
    long slab = 1;
    for (int d = sliceDim + 1; d < boxShape.length; d++) {
      slab *= boxShape[d];
    }
    long maxRows = Math.min(meta.options.batchSize, Integer.MAX_VALUE);
    if (slab > Integer.MAX_VALUE || (boxShape.length == 0 && n > Integer.MAX_VALUE)) {
      throw new UnsupportedException("zarr: a box of " + source.location() + " at " + Arrays.toString(boxOrigin)
          + " has rows of " + slab + " elements along its inner dimensions; a Spark batch holds at most 2^31-1");
    }
    rowsPerSlice = boxShape.length == 0 ? 1 : (int) Math.max(1, Math.min(boxShape[sliceDim], maxRows / slab));
    nextRow = 0;
    for (int c : outputs) {
      if (c >= 0 && boxVectors[c] == null) {
        boxVectors[c] = read(c);
      }
    }
  }

  private FieldVector read(int c) {
    ZarrTableMeta.Column col = meta.columns.get(c);
    ChunkSource s = source(c);
    try {
      FieldVector v = SparkColumns.toSpark(s.readRegion(boxOrigin, boxShape, allocator), dtypes[c], allocator);
      chunksRead += s.info().grid().chunksIn(boxOrigin, boxShape).size();
      return col.cf() == null ? v : col.cf().apply(v, dtypes[c], allocator);
    } catch (Throwable t) {
      List<long[]> chunks = s.info().grid().chunksIn(boxOrigin, boxShape);
      String which = chunks.size() == 1 ? "chunk " + Arrays.toString(chunks.get(0))
          : "chunks " + chunks.stream().map(Arrays::toString).toList();
      String where = "zarr: reading " + which + " of " + (col.path().isEmpty() ? "the array" : "array '" + col.path()
          + "'") + " in " + source.location() + " (rows " + Arrays.toString(boxOrigin) + " + "
          + Arrays.toString(boxShape) + ")";
      ZarrJvmException e = Errors.translate(t, Errors.Phase.READ, where);
      // a reader's own message may name the store's location but not the array and the box's chunks: always add them
      throw String.valueOf(e.getMessage()).startsWith(where) ? e : e.in(where);
    }
  }

  private void emitSlice() {
    int nd = boxShape.length;
    long[] origin = boxOrigin.clone();
    int[] shape = boxShape.clone();
    boolean whole = nd == 0 || rowsPerSlice >= boxShape[sliceDim];
    long slab = 1;
    if (!whole) {
      for (int d = sliceDim + 1; d < nd; d++) {
        slab *= boxShape[d];
      }
      origin[sliceDim] += nextRow;
      shape[sliceDim] = Math.min(rowsPerSlice, boxShape[sliceDim] - nextRow);
    }
    int rows = (int) Grid.size(shape);
    List<ColumnVector> cols = new ArrayList<>(outputs.length);
    try {
      for (int c : outputs) {
        if (c == METADATA) {
          cols.add(metadataVector(rows));
        } else if (c < 0) {
          int d = -c - 1;
          ZarrTableMeta.Dim dim = meta.dims.get(d);
          FieldVector v = dim.isCoordinate()
              ? DimVectors.coordinate(dim.name(), d, origin, shape, source.coords[d].values, source.coords[d].spark(),
                  allocator)
              : DimVectors.make(dim.name(), d, origin, shape, allocator);
          cols.add(new ArrowColumnVector(v));
        } else if (whole && countOf(c) == 1) {
          cols.add(new ArrowColumnVector(boxVectors[c]));
          boxVectors[c] = null; // the batch owns it now
        } else {
          TransferPair tp = boxVectors[c].getTransferPair(allocator);
          tp.splitAndTransfer((int) (whole ? 0 : nextRow * slab), rows);
          cols.add(new ArrowColumnVector((FieldVector) tp.getTo()));
        }
      }
    } catch (RuntimeException | Error e) {
      cols.forEach(ColumnVector::close);
      throw e;
    }
    nextRow += whole ? (nd == 0 ? 1 : boxShape[sliceDim]) : shape[sliceDim];
    current = new ColumnarBatch(cols.toArray(new ColumnVector[0]), rows);
  }

  /** How often column {@code c} is in the output (a query may select it twice). */
  private int countOf(int c) {
    int n = 0;
    for (int o : outputs) {
      n += o == c ? 1 : 0;
    }
    return n;
  }

  private ColumnVector metadataVector(int rows) {
    ConstantColumnVector v = new ConstantColumnVector(rows, metadataType);
    for (int i = 0; i < metadataType.fields().length; i++) {
      String f = metadataType.fields()[i].name();
      ConstantColumnVector child = new ConstantColumnVector(rows, metadataType.fields()[i].dataType());
      child.setUtf8String(UTF8String.fromString(f.equals("file_name") ? source.store.name() : source.location()));
      v.setChild(i, child);
    }
    return v;
  }

  private ChunkSource source(int c) {
    if (sources[c] == null) {
      ZarrTableMeta.Column col = meta.columns.get(c);
      sources[c] = ZarrTableMeta.open(meta.options.backend, source.store, conf, col.path(), source.docs[c], false);
      ArrayInfo info = sources[c].array().info();
      if (!info.dtype.numpy().equals(col.dtype()) || !Arrays.equals(info.shape, source.shape)) {
        throw new MetadataException("zarr: array '" + col.path() + "' in " + source.location() + " changed since the "
            + "query was planned: now " + info.dtype + " " + Arrays.toString(info.shape) + ", planned " + col.dtype()
            + " " + Arrays.toString(source.shape));
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

  private void closeBox() {
    if (boxVectors != null) {
      for (FieldVector v : boxVectors) {
        if (v != null) {
          v.close();
        }
      }
      boxVectors = null;
    }
  }

  @Override
  public void close() {
    try {
      closeCurrent();
      closeBox();
      for (Readers.OpenedArray s : sources) {
        if (s != null) {
          s.close();
        }
      }
    } finally {
      ArrowMemory.release(allocator);
      try {
        InputFileBlockHolder.unset();
      } catch (RuntimeException | LinkageError e) {
        // nothing was set
      }
    }
  }
}
