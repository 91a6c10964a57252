package dev.zarrjvm.spark;

import dev.zarrjvm.errors.InvalidArgumentException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The options of {@code spark.read.format("zarr")}, checked once on the driver. Unknown names are refused so that a
 * typo (say {@code array} for {@code arrays}) fails instead of silently reading something else. Names follow Spark's
 * file sources where they mean the same thing.
 *
 * <ul>
 *   <li>{@code path} / {@code paths} (what {@code load(path, ...)} sets; {@code location} from a catalog table): the
 *   stores (an array, or a group), Hadoop globs allowed;</li>
 *   <li>{@code arrays}: comma-separated names of same-shape arrays inside a group store, one column each (default for
 *   a group: every array of the group's largest rank that is not a coordinate);</li>
 *   <li>{@code backend}: the zarrjvm backend ({@code zarr-java}, default; {@code jzarr}; {@code netcdf-java});</li>
 *   <li>{@code maxPartitionBytes}: decoded bytes per input partition (default
 *   {@code spark.sql.files.maxPartitionBytes}, 128 MiB); {@code chunksPerPartition}: a fixed number of chunks per
 *   partition instead;</li>
 *   <li>{@code batchSize}: rows per columnar batch at most (a chunk is sliced along its outer dimension);</li>
 *   <li>{@code fileSystem}: {@code auto} (zarrjvm's stores for paths, {@code file:}, {@code http(s):}, {@code s3:};
 *   Hadoop's FileSystem for every other scheme), {@code hadoop} (Hadoop's for every path and URL but HTTP) or
 *   {@code zarrjvm};</li>
 *   <li>{@code storageOptions}: JSON of zarrjvm's storage options for its HTTP/S3 stores (endpoint_url, region, key,
 *   secret, anon, headers...); for {@code s3://} without it, the S3A settings of the Hadoop configuration are
 *   used;</li>
 *   <li>{@code coordinates}: {@code true} (default) puts 1-D coordinate variables of a group in place of the index
 *   column of their dimension;</li>
 *   <li>{@code maskAndScale}: {@code true} applies CF {@code _FillValue}/{@code missing_value} (→ null) and
 *   {@code scale_factor}/{@code add_offset} (→ double); default false (raw values);</li>
 *   <li>{@code pathGlobFilter}: only stores whose name matches this glob; {@code recursiveFileLookup} is refused
 *   (a store is a directory tree already).</li>
 * </ul>
 * Options starting with {@code fs.} go to the Hadoop configuration of this read, as with Spark's file sources.
 */
public final class ZarrOptions implements Serializable {
  private static final long serialVersionUID = 2L;
  public static final String DEFAULT_BACKEND = "zarr-java";
  public static final int DEFAULT_BATCH_SIZE = 1 << 22;
  /** Lower-cased, since Spark's option names are case-insensitive. */
  static final Set<String> KNOWN = Set.of("path", "paths", "location", "arrays", "backend", "chunksperpartition",
      "maxpartitionbytes", "batchsize", "filesystem", "storageoptions", "coordinates", "maskandscale",
      "pathglobfilter");
  /** What a catalog puts in a table's properties besides its location; not options of the source. */
  static final Set<String> CATALOG = Set.of("provider", "owner", "external", "is_managed_location", "comment",
      "__v1_options");

  public enum FileSystemChoice { AUTO, HADOOP, ZARRJVM }

  /** The stores as given (not yet qualified or globbed). */
  public final List<String> paths;
  /** Array paths inside the store; empty: the store is the array, or a group read whole. */
  public final List<String> arrays;
  public final String backend;
  /** 0 when not given (partitions are then sized by bytes). */
  public final int chunksPerPartition;
  /** -1 when not given (Spark's spark.sql.files.maxPartitionBytes then). */
  public final long maxPartitionBytes;
  public final int batchSize;
  public final FileSystemChoice fileSystem;
  /** JSON, or null. */
  public final String storageOptions;
  public final boolean coordinates;
  public final boolean maskAndScale;
  public final String pathGlobFilter;
  /** The {@code fs.*} options, for the Hadoop configuration. */
  public final Map<String, String> hadoop;

  private ZarrOptions(Map<String, String> o, List<String> paths, List<String> arrays) {
    this.paths = List.copyOf(paths);
    this.arrays = List.copyOf(arrays);
    this.backend = o.getOrDefault("backend", DEFAULT_BACKEND).strip();
    String per = o.get("chunksperpartition");
    this.chunksPerPartition = per == null ? 0 : (int) positive("chunksPerPartition", per, Integer.MAX_VALUE);
    String mpb = o.get("maxpartitionbytes");
    this.maxPartitionBytes = mpb == null ? -1 : positive("maxPartitionBytes", mpb, Long.MAX_VALUE);
    String bs = o.get("batchsize");
    this.batchSize = bs == null ? DEFAULT_BATCH_SIZE : (int) positive("batchSize", bs, Integer.MAX_VALUE);
    String fs = o.getOrDefault("filesystem", "auto").strip().toUpperCase(Locale.ROOT);
    try {
      this.fileSystem = FileSystemChoice.valueOf(fs);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("zarr: option fileSystem must be auto, hadoop or zarrjvm, got '"
          + o.get("filesystem") + "'");
    }
    String so = o.get("storageoptions");
    this.storageOptions = so == null || so.isBlank() ? null : so;
    this.coordinates = bool(o, "coordinates", true);
    this.maskAndScale = bool(o, "maskAndScale", false);
    this.pathGlobFilter = o.get("pathglobfilter");
    Map<String, String> h = new LinkedHashMap<>();
    o.forEach((k, v) -> {
      if (k.startsWith("fs.")) {
        h.put(k, v);
      }
    });
    this.hadoop = Map.copyOf(h);
  }

  /** The first path (for messages and names). */
  public String store() {
    return paths.get(0);
  }

  public static ZarrOptions parse(Map<String, String> options) {
    Map<String, String> o = new TreeMap<>();
    Map<String, String> original = new TreeMap<>();
    options.forEach((k, v) -> {
      // a catalog table keeps its OPTIONS (...) as "option.<name>" properties
      String key = k.regionMatches(true, 0, "option.", 0, 7) ? k.substring(7) : k;
      o.put(key.toLowerCase(Locale.ROOT), v);
      original.put(key.toLowerCase(Locale.ROOT), key);
    });
    for (String k : o.keySet()) {
      if (k.equals("recursivefilelookup")) {
        if (bool(o, "recursiveFileLookup", false)) {
          throw new InvalidArgumentException("zarr: recursiveFileLookup is not supported: a store is a directory "
              + "tree already; name the stores (globs allowed), or a group with option arrays");
        }
        continue;
      }
      if (!KNOWN.contains(k) && !CATALOG.contains(k) && !k.startsWith("fs.")) {
        throw new InvalidArgumentException("zarr: unknown option '" + original.get(k) + "' (known: path, arrays, "
            + "backend, maxPartitionBytes, chunksPerPartition, batchSize, fileSystem, storageOptions, coordinates, "
            + "maskAndScale, pathGlobFilter, fs.*)");
      }
    }
    List<String> paths = new ArrayList<>();
    String path = o.get("path");
    if (path == null || path.isBlank()) {
      path = o.get("location");
    }
    if (path != null && !path.isBlank()) {
      paths.add(path);
    }
    String many = o.get("paths");
    if (many != null && !many.isBlank()) {
      paths.addAll(jsonStrings(many));
    }
    if (paths.isEmpty()) {
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
    return new ZarrOptions(o, paths, arrays);
  }

  private static long positive(String name, String v, long max) {
    long n;
    try {
      n = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1 || n > max) {
      throw new InvalidArgumentException("zarr: " + name + " must be a positive integer"
          + (max < Long.MAX_VALUE ? " up to " + max : "") + ", got '" + v + "'");
    }
    return n;
  }

  /** Option {@code name} (looked up lower-cased, as the options are kept): strictly true or false. */
  private static boolean bool(Map<String, String> o, String name, boolean dflt) {
    String v = o.get(name.toLowerCase(Locale.ROOT));
    if (v == null) {
      return dflt;
    }
    String s = v.strip().toLowerCase(Locale.ROOT);
    if (!s.equals("true") && !s.equals("false")) {
      throw new InvalidArgumentException("zarr: option " + name + " must be true or false, got '" + v + "'");
    }
    return s.equals("true");
  }

  /** Spark passes {@code load(a, b)} as the JSON array {@code ["a","b"]}. */
  static List<String> jsonStrings(String json) {
    try {
      String[] v = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String[].class);
      return List.of(v);
    } catch (Exception e) {
      throw new InvalidArgumentException("zarr: option paths must be a JSON array of strings, got " + json);
    }
  }
}
