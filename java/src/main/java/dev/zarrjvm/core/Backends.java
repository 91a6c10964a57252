package dev.zarrjvm.core;

import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.jzarr.JzarrBackend;
import dev.zarrjvm.netcdf.NetcdfBackend;
import dev.zarrjvm.zarrjava.ZarrJavaBackend;
import java.util.LinkedHashMap;
import java.util.Map;

/** The backends this build carries, by name. A new reader is one more adapter registered here. */
public final class Backends {
  private static final Map<String, Backend> ALL = new LinkedHashMap<>();

  static {
    for (Backend b : new Backend[] {new ZarrJavaBackend(), new JzarrBackend(), new NetcdfBackend()}) {
      ALL.put(b.name(), b);
    }
  }

  private Backends() {}

  public static Map<String, Backend> all() {
    return ALL;
  }

  public static Backend get(String name) {
    Backend b = ALL.get(name);
    if (b == null) {
      throw new UnsupportedException("unknown backend '" + name + "' (known: " + ALL.keySet() + ")");
    }
    String why = b.unavailableReason();
    if (why != null) {
      throw new UnsupportedException("backend '" + name + "' is not usable: " + why);
    }
    return b;
  }
}
