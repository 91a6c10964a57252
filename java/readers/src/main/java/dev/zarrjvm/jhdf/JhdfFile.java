package dev.zarrjvm.jhdf;

import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.errors.ZarrJvmException;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreFile;
import dev.zarrjvm.store.StoreFileChannel;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.jhdf.exceptions.UnsupportedHdfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One open {@link HdfFile} per file, shared by a group, every member opened through it, and every array opened on the
 * same file while another holder has it open (one superblock and object-header parse for all of them); closed when
 * the last holder closes its {@link Handle}. A file rewritten in between (another size or modification time) is opened
 * afresh. jHDF reads through a {@code FileChannel} with positional reads, so holders read concurrently.
 */
final class JhdfFile {
  /** A local file by its real path, size and time; a remote file by the open store it is read through. */
  private record Key(Object file, long size, long modified) {}

  /** Files opened (superblock and root read) since the JVM started. */
  static final java.util.concurrent.atomic.AtomicLong OPENED = new java.util.concurrent.atomic.AtomicLong();
  /** The files open now. */
  private static final java.util.Map<Key, JhdfFile> OPEN = new java.util.HashMap<>(); // guarded by itself

  final HdfFile hdf;
  /** Where the file is, for messages: a local path or the store's URL. */
  final String path;
  /** Whether the file is read through a remote store (its chunk reads then mostly wait for the network). */
  final boolean remote;
  /** Whether the file is NetCDF-4 (netCDF-C's {@code _NCProperties} on the root, or its dimension scales). */
  final boolean netcdf4;
  private final Key key;
  private int holders = 1; // guarded by OPEN
  /** Object header address of every dataset, to its name: what HDF5 object references point at. Built once. */
  private java.util.Map<Long, String> names; // guarded by this

  private JhdfFile(HdfFile hdf, String path, Key key) {
    this.hdf = hdf;
    this.path = path;
    this.key = key;
    this.remote = !(key.file() instanceof Path);
    this.netcdf4 = hdf.getAttributes().containsKey("_NCProperties") || hdf.getAttributes().containsKey("_nc3_strict");
  }

  /**
   * The name of the dataset whose object header is at {@code address} (an HDF5 object reference), or null. The first
   * call walks the file's groups once (links are not followed).
   */
  synchronized String nameAt(long address) {
    if (names == null) {
      names = new java.util.HashMap<>();
      collect(hdf, names, 0);
    }
    return names.get(address);
  }

  private static void collect(Group g, java.util.Map<Long, String> out, int depth) {
    if (depth > 64) {
      return;
    }
    for (Node n : g.getChildren().values()) {
      if (n.isLink()) {
        continue;
      }
      if (n instanceof Group sub) {
        collect(sub, out, depth + 1);
      } else {
        out.putIfAbsent(n.getAddress(), n.getName());
      }
    }
  }

  /** {@code netcdf4} for a NetCDF-4 file, {@code hdf5} for any other HDF5 file. */
  /**
   * Fills {@code dst} from the file at HDF5 address {@code address} (after any user block) with positional reads;
   * {@code what} names the data in the error when the file ends first.
   */
  void readFully(long address, java.nio.ByteBuffer dst, String what) throws java.io.IOException {
    java.nio.channels.FileChannel ch = hdf.getHdfBackingStorage().getFileChannel();
    long pos = hdf.getUserBlockSize() + address;
    int start = dst.position();
    while (dst.hasRemaining()) {
      if (ch.read(dst, pos + dst.position() - start) < 0) {
        throw new java.io.EOFException("jhdf: " + path + " ends before the data of " + what + " (truncated file)");
      }
    }
  }

  String format() {
    return netcdf4 ? "netcdf4" : "hdf5";
  }

  /** A holder's share of the open file; closing it twice is harmless. */
  final class Handle implements AutoCloseable {
    private boolean closed;

    JhdfFile file() {
      return JhdfFile.this;
    }

    /** Another share of the same file, for a member opened through a group. */
    Handle retain() {
      synchronized (OPEN) {
        if (closed) {
          throw new IllegalStateException("retain after close");
        }
        holders++;
        return new Handle();
      }
    }

    @Override
    public void close() {
      synchronized (OPEN) {
        if (closed) {
          return;
        }
        closed = true;
        if (--holders > 0) {
          return;
        }
        OPEN.remove(key, JhdfFile.this);
      }
      closeFile(hdf);
    }
  }

  /** A handle on the HDF5 file a store was opened on, opened unless another holder has it open already. */
  static Handle open(ByteStore store) {
    Path p = file(store);
    StoreFile remote = p == null ? StoreFile.open(store) : null;
    Key key;
    if (remote != null) {
      key = new Key(store, remote.size(), 0);
    } else {
      try {
        Path real = p.toRealPath();
        key = new Key(real, Files.size(real), Files.getLastModifiedTime(real).toMillis());
      } catch (IOException e) {
        throw new StoreException("jhdf cannot open " + p + ": " + e, e);
      }
    }
    synchronized (OPEN) {
      JhdfFile open = OPEN.get(key);
      if (open != null) {
        open.holders++;
        return open.new Handle();
      }
    }
    JhdfFile mine = remote != null ? openRemote(remote, key) : openFile(p, key);
    Handle theirs;
    synchronized (OPEN) {
      JhdfFile open = OPEN.get(key);
      if (open == null) { // the first: later openers share it
        OPEN.put(key, mine);
        return mine.new Handle();
      }
      open.holders++; // another thread opened it meanwhile: share theirs
      theirs = open.new Handle();
    }
    closeFile(mine.hdf);
    return theirs;
  }

  private static JhdfFile openFile(Path p, Key key) {
    byte[] head;
    try (InputStream in = Files.newInputStream(p)) {
      head = in.readNBytes(4);
    } catch (IOException e) {
      throw new StoreException("jhdf cannot open " + p + ": " + e, e);
    }
    refuseOtherFormats(head, p.toString());
    OPENED.incrementAndGet();
    HdfFile hdf;
    try {
      hdf = new HdfFile(p);
    } catch (HdfException e) {
      Throwable root = ZarrJvmException.rootCause(e);
      if (Errors.resourceExhaustion(e) != null || root instanceof IOException
          || root instanceof UnsupportedHdfException) {
        throw translate(e, Errors.Phase.OPEN, "jhdf opening " + p);
      }
      throw new MetadataException("jhdf cannot read " + p + " as HDF5: " + describe(e), e);
    }
    return root(hdf, p.toString(), key);
  }

  /**
   * A file read through a remote store (HTTP, S3, fsspec): jHDF reads it through a {@link StoreFileChannel}, which
   * answers its reads from the store file's block cache (positional reads, concurrent).
   */
  private static JhdfFile openRemote(StoreFile f, Key key) {
    String where = f.describe();
    refuseOtherFormats(f.readFully(0, (int) Math.min(4, f.size())), where);
    OPENED.incrementAndGet();
    HdfFile hdf;
    try {
      hdf = new HdfFile(new StoreFileChannel(f));
    } catch (HdfException e) {
      Throwable root = ZarrJvmException.rootCause(e);
      if (root instanceof ZarrJvmException z) { // the store failed (HTTP error, network)
        throw z;
      }
      if (Errors.resourceExhaustion(e) != null || root instanceof IOException
          || root instanceof UnsupportedHdfException) {
        throw translate(e, Errors.Phase.OPEN, "jhdf opening " + where);
      }
      throw new MetadataException("jhdf cannot read " + where + " as HDF5: " + describe(e), e);
    }
    return root(hdf, where, key);
  }

  private static JhdfFile root(HdfFile hdf, String p, Key key) {
    try {
      return new JhdfFile(hdf, p, key);
    } catch (RuntimeException | Error e) {
      closeFile(hdf);
      throw translate(e, Errors.Phase.OPEN, "jhdf reading the root group of " + p);
    }
  }

  /**
   * Closes {@code hdf}. jHDF 0.10.0's {@code close} logs the file's path and throws "No backing file" for a file opened
   * on a channel (a remote file); the channel holds nothing to release (the store is closed by its owner).
   */
  private static void closeFile(HdfFile hdf) {
    try {
      hdf.close();
    } catch (HdfException e) {
      if (!String.valueOf(e.getMessage()).startsWith("No backing file")) {
        throw e;
      }
    }
  }

  /** The node at {@code path} ("a/b", a leading '/' allowed; names exactly as h5py shows them), or null. */
  Node resolve(Group from, String path) {
    String p = path == null ? "" : path.replaceAll("^/+|/+$", "");
    if (p.isEmpty()) {
      return from;
    }
    Node cur = from;
    for (String part : p.split("/")) {
      if (!(cur instanceof Group g)) {
        return null;
      }
      Node next;
      try {
        next = g.getChildren().get(part);
      } catch (HdfException e) {
        throw translate(e, Errors.Phase.OPEN, "jhdf listing group '" + g.getPath() + "' of " + this.path);
      }
      if (next == null) {
        return null;
      }
      cur = next;
    }
    return cur;
  }

  /**
   * Classifies what jHDF threw while doing {@code what}: what jHDF says it does not support (a newer message version,
   * a filter it lacks) is {@link UnsupportedException} naming jHDF's version; the rest as {@link Errors} does.
   */
  static RuntimeException translate(Throwable t, Errors.Phase phase, String what) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ZarrJvmException z) {
        return z;
      }
      // jHDF 0.10.0 says "Unrecognized datatype version '4'" for HDF5 1.12's revised references (h5py libver v112+)
      boolean newer = c instanceof HdfException && String.valueOf(c.getMessage()).startsWith("Unrecognized datatype "
          + "version");
      if (newer || c instanceof UnsupportedHdfException || c instanceof io.jhdf.exceptions.HdfFilterException) {
        return new UnsupportedException(what + ": jHDF (" + JhdfBackend.libraryName() + ") cannot read it: "
            + c.getMessage(), t);
      }
    }
    return Errors.translate(t, phase, what);
  }

  static String describe(Throwable t) {
    Throwable root = ZarrJvmException.rootCause(t);
    String m = t.getClass().getSimpleName() + ": " + t.getMessage();
    return root == t ? m : m + " (" + root.getClass().getName() + ": " + root.getMessage() + ")";
  }

  private static Path file(ByteStore store) {
    Path f = store.localFile();
    if (f != null) {
      return f;
    }
    Path p = store.localPath();
    if (p != null && Files.isDirectory(p)) {
      throw new StoreException(p + " is a directory, not an HDF5 file");
    }
    if (p != null && !Files.exists(p)) {
      throw new ArrayNotFoundException("no file " + p);
    }
    if (p != null) {
      throw new UnsupportedException("jhdf reads an HDF5 file, not the zip archive " + p + " (a file inside a zip "
          + "archive is read through fsspec: 'zip://member.h5::" + p + "')");
    }
    return null; // a remote store: the file is the value at its location
  }

  /**
   * An empty file and NetCDF-3 ("CDF\1", "CDF\2", "CDF\5") are refused by name, before jHDF looks for a superblock;
   * {@code head} is the file's first 4 bytes (fewer for a shorter file).
   */
  private static void refuseOtherFormats(byte[] head, String p) {
    if (head.length == 0) {
      throw new MetadataException("jhdf cannot read " + p + ": the file is empty (0 bytes), not HDF5");
    }
    if (head.length == 4 && head[0] == 'C' && head[1] == 'D' && head[2] == 'F' && head[3] >= 1 && head[3] <= 5) {
      throw new UnsupportedException("jhdf reads HDF5 (and NetCDF-4) files; " + p + " is NetCDF-3 (CDF-" + head[3]
          + "), which backend='netcdf-java' reads");
    }
  }
}
