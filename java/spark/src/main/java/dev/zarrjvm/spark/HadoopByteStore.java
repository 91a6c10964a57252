package dev.zarrjvm.spark;

import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.store.ByteRange;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreKeys;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A store on any Hadoop {@link FileSystem} ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code gs://},
 * {@code file:}...), with the credentials and endpoints of the SparkSession's Hadoop configuration. Keys are checked by
 * {@link StoreKeys#checkKey} so they stay under the root. A missing file is an absent key; any other I/O failure is a
 * {@link StoreException} naming the file. The FileSystem instance is Hadoop's cached one: not closed here.
 */
final class HadoopByteStore implements ByteStore {
  private final Path root;
  private final FileSystem fs;
  private final String describe;

  HadoopByteStore(String location, Configuration conf) {
    try {
      Path p = new Path(location);
      this.fs = p.getFileSystem(conf);
      this.root = fs.makeQualified(p);
      this.describe = root.toString();
    } catch (IOException | RuntimeException e) {
      throw new StoreException("cannot open the Hadoop file system of " + location + ": " + e, e);
    }
  }

  private Path path(String key) {
    StoreKeys.checkKey(key);
    return key.isEmpty() ? root : new Path(root, key);
  }

  private StoreException failed(String what, String key, Exception e) {
    return new StoreException(what + " " + path(key) + " failed: " + e, e);
  }

  @Override
  public byte[] get(String key) {
    try (FSDataInputStream in = fs.open(path(key))) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      if (isDirectory(key)) {
        return null;
      }
      throw failed("reading", key, e);
    }
  }

  private boolean isDirectory(String key) {
    try {
      return fs.getFileStatus(path(key)).isDirectory();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    Sized s = getRangeSized(key, range);
    return s == null ? null : s.bytes();
  }

  @Override
  public Sized getRangeSized(String key, ByteRange range) {
    long size = size(key);
    if (size < 0) {
      return null;
    }
    long[] se = range.resolve(size, key, describe);
    byte[] b = new byte[(int) (se[1] - se[0])];
    if (b.length == 0) {
      return new Sized(b, size);
    }
    try (FSDataInputStream in = fs.open(path(key))) {
      in.readFully(se[0], b);
      return new Sized(b, size);
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw failed("reading " + range + " of", key, e);
    }
  }

  @Override
  public boolean exists(String key) {
    return size(key) >= 0;
  }

  @Override
  public long size(String key) {
    try {
      FileStatus st = fs.getFileStatus(path(key));
      return st.isDirectory() ? -1 : st.getLen();
    } catch (FileNotFoundException e) {
      return -1;
    } catch (IOException e) {
      throw failed("looking up", key, e);
    }
  }

  @Override
  public List<String> list(String prefix) {
    Path dir = prefix.isEmpty() ? root : path(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    try {
      List<String> out = new ArrayList<>();
      for (FileStatus st : fs.listStatus(dir)) {
        out.add(st.getPath().getName());
      }
      out.sort(null);
      return out;
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw failed("listing", prefix, e);
    }
  }

  /** A file on Hadoop's local file system is a local file (NetCDF readers open it directly). */
  @Override
  public java.nio.file.Path localFile() {
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      try {
        if (fs.getFileStatus(root).isFile()) {
          return Paths.get(URI.create(root.toUri().toString()));
        }
      } catch (IOException e) {
        return null;
      }
    }
    return null;
  }

  @Override
  public String describe() {
    return describe;
  }

  /** An open stream of a whole value (for tests). */
  InputStream open(String key) throws IOException {
    return fs.open(path(key));
  }
}
