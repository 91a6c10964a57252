package dev.zarrjvm.spark;

import dev.zarrjvm.errors.UnsupportedException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.catalog.MetadataColumn;
import org.apache.spark.sql.connector.catalog.SupportsMetadataColumns;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Zarr arrays (same-shape arrays of a group, or of several stores) as a read-only table: one row per element. The
 * hidden {@code _metadata} column ({@code file_path}, {@code file_name}) names each row's store, as Spark's file
 * sources do. Writing is refused with a clear message.
 */
final class ZarrTable implements SupportsRead, SupportsWrite, SupportsMetadataColumns {
  static final StructType METADATA_TYPE = new StructType(new StructField[] {
      new StructField("file_path", DataTypes.StringType, false, org.apache.spark.sql.types.Metadata.empty()),
      new StructField("file_name", DataTypes.StringType, false, org.apache.spark.sql.types.Metadata.empty())});

  private final ZarrTableMeta meta;
  private final Configuration conf;
  private final StructType schema;

  ZarrTable(ZarrTableMeta meta, Configuration conf) {
    this.meta = meta;
    this.conf = conf;
    this.schema = meta.schema();
  }

  @Override
  public String name() {
    return "zarr:" + (meta.sources.size() == 1 ? meta.store() : meta.sources.size() + " stores")
        + (meta.options.arrays.isEmpty() ? "" : meta.options.arrays.toString());
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return CAPABILITIES;
  }

  /** Write capabilities are declared so that Spark asks for a write, which {@link #newWriteBuilder} refuses. */
  static final Set<TableCapability> CAPABILITIES = Set.of(TableCapability.BATCH_READ, TableCapability.BATCH_WRITE,
      TableCapability.TRUNCATE, TableCapability.OVERWRITE_BY_FILTER, TableCapability.OVERWRITE_DYNAMIC);

  static UnsupportedException writingRefused() {
    return new UnsupportedException("zarr: writing is not supported; the zarr data source reads. Write Zarr from "
        + "Python (zarr-python, xarray) or Java (zarr-java)");
  }

  /** The table of a location with no store (the target of a write): writes are refused, reads fail as not found. */
  static final class Missing implements SupportsRead, SupportsWrite {
    private final RuntimeException notFound;
    private final StructType schema;

    Missing(RuntimeException notFound, StructType schema) {
      this.notFound = notFound;
      this.schema = schema;
    }

    @Override
    public String name() {
      return "zarr:missing";
    }

    @Override
    public StructType schema() {
      return schema;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return CAPABILITIES;
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
      throw notFound;
    }

    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
      throw writingRefused();
    }
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    return new ZarrScanBuilder(meta, conf);
  }

  /** Writing is not supported (yet): a clear refusal rather than Spark's generic one. */
  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    throw writingRefused();
  }

  @Override
  public MetadataColumn[] metadataColumns() {
    MetadataColumn column = new MetadataColumn() {
      @Override
      public String name() {
        return ZarrTableMeta.METADATA;
      }

      @Override
      public DataType dataType() {
        return METADATA_TYPE;
      }

      @Override
      public boolean isNullable() {
        return false;
      }

      @Override
      public String comment() {
        return "the store each row comes from: file_path (qualified location), file_name (its last element)";
      }
    };
    return new MetadataColumn[] {column};
  }
}
