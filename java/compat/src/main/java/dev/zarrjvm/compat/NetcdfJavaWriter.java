package dev.zarrjvm.compat;

import dev.zarrjvm.model.DType;
import dev.zarrjvm.errors.UnsupportedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import ucar.ma2.DataType;
import ucar.nc2.Attribute;
import ucar.nc2.Dimension;
import ucar.nc2.NetcdfFileWriter;
import ucar.nc2.Variable;

/**
 * netCDF-Java writing NetCDF-3 through {@code ucar.nc2.NetcdfFileWriter} (Version.netcdf3, its pure-Java N3 writer):
 * classic, or 64-bit offset with {@code setLargeFile(true)}. NetCDF-4 needs the netCDF-C library through JNA
 * ({@code Nc4Iosp}), which this build does not bundle; CDF-5 is not known to cdm 4.5.5.
 */
final class NetcdfJavaWriter implements JavaWriter {
  @Override
  public String name() {
    return "netcdf-java";
  }

  @Override
  public List<String> write(Path store, WriteSpec spec, FieldVector data, boolean shims) throws Exception {
    if (!spec.format.equals("netcdf3")) {
      throw new UnsupportedException("netCDF-Java writes NetCDF-4 only through the netCDF-C library (Nc4Iosp), "
          + "which zarrjvm does not bundle; it writes netcdf3 in pure Java");
    }
    if ("64bit_data".equals(spec.variant)) {
      throw new UnsupportedException("netCDF-Java's NetcdfFileWriter has no CDF-5 (64-bit data) format");
    }
    if (!spec.groups().isEmpty()) {
      throw new UnsupportedException("NetCDF-3 has no groups");
    }
    DataType type = type(spec.dtype);
    NetcdfFileWriter w = NetcdfFileWriter.createNew(NetcdfFileWriter.Version.netcdf3, store.toString());
    boolean ok = false;
    try {
      if ("64bit_offset".equals(spec.variant)) {
        w.setLargeFile(true);
      }
      w.setFill(true);
      List<Dimension> dims = new ArrayList<>();
      for (int i = 0; i < spec.shape.length; i++) {
        String dn = "dim" + i;
        dims.add(spec.unlimited && i == 0 ? w.addUnlimitedDimension(dn)
            : w.addDimension(null, dn, Math.toIntExact(spec.shape[i])));
      }
      Variable v = w.addVariable(null, spec.name().isEmpty() ? "v" : spec.name(), type, dims);
      Object fill = spec.fillNumber();
      if (fill != null && !"0".equals(spec.fill)) {
        w.addVariableAttribute(v, new Attribute("_FillValue", narrow((Number) fill, type)));
      }
      for (Map.Entry<String, Object> e : spec.attrs.entrySet()) {
        w.addVariableAttribute(v, attribute(e.getKey(), e.getValue()));
      }
      w.create();
      w.write(v, spec.regionOffset, ArrowToMa2.toMa2(data, spec.dtype, spec.regionShape));
      ok = true;
    } finally {
      if (ok) {
        w.close();
      } else {
        w.abort();
      }
    }
    return List.of();
  }

  static DataType type(DType d) {
    return switch (d.kind + "" + d.itemSize) {
      case "i1" -> DataType.BYTE;
      case "i2" -> DataType.SHORT;
      case "i4" -> DataType.INT;
      case "f4" -> DataType.FLOAT;
      case "f8" -> DataType.DOUBLE;
      default -> throw new UnsupportedException("NetCDF-3 (classic, 64-bit offset) has no type " + d.kind + d.itemSize);
    };
  }

  /** The fill value as the variable's own type: NetCDF requires {@code _FillValue} to match it. */
  static Number narrow(Number n, DataType type) {
    return switch (type) {
      case BYTE -> n.byteValue();
      case SHORT -> n.shortValue();
      case INT -> n.intValue();
      case FLOAT -> n.floatValue();
      default -> n.doubleValue();
    };
  }

  static Attribute attribute(String name, Object value) {
    if (value instanceof Number n) {
      return new Attribute(name, n);
    }
    if (value instanceof List<?> l) {
      return new Attribute(name, l);
    }
    return new Attribute(name, String.valueOf(value));
  }
}
