package dev.zarrjvm.core;

/** A group (Zarr group, NetCDF file or NetCDF-4 group): its members and attributes; members open as sources. */
public interface GroupSource extends AutoCloseable {
  /** {@code {"backend", "format", "path", "attributes", "arrays": [...], "groups": [...]}} as JSON. */
  String infoJson();

  ChunkSource openArray(String name);

  GroupSource openGroup(String name);

  @Override
  void close();
}
