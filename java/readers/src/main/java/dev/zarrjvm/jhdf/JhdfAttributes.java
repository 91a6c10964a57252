package dev.zarrjvm.jhdf;

import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's attributes as the netcdf-java backend hands them over (numbers typed, text as strings), and NetCDF-4
 * dimension names from HDF5 dimension scales. The bookkeeping netCDF-C and the dimension-scale API keep in attributes
 * ({@code DIMENSION_LIST}, {@code REFERENCE_LIST}, {@code CLASS}/{@code NAME} of a scale, {@code _Netcdf4*},
 * {@code _NCProperties}) is not listed, as netCDF4-python does not list it; the dimension names carry it.
 */
final class JhdfAttributes {
  /** Attributes netCDF-C and the HDF5 dimension-scale API write for themselves. */
  static final Set<String> HIDDEN = Set.of("DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid",
      "_Netcdf4Coordinates", "_NCProperties", "_IsNetcdf4", "_SuperblockVersion", "_nc3_strict");
  /** The NAME netCDF-C gives the dimension scale of a dimension without a coordinate variable. */
  static final String PHANTOM = "This is a netCDF dimension but not a netCDF variable";

  private JhdfAttributes() {}

  private static boolean isScale(Node n) {
    Attribute c = n.getAttributes().get("CLASS");
    return c != null && "DIMENSION_SCALE".equals(JhdfTypes.value(c));
  }

  /** Whether {@code n} is netCDF-C's stand-in for a dimension without a variable (netCDF4-python does not list it). */
  static boolean isPhantomDimension(Node n) {
    Attribute name = n.getAttributes().get("NAME");
    return isScale(n) && name != null && String.valueOf(JhdfTypes.value(name)).startsWith(PHANTOM);
  }

  private static boolean hidden(Node n, String name) {
    return HIDDEN.contains(name) || (name.equals("CLASS") || name.equals("NAME")) && isScale(n);
  }

  /** Values of the attributes zarrjvm hands over (numeric and text), in the file's order. */
  static Map<String, Object> values(Node n, JhdfFile file) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Attribute> e : n.getAttributes().entrySet()) {
      if (!hidden(n, e.getKey()) && !JhdfTypes.isNullSpace(e.getValue().getDataSpace())) {
        Object v = JhdfTypes.value(e.getValue());
        if (v != null) {
          out.put(e.getKey(), v);
        }
      }
    }
    return out;
  }

  /** NumPy types of the numeric attributes. */
  static Map<String, String> types(Node n, JhdfFile file) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Attribute> e : n.getAttributes().entrySet()) {
      String t = JhdfTypes.numpyType(e.getValue());
      if (t != null && !hidden(n, e.getKey()) && !JhdfTypes.isNullSpace(e.getValue().getDataSpace())) {
        out.put(e.getKey(), t);
      }
    }
    return out;
  }

  /** Notes for the attributes left out because of their type or because they have no value. */
  static List<String> skipped(Node n, JhdfFile file) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Attribute> e : n.getAttributes().entrySet()) {
      Attribute a = e.getValue();
      if (hidden(n, e.getKey())) {
        continue;
      }
      if (JhdfTypes.isNullSpace(a.getDataSpace())) {
        out.add("attribute '" + e.getKey() + "' has a null dataspace (no value; h5py: Empty) and is not listed");
      } else if (JhdfTypes.value(a) == null) {
        out.add("attribute '" + e.getKey() + "' has HDF5 type " + JhdfTypes.describe(a.getDataType())
            + ", which zarrjvm does not hand over yet; it is not listed");
      }
    }
    return out;
  }

  /**
   * Dimension names from HDF5 dimension scales (how NetCDF-4 stores its dimensions): a scale names its own dimension,
   * a dataset with {@code DIMENSION_LIST} takes the names of the scales attached to each dimension. Null when the
   * dataset has no scales (plain HDF5); a dimension without a scale is null.
   */
  static List<String> dimensionNames(io.jhdf.api.Dataset d, JhdfFile file) {
    int nd = d.getDimensions().length;
    if (nd == 0) {
      return null;
    }
    if (isScale(d)) {
      return nd == 1 ? List.of(d.getName()) : null;
    }
    Attribute list = d.getAttributes().get("DIMENSION_LIST");
    if (list == null) {
      return null;
    }
    Object data;
    try {
      data = list.getData();
    } catch (HdfException | UnsupportedOperationException e) {
      return null;
    }
    if (data == null || !data.getClass().isArray() || java.lang.reflect.Array.getLength(data) != nd) {
      return null;
    }
    List<String> names = new ArrayList<>();
    boolean any = false;
    for (int i = 0; i < nd; i++) {
      String name = scaleName(java.lang.reflect.Array.get(data, i), file);
      any |= name != null;
      names.add(name);
    }
    return any ? names : null;
  }

  /** The name of the first scale in one dimension's entry of DIMENSION_LIST (object references), or null. */
  private static String scaleName(Object refs, JhdfFile file) {
    Object first = refs;
    while (first != null && first.getClass().isArray()) {
      first = java.lang.reflect.Array.getLength(first) == 0 ? null : java.lang.reflect.Array.get(first, 0);
    }
    if (first instanceof List<?> l) {
      first = l.isEmpty() ? null : l.get(0);
    }
    if (!(first instanceof Number address)) {
      return null;
    }
    try {
      return file.nameAt(address.longValue());
    } catch (HdfException e) {
      return null;
    }
  }
}
