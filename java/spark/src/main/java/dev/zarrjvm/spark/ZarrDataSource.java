package dev.zarrjvm.spark;

import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.UnsupportedException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("zarr").load(path)}: the entry Spark finds through {@code META-INF/services}. The schema
 * comes from the arrays' metadata; a user-given schema is accepted only when it is that schema (a catalog table
 * stores it).
 */
public final class ZarrDataSource implements TableProvider, DataSourceRegister {
  /** Spark asks one provider for the schema, then for the table: the metadata is read once for both. */
  private Map<String, String> lastOptions;
  private ZarrTableMeta lastMeta;
  private Configuration lastConf;

  @Override
  public String shortName() {
    return "zarr";
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return meta(options).schema();
  }

  /** Lets Spark hand {@code getTable} the schema of a write, so that writing is refused by the table, clearly. */
  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    if (partitioning != null && partitioning.length > 0) {
      throw new UnsupportedException("zarr: tables are not partitioned (PARTITIONED BY is not supported)");
    }
    ZarrTableMeta meta;
    try {
      meta = meta(properties);
    } catch (dev.zarrjvm.errors.ArrayNotFoundException e) {
      if (schema == null) {
        throw e;
      }
      return new ZarrTable.Missing(e, schema); // a write (Spark gives the data's schema): refused by the table, clearly
    }
    Configuration conf = lastConf;
    if (schema != null && !meta.schema().equals(schema) && !sameNamesAndTypes(meta.schema(), schema)) {
      throw new InvalidArgumentException("zarr: the schema is given by the arrays' metadata: " + meta.schema()
          .catalogString() + ", not " + schema.catalogString());
    }
    return new ZarrTable(meta, conf);
  }

  private synchronized ZarrTableMeta meta(Map<String, String> options) {
    Map<String, String> key = new java.util.TreeMap<>();
    options.forEach((k, v) -> key.put(k.toLowerCase(java.util.Locale.ROOT), v));
    if (!key.equals(lastOptions)) {
      ZarrOptions o = ZarrOptions.parse(options);
      Configuration conf = hadoopConf(o);
      lastMeta = ZarrTableMeta.open(o, conf);
      lastConf = conf;
      lastOptions = key;
    }
    return lastMeta;
  }

  private static boolean sameNamesAndTypes(StructType a, StructType b) {
    return a.fields().length == b.fields().length && a.catalogString().equals(b.catalogString());
  }

  /** The session's Hadoop configuration (spark.hadoop.*) with this read's {@code fs.*} options on top. */
  static Configuration hadoopConf(ZarrOptions o) {
    SparkSession s = SparkSession.getActiveSession().getOrElse(() -> null);
    Configuration c = s != null ? s.sessionState().newHadoopConf() : new Configuration();
    o.hadoop.forEach(c::set);
    return c;
  }
}
