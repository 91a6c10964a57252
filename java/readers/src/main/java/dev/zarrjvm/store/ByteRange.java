package dev.zarrjvm.store;

import dev.zarrjvm.errors.StoreException;
import java.util.Arrays;

/**
 * A byte range of one stored value: {@link #of} [start, end), {@link #from} start to the end, or the {@link #suffix}
 * of the last n bytes. The one reading of ranges for every store: resolving against a value's size (out of bounds is an
 * error, never short data), the HTTP {@code Range} header, and the {@code Content-Range} answer.
 */
public final class ByteRange {
  private enum Form { BOUNDED, FROM, SUFFIX }

  private final Form form;
  private final long a;
  private final long b;

  private ByteRange(Form form, long a, long b) {
    this.form = form;
    this.a = a;
    this.b = b;
  }

  /** Bytes [start, end). */
  public static ByteRange of(long start, long end) {
    if (start < 0 || end < start) {
      throw new StoreException("byte range [" + start + ", " + end + ") is not a range");
    }
    return new ByteRange(Form.BOUNDED, start, end);
  }

  /** Bytes from {@code start} to the end of the value. */
  public static ByteRange from(long start) {
    if (start < 0) {
      throw new StoreException("byte range [" + start + ", end) is not a range");
    }
    return new ByteRange(Form.FROM, start, 0);
  }

  /** The last {@code length} bytes of the value. */
  public static ByteRange suffix(long length) {
    if (length <= 0) {
      throw new StoreException("a suffix range needs a positive length, got " + length);
    }
    return new ByteRange(Form.SUFFIX, length, 0);
  }

  /** True for a bounded range of no bytes (nothing to fetch, only whether the value exists). */
  public boolean isEmpty() {
    return form == Form.BOUNDED && a == b;
  }

  /** The length when it is known without the value's size (bounded ranges and suffixes), else -1. */
  public long knownLength() {
    return switch (form) {
      case BOUNDED -> b - a;
      case SUFFIX -> a;
      case FROM -> -1;
    };
  }

  /** [start, end) when the range alone tells them (a bounded range), else null: the value's size is needed. */
  public long[] bounds() {
    return form == Form.BOUNDED ? new long[] {a, b} : null;
  }

  /** [start, end) as absolute offsets into a value of {@code size} bytes; out of bounds is a {@link StoreException}. */
  public long[] resolve(long size, String key, String where) {
    long s = switch (form) {
      case BOUNDED, FROM -> a;
      case SUFFIX -> size - a;
    };
    long e = form == Form.BOUNDED ? b : size;
    if (s < 0 || e > size || s > e) {
      throw new StoreException("range " + this + " of '" + key + "' in " + where + " is outside its " + size
          + " bytes");
    }
    if (e - s > Integer.MAX_VALUE - 16) {
      throw new StoreException("range of " + (e - s) + " bytes of '" + key + "' in " + where + " is too large");
    }
    return new long[] {s, e};
  }

  /** The range cut out of a whole value (null stays null). */
  public byte[] slice(byte[] all, String key, String where) {
    if (all == null) {
      return null;
    }
    long[] se = resolve(all.length, key, where);
    return Arrays.copyOfRange(all, (int) se[0], (int) se[1]);
  }

  /** The HTTP {@code Range} header value: "bytes=s-e", "bytes=s-" or the suffix "bytes=-n". */
  public String httpHeader() {
    return switch (form) {
      case BOUNDED -> "bytes=" + a + "-" + (b - 1);
      case FROM -> "bytes=" + a + "-";
      case SUFFIX -> "bytes=-" + a;
    };
  }

  /** The value's complete length from a {@code Content-Range} answer ("bytes 0-9/100"), or -1 when it is not told. */
  public static long totalFromContentRange(String contentRange) {
    if (contentRange == null) {
      return -1;
    }
    int slash = contentRange.lastIndexOf('/');
    try {
      return slash < 0 ? -1 : Long.parseLong(contentRange.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Checks a partial answer's body against this range: against the value's {@code total} size when the answer told it,
   * else against the range's own length when that is known. Short or long bodies are errors, never data.
   */
  public void checkBody(long bodyLength, long total, String key, String where) {
    long want = knownLength();
    if (total >= 0) {
      long[] se = resolve(total, key, where);
      want = se[1] - se[0];
    }
    if (want >= 0 && bodyLength != want) {
      throw new StoreException("'" + key + "' in " + where + ": " + httpHeader() + " gave " + bodyLength
          + " bytes, expected " + want);
    }
  }

  @Override
  public String toString() {
    return switch (form) {
      case BOUNDED -> "[" + a + ", " + b + ")";
      case FROM -> "[" + a + ", end)";
      case SUFFIX -> "[-" + a + ", end)";
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteRange r && r.form == form && r.a == a && r.b == b;
  }

  @Override
  public int hashCode() {
    return form.hashCode() * 31 + Long.hashCode(a) * 17 + Long.hashCode(b);
  }
}
