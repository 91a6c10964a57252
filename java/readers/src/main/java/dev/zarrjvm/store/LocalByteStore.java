package dev.zarrjvm.store;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory on the local filesystem, opened read-only — or one local file (a NetCDF/HDF5 file), whose bytes are the
 * value of the empty key. Keys that resolve (through symlinks) outside the root are refused, a directory where a value
 * should be is an error, and short reads are errors.
 */
public final class LocalByteStore implements ByteStore {
  /** The largest value one read returns: a Java byte array's limit. */
  static final long MAX_VALUE_BYTES = Integer.MAX_VALUE - 16;

  /** How many directories' real paths a store remembers (one per chunk directory of a nested key space). */
  private static final int MAX_REAL_DIRS = 4096;

  private final Path root;
  private final Path realRoot;
  /** Directories inside the store (as keys resolve them) → their real paths, checked inside {@link #realRoot}. */
  private final java.util.concurrent.ConcurrentHashMap<Path, Path> realDirs =
      new java.util.concurrent.ConcurrentHashMap<>();

  public LocalByteStore(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    if (!Files.exists(abs)) {
      throw new ArrayNotFoundException("store does not exist: " + abs);
    }
    if (!Files.isDirectory(abs) && !Files.isRegularFile(abs)) {
      throw new StoreException("store is neither a directory nor a regular file: " + abs);
    }
    this.root = abs;
    try {
      this.realRoot = abs.toRealPath();
    } catch (IOException e) {
      throw new StoreException("cannot resolve store " + abs + ": " + e, e);
    }
  }

  @Override
  public Path localPath() {
    return root;
  }

  @Override
  public Path localFile() {
    return Files.isRegularFile(root) ? root : null;
  }

  /** A key's real path, and its attributes when the key itself is not a symbolic link (else null). */
  private record Found(Path real, BasicFileAttributes attrs) {
  }

  /**
   * The real path for {@code key}, or null when it does not exist; refuses anything that resolves outside the root. A
   * key that is not itself a link in a directory already resolved costs one {@code lstat}: the directory's real path
   * is remembered (a chunk read used to resolve every path component again with {@code realpath}).
   */
  private Found find(String key) {
    Path p = root.resolve(StoreKeys.checkKey(key)).normalize();
    if (!p.startsWith(root)) {
      throw new StoreException("key '" + key + "' resolves outside the store " + root);
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (java.nio.file.FileSystemException e) {
      if ("Not a directory".equals(e.getReason())) {
        return null; // a key below a file (a one-file store's root, or a value where a group was looked for)
      }
      throw new StoreException("cannot resolve '" + key + "' in " + root + ": " + e, e);
    } catch (IOException e) {
      throw new StoreException("cannot resolve '" + key + "' in " + root + ": " + e, e);
    }
    Path parent = p.getParent();
    if (!a.isSymbolicLink() && parent != null) {
      Path realParent = realDirs.get(parent);
      if (realParent != null) {
        return new Found(realParent.resolve(p.getFileName()), a);
      }
    }
    try {
      Path real = p.toRealPath();
      if (!real.startsWith(realRoot)) {
        throw new StoreException("key '" + key + "' is a link to " + real + ", outside the store " + realRoot);
      }
      if (!a.isSymbolicLink() && parent != null && real.getParent() != null && realDirs.size() < MAX_REAL_DIRS) {
        realDirs.putIfAbsent(parent, real.getParent());
      }
      return new Found(real, a.isSymbolicLink() ? null : a);
    } catch (NoSuchFileException e) {
      return null; // a dangling link points nowhere: the key is absent
    } catch (IOException e) {
      throw new StoreException("cannot resolve '" + key + "' in " + root + ": " + e, e);
    }
  }

  /** The file for {@code key}, or null when it does not exist; refuses anything that resolves outside the root. */
  private Path resolve(String key) {
    Found f = find(key);
    return f == null ? null : f.real();
  }

  /**
   * The regular file behind {@code key}, or null when absent. A directory, a FIFO, a device or a socket where a value
   * should be is an error (reading a FIFO would block forever).
   */
  private Path resolveFile(String key) {
    Found f = find(key);
    if (f == null) {
      return null;
    }
    Path p = f.real();
    if (f.attrs() != null ? f.attrs().isDirectory() : Files.isDirectory(p)) {
      throw new StoreException("'" + key + "' in " + root + " is a directory where a file is expected");
    }
    if (!(f.attrs() != null ? f.attrs().isRegularFile() : Files.isRegularFile(p))) {
      throw new StoreException("'" + key + "' in " + root + " is not a regular file (a FIFO, device or socket?)");
    }
    return p;
  }

  @Override
  public long size(String key) {
    Path p = resolveFile(key);
    if (p == null) {
      return -1;
    }
    try {
      return Files.size(p);
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw new StoreException("cannot stat '" + key + "' in " + root + ": " + e, e);
    }
  }

  @Override
  public byte[] get(String key) {
    Path p = resolveFile(key);
    if (p == null) {
      return null;
    }
    try {
      long size = Files.size(p);
      if (size > MAX_VALUE_BYTES) {
        throw new StoreException("'" + key + "' in " + root + " has " + size + " bytes, more than one Java array "
            + "holds (" + MAX_VALUE_BYTES + ")");
      }
      return Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StoreException("cannot read '" + key + "' in " + root + ": " + e, e);
    }
  }

  @Override
  public long readInto(String key, ByteBuffer dst) {
    Path p = resolveFile(key);
    if (p == null) {
      return -1;
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == dst.remaining()) {
        readFully(ch, dst.duplicate(), key, size);
      }
      return size;
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw new StoreException("cannot read '" + key + "' in " + root + ": " + e, e);
    }
  }

  /**
   * One resolution and one open per value: the size from the open file sizes the caller's memory, and the bytes are
   * read straight into it (a value changing size meanwhile cannot be read at a size taken before it was opened).
   */
  @Override
  public long readDirect(String key, java.util.function.IntFunction<ByteBuffer> allocate) {
    Path p = resolveFile(key);
    if (p == null) {
      return -1;
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > MAX_VALUE_BYTES) {
        throw new StoreException("'" + key + "' in " + root + " has " + size + " bytes, more than one Java array "
            + "holds (" + MAX_VALUE_BYTES + ")");
      }
      readFully(ch, allocate.apply((int) size).duplicate(), key, size);
      return size;
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw new StoreException("cannot read '" + key + "' in " + root + ": " + e, e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer d, String key, long size) throws IOException {
    long pos = 0;
    while (d.hasRemaining()) {
      int n = ch.read(d, pos);
      if (n < 0) {
        throw new StoreException("'" + key + "' ended after " + pos + " of " + size + " bytes");
      }
      pos += n;
    }
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    Path p = resolveFile(key);
    if (p == null) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long[] se = range.resolve(ch.size(), key, root.toString());
      long s = se[0];
      long e = se[1];
      ByteBuffer buf = ByteBuffer.allocate((int) (e - s));
      long pos = s;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new StoreException("'" + key + "' ended after " + pos + " of " + e + " bytes");
        }
        pos += n;
      }
      return buf.array();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StoreException("cannot read '" + key + "' in " + root + ": " + e, e);
    }
  }

  @Override
  public boolean exists(String key) {
    return resolve(key) != null;
  }

  @Override
  public List<String> list(String prefix) {
    Path dir = prefix == null || prefix.isEmpty() ? realRoot : resolve(prefix.endsWith("/")
        ? prefix.substring(0, prefix.length() - 1) : prefix);
    List<String> out = new ArrayList<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(this::insideStore).forEach(p -> out.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new StoreException("cannot list '" + prefix + "' in " + root + ": " + e, e);
    }
    out.sort(null);
    return out;
  }

  /**
   * Whether a listed entry is reachable as a key: links that point outside the store, or nowhere, are left out of
   * listings (reading them by name is still refused with a clear error), so one bad link does not break a group.
   */
  private boolean insideStore(Path p) {
    if (!Files.isSymbolicLink(p)) {
      return true;
    }
    try {
      return p.toRealPath().startsWith(realRoot);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String describe() {
    return root.toString();
  }
}
