package dev.zarrjvm.backend;

/**
 * How a backend reads, chosen per open (Python: {@code open_array(..., checks=, shims=, direct=)}, defaults from
 * {@code zarrjvm.config}). Passed down from a group to every member opened through it.
 *
 * @param checks refuse inputs the reader is known to misread (false only to measure upstream behaviour)
 * @param shims route around the Central-only ucar.ma2 (signed twin, shard index) when needed
 * @param direct let the reader's own decompressors decode into bytes that go straight into Arrow memory, skipping the
 *     reader's heap array, where the codec chain allows (false reads through the reader's full pipeline)
 * @param zarrFormat the Zarr format to open (2 or 3) where a node has both v2 and v3 metadata; 0 for either (such a
 *     node is then refused as ambiguous)
 * @param decode {@code "native"}: the reader parses the metadata and decides codecs, chunk keys and fill values, and
 *     zarrjvm runs the same native libraries on off-heap memory (no Java heap array per chunk) where the codec chain
 *     allows; {@code "reader"}: the reader's own codec objects decode, exactly as a Java user of the library gets them
 */
public record ReaderOptions(boolean checks, boolean shims, boolean direct, int zarrFormat, String decode) {
  private static final ReaderOptions DEFAULTS = new ReaderOptions(true, true, true, 0, "native");

  /** Checks {@code zarrFormat} and {@code decode}. */
  public ReaderOptions {
    if (zarrFormat != 0 && zarrFormat != 2 && zarrFormat != 3) {
      throw new dev.zarrjvm.errors.InvalidArgumentException("zarr_format must be 2 or 3, got " + zarrFormat);
    }
    if (!"native".equals(decode) && !"reader".equals(decode)) {
      throw new dev.zarrjvm.errors.InvalidArgumentException("decode must be 'native' or 'reader', got '" + decode
          + "'");
    }
  }

  /** Whether chunks decode natively where the codec chain allows ({@code decode="native"}). */
  public boolean nativeDecode() {
    return decode.equals("native");
  }

  /** checks, shims and direct on, native decoding. */
  public static ReaderOptions defaults() {
    return DEFAULTS;
  }
}
