package dev.zarrjvm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarrjvm.arrow.ArrowExport;
import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.core.Backend;
import dev.zarrjvm.core.Backends;
import dev.zarrjvm.core.ChunkSource;
import dev.zarrjvm.core.GroupSource;
import dev.zarrjvm.core.Json;
import dev.zarrjvm.core.Ma2Flavour;
import dev.zarrjvm.core.Options;
import dev.zarrjvm.core.ReadPool;
import dev.zarrjvm.errors.Errors;
import org.apache.arrow.vector.FieldVector;

/**
 * The entry points the Python side calls (through JPype). Each call is one boundary crossing; data leaves through the
 * Arrow C Data Interface into structs the caller allocated.
 */
public final class ZarrJvm {
  private ZarrJvm() {}

  public static ChunkSource openArray(String backend, String store, String path, String optionsJson) {
    Backend b = Backends.get(backend);
    try {
      return b.openArray(store, path, Options.parse(optionsJson));
    } catch (Throwable t) {
      throw Errors.translate(t, "opening '" + path + "' in " + store + " with " + backend);
    }
  }

  public static GroupSource openGroup(String backend, String store, String path, String optionsJson) {
    Backend b = Backends.get(backend);
    try {
      return b.openGroup(store, path, Options.parse(optionsJson));
    } catch (Throwable t) {
      throw Errors.translate(t, "opening group '" + path + "' in " + store + " with " + backend);
    }
  }

  /** Decodes one chunk and exports it into the C structs at the given addresses. */
  public static void exportChunk(ChunkSource source, long[] chunkCoords, long arrayAddress, long schemaAddress) {
    FieldVector v = source.readChunk(chunkCoords, source.allocator());
    ArrowExport.exportAndRelease(v, arrayAddress, schemaAddress);
  }

  /** Decodes a region [offset, offset + shape) and exports it into the C structs at the given addresses. */
  public static void exportRegion(ChunkSource source, long[] offset, int[] shape, long arrayAddress,
      long schemaAddress) {
    FieldVector v = source.readRegion(offset, shape, source.allocator());
    ArrowExport.exportAndRelease(v, arrayAddress, schemaAddress);
  }

  /**
   * Writes one array with a Java writer (zarr-java, jzarr, netcdf-java): the data comes from Python through the C Data
   * structs at the given addresses (imported without a copy), {@code specJson} says what to write. Returns a JSON object
   * with the writer's notes. See {@link dev.zarrjvm.write.Writers}.
   */
  public static String writeArray(String writer, String store, String specJson, long arrayAddress, long schemaAddress,
      boolean shims) {
    return dev.zarrjvm.write.Writers.write(writer, store, specJson, arrayAddress, schemaAddress, shims);
  }

  public static long arrowAllocatedBytes() {
    return ArrowMemory.allocatedBytes();
  }

  public static String backendsJson() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Backend b : Backends.all().values()) {
      ObjectNode o = out.addObject();
      o.put("name", b.name());
      o.put("library", b.library());
      String why = b.unavailableReason();
      o.put("usable", why == null);
      if (why == null) {
        o.putNull("reason");
      } else {
        o.put("reason", why);
      }
      ArrayNode f = o.putArray("formats");
      b.formats().forEach(f::add);
      ArrayNode n = o.putArray("notes");
      try {
        b.notes().forEach(n::add);
      } catch (Throwable t) {
        n.add("notes unavailable: " + t);
      }
    }
    return Json.write(out);
  }

  public static String buildJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    Ma2Flavour.build().forEach((k, v) -> o.put(String.valueOf(k), String.valueOf(v)));
    o.put("ma2_unsigned_types", Ma2Flavour.hasUnsignedTypes());
    o.put("read_threads", ReadPool.threads());
    o.put("io_threads", ReadPool.ioThreads());
    o.put("async_threads", ReadPool.asyncThreads());
    o.put("java_version", System.getProperty("java.version"));
    return Json.write(o);
  }
}
