package dev.zarrjvm.spark;

import dev.zarrjvm.errors.UnsupportedException;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Direct SQL on a path, {@code SELECT … FROM zarr.`/data/cube.zarr`}: Spark runs SQL on files only for its V1 file
 * formats, so zarrjvm registers a catalog of path-named tables instead ({@code spark.sql.catalog.zarr =
 * dev.zarrjvm.spark.ZarrCatalog}; {@code zarrjvm.spark.spark_conf()} sets it). The table name is the store's location;
 * the catalog's own options ({@code spark.sql.catalog.zarr.backend} etc.) are the data source's options. It lists no
 * tables and creates none.
 */
public final class ZarrCatalog implements TableCatalog {
  private String name;
  private Map<String, String> options = Map.of();

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    this.options = new HashMap<>(options.asCaseSensitiveMap());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    return new Identifier[0];
  }

  @Override
  public Table loadTable(Identifier ident) {
    String path = ident.namespace().length == 0 ? ident.name()
        : String.join(".", ident.namespace()) + "." + ident.name();
    Map<String, String> o = new HashMap<>(options);
    o.put("path", path);
    return new ZarrDataSource().getTable(null, new Transform[0], o);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw new UnsupportedException("zarr: the " + name + " catalog's tables are stores; they cannot be altered");
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw new UnsupportedException("zarr: the " + name + " catalog's tables are stores; they cannot be dropped");
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw new UnsupportedException("zarr: the " + name + " catalog's tables are stores; they cannot be renamed");
  }
}
