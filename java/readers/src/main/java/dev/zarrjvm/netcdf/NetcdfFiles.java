package dev.zarrjvm.netcdf;

import dev.zarrjvm.model.DType;
import dev.zarrjvm.errors.ChunkDecodeException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.MetadataException;
import dev.zarrjvm.errors.StoreException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.store.ByteStore;
import dev.zarrjvm.store.StoreFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ucar.ma2.DataType;
import ucar.nc2.Attribute;
import ucar.nc2.Group;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

/** What the netCDF-Java adapter shares: opening files, element types and attributes in zarrjvm's terms. */
final class NetcdfFiles {
  private NetcdfFiles() {}

  /**
   * The NetCDF/HDF5 file a store was opened on: a local file (read by netCDF-Java itself) or, for a remote store (HTTP,
   * S3, fsspec), the value at the store's location read through zarrjvm's store ({@link StoreFile}). A directory or a
   * zip archive is refused (a file inside a zip is read through fsspec's zip filesystem).
   */
  static FileSource file(ByteStore store) {
    Path f = store.localFile();
    if (f != null) {
      return new FileSource(f, null);
    }
    Path p = store.localPath();
    if (p != null && Files.isDirectory(p)) {
      throw new StoreException(p + " is a directory, not a NetCDF/HDF5 file");
    }
    if (p != null) {
      throw new UnsupportedException("netcdf-java reads a NetCDF/HDF5 file, not the zip archive " + p + " (a file "
          + "inside a zip archive is read through fsspec: 'zip://member.nc::" + p + "')");
    }
    return new FileSource(null, StoreFile.open(store));
  }

  /** A local file or a file read through a remote store: exactly one of the two is set. */
  record FileSource(Path local, StoreFile remote) {
    String describe() {
      return local != null ? local.toString() : remote.describe();
    }

    /** Up to {@code n} bytes at {@code at} (fewer at the end of the file); empty when they cannot be read. */
    byte[] head(long at, int n) {
      try {
        if (local != null) {
          try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(local)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n);
            while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
              // read up to n bytes
            }
            return java.util.Arrays.copyOf(b.array(), b.position());
          }
        }
        byte[] b = new byte[n];
        int got = remote.read(at, b, 0, n);
        return java.util.Arrays.copyOf(b, Math.max(0, got));
      } catch (IOException | RuntimeException e) {
        return new byte[0];
      }
    }

    long size() {
      try {
        return local != null ? Files.size(local) : remote.size();
      } catch (IOException e) {
        return -1;
      }
    }
  }

  static {
    // netCDF-Java reads past the end of a truncated NetCDF-3 file as zeros (it "extends" the file, for files still
    // being written); netCDF-C does the same. zarrjvm reads files at rest: a NetCDF-3 file shorter than its header
    // says is refused when opened. A JVM-wide switch of netCDF-Java's (set once, here).
    ucar.nc2.iosp.netcdf3.N3header.disallowFileTruncation = true;
  }

  /** Opens {@code f}; what netCDF-Java prints while parsing the header goes to {@code messages}, not stdout. */
  static NetcdfFile open(FileSource f, List<String> messages) {
    String where = f.describe();
    try {
      if (f.size() == 0) {
        throw new MetadataException("netcdf-java cannot read " + where + ": the file is empty (0 bytes), not "
            + "NetCDF/HDF5");
      }
      if (f.local() != null) {
        return QuietStdout.capture(() -> NetcdfFile.open(f.local().toString()), messages);
      }
      return QuietStdout.capture(() -> NetcdfFile.open(new StoreRandomAccessFile(f.remote()), where, null, null),
          messages);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      Throwable root = dev.zarrjvm.errors.ZarrJvmException.rootCause(e);
      if (Errors.resourceExhaustion(e) != null) {
        throw Errors.translate(e, "netcdf-java opening " + where);
      }
      if (root instanceof dev.zarrjvm.errors.ZarrJvmException z) { // the store failed (HTTP error, network)
        throw z;
      }
      if (isCdf5(f)) {
        throw new UnsupportedException("netcdf-java (" + dev.zarrjvm.runtime.BuildInfo.describeCdm() + ") cannot read "
            + "CDF-5 (NETCDF3_64BIT_DATA) files: " + where, e);
      }
      int superblock = hdf5SuperblockVersion(f);
      // cdm 4.5.5's H5header knows superblock versions 0-2 ("Unknown superblock version= 3"); version 3 is what HDF5
      // 1.10+ writes for libver='latest' (or bounds from 'v110' on). The file is not damaged.
      if (superblock >= 3 && cdmVersion().startsWith("4.")) {
        throw new UnsupportedException("netCDF-Java " + cdmVersion() + " cannot read HDF5 superblock version "
            + superblock + " (written by HDF5 1.10+ with libver='latest' or 'v110' and newer): " + where
            + " (try backend='jhdf')", e);
      }
      if (m.contains("truncated") || root instanceof java.io.EOFException) {
        throw new ChunkDecodeException("netcdf-java: " + where + " is truncated (" + m + ")", e);
      }
      if (m.contains("not a valid CDM file") || m.contains("Cant read")) {
        throw new MetadataException("netcdf-java cannot read " + where + " as NetCDF/HDF5: " + m, e);
      }
      if (f.local() != null && !Files.isReadable(f.local())) {
        throw new StoreException("netcdf-java cannot open " + where + ": " + e, e);
      }
      // a null or wrong-class reference inside the CDM is a defect of the reader meeting something it has no model for
      // (e.g. an HDF5 attribute of a 16-byte integer type: no ucar.ma2.DataType), met on files h5py and jhdf read
      if (root instanceof NullPointerException || root instanceof ClassCastException) {
        throw new UnsupportedException("netCDF-Java " + cdmVersion() + " cannot read " + where + ": it fails in its "
            + "own code (" + root.getClass().getName() + ": " + root.getMessage() + "), as on HDF5 types it has no "
            + "DataType for; that is no sign of damage (try backend='jhdf')", e);
      }
      // the file is there and readable: the reader failed in its own parsing (an IllegalStateException from a damaged
      // HDF5 message, a negative seek offset read from a damaged address, ...)
      throw new MetadataException("netcdf-java cannot read " + where + ": damaged NetCDF/HDF5 structure: "
          + root.getClass().getName() + ": " + root.getMessage(), e);
    }
  }

  /**
   * The variable or group at {@code path} below {@code from} ("name", "sub/name"; a leading '/' is allowed), found by
   * the names netCDF4-python and h5py show (no escaping of '.' or spaces), or null when there is none.
   */
  static Object resolve(Group from, String path) {
    String p = path.replaceAll("^/+|/+$", "");
    if (p.isEmpty()) {
      return from;
    }
    String[] parts = p.split("/");
    Group g = from;
    for (int i = 0; i < parts.length - 1; i++) {
      Group next = g.findGroup(parts[i]);
      g = next != null ? next : g.findGroup(cdmName(parts[i]));
      if (g == null) {
        return null;
      }
    }
    String last = parts[parts.length - 1];
    for (String name : new String[] {last, cdmName(last)}) {
      Variable v = g.findVariable(name);
      if (v != null) {
        return v;
      }
      Group sub = g.findGroup(name);
      if (sub != null) {
        return sub;
      }
    }
    return null;
  }

  /**
   * The name netCDF-Java 4.x gives an HDF5 object whose name has spaces ({@code "IO S1"} becomes {@code "IO_S1"}), so
   * that the names h5py and netCDF4-python show open too.
   */
  static String cdmName(String hdf5Name) {
    return NetcdfFile.makeValidCdmObjectName(hdf5Name).replace(' ', '_');
  }

  /**
   * A refusal for {@code path} when netCDF-Java skipped a variable of that name while reading the header because it is
   * SZIP-compressed (cdm 4.5.5 has no SZIP filter) or of an HDF5 type it has no DataType for (float16, long double):
   * it says so in {@code messages}, naming the variable by its short name only; or null. Without it such a variable
   * would look absent.
   */
  static UnsupportedException szipSkipped(List<String> messages, String path, String file) {
    String[] parts = String.valueOf(path).replaceAll("^/+|/+$", "").split("/");
    String name = parts[parts.length - 1];
    for (String m : messages) {
      if (m.contains("SKIPPING variable with SZIP") && m.endsWith("for variable " + name)) {
        return new UnsupportedException("netCDF-Java " + cdmVersion() + " has no SZIP filter (HDF5 filter 4): it "
            + "skips variable '" + name + "' of " + file + " while reading the file (jhdf has no SZIP either)");
      }
      if (m.startsWith("SKIPPING DataType") && m.endsWith("for variable " + name)) { // e.g. float16, long double
        return new UnsupportedException("netCDF-Java " + cdmVersion() + " skips variable '" + name + "' of " + file
            + " while reading the file: its HDF5 type has no netCDF-Java DataType (" + m + ")");
      }
    }
    return null;
  }

  /** The variable's dimension names (null for an anonymous dimension), as netCDF4-python lists them. */
  static List<String> dimensionNames(Variable v) {
    List<String> out = new ArrayList<>();
    for (ucar.nc2.Dimension d : v.getDimensions()) {
      out.add(d.getShortName());
    }
    return out;
  }

  /** Full names of every variable in the file, for messages. */
  static List<String> variableNames(NetcdfFile nc) {
    List<String> out = new ArrayList<>();
    for (Variable v : nc.getVariables()) {
      out.add(v.getFullName());
    }
    return out;
  }

  /** NetCDF-3 files are "netCDF" (cdm 4.5.5) or "NetCDF" (5.x); NetCDF-4 and plain HDF5 are read as netcdf4. */
  static String format(NetcdfFile nc) {
    String id = String.valueOf(nc.getFileTypeId());
    return id.equalsIgnoreCase("netcdf") ? "netcdf3" : "netcdf4";
  }

  /** The cdm version of this build ("4.5.5"). */
  static String cdmVersion() {
    String a = dev.zarrjvm.runtime.BuildInfo.get("cdm.artifact", "edu.ucar:cdm:?");
    return a.substring(a.lastIndexOf(':') + 1);
  }

  /**
   * The version of the HDF5 superblock (the byte after the 8-byte signature, found at 0, 512, 1024, ... as HDF5
   * searches for it), or -1 when the file has no HDF5 signature where HDF5 looks.
   */
  static int hdf5SuperblockVersion(FileSource f) {
    byte[] sig = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    long size = f.size();
    for (long at = 0; at + 9 <= size; at = at == 0 ? 512 : at * 2) {
      byte[] b = f.head(at, 9);
      if (b.length == 9 && java.util.Arrays.equals(java.util.Arrays.copyOf(b, 8), sig)) {
        return b[8];
      }
    }
    return -1;
  }

  /** CDF-5 (NETCDF3_64BIT_DATA) starts with "CDF" and version byte 5. */
  static boolean isCdf5(FileSource f) {
    byte[] b = f.head(0, 4);
    return b.length == 4 && b[0] == 'C' && b[1] == 'D' && b[2] == 'F' && b[3] == 5;
  }

  /**
   * HDF5 facts netCDF-Java 4.x reads but does not expose: a null dataspace, a bitfield type, the size of a
   * fixed-length string type (0 for other types; netCDF-Java reads such strings as {@code char} with an extra last
   * dimension of that many characters), and the dataspace's dimensions (null when unknown).
   */
  record Hdf5Facts(boolean nullDataspace, boolean bitfield, int fixedStringSize, int[] dataspace) {
    static final Hdf5Facts NONE = new Hdf5Facts(false, false, 0, null);
  }

  /**
   * What netCDF-Java's HDF5 header records say about {@code v} beyond its public API (read reflectively, as
   * {@link #synthesised} does): a null dataspace (netCDF-Java shows a 0-d variable reading 0 where there is no
   * element at all) and the bitfield class (netCDF-Java types it as signed bytes where h5py shows uint8). Where the
   * records cannot be read (another netCDF-Java version), nothing is known.
   */
  static Hdf5Facts hdf5Facts(Variable v) {
    Object vinfo = h5Vinfo(v);
    if (vinfo == null) {
      return Hdf5Facts.NONE;
    }
    try {
      Object mds = field(vinfo, "mds");
      boolean nullSpace = mds != null && ((Number) field(mds, "type")).intValue() == 2;
      Object typeInfo = field(vinfo, "typeInfo");
      int hdfType = typeInfo == null ? -1 : ((Number) field(typeInfo, "hdfType")).intValue();
      boolean bitfield = hdfType == 4;
      int fixedString = hdfType == 3 && !(boolean) field(typeInfo, "isVString")
          ? ((Number) field(typeInfo, "byteSize")).intValue() : 0;
      int[] dims = mds == null ? null : (int[]) field(mds, "dimLength");
      dims = dims == null ? null : dims.clone();
      return new Hdf5Facts(nullSpace, bitfield, fixedString, dims);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Hdf5Facts.NONE;
    }
  }

  /**
   * The name h5py and netCDF4-python show for {@code v}: the HDF5 link name netCDF-Java's header records keep (its
   * short name has spaces turned into '_'), or the short name where there is none (NetCDF-3, another version).
   */
  static String userName(Variable v) {
    Object vinfo = h5Vinfo(v);
    if (vinfo != null) {
      try {
        Object facade = field(vinfo, "facade");
        if (facade != null && field(facade, "name") instanceof String name && !name.isEmpty()
            && cdmName(name).equals(v.getShortName())) {
          return name;
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // no records: the short name
      }
    }
    return v.getShortName();
  }

  /** netCDF-Java's (non-public) HDF5 header record of {@code v}, {@code H5header.Vinfo}, or null (NetCDF-3). */
  private static Object h5Vinfo(Variable v) {
    Object vinfo = v.getSPobject();
    return vinfo != null && vinfo.getClass().getName().endsWith("H5header$Vinfo") ? vinfo : null;
  }

  /** Element type: NetCDF-3 is big-endian on disk; netCDF-Java does not expose an HDF5 dataset's byte order. */
  static DType dtype(Variable v, String format) {
    DataType t = v.getDataType();
    if (v.isVariableLength()) {
      DType base = t.isNumeric() && v.getRank() > 0 && v.getShape()[v.getRank() - 1] < 0
          ? numericType(v.isUnsigned(), t, '<') : null;
      if (base == null) {
        throw new UnsupportedException("netcdf-java variable '" + v.getFullName() + "' has a variable-length (vlen) "
            + "type of " + describe(t) + ", which zarrjvm does not hand over with netcdf-java (it hands over vlen "
            + "sequences of numbers in their last dimension)");
      }
      return DType.list(base);
    }
    char order = format.equals("netcdf3") ? '>' : '<';
    DType numeric = numericType(v.isUnsigned() || hdf5Facts(v).bitfield(), t, order);
    if (numeric != null) {
      return numeric;
    } else if (t == DataType.ENUM1 || t == DataType.ENUM2 || t == DataType.ENUM4) {
      int size = t == DataType.ENUM1 ? 1 : t == DataType.ENUM2 ? 2 : 4;
      return new DType(enumUnsigned(v) ? 'u' : 'i', size, size == 1 ? '|' : order);
    } else if (t == DataType.STRUCTURE && structFields(v) != null) {
      int size = 0;
      for (List<Object> f : structFields(v)) {
        size += DType.parseNumpy((String) f.get(1)).itemSize;
      }
      return DType.bytes(size);
    } else if (t == DataType.CHAR) {
      return DType.bytes(1);
    } else if (t == DataType.STRING) {
      return DType.text();
    }
    throw new UnsupportedException("netcdf-java variable '" + v.getFullName() + "' has type " + describe(t)
        + ", which zarrjvm does not hand over with netcdf-java (it hands over numbers, char and string)");
  }

  /**
   * Whether an enum variable's base integer type is unsigned: netCDF-Java 4.5.5 does not say (its ENUM1/2/4 have a
   * width only); its HDF5 header record of the base type does (read reflectively; signed when it cannot be read).
   */
  static boolean enumUnsigned(Variable v) {
    Object vinfo = h5Vinfo(v);
    if (vinfo == null) {
      return false;
    }
    try {
      Object base = field(field(vinfo, "typeInfo"), "base");
      return base != null && (boolean) field(base, "unsigned");
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** An enum variable's members (name to value, by value), as netCDF4-python's enum_dict; null for other types. */
  static Map<String, Long> enumMapping(Variable v, DType dtype) {
    ucar.nc2.EnumTypedef e = v.getDataType().isEnum() ? v.getEnumTypedef() : null;
    if (e == null) {
      return null;
    }
    Map<String, Long> out = new LinkedHashMap<>();
    new java.util.TreeMap<>(e.getMap()).forEach((k, name) -> {
      int shift = 64 - 8 * dtype.itemSize; // netCDF-Java keeps values unsigned (-1 of a short is 65535)
      long value = dtype.isUnsigned() ? (long) k << shift >>> shift : (long) k << shift >> shift;
      out.put(name, value);
    });
    return out;
  }

  /**
   * The members of a compound (CDM Structure) variable whose members are all numeric scalars, as a NumPy structured
   * dtype's fields (name, type, offset) packed in member order, little-endian: zarrjvm writes each element's members
   * there from netCDF-Java's decoded values. Null for other variables (nested, array, string or char members).
   */
  static List<List<Object>> structFields(Variable v) {
    if (!(v instanceof ucar.nc2.Structure s) || s.getVariables().isEmpty()) {
      return null;
    }
    List<List<Object>> out = new ArrayList<>();
    int offset = 0;
    for (Variable m : s.getVariables()) {
      DType d = m.getRank() == 0 && !m.isVariableLength() ? numericType(m.isUnsigned(), m.getDataType(), '<') : null;
      if (d == null) {
        return null;
      }
      out.add(List.of(m.getShortName(), d.numpy(), offset));
      offset += d.itemSize;
    }
    return out;
  }

  /** The numeric dtype of a CDM number type, or null. */
  private static DType numericType(boolean u, DataType t, char order) {
    if (t == DataType.BYTE) {
      return new DType(u ? 'u' : 'i', 1, '|');
    } else if (t == DataType.SHORT) {
      return new DType(u ? 'u' : 'i', 2, order);
    } else if (t == DataType.INT) {
      return new DType(u ? 'u' : 'i', 4, order);
    } else if (t == DataType.LONG) {
      return new DType(u ? 'u' : 'i', 8, order);
    } else if (t == DataType.FLOAT) {
      return new DType('f', 4, order);
    } else if (t == DataType.DOUBLE) {
      return new DType('f', 8, order);
    }
    return null;
  }

  /** A CDM type as messages name it, with the NetCDF-4 class it stands for. */
  static String describe(DataType t) {
    if (t == DataType.STRUCTURE) {
      return "Structure (NetCDF-4 compound)";
    } else if (t == DataType.SEQUENCE) {
      return "Sequence (NetCDF-4 vlen)";
    } else if (t == DataType.ENUM1 || t == DataType.ENUM2 || t == DataType.ENUM4) {
      return t + " (NetCDF-4 enum)";
    } else if (t == DataType.OPAQUE) {
      return "opaque (NetCDF-4 opaque)";
    }
    return String.valueOf(t);
  }

  /**
   * The encoding netCDF4-python decodes a {@code char} variable's strings with: its {@code _Encoding} attribute when
   * the variable has one and at least one dimension (netCDF4-python's {@code chartostring} then reads the last
   * dimension as the characters of one string), else null (the variable reads as single characters, {@code S1}).
   * {@code none} and {@code bytes} are returned as they are: strings of bytes, not decoded.
   */
  static String charEncoding(Variable v) {
    if (v.getDataType() != DataType.CHAR || v.getRank() == 0) {
      return null;
    }
    Attribute e = v.findAttribute("_Encoding");
    return e == null || !e.isString() ? null : e.getStringValue();
  }

  /** Hidden attributes netCDF-C writes for itself (netCDF4-python does not list them either). */
  static final java.util.Set<String> HIDDEN = java.util.Set.of("_NCProperties", "_IsNetcdf4", "_SuperblockVersion");

  /**
   * Attributes the file declares: the ones netCDF-Java synthesises ({@code _ChunkSizes}, and those in
   * {@code synthesised}: see {@link #synthesised}) are left out, as are netCDF-C's hidden ones.
   */
  static Map<String, Object> attributes(List<Attribute> attrs, Set<String> synthesised) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Attribute a : attrs) {
      if (kept(a, synthesised)) {
        out.put(a.getShortName(), value(a));
      }
    }
    return out;
  }

  private static boolean kept(Attribute a, Set<String> synthesised) {
    String name = a.getShortName();
    return !(name.equals("_ChunkSizes") || synthesised.contains(name) || name.startsWith("_Netcdf4")
        || HIDDEN.contains(name));
  }

  /**
   * The element type of each numeric attribute as NumPy spells it ({@code <f4}, {@code <u1}, ...): JSON numbers lose
   * it, and NetCDF users compare {@code float32(0.1)}, not {@code 0.1}. Text attributes are left out.
   */
  static Map<String, String> attributeTypes(List<Attribute> attrs, Set<String> synthesised) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Attribute a : attrs) {
      if (!kept(a, synthesised) || a.isString()) {
        continue;
      }
      DataType t = a.getDataType();
      String code = t == DataType.BYTE ? "1" : t == DataType.SHORT ? "2" : t == DataType.INT ? "4"
          : t == DataType.LONG ? "8" : null;
      if (code != null) {
        out.put(a.getShortName(), (a.isUnsigned() ? "<u" : "<i") + code);
      } else if (t == DataType.FLOAT) {
        out.put(a.getShortName(), "<f4");
      } else if (t == DataType.DOUBLE) {
        out.put(a.getShortName(), "<f8");
      }
    }
    return out;
  }

  /**
   * The attributes netCDF-Java 4.x adds to a variable of an HDF5 (NetCDF-4) file that the file does not declare, so
   * that netCDF4-python's and xarray's view of the attributes is kept: {@code _FillValue} made from the HDF5 fill
   * value (netCDF-C stores its default fill there for every variable) when the variable has no such attribute, and
   * {@code _Unsigned} for a native unsigned type. A NetCDF-3 file's attributes are all its own ({@code _Unsigned}
   * there is the convention for unsigned data in signed types, which netCDF4-python and xarray honour). netCDF-Java's
   * HDF5 header records are not public and are read reflectively; where they cannot be read (another netCDF-Java
   * version), every attribute counts as declared.
   */
  static Set<String> synthesised(Variable v) {
    Object vinfo = h5Vinfo(v);
    if (vinfo == null) {
      return Set.of();
    }
    try {
      Set<String> out = new HashSet<>();
      Object typeInfo = field(vinfo, "typeInfo");
      if (v.findAttribute("_Unsigned") != null && (boolean) field(typeInfo, "unsigned")) {
        out.add("_Unsigned");
      }
      if (v.findAttribute("_FillValue") != null) {
        Object dataObject = field(field(vinfo, "facade"), "dobj");
        boolean declared = false;
        for (Object attribute : (List<?>) dataObject.getClass().getMethod("getAttributes").invoke(dataObject)) {
          declared |= "_FillValue".equals(field(attribute, "name"));
        }
        if (!declared) {
          out.add("_FillValue");
        }
      }
      return out;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Set.of();
    }
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  static Object value(Attribute a) {
    if (a.isString()) {
      if (a.getLength() == 1) {
        return a.getStringValue();
      }
      List<String> s = new ArrayList<>();
      for (int i = 0; i < a.getLength(); i++) {
        s.add(a.getStringValue(i));
      }
      return s;
    }
    if (a.getLength() == 1) {
      return number(a.getNumericValue(), a.isUnsigned());
    }
    List<Object> vals = new ArrayList<>();
    for (int i = 0; i < a.getLength(); i++) {
      vals.add(number(a.getNumericValue(i), a.isUnsigned()));
    }
    return vals;
  }

  static Object number(Number n, boolean unsigned) {
    if (!unsigned || n == null) {
      return n;
    }
    if (n instanceof Byte b) {
      return Byte.toUnsignedInt(b);
    }
    if (n instanceof Short s) {
      return Short.toUnsignedInt(s);
    }
    if (n instanceof Integer i) {
      return Integer.toUnsignedLong(i);
    }
    if (n instanceof Long l) {
      return new java.math.BigInteger(Long.toUnsignedString(l));
    }
    return n;
  }
}
