package dev.zarrjvm.model;

/** What a path inside a store names: an array ({@link ChunkSource}) or a group ({@link GroupSource}). */
public interface Node extends AutoCloseable {
  @Override
  void close();
}
