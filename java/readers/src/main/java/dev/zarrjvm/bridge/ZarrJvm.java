package dev.zarrjvm.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarrjvm.arrow.ArrowExport;
import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.backend.Backend;
import dev.zarrjvm.backend.Backends;
import dev.zarrjvm.backend.Capabilities;
import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.backend.Readers;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.ZarrJvmException;
import dev.zarrjvm.model.ChunkSource;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.model.Json;
import dev.zarrjvm.model.Node;
import dev.zarrjvm.model.ReadCounts;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.runtime.Pools;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StorageOptions;
import dev.zarrjvm.store.Stores;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * What Python calls (through JPype), and only this: each method is one boundary crossing, takes typed arguments, and
 * lets nothing but a {@link ZarrJvmException} out. Data leaves through the Arrow C Data Interface into structs the
 * caller allocated.
 */
public final class ZarrJvm {
  private ZarrJvm() {}

  /** Opens {@code location} (a path or a URL of {@link Stores#SCHEMES}), then the array at {@code path}. */
  public static Readers.OpenedArray openArray(String location, StorageOptions storage, String backend, String path,
      ReaderOptions options) {
    try {
      return Readers.openArray(location, storage, backend, path, options);
    } catch (Throwable t) {
      throw Errors.translate(t, Errors.Phase.OPEN, "opening '" + path + "' in " + location + " with " + backend);
    }
  }

  /** Opens the array at {@code path} of a store Python built (the fsspec bridge). */
  public static Readers.OpenedArray openArray(ByteStore store, String backend, String path, ReaderOptions options) {
    try {
      return Readers.openArray(store, backend, path, options);
    } catch (Throwable t) {
      throw Errors.translate(t, Errors.Phase.OPEN, "opening '" + path + "' in " + store.describe() + " with "
          + backend);
    }
  }

  /** Opens {@code location}, then the group at {@code path}. */
  public static Readers.OpenedGroup openGroup(String location, StorageOptions storage, String backend, String path,
      ReaderOptions options) {
    try {
      return Readers.openGroup(location, storage, backend, path, options);
    } catch (Throwable t) {
      throw Errors.translate(t, Errors.Phase.OPEN, "opening group '" + path + "' in " + location + " with "
          + backend);
    }
  }

  /** Opens the group at {@code path} of a store Python built. */
  public static Readers.OpenedGroup openGroup(ByteStore store, String backend, String path, ReaderOptions options) {
    try {
      return Readers.openGroup(store, backend, path, options);
    } catch (Throwable t) {
      throw Errors.translate(t, Errors.Phase.OPEN, "opening group '" + path + "' in " + store.describe() + " with "
          + backend);
    }
  }

  /** The member at {@code path} of {@code group}: a {@link ChunkSource} or a {@link GroupSource}. */
  public static Node openMember(GroupSource group, String path) {
    try {
      return group.open(path);
    } catch (Throwable t) {
      throw Errors.translate(t, Errors.Phase.OPEN, "opening '" + path + "' in group '" + group.info().path() + "'");
    }
  }

  /** Storage options from the user's dict, as JSON (parsed once, here). */
  public static StorageOptions storageOptions(String json) {
    try {
      return StorageOptions.parse(json);
    } catch (Throwable t) {
      throw Errors.translate(t, "reading storage_options");
    }
  }

  /** Decodes one chunk and exports it into the C structs at the given addresses (schema address 0: none). */
  public static void exportChunk(ChunkSource source, long[] chunkCoords, long arrayAddress, long schemaAddress) {
    try {
      FieldVector v = source.readChunk(chunkCoords, source.allocator());
      ArrowExport.exportAndRelease(v, arrayAddress, schemaAddress);
    } catch (Throwable t) {
      throw Errors.translate(t, "exporting chunk " + java.util.Arrays.toString(chunkCoords));
    }
  }

  /** Decodes a region [offset, offset + shape) and exports it into the C structs at the given addresses. */
  public static void exportRegion(ChunkSource source, long[] offset, int[] shape, long arrayAddress,
      long schemaAddress) {
    try {
      FieldVector v = source.readRegion(offset, shape, source.allocator());
      ArrowExport.exportAndRelease(v, arrayAddress, schemaAddress);
    } catch (Throwable t) {
      throw Errors.translate(t, "exporting a region");
    }
  }

  /**
   * Reads boxes (offsets and shapes flattened, {@code ndim} values each) in parallel and exports box {@code i} into the
   * C struct at {@code arrayAddresses[i]} (no schema: the caller knows the type). On failure nothing is exported that
   * Java still owns; structs already filled are the caller's to release.
   */
  public static void exportRegions(ChunkSource source, long[] offsets, int[] shapes, long[] arrayAddresses) {
    FieldVector[] boxes = null;
    int exported = 0;
    try {
      int n = arrayAddresses.length;
      int nd = source.info().ndim();
      if (offsets.length != n * nd || shapes.length != n * nd) {
        throw new InvalidArgumentException("exportRegions: " + n + " boxes of rank " + nd
            + " need " + n * nd + " offsets and shapes, got " + offsets.length + " and " + shapes.length);
      }
      long[][] o = new long[n][];
      int[][] s = new int[n][];
      for (int i = 0; i < n; i++) {
        o[i] = java.util.Arrays.copyOfRange(offsets, i * nd, (i + 1) * nd);
        s[i] = java.util.Arrays.copyOfRange(shapes, i * nd, (i + 1) * nd);
      }
      boxes = source.readRegions(o, s, source.allocator());
      for (; exported < n; exported++) {
        FieldVector v = boxes[exported];
        boxes[exported] = null;
        ArrowExport.exportAndRelease(v, arrayAddresses[exported], 0);
      }
    } catch (Throwable t) {
      if (boxes != null) {
        for (FieldVector v : boxes) {
          if (v != null) {
            v.close();
          }
        }
      }
      throw Errors.translate(t, "exporting " + arrayAddresses.length + " boxes");
    }
  }

  /** What {@code source} has read since it was opened (Python's {@code JvmArray.read_counts()}), or null. */
  public static ReadCounts readCounts(ChunkSource source) {
    return source.readCounts();
  }

  /** The chunk's bytes as stored, or null when absent. */
  public static byte[] readRawChunk(ChunkSource source, long[] chunkCoords) {
    try {
      return source.readRawChunk(chunkCoords);
    } catch (Throwable t) {
      throw Errors.translate(t, "reading raw chunk " + java.util.Arrays.toString(chunkCoords));
    }
  }

  /** Closes a reader, a group or a store (Python's finalisers call this). */
  public static void close(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Throwable t) {
      throw Errors.translate(t, "closing " + resource);
    }
  }

  /** The zarrjvm exception for any throwable that reached Python without being classified (one classification). */
  public static ZarrJvmException classify(Throwable t) {
    return Errors.translate(t, "calling zarrjvm's Java side");
  }

  /** Sets the thread pools' widths (Python's {@code zarrjvm.config}: threads.read, threads.io, threads.async). */
  public static void configurePools(int read, int io, int async) {
    try {
      Pools.configure(read, io, async);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(e.getMessage(), e);
    }
  }

  public static long arrowAllocatedBytes() {
    return ArrowMemory.allocatedBytes();
  }

  /** Child allocators still open (sources not yet closed, or closed with buffers still held): for leak checks. */
  public static int arrowOpenAllocators() {
    return ArrowMemory.openChildren();
  }

  /** Every backend on the classpath: name, library, usable and why not, capabilities and notes, as JSON. */
  public static String backendsJson() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Backend b : Backends.all().values()) {
      ObjectNode o = out.addObject();
      o.put("name", b.name());
      o.put("library", b.library());
      String why;
      try {
        why = b.unavailableReason();
      } catch (Throwable t) {
        why = String.valueOf(t);
      }
      o.put("usable", why == null);
      o.put("reason", why);
      Capabilities c = b.capabilities();
      ObjectNode caps = o.putObject("capabilities");
      strings(caps, "formats", c.formats());
      strings(caps, "dtypes", c.dtypes());
      strings(caps, "v2_codecs", c.v2Codecs());
      strings(caps, "v3_codecs", c.v3Codecs());
      strings(caps, "v2_orders", c.v2Orders());
      strings(caps, "v2_byteorders", c.v2ByteOrders());
      caps.put("v2_zero_dim", c.v2ZeroDim());
      caps.put("sharding", c.sharding());
      strings(caps, "netcdf_variants", c.netcdfVariants());
      strings(caps, "notes", c.notes());
      strings(caps, "text_kinds", c.textKinds());
      ArrayNode n = o.putArray("notes");
      try {
        b.notes().forEach(n::add);
      } catch (Throwable t) {
        n.add("notes unavailable: " + t);
      }
    }
    return Json.write(out);
  }

  private static void strings(ObjectNode o, String name, List<String> values) {
    ArrayNode a = o.putArray(name);
    values.forEach(a::add);
  }

  /** Versions and flavour of the Java side, the pools' widths and the Java version, as JSON. */
  public static String buildJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    BuildInfo.all().forEach((k, v) -> o.put(String.valueOf(k), String.valueOf(v)));
    o.put("ma2_unsigned_types", BuildInfo.hasUnsignedTypes());
    o.put("read_threads", Pools.readThreads());
    o.put("io_threads", Pools.ioThreads());
    o.put("async_threads", Pools.asyncThreads());
    o.put("java_version", System.getProperty("java.version"));
    strings(o, "schemes", Stores.SCHEMES);
    return Json.write(o);
  }
}
