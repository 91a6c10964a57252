package dev.zarrjvm.store;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.UnsupportedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

/**
 * Opens the {@link ByteStore} for the location a user gave, once: a local directory or file (a path or
 * {@code file://}; a file that is a zip archive opens as a zip store), {@code zip://path}, {@code http(s)://} and
 * {@code s3://bucket/prefix}. Other schemes are read through fsspec on the Python side ({@link PythonByteStore}); which
 * schemes are Java's is {@link #SCHEMES}, the one list both sides use.
 */
public final class Stores {
  /** URL schemes zarrjvm's Java side opens itself; a location without a scheme is a local path. */
  public static final List<String> SCHEMES = List.of("file", "zip", "http", "https", "s3");

  private Stores() {}

  /** Whether {@link #open} takes {@code location} (a local path, or a URL of one of {@link #SCHEMES}). */
  public static boolean opens(String location) {
    String scheme = scheme(location);
    return scheme == null || SCHEMES.contains(scheme);
  }

  /** The lower-cased scheme of a URL ("s3" for "s3://b/k"), or null for a plain path. */
  public static String scheme(String location) {
    int i = location == null ? -1 : location.indexOf("://");
    return i > 0 ? location.substring(0, i).toLowerCase(Locale.ROOT) : null;
  }

  public static ByteStore open(String location, StorageOptions options) {
    if (location == null || location.isEmpty()) {
      throw new ArrayNotFoundException("no store given");
    }
    StorageOptions o = options == null ? StorageOptions.none() : options;
    String scheme = scheme(location);
    String rest = scheme == null ? location : location.substring(scheme.length() + 3);
    if (scheme == null) {
      scheme = "file";
    }
    switch (scheme) {
      case "http", "https":
        return new HttpByteStore(location, o.readBy("http"));
      case "s3":
        return new S3ByteStore(location, o.readBy("s3"));
      case "zip":
        o.readBy("zip").refuseUnknown();
        return new ZipByteStore(Paths.get(rest.startsWith("file://") ? rest.substring(7) : rest));
      case "file":
        o.readBy("file").refuseUnknown();
        return local(Paths.get(rest));
      default:
        throw new UnsupportedException("zarrjvm's Java side reads " + SCHEMES + " stores; '" + scheme + "://' stores "
            + "are read through fsspec from Python (zarrjvm.open_array with fsspec installed): " + location);
    }
  }

  private static ByteStore local(Path p) {
    if (!Files.exists(p)) {
      throw new ArrayNotFoundException("store does not exist: " + p.toAbsolutePath());
    }
    if (Files.isRegularFile(p) && isZip(p)) {
      return new ZipByteStore(p);
    }
    return new LocalByteStore(p);
  }

  /** A zip file starts with a local file header or, when empty, with the end of central directory record. */
  static boolean isZip(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && b[0] == 'P' && b[1] == 'K' && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
    } catch (IOException e) {
      return false;
    }
  }
}
