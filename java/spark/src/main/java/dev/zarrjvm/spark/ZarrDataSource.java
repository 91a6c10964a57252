package dev.zarrjvm.spark;

import dev.zarrjvm.errors.InvalidArgumentException;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("zarr").load(path)}: the entry Spark finds through {@code META-INF/services}. The schema
 * comes from the arrays' metadata; a user-given schema is not accepted (it could only disagree with the data).
 */
public final class ZarrDataSource implements TableProvider, DataSourceRegister {
  @Override
  public String shortName() {
    return "zarr";
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return ZarrTableMeta.open(ZarrOptions.parse(options)).schema();
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    ZarrTableMeta meta = ZarrTableMeta.open(ZarrOptions.parse(properties));
    if (!meta.schema().equals(schema)) {
      throw new InvalidArgumentException("zarr: the schema is given by the arrays' metadata: " + meta.schema()
          .catalogString() + ", not " + schema.catalogString());
    }
    return new ZarrTable(meta);
  }
}
