package dev.zarrjvm.spark;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** A Zarr array (or same-shape arrays of a group) as a read-only table: one row per element. */
final class ZarrTable implements SupportsRead {
  private final ZarrTableMeta meta;
  private final StructType schema;

  ZarrTable(ZarrTableMeta meta) {
    this.meta = meta;
    this.schema = meta.schema();
  }

  @Override
  public String name() {
    return "zarr:" + meta.options.store + (meta.options.arrays.isEmpty() ? "" : meta.options.arrays.toString());
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    return new ZarrScanBuilder(meta);
  }
}
