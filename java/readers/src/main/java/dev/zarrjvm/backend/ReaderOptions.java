package dev.zarrjvm.backend;

/**
 * How a backend reads, chosen per open (Python: {@code open_array(..., checks=, shims=, direct=)}, defaults from
 * {@code zarrjvm.config}). Passed down from a group to every member opened through it.
 *
 * @param checks refuse inputs the reader is known to misread (false only to measure upstream behaviour)
 * @param shims route around the Central-only ucar.ma2 (signed twin, shard index) when needed
 * @param direct let the reader's own decompressors decode into bytes that go straight into Arrow memory, skipping the
 *     reader's heap array, where the codec chain allows (false reads through the reader's full pipeline)
 */
public record ReaderOptions(boolean checks, boolean shims, boolean direct) {
  private static final ReaderOptions DEFAULTS = new ReaderOptions(true, true, true);

  /** checks, shims and direct on. */
  public static ReaderOptions defaults() {
    return DEFAULTS;
  }
}
