package dev.zarrjvm.compat;

import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * One Java library writing one array with its own API: {@code zarr-java}, {@code jzarr}, {@code netcdf-java}. The data
 * arrives as an Arrow vector imported zero-copy from Python; the writer copies it once into the heap array its library
 * takes ({@link ArrowToMa2}) and calls the library.
 */
public interface JavaWriter {
  String name();

  /**
   * Writes {@code spec} with {@code data} (the region {@code spec.regionOffset}+{@code spec.regionShape}, C order)
   * into a new store at {@code store}. With {@code shims}, a writer may route around a Central-only {@code ucar.ma2}
   * gap through a lower-level entry point of the same library; it then says so in the returned notes.
   */
  List<String> write(Path store, WriteSpec spec, FieldVector data, boolean shims) throws Exception;
}
