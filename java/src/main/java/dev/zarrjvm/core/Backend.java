package dev.zarrjvm.core;

import java.util.List;

/** One Java reader: how to open arrays and groups with it, which formats it claims, and whether it is usable here. */
public interface Backend {
  String name();

  /** Formats the reader claims to read: any of zarr-v2, zarr-v3, netcdf3, netcdf4. */
  List<String> formats();

  /** The reader's library coordinates and version, e.g. dev.zarr:zarr-java:0.0.9. */
  String library();

  ChunkSource openArray(String store, String path, Options options);

  GroupSource openGroup(String store, String path, Options options);

  /** Null when usable; otherwise the reason it is not. */
  String unavailableReason();

  /** Facts about this backend in this build (e.g. what the Central-only ucar.ma2 changes), for users. */
  List<String> notes();
}
