package dev.zarrjvm.store;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.UnsupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/** Opens a {@link ByteStore} from the location string a user passed to {@code open_array}. */
public final class Stores {
  private Stores() {}

  public static ByteStore open(String location, Map<String, Object> options) {
    if (location == null || location.isEmpty()) {
      throw new ArrayNotFoundException("no store given");
    }
    int scheme = location.indexOf("://");
    if (scheme > 0) {
      String s = location.substring(0, scheme);
      if (!s.equals("file")) {
        throw new UnsupportedException("stores of scheme '" + s + "' are not supported yet: " + location);
      }
      location = location.substring(scheme + 3);
    }
    Path p = Paths.get(location);
    if (!Files.exists(p)) {
      throw new ArrayNotFoundException("store does not exist: " + p.toAbsolutePath());
    }
    return new LocalByteStore(p);
  }
}
