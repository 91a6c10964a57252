package dev.zarrjvm.compat;

import dev.zarrjvm.errors.UnsupportedException;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;

/**
 * jHDF writing HDF5 through {@code HdfFile.write} ({@code WritableHdfFile}: groups, datasets from Java arrays,
 * attributes). jHDF 0.10.0 writes each dataset whole and contiguous, from a signed Java array: no filters, no chunks
 * left unwritten (no fill value message), no unlimited dimensions, no unsigned types, no dimension scales — a plain
 * HDF5 file, as the h5py writer's.
 */
final class JhdfWriter implements JavaWriter {
  @Override
  public String name() {
    return "jhdf";
  }

  @Override
  public List<String> write(Path store, WriteSpec spec, FieldVector data, boolean shims) throws Exception {
    if (!spec.format.equals("netcdf4")) {
      throw new UnsupportedException("jHDF writes HDF5 (the netcdf4 cases), not " + spec.format);
    }
    if (!spec.codec.equals("none")) {
      throw new UnsupportedException("jHDF 0.10.0 writes contiguous datasets without filters, not '" + spec.codec
          + "'");
    }
    if (spec.unlimited) {
      throw new UnsupportedException("jHDF 0.10.0 writes fixed-size datasets only (no unlimited dimension)");
    }
    int[] shape = Arrays.stream(spec.shape).mapToInt(Math::toIntExact).toArray();
    if (!Arrays.equals(spec.regionShape, shape)) {
      throw new UnsupportedException("jHDF 0.10.0 writes a dataset whole: it cannot leave a region unwritten");
    }
    if (spec.dtype.kind != 'i' && spec.dtype.kind != 'f') {
      throw new UnsupportedException("jHDF 0.10.0 writes Java's signed integers and floats, not " + spec.dtype);
    }
    Object values = ArrowToMa2.toMa2(data, spec.dtype, shape).copyToNDJavaArray();
    try (WritableHdfFile f = HdfFile.write(store)) {
      WritableGroup g = f;
      for (String name : spec.groups()) {
        g = g.putGroup(name);
      }
      var ds = g.putDataset(spec.name().isEmpty() ? "v" : spec.name(), values);
      for (Map.Entry<String, Object> e : spec.attrs.entrySet()) {
        ds.putAttribute(e.getKey(), attribute(e.getValue()));
      }
    }
    return List.of();
  }

  /** An attribute value as jHDF takes it: a number, a string, or an array of either. */
  static Object attribute(Object value) {
    if (value instanceof List<?> l) {
      if (l.stream().allMatch(x -> x instanceof Number)) {
        return l.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
      }
      return l.stream().map(String::valueOf).toArray(String[]::new);
    }
    return value instanceof Number || value instanceof String ? value : String.valueOf(value);
  }
}
