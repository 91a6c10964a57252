package dev.zarrjvm.store;

import dev.zarrjvm.core.Json;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.errors.UnsupportedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens a {@link ByteStore} from the location string a user passed to {@code open_array}: a directory (or
 * {@code file://}), a {@code .zip} file (or {@code zip://path}), {@code http(s)://}, {@code s3://bucket/prefix}, or a
 * store the Python side opened and registered (fsspec filesystems; {@link #register}).
 */
public final class Stores {
  /** Location prefix of registered stores. */
  public static final String REGISTERED = "zarrjvm-store:";
  private static final Map<String, ByteStore> REGISTRY = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT = new AtomicLong();

  private Stores() {}

  /** {@link #open} with the storage options as JSON (how Python passes them). */
  public static ByteStore openJson(String location, String storageOptionsJson) {
    Map<String, Object> options = storageOptionsJson == null || storageOptionsJson.isBlank() ? Map.of()
        : Json.toMap(Json.parse(storageOptionsJson.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "storage_options"));
    return open(location, options);
  }

  public static ByteStore open(String location, Map<String, Object> options) {
    if (location == null || location.isEmpty()) {
      throw new ArrayNotFoundException("no store given");
    }
    if (location.startsWith(REGISTERED)) {
      ByteStore s = REGISTRY.get(location);
      if (s == null) {
        throw new StoreException("no store is registered as " + location);
      }
      return s;
    }
    int i = location.indexOf("://");
    String scheme = i > 0 ? location.substring(0, i).toLowerCase(Locale.ROOT) : "file";
    String rest = i > 0 ? location.substring(i + 3) : location;
    switch (scheme) {
      case "http", "https":
        return new HttpByteStore(location, options);
      case "s3":
        return new S3ByteStore(location, options);
      case "zip":
        new StorageOptions("zip", options).refuseUnknown();
        return new ZipByteStore(Paths.get(rest.startsWith("file://") ? rest.substring(7) : rest));
      case "file":
        new StorageOptions("file", options).refuseUnknown();
        return local(Paths.get(rest));
      default:
        throw new UnsupportedException("zarrjvm's Java side reads file, zip, http(s) and s3 stores; '" + scheme
            + "://' stores are read through fsspec from Python (zarrjvm.open_array with fsspec installed): "
            + location);
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

  /** Makes {@code store} openable as the returned location (until {@link #unregister}). */
  public static String register(ByteStore store) {
    String location = REGISTERED + NEXT.incrementAndGet();
    REGISTRY.put(location, store);
    return location;
  }

  public static void unregister(String location) {
    REGISTRY.remove(location);
  }
}
