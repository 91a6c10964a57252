package dev.zarrjvm.backend;

import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.UnsupportedException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The backends on the classpath, found once with {@link ServiceLoader} (in the order of their services entries). A
 * new reader is one more package and one more line in {@code META-INF/services/dev.zarrjvm.backend.Backend}; nothing
 * here names an adapter.
 */
public final class Backends {
  private static final Map<String, Backend> ALL = load();

  private Backends() {}

  private static Map<String, Backend> load() {
    Map<String, Backend> out = new LinkedHashMap<>();
    for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
      out.putIfAbsent(b.name(), b);
    }
    return Collections.unmodifiableMap(out);
  }

  public static Map<String, Backend> all() {
    return ALL;
  }

  /** The usable backend called {@code name}; an unknown name lists the known ones. */
  public static Backend get(String name) {
    Backend b = ALL.get(name);
    if (b == null) {
      throw new InvalidArgumentException("unknown backend '" + name + "' (known: " + String.join(", ", ALL.keySet())
          + ")");
    }
    String why = b.unavailableReason();
    if (why != null) {
      throw new UnsupportedException("backend '" + name + "' is not usable: " + why);
    }
    return b;
  }
}
