package dev.zarrjvm.spark;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StorageOptions;
import dev.zarrjvm.store.Stores;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.Path;

/**
 * Where one store of a table is, qualified on the driver so that every executor reads the same thing: a local path is
 * made absolute (an executor's working directory is another), a Hadoop path is qualified by its file system. Which
 * store type reads it is decided here, once: zarrjvm's stores (local, zip, HTTP, S3) or Hadoop's {@link FileSystem}
 * ({@link HadoopByteStore}) for every scheme zarrjvm has no store for, or for all but HTTP with
 * {@code fileSystem=hadoop}.
 */
final class StoreSpec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String GLOB_CHARS = "*?[{";

  /** The qualified location: an absolute path, a URL zarrjvm opens, or a qualified Hadoop path. */
  final String location;
  final boolean hadoop;
  /** zarrjvm's storage options as JSON (HTTP/S3), or null. */
  final String storageOptions;

  private StoreSpec(String location, boolean hadoop, String storageOptions) {
    this.location = location;
    this.hadoop = hadoop;
    this.storageOptions = storageOptions;
  }

  /** Opens the store (executor or driver); {@code conf} is needed for Hadoop stores only. */
  ByteStore open(Configuration conf) {
    if (hadoop) {
      if (conf == null) {
        throw new StoreException("zarr: no Hadoop configuration to open " + location);
      }
      return new HadoopByteStore(location, conf);
    }
    return Stores.open(location, storageOptions == null ? StorageOptions.none() : StorageOptions.parse(
        storageOptions));
  }

  /** The last path element (the store's name), for the {@code _metadata.file_name} column. */
  String name() {
    String s = location.replaceAll("/+$", "");
    int i = s.lastIndexOf('/');
    return i < 0 ? s : s.substring(i + 1);
  }

  /** The stores {@code given} names, in order: globs expanded (with Hadoop's glob syntax), filtered by name. */
  static List<StoreSpec> resolve(List<String> given, ZarrOptions o, Configuration conf) {
    List<StoreSpec> out = new ArrayList<>();
    GlobFilter filter = null;
    if (o.pathGlobFilter != null) {
      try {
        filter = new GlobFilter(o.pathGlobFilter);
      } catch (IOException e) {
        throw new InvalidArgumentException("zarr: pathGlobFilter '" + o.pathGlobFilter + "' is not a glob: " + e);
      }
    }
    for (String g : given) {
      // a catalog's LOCATION comes as Hadoop writes a local URI: file:/path
      String p = g.startsWith("file:/") && !g.startsWith("file://") ? "file://" + g.substring(5) : g;
      String scheme = Stores.scheme(p);
      boolean http = "http".equals(scheme) || "https".equals(scheme);
      boolean hadoop = !http && (o.fileSystem == ZarrOptions.FileSystemChoice.HADOOP
          || (o.fileSystem == ZarrOptions.FileSystemChoice.AUTO && usesHadoop(scheme, conf)));
      String storage = o.storageOptions;
      if (!hadoop && storage == null && "s3".equals(scheme)) {
        storage = s3FromHadoop(conf);
      }
      List<String> expanded = hadoop ? hadoopGlob(p, conf) : localGlob(p, scheme, conf);
      if (expanded.isEmpty()) {
        throw new ArrayNotFoundException("zarr: no store matches " + p);
      }
      for (String e : expanded) {
        if (filter != null && !filter.accept(new Path(e.replaceAll("/+$", "")))) {
          continue;
        }
        out.add(new StoreSpec(e, hadoop, storage));
      }
    }
    if (out.isEmpty()) {
      throw new ArrayNotFoundException("zarr: no store of " + given + " passes pathGlobFilter '" + o.pathGlobFilter
          + "'");
    }
    return out;
  }

  /** Schemes zarrjvm has no store for go to Hadoop; so does a plain path when Hadoop's default file system is not
   * the local one (a cluster's {@code fs.defaultFS=hdfs://...}). */
  private static boolean usesHadoop(String scheme, Configuration conf) {
    if (scheme == null) {
      String dflt = conf == null ? "file:///" : conf.get("fs.defaultFS", "file:///");
      return !dflt.startsWith("file:");
    }
    return !Stores.SCHEMES.contains(scheme.toLowerCase(Locale.ROOT));
  }

  static boolean isGlob(String p) {
    for (char c : GLOB_CHARS.toCharArray()) {
      if (p.indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static List<String> hadoopGlob(String p, Configuration conf) {
    try {
      Path path = new Path(p);
      FileSystem fs = path.getFileSystem(conf);
      if (!isGlob(p)) {
        return List.of(fs.makeQualified(path).toString());
      }
      FileStatus[] hits = fs.globStatus(path);
      List<String> out = new ArrayList<>();
      if (hits != null) {
        for (FileStatus st : hits) {
          out.add(st.getPath().toString());
        }
      }
      out.sort(null);
      return out;
    } catch (IOException | RuntimeException e) {
      throw new StoreException("zarr: cannot resolve " + p + " on its Hadoop file system: " + e, e);
    }
  }

  /** zarrjvm's stores: a local path becomes absolute (and its globs expanded); URLs stay as they are. */
  private static List<String> localGlob(String p, String scheme, Configuration conf) {
    boolean file = scheme == null || scheme.equals("file");
    if (!file) {
      if (isGlob(p) && !scheme.startsWith("http")) {
        throw new InvalidArgumentException("zarr: globs are expanded for local and Hadoop paths, not " + scheme
            + "://: " + p + " (use fileSystem=hadoop with an s3a:// path, or list the stores)");
      }
      return List.of(p);
    }
    String local = scheme == null ? p : p.substring("file://".length());
    String abs = Paths.get(local).toAbsolutePath().normalize().toString();
    if (!isGlob(local)) {
      return List.of(abs);
    }
    try {
      FileSystem fs = FileSystem.getLocal(conf == null ? new Configuration() : conf);
      FileStatus[] hits = fs.globStatus(new Path(Paths.get(local).toAbsolutePath().toString()));
      List<String> out = new ArrayList<>();
      if (hits != null) {
        for (FileStatus st : hits) {
          out.add(Paths.get(st.getPath().toUri()).toString());
        }
      }
      out.sort(null);
      return out;
    } catch (IOException e) {
      throw new StoreException("zarr: cannot expand " + p + ": " + e, e);
    }
  }

  /**
   * zarrjvm's S3 store for {@code s3://} takes its endpoint, region and credentials from the S3A settings a Spark user
   * already has ({@code spark.hadoop.fs.s3a.endpoint}, {@code .access.key}, {@code .secret.key},
   * {@code .session.token}, {@code .endpoint.region}, {@code .path.style.access}); null when none is set.
   */
  static String s3FromHadoop(Configuration conf) {
    if (conf == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    String endpoint = conf.getTrimmed("fs.s3a.endpoint");
    if (endpoint != null && !endpoint.isEmpty()) {
      m.put("endpoint_url", endpoint.contains("://") ? endpoint : "https://" + endpoint);
    }
    putIfSet(m, "key", conf.getTrimmed("fs.s3a.access.key"));
    putIfSet(m, "secret", conf.getTrimmed("fs.s3a.secret.key"));
    putIfSet(m, "token", conf.getTrimmed("fs.s3a.session.token"));
    putIfSet(m, "region", conf.getTrimmed("fs.s3a.endpoint.region"));
    String ps = conf.getTrimmed("fs.s3a.path.style.access");
    if (ps != null && !ps.isEmpty()) {
      m.put("path_style", Boolean.parseBoolean(ps));
    }
    if (m.isEmpty()) {
      return null;
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
    } catch (IOException e) {
      throw new StoreException("zarr: cannot write the S3 options: " + e, e);
    }
  }

  private static void putIfSet(Map<String, Object> m, String k, String v) {
    if (v != null && !v.isEmpty()) {
      m.put(k, v);
    }
  }

  @Override
  public String toString() {
    return location;
  }
}
