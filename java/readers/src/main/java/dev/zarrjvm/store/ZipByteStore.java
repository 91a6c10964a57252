package dev.zarrjvm.store;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A Zarr store inside one {@code .zip} file, laid out as zarr-python's {@code ZipStore} writes it: every key is an
 * entry of that name (directory entries optional). A name written twice reads as its last entry, as Python's
 * {@code zipfile} (and so zarr-python) reads it. Read-only; entry names are never resolved as paths, so an entry
 * named "../x" is unreachable (keys are checked by {@link StoreKeys#checkKey}).
 */
public final class ZipByteStore implements ByteStore {
  private final Path file;
  private final ZipFile zip;
  /** Every entry name and every directory implied by one ("a/b/c" gives "a/" and "a/b/"), sorted. */
  private final TreeSet<String> names = new TreeSet<>();

  public ZipByteStore(Path file) {
    this.file = file.toAbsolutePath().normalize();
    if (!Files.exists(this.file)) {
      throw new ArrayNotFoundException("zip store does not exist: " + this.file);
    }
    if (!Files.isRegularFile(this.file)) {
      throw new StoreException("zip store is not a file: " + this.file);
    }
    try {
      this.zip = new ZipFile(this.file.toFile());
    } catch (IOException e) {
      throw new StoreException("cannot open " + this.file + " as a zip file: " + e, e);
    }
    Enumeration<? extends ZipEntry> en = zip.entries();
    while (en.hasMoreElements()) {
      String name = en.nextElement().getName();
      names.add(name);
      for (int i = name.indexOf('/'); i >= 0 && i < name.length() - 1; i = name.indexOf('/', i + 1)) {
        names.add(name.substring(0, i + 1));
      }
    }
  }

  @Override
  public Path localPath() {
    return file;
  }

  /** The entry holding {@code key}'s value, or null when absent (directories are not values). */
  private ZipEntry entry(String key) {
    StoreKeys.checkKey(key);
    if (key.isEmpty() || key.endsWith("/")) {
      return null;
    }
    try {
      ZipEntry e = zip.getEntry(key);
      return e == null || e.isDirectory() ? null : e;
    } catch (IllegalStateException e) {
      throw new StoreException("zip store " + file + " is closed", e);
    }
  }

  @Override
  public byte[] get(String key) {
    ZipEntry e = entry(key);
    if (e == null) {
      return null;
    }
    try (InputStream in = zip.getInputStream(e)) {
      byte[] b = in.readAllBytes();
      if (e.getSize() >= 0 && b.length != e.getSize()) {
        throw new StoreException("'" + key + "' in " + file + " gave " + b.length + " of " + e.getSize() + " bytes");
      }
      return b;
    } catch (IOException | IllegalStateException ex) {
      throw new StoreException("cannot read '" + key + "' in " + file + ": " + ex, ex);
    }
  }

  @Override
  public long size(String key) {
    ZipEntry e = entry(key);
    if (e == null) {
      return -1;
    }
    if (e.getSize() >= 0) {
      return e.getSize();
    }
    byte[] all = get(key);
    return all == null ? -1 : all.length;
  }

  @Override
  public byte[] getRange(String key, ByteRange range) {
    ZipEntry e = entry(key);
    if (e == null) {
      return null;
    }
    long size = e.getSize();
    if (size < 0) {
      byte[] all = get(key);
      return range.slice(all, key, describe());
    }
    long[] se = range.resolve(size, key, describe());
    try (InputStream in = zip.getInputStream(e)) {
      in.skipNBytes(se[0]); // stored entries seek; deflated ones decompress up to the start
      byte[] b = in.readNBytes((int) (se[1] - se[0]));
      if (b.length != se[1] - se[0]) {
        throw new StoreException("'" + key + "' in " + file + " ended early");
      }
      return b;
    } catch (IOException | IllegalStateException ex) {
      throw new StoreException("cannot read '" + key + "' in " + file + ": " + ex, ex);
    }
  }

  @Override
  public boolean exists(String key) {
    StoreKeys.checkKey(key);
    return names.contains(key) || names.contains(key + "/");
  }

  @Override
  public List<String> list(String prefix) {
    String p = prefix == null ? "" : prefix;
    StoreKeys.checkKey(p);
    List<String> out = new ArrayList<>();
    for (String n : names.tailSet(p, false)) {
      if (!n.startsWith(p)) {
        break;
      }
      String rest = n.substring(p.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        out.add(rest);
      } else if (slash == rest.length() - 1) {
        out.add(rest.substring(0, slash));
      }
    }
    return out;
  }

  @Override
  public String describe() {
    return "zip://" + file;
  }

  @Override
  public void close() {
    try {
      zip.close();
    } catch (IOException e) {
      throw new StoreException("cannot close " + file + ": " + e, e);
    }
  }
}
