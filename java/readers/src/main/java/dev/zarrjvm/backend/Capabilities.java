package dev.zarrjvm.backend;

import java.util.List;

/**
 * What a reader claims to read, declared from its documentation and source (never guessed from failures). The adapter
 * refuses what is not declared here with {@code UnsupportedException}; Python's compatibility matrix reads the same
 * record ({@code zarrjvm.backends()}), so a claim is written once.
 *
 * @param formats zarr-v2, zarr-v3, netcdf3, netcdf4
 * @param dtypes numpy kind + item size ("b1", "i4", "u8", "f8", ...)
 * @param v2Codecs Zarr v2 filter and compressor ids (numcodecs' names)
 * @param v3Codecs Zarr v3 codec names
 * @param v2Orders Zarr v2 'order' values read as written ("C"; "F" where the reader applies it)
 * @param v2ByteOrders byte orders of Zarr v2 dtypes ("|" one byte, "<", ">")
 * @param v2ZeroDim reads 0-d (scalar) Zarr v2 arrays
 * @param sharding reads Zarr v3 sharding_indexed
 * @param netcdfVariants NetCDF-3 variants (classic, 64bit_offset, 64bit_data)
 * @param notes where the declarations come from, and what the reader does with what it does not declare
 * @param textKinds text and variable-length data handed over, as "format:kind" (kinds: bytes, unicode, string, char,
 *     enum, compound, vlen; e.g. "netcdf4:string"); what is not listed is refused with {@code UnsupportedException}
 */
public record Capabilities(List<String> formats, List<String> dtypes, List<String> v2Codecs, List<String> v3Codecs,
    List<String> v2Orders, List<String> v2ByteOrders, boolean v2ZeroDim, boolean sharding,
    List<String> netcdfVariants, List<String> notes, List<String> textKinds) {
  /** Every numeric dtype zarrjvm hands over. */
  public static final List<String> ALL_DTYPES = List.of("b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4",
      "f8");

  public Capabilities {
    formats = List.copyOf(formats);
    dtypes = List.copyOf(dtypes);
    v2Codecs = List.copyOf(v2Codecs);
    v3Codecs = List.copyOf(v3Codecs);
    v2Orders = List.copyOf(v2Orders);
    v2ByteOrders = List.copyOf(v2ByteOrders);
    netcdfVariants = List.copyOf(netcdfVariants);
    notes = List.copyOf(notes);
    textKinds = List.copyOf(textKinds);
  }

  /** A declaration of numeric data only (no text or variable-length kinds). */
  public Capabilities(List<String> formats, List<String> dtypes, List<String> v2Codecs, List<String> v3Codecs,
      List<String> v2Orders, List<String> v2ByteOrders, boolean v2ZeroDim, boolean sharding,
      List<String> netcdfVariants, List<String> notes) {
    this(formats, dtypes, v2Codecs, v3Codecs, v2Orders, v2ByteOrders, v2ZeroDim, sharding, netcdfVariants, notes,
        List.of());
  }
}
