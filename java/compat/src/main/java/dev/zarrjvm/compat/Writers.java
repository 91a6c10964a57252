package dev.zarrjvm.compat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarrjvm.arrow.ArrowImport;
import dev.zarrjvm.arrow.ArrowMemory;
import dev.zarrjvm.model.Json;
import dev.zarrjvm.runtime.BuildInfo;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.errors.ZarrJvmException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * The Java writers by name, and the one write call the Python side makes: import the data (Arrow C Data, no copy),
 * hand it to the writer, release the import, classify failures.
 */
public final class Writers {
  private static final Map<String, JavaWriter> ALL = Map.of(
      "zarr-java", new ZarrJavaWriter(),
      "jzarr", new JzarrWriter(),
      "netcdf-java", new NetcdfJavaWriter(),
      "jhdf", new JhdfWriter());

  private Writers() {}

  public static JavaWriter get(String name) {
    JavaWriter w = ALL.get(name);
    if (w == null) {
      throw new UnsupportedException("no Java writer '" + name + "' (known: " + ALL.keySet() + ")");
    }
    return w;
  }

  /**
   * Imports the array at the C struct addresses and writes it with writer {@code name} into {@code store}. Returns a
   * JSON object: {@code writer}, {@code notes} (shims used), {@code data_address} (where Java saw the elements: the
   * producer's own buffer when nothing was copied).
   */
  public static String write(String name, String store, String specJson, long arrayAddress, long schemaAddress,
      boolean shims) {
    BufferAllocator allocator = ArrowMemory.newChild("write:" + name);
    try {
      FieldVector data;
      try {
        data = ArrowImport.importVector(allocator, arrayAddress, schemaAddress);
      } catch (Throwable t) {
        throw Errors.translate(t, "importing the data to write");
      }
      try (FieldVector v = data) {
        JavaWriter w = get(name);
        WriteSpec spec = WriteSpec.parse(specJson);
        long address = v.getValueCount() == 0 ? 0L : ArrowImport.dataAddress(v);
        List<String> notes;
        try {
          notes = w.write(Path.of(store), spec, v, shims);
        } catch (Throwable t) {
          throw translate(t, "writing '" + spec.path + "' (" + spec.format + ") to " + store + " with " + name);
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("writer", name);
        notes.forEach(o.putArray("notes")::add);
        o.put("data_address", address);
        return Json.write(o);
      }
    } finally {
      ArrowMemory.release(allocator);
    }
  }

  /**
   * Like {@link Errors#translate}, but a link failure against this build's {@code ucar.ma2} is said to be the writer's
   * (Errors speaks of readers): the Python side labels these cells Central-only.
   */
  static ZarrJvmException translate(Throwable t, String what) {
    Throwable u = Errors.unwrap(t);
    if (u instanceof LinkageError && String.valueOf(u.getMessage()).matches("(?s).*(ucar|UBYTE|USHORT|UINT|ULONG).*")) {
      return new UnsupportedException(what + ": the writer needs a part of ucar.ma2 this build's netCDF-Java ("
          + BuildInfo.describeCdm() + ") does not have: " + u.getClass().getName() + ": " + u.getMessage(), u);
    }
    return Errors.translate(u, what);
  }
}
