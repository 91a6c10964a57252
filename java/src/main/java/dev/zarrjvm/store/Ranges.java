package dev.zarrjvm.store;

import dev.zarrjvm.errors.StoreException;

/** The one reading of {@link ByteStore#getRange}'s arguments (negative start = suffix, end -1 = to the end). */
final class Ranges {
  private Ranges() {}

  /** [start, end) of a value of {@code size} bytes as absolute offsets; out of bounds is an error, never short data. */
  static long[] resolve(long start, long end, long size, String key, String where) {
    long s = start < 0 ? size + start : start;
    long e = end < 0 ? size : end;
    if (s < 0 || e > size || s > e) {
      throw new StoreException("range [" + start + ", " + end + ") of '" + key + "' in " + where + " is outside its "
          + size + " bytes");
    }
    if (e - s > Integer.MAX_VALUE - 16) {
      throw new StoreException("range of " + (e - s) + " bytes of '" + key + "' in " + where + " is too large");
    }
    return new long[] {s, e};
  }

  /** A range read whose response did not tell the value's size gets it from {@code store.size(key)}. */
  static ByteStore.Sized withSize(ByteStore.Sized s, ByteStore store, String key) {
    if (s == null || s.total() >= 0) {
      return s;
    }
    long size = store.size(key);
    return size < 0 ? null : new ByteStore.Sized(s.bytes(), size);
  }

  static byte[] slice(byte[] all, long start, long end, String key, String where) {
    if (all == null) {
      return null;
    }
    long[] se = resolve(start, end, all.length, key, where);
    return java.util.Arrays.copyOfRange(all, (int) se[0], (int) se[1]);
  }

  /** The HTTP Range header value for the same arguments: "bytes=s-e", "bytes=s-" or the suffix "bytes=-n". */
  static String header(long start, long end) {
    if (start < 0) {
      if (end >= 0) {
        throw new StoreException("a suffix range [" + start + ", " + end + ") cannot have an end");
      }
      return "bytes=" + start; // "bytes=-n": the last n bytes
    }
    return end < 0 ? "bytes=" + start + "-" : "bytes=" + start + "-" + (end - 1);
  }
}
