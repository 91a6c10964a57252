package dev.zarrjvm.spark;

import dev.zarrjvm.errors.InvalidArgumentException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The options of {@code spark.read.format("zarr")}, checked once on the driver. Unknown names are refused so that a
 * typo
 * (say {@code array} for {@code arrays}) fails instead of silently reading something else.
 *
 * <ul>
 *   <li>{@code path} (what {@code load(path)} sets): the array, or the group when {@code arrays} is given;</li>
 *   <li>{@code arrays}: comma-separated names of same-shape arrays inside the group, one column each;</li>
 *   <li>{@code backend}: the zarrjvm backend ({@code zarr-java}, default; {@code jzarr} for Zarr v2);</li>
 *   <li>{@code chunksPerPartition}: chunks per Spark input partition (default 1).</li>
 * </ul>
 */
public final class ZarrOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String DEFAULT_BACKEND = "zarr-java";
  /** Lower-cased, since Spark's option names are case-insensitive. */
  static final Set<String> KNOWN = Set.of("path", "arrays", "backend", "chunksperpartition");

  /** The store location: the array itself, or the group holding {@link #arrays}. */
  public final String store;
  /** Array paths inside the store; empty when the store is the array itself (one column, {@code value}). */
  public final List<String> arrays;
  public final String backend;
  public final int chunksPerPartition;

  ZarrOptions(String store, List<String> arrays, String backend, int chunksPerPartition) {
    this.store = store;
    this.arrays = List.copyOf(arrays);
    this.backend = backend;
    this.chunksPerPartition = chunksPerPartition;
  }

  public static ZarrOptions parse(Map<String, String> options) {
    Map<String, String> o = new TreeMap<>();
    options.forEach((k, v) -> o.put(k.toLowerCase(Locale.ROOT), v));
    if (o.containsKey("paths")) {
      throw new InvalidArgumentException("zarr: load exactly one path (an array, or a group with option 'arrays')");
    }
    for (String k : o.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new InvalidArgumentException("zarr: unknown option '" + k
            + "' (known: path, arrays, backend, chunksPerPartition)");
      }
    }
    String path = o.get("path");
    if (path == null || path.isBlank()) {
      throw new InvalidArgumentException("zarr: no path given: spark.read.format(\"zarr\").load(path)");
    }
    List<String> arrays = new ArrayList<>();
    String a = o.get("arrays");
    if (a != null) {
      Set<String> seen = new LinkedHashSet<>();
      for (String part : a.split(",", -1)) {
        String name = part.strip();
        if (name.isEmpty()) {
          throw new InvalidArgumentException("zarr: option arrays='" + a + "' has an empty name");
        }
        if (!seen.add(name)) {
          throw new InvalidArgumentException("zarr: option arrays='" + a + "' names '" + name + "' twice");
        }
      }
      arrays.addAll(seen);
    }
    String backend = o.getOrDefault("backend", DEFAULT_BACKEND).strip();
    int per = 1;
    String p = o.get("chunksperpartition");
    if (p != null) {
      try {
        per = Integer.parseInt(p.strip());
      } catch (NumberFormatException e) {
        per = 0;
      }
      if (per < 1) {
        throw new InvalidArgumentException("zarr: chunksPerPartition must be a positive integer, got '" + p + "'");
      }
    }
    return new ZarrOptions(path, arrays, backend, per);
  }
}
