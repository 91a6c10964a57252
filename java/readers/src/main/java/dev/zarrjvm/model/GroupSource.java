package dev.zarrjvm.model;

/**
 * A group (Zarr group, NetCDF file or NetCDF-4 group): its members and attributes; members open as sources. A group
 * and every member opened through it share one open store or file, and the options the group was opened with.
 */
public interface GroupSource extends Node {
  /** Members and attributes, read when the group was opened. */
  GroupInfo info();

  /**
   * The member at {@code path} relative to this group ("name", or "sub/deeper/name" resolved in one call, without
   * leaving intermediate groups open): a {@link ChunkSource} or a {@link GroupSource}. A missing member is
   * {@code ArrayNotFoundException} naming the members that exist.
   */
  Node open(String path);
}
