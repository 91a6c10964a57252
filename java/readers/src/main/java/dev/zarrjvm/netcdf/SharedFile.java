package dev.zarrjvm.netcdf;

import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import ucar.nc2.NetcdfFile;

/**
 * One open {@link NetcdfFile} per file, shared by every group and variable reading it: opening N variables of a file
 * (through a group, or one by one while the others are open) parses its header once. Each holder gets its own
 * {@link Handle}; the file is closed when the last handle is. A file rewritten in between (another size or
 * modification time) is opened afresh. netCDF-Java's {@code NetcdfFile} is not thread-safe: readers synchronise on
 * {@link #nc}.
 */
final class SharedFile {
  /** A local file by its real path, size and time; a remote file by the open store it is read through. */
  private record Key(Object file, long size, long modified) {}

  private static final Map<Key, CompletableFuture<SharedFile>> OPEN = new HashMap<>();
  /** Files opened (headers parsed) since the JVM started. */
  static final AtomicLong OPENED = new AtomicLong();

  final NetcdfFile nc;
  final NetcdfFiles.FileSource source;
  /** What netCDF-Java said while opening the file (variables it skipped), for the backend's notes. */
  final List<String> messages;
  private final Key key;
  private int holders; // guarded by OPEN

  private SharedFile(Key key, NetcdfFiles.FileSource source, NetcdfFile nc, List<String> messages) {
    this.key = key;
    this.source = source;
    this.nc = nc;
    this.messages = List.copyOf(messages);
  }

  /** A holder's share of the open file; closing it twice is harmless. */
  final class Handle implements AutoCloseable {
    private boolean closed;

    NetcdfFile nc() {
      return nc;
    }

    /** What netCDF-Java said while opening the file. */
    List<String> messages() {
      return messages;
    }

    /** Another share of the same open file, for a member opened through a group. */
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
      NetcdfFile last = null;
      synchronized (OPEN) {
        if (closed) {
          return;
        }
        closed = true;
        if (--holders == 0) {
          OPEN.remove(key);
          last = nc;
        }
      }
      if (last != null) {
        try {
          last.close();
        } catch (IOException e) {
          throw Errors.translate(e, "closing " + source.describe());
        }
      }
    }
  }

  /**
   * A handle on {@code file}, opened by {@link NetcdfFiles#open} unless another holder has it open already (for a
   * remote file: another holder reading it through the same open store).
   */
  static Handle acquire(NetcdfFiles.FileSource file) {
    Key key;
    NetcdfFiles.FileSource src = file;
    if (file.local() == null) {
      key = new Key(file.remote().store(), file.remote().size(), 0);
    } else {
      try {
        Path real = file.local().toRealPath();
        key = new Key(real, Files.size(real), Files.getLastModifiedTime(real).toMillis());
      } catch (IOException e) {
        throw new StoreException("cannot open " + file.local() + ": " + e, e);
      }
      src = new NetcdfFiles.FileSource((Path) key.file(), null);
    }
    CompletableFuture<SharedFile> mine = null;
    CompletableFuture<SharedFile> f;
    synchronized (OPEN) {
      f = OPEN.get(key);
      if (f == null) {
        f = mine = new CompletableFuture<>();
        OPEN.put(key, f);
      }
    }
    if (mine != null) { // this thread opens it; others asking meanwhile wait for the same parse
      try {
        OPENED.incrementAndGet();
        List<String> messages = new ArrayList<>();
        NetcdfFile nc = NetcdfFiles.open(src, messages);
        mine.complete(new SharedFile(key, src, nc, messages));
      } catch (Throwable t) {
        synchronized (OPEN) {
          OPEN.remove(key, mine);
        }
        mine.completeExceptionally(t);
      }
    }
    SharedFile shared;
    try {
      shared = f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
    synchronized (OPEN) {
      if (OPEN.get(key) != f) { // closed by its last holder between join and here: open it again
        return acquire(file);
      }
      shared.holders++;
      return shared.new Handle();
    }
  }
}
