"""What each implementation claims to write and read, declared from its documentation and source — never guessed from
failures.

:func:`java_readers` gives the Java readers (zarrjvm's backends, as Java declares them), :data:`PEER_READERS` the Python
ones, :data:`WRITERS` every writer. :func:`limitation` says, for a case, why an implementation declares it cannot write
or read it (or None). A declared limitation of a Java reader must surface as :class:`zarrjvm.UnsupportedError`; anything
else an implementation does wrong is a finding. How an implementation fares on the Central-only ``ucar.ma2`` is
*measured*, not declared here: a link failure there is an ``error`` cell labelled Central-only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from .cases import TEXT_KINDS, Case


@dataclass(frozen=True)
class Caps:
    """One implementation's declared capabilities in one role (writer or reader)."""

    name: str
    library: str
    formats: frozenset[str]
    #: numpy kind+size strings ("b1", "u8", ...) the reader decodes
    dtypes: frozenset[str]
    #: Zarr v2 compressors (numcodecs ids) and v3 codec names the reader knows
    v2_codecs: frozenset[str] = frozenset()
    v3_codecs: frozenset[str] = frozenset()
    v2_orders: frozenset[str] = frozenset({"C"})
    #: byte orders of Zarr v2 dtypes ('|' one-byte, '<', '>')
    v2_byteorders: frozenset[str] = frozenset({"|", "<", ">"})
    #: reads 0-d (scalar) Zarr v2 arrays
    v2_zero_dim: bool = True
    sharding: bool = False
    netcdf_variants: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()
    #: Zarr v2 'fill_value: null'
    v2_fill_none: bool = True
    #: arrays inside nested groups (a writer writes the groups' metadata; a reader opens the array by its path)
    groups: bool = True
    #: formats whose attributes it writes (writer) or hands out (reader: only these are compared)
    attrs_formats: frozenset[str] = frozenset({"zarr-v2", "zarr-v3", "netcdf3", "netcdf4"})
    #: NetCDF: an unlimited (record) dimension
    unlimited: bool = True
    #: Zarr v3 big-endian ``bytes`` codec
    v3_big_endian: bool = True
    #: Zarr chunk-key separators ("." and "/"); None: both
    separators: frozenset[str] | None = None
    #: chunks larger than the array along a dimension
    chunks_over_shape: bool = True
    #: reads a Zarr array at the store's root (not inside a group)
    root_array: bool = True
    #: text and variable-length data it handles, as "<format>:<kind>" (kinds: :data:`.cases.TEXT_KINDS`)
    kinds: frozenset[str] = frozenset()
    #: NetCDF-4 (HDF5) filters it writes or reads, spelled as the cases do ("none", "zlib", ...); None: all of them
    netcdf4_codecs: frozenset[str] | None = None
    #: leaves chunks unwritten (cases with ``missing``: they read as the fill value)
    partial_writes: bool = True
    #: where the source of a declaration is, for the report
    source: str = ""


#: the old name, kept for callers of the first version
ReaderCaps = Caps


_ALL_KINDS = frozenset({"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8"})

@functools.cache
def java_readers() -> dict[str, Caps]:
    """The Java readers' declarations, as the backends make them in Java (``Backend.capabilities()``, through
    :func:`zarrjvm.backends`): written once, there, and refused by there. Starts the JVM."""
    from ..backends import backends

    out: dict[str, Caps] = {}
    for b in backends():
        c = b.capabilities
        if not c:  # Java is not available
            continue
        out[b.name] = Caps(
            name=b.name, library=b.library, formats=frozenset(c["formats"]), dtypes=frozenset(c["dtypes"]),
            v2_codecs=frozenset(c["v2_codecs"]), v3_codecs=frozenset(c["v3_codecs"]),
            v2_orders=frozenset(c["v2_orders"]), v2_byteorders=frozenset(c["v2_byteorders"]),
            v2_zero_dim=bool(c["v2_zero_dim"]), sharding=bool(c["sharding"]),
            netcdf_variants=frozenset(c["netcdf_variants"]), notes=tuple(c["notes"]),
            kinds=frozenset(c.get("text_kinds", ())),
            source=f"declared by the {b.name} backend in Java (Backend.capabilities())",
        )
    return out


_ALL_V2 = frozenset({"zlib", "gzip", "zstd", "blosc"})
#: numcodecs' other v2 compressors (LZ4, BZ2, LZMA)
_NUMCODECS_MORE = frozenset({"lz4", "bz2", "lzma"})
_ALL_V3 = frozenset({"bytes", "transpose", "blosc", "gzip", "zstd", "crc32c", "sharding_indexed"})
_NC_KINDS = _ALL_KINDS - {"b1"}
_NC3_VARIANTS = frozenset({"classic", "64bit_offset", "64bit_data"})
#: text and variable-length kinds (:data:`.cases.TEXT_KINDS`) by format
_ZARR_V2_TEXT = frozenset({"zarr-v2:bytes", "zarr-v2:unicode", "zarr-v2:string"})
_NC4_TEXT = frozenset({"netcdf4:char", "netcdf4:string", "netcdf4:enum", "netcdf4:compound", "netcdf4:vlen"})

#: The Python readers, compared like the Java ones (they are also the references of ``zarrjvm compat --store``).
PEER_READERS: dict[str, Caps] = {
    "zarr-python": Caps(
        name="zarr-python", library="zarr", formats=frozenset({"zarr-v2", "zarr-v3"}), dtypes=_ALL_KINDS,
        # v2: any numcodecs compressor or filter (the matrix's cases use shuffle as the only filter)
        v2_codecs=_ALL_V2 | _NUMCODECS_MORE | {"shuffle"}, v3_codecs=_ALL_V3, v2_orders=frozenset({"C", "F"}),
        sharding=True, kinds=_ZARR_V2_TEXT | {"zarr-v3:string", "zarr-v3:bytes"},
        source="zarr 3.1.6 docs: zarr.open_array (v2 numcodecs compressors, v3 core codecs, sharding); data types "
               "(NullTerminatedBytes, FixedLengthUTF32, VariableLengthUTF8 in v2 and v3)",
    ),
    "tensorstore": Caps(
        name="tensorstore", library="tensorstore", formats=frozenset({"zarr-v2", "zarr-v3"}), dtypes=_ALL_KINDS,
        v2_codecs=_ALL_V2 | {"bz2"}, v3_codecs=_ALL_V3, v2_orders=frozenset({"C", "F"}), sharding=True,
        attrs_formats=frozenset({"zarr-v3"}),
        notes=("the 'zarr' driver has no attributes API (.zattrs); the 'zarr3' driver's metadata carries them",
               "no text kinds: the 'zarr' driver has no '<U' or '|O' dtype and treats '|S<n>' as an array of char "
               "with an extra inner dimension (not byte strings); the 'zarr3' driver's data types have no string "
               "or bytes type"),
        source="tensorstore docs: 'zarr' driver (compressors zlib, gzip, zstd, blosc, bz2) and 'zarr3' driver codecs "
               "and data types; '|S<n>' as char arrays: the maintainers in tensorstore issue 43",
    ),
    "netcdf4-python": Caps(
        name="netcdf4-python", library="netCDF4", formats=frozenset({"netcdf3", "netcdf4"}), dtypes=_NC_KINDS,
        netcdf_variants=_NC3_VARIANTS, kinds=_NC4_TEXT | {"netcdf3:char"},
        source="netCDF4 docs: Dataset formats NETCDF3_CLASSIC/64BIT_OFFSET/64BIT_DATA, NETCDF4; createVariable "
               "('S1' char, str), createEnumType, createCompoundType, createVLType",
    ),
    "h5py": Caps(
        name="h5py", library="h5py", formats=frozenset({"netcdf4"}), dtypes=_NC_KINDS,
        notes=("reads any HDF5 dataset by its path (the matrix's NetCDF-4 cases are HDF5 files)",
               "variable-length strings read with Dataset.asstr() (h5py hands out bytes otherwise)"),
        kinds=_NC4_TEXT,
        source="h5py 3.16 docs: File, Dataset (chunks, gzip filter, fillvalue, maxshape), AttributeManager; strings "
               "(string_dtype, asstr), special types (enum_dtype, vlen_dtype), compound dtypes",
    ),
    "h5netcdf": Caps(
        name="h5netcdf", library="h5netcdf", formats=frozenset({"netcdf4"}), dtypes=_NC_KINDS,
        kinds=_NC4_TEXT, notes=("variable-length strings read with decode_vlen_strings=True",),
        source="h5netcdf 1.8 docs: h5netcdf.File (the new API): dimensions, create_variable, groups, attrs; "
               "user types (create_enumtype, create_cmptype, create_vltype, since 1.4)",
    ),
    "scipy": Caps(
        name="scipy", library="scipy.io.netcdf_file", formats=frozenset({"netcdf3"}),
        # netcdf_file: 'b', 'c', 'h', 'i', 'f', 'd' (the NetCDF-3 classic types); version=1 classic, 2 64-bit offset
        dtypes=frozenset({"i1", "i2", "i4", "f4", "f8"}), netcdf_variants=frozenset({"classic", "64bit_offset"}),
        groups=False, kinds=frozenset({"netcdf3:char"}),
        source="SciPy docs: scipy.io.netcdf_file (version 1 or 2, NetCDF-3 types 'c' char included, record dimension)",
    ),
    "zarrs": Caps(
        name="zarrs", library="zarrs 0.23 (Rust crate) through the zarrs Python package's codec pipeline",
        formats=frozenset({"zarr-v2", "zarr-v3"}), dtypes=_ALL_KINDS, v2_codecs=_ALL_V2 | {"shuffle"},
        v3_codecs=_ALL_V3, v2_orders=frozenset({"C", "F"}), sharding=True,
        # ZarrsCodecPipeline.read: "Non-native byte order not supported"; utils: FillValueNoneError
        v2_byteorders=frozenset({"|", "<"}), v3_big_endian=False, v2_fill_none=False,
        notes=("chunks are read and written by the zarrs crate (codec_pipeline.strict: no fallback to zarr-python's "
               "pipeline); the metadata is parsed by zarr-python and handed to zarrs re-serialized",
               "no text kinds: ZarrsCodecPipeline raises UnsupportedDataTypeError for numpy kinds V, S, U, M, m, O "
               "and T (zarrs/pipeline.py: 'does not support variable-length objects due to limitations on "
               "decode_into')"),
        source="zarrs-python 0.2 README and zarrs/pipeline.py (ZarrsCodecPipeline, strict mode); zarrs 0.23 docs",
    ),
}

PEER_READERS["nczarr"] = Caps(
    name="nczarr", library="netCDF-C NCZarr (through netCDF4-python)", formats=frozenset({"zarr-v2"}),
    dtypes=_NC_KINDS, v2_codecs=frozenset({"zlib"}), v2_byteorders=frozenset({"|", "<"}), v2_zero_dim=False,
    v2_fill_none=False, attrs_formats=frozenset(), root_array=False,
    notes=("Dataset('file://…#mode=zarr,file'): pure Zarr v2 (no _nczarr_* metadata needed); a netCDF dataset is a "
           "group, so an array at the store's root is not a variable of it",
           "netCDF attributes are numbers, strings or 1-d arrays: nested JSON attributes not compared",
           "no text kinds: NCZarr's type table maps '|S1' to char and '|S<n>' to its own fixed-length string "
           "(NC_STRING, _nczarr_maxstrlen), neither as byte strings; '<U' and '|O' have no netCDF type"),
    source="netCDF-C NCZarr docs (mode=zarr,file; zlib filter; groups and variables; type mapping); netCDF4 Dataset",
)

#: Every writer. Java writers go through zarrjvm (numpy → Arrow C Data → the library's own API).
WRITERS: dict[str, Caps] = {
    # the Python peers write what they read (same libraries, same codec registries)
    "zarr-python": replace(PEER_READERS["zarr-python"],
                           source="zarr 3.1.6 docs: zarr.create_array / Group.create_array"),
    "tensorstore": replace(PEER_READERS["tensorstore"], groups=False,
                           notes=("opens arrays only: no group nodes", "the 'zarr' driver writes no .zattrs"),
                           source="tensorstore docs: 'zarr' and 'zarr3' drivers (metadata, codecs), file kvstore"),
    "zarr-java": Caps(
        name="zarr-java", library="dev.zarr:zarr-java:0.0.9", formats=frozenset({"zarr-v2", "zarr-v3"}),
        dtypes=_ALL_KINDS, v2_codecs=frozenset({"zlib", "blosc"}), v3_codecs=_ALL_V3,
        # no text kinds: v2/DataType and v3/DataType have no string or bytes types
        # v2 ArrayMetadataBuilder.withOrder(Order.C | Order.F)
        v2_orders=frozenset({"C", "F"}),
        # v2/DataType enum has no big-endian spellings
        v2_byteorders=frozenset({"|", "<"}),
        # V2ChunkKeyEncoding joins the coordinates: '' for a 0-d array
        v2_zero_dim=False, sharding=True,
        source="zarr-java 0.0.9: v2/v3 ArrayMetadataBuilder, CodecBuilder, Group.createGroup/createArray",
    ),
    "jzarr": Caps(
        name="jzarr", library="dev.zarr:jzarr:0.4.2", formats=frozenset({"zarr-v2"}),
        dtypes=frozenset({"i1", "u1", "i2", "u2", "i4", "u4", "i8", "f4", "f8"}),
        # CompressorFactory: null, zlib, blosc; ArrayParams has no order; createChunkFilename needs ≥ 1 dimension
        v2_codecs=frozenset({"zlib", "blosc"}), v2_orders=frozenset({"C"}), v2_zero_dim=False,
        attrs_formats=frozenset({"zarr-v2"}),
        # no text kinds: com.bc.zarr.DataType has no string or bytes types
        source="jzarr 0.4.2: ArrayParams, CompressorFactory, ZarrGroup.createSubGroup/createArray, ZarrArray.write",
    ),
    "netcdf4-python": replace(PEER_READERS["netcdf4-python"],
                              source="netCDF4 docs: Dataset(format=...), createVariable"),
    "netcdf-java": Caps(
        name="netcdf-java", library="edu.ucar:cdm (netCDF-Java)", formats=frozenset({"netcdf3"}),
        # NetCDF-3 classic types through NetcdfFileWriter (Version.netcdf3); NetCDF-4 writing needs netCDF-C (JNI)
        dtypes=frozenset({"i1", "i2", "i4", "f4", "f8"}), netcdf_variants=frozenset({"classic", "64bit_offset"}),
        groups=False,
        notes=("NetCDF-4 writing goes through the netCDF-C library (Nc4Iosp, JNA), not bundled: not declared",
               "no text kinds: zarrjvm's Java writers (dev.zarrjvm.compat.WriteSpec) are fed numbers through Arrow "
               "(javawrite.numpy_to_arrow); NetcdfFileWriter's DataType.CHAR is not wired"),
        source="netCDF-Java 4.5.5: ucar.nc2.NetcdfFileWriter (Version.netcdf3, setLargeFile)",
    ),
    "jhdf": Caps(
        name="jhdf", library="io.jhdf:jhdf:0.10.0", formats=frozenset({"netcdf4"}),
        # WritableHdfFile.putDataset takes a Java array: signed integers and floats, written little-endian
        dtypes=frozenset({"i1", "i2", "i4", "i8", "f4", "f8"}), netcdf4_codecs=frozenset({"none"}),
        partial_writes=False, unlimited=False,
        notes=("a plain HDF5 file, as h5py's: no dimension scales; each dataset written whole and contiguous, "
               "without filters or a fill value message", "no text kinds: zarrjvm's Java writers are fed numbers"),
        source="jHDF 0.10.0: HdfFile.write → WritableHdfFile.putGroup/putDataset/putAttribute (contiguous layout)",
    ),
    "h5py": replace(PEER_READERS["h5py"], notes=("a plain HDF5 dataset: no dimension scales",),
                    source="h5py 3.16 docs: File.create_dataset (chunks, compression='gzip', fillvalue, maxshape)"),
    "h5netcdf": replace(PEER_READERS["h5netcdf"],
                        source="h5netcdf 1.8 docs: File.dimensions, create_variable(compression='gzip', fillvalue)"),
    "scipy": replace(PEER_READERS["scipy"],
                     source="SciPy docs: scipy.io.netcdf_file(mode='w', version=1|2), createDimension/Variable"),
    "xarray": Caps(
        name="xarray", library="xarray", formats=frozenset({"zarr-v2", "zarr-v3", "netcdf3", "netcdf4"}),
        # CF encoding stores bool as int8 with attribute dtype='bool' (xarray.coding.variables.BooleanCoder)
        # encoding 'compressors' takes any numcodecs codec (handed to zarr-python)
        dtypes=_ALL_KINDS - {"b1"}, v2_codecs=_ALL_V2 | _NUMCODECS_MORE,
        # no 'order' (v2) or transpose filter (v3) in xarray's zarr encoding: arrays are written C-ordered
        v3_codecs=_ALL_V3 - {"transpose"}, v2_orders=frozenset({"C"}), sharding=True,
        v2_fill_none=False, netcdf_variants=frozenset({"classic", "64bit_offset"}), v2_zero_dim=True,
        attrs_formats=frozenset({"netcdf3", "netcdf4"}),
        kinds=_ZARR_V2_TEXT | {"zarr-v3:string", "zarr-v3:bytes", "netcdf3:char", "netcdf4:char", "netcdf4:string",
                               "netcdf4:enum"},
        notes=("Dataset.to_zarr(consolidated=True, zarr_format=2|3), the variable 'arr' in the root group; "
               "to_netcdf (netCDF4 engine)", "Zarr attributes are CF attributes of the variable: not compared",
               "text: str, bytes and S1 char variables; enums through encoding dtype metadata ('enum', "
               "'enum_name'); no encoding for compound or vlen variables"),
        source="xarray docs: Dataset.to_zarr (encoding: chunks, compressors, shards, chunk_key_encoding, "
               "fill_value / _FillValue), Dataset.to_netcdf (format, encoding, unlimited_dims)",
    ),
    "zarrs": replace(PEER_READERS["zarrs"],
                     source="zarrs-python 0.2: zarr.create_array under codec_pipeline.path=zarrs.ZarrsCodecPipeline"),
    "nczarr": Caps(
        name="nczarr", library="netCDF-C NCZarr (through netCDF4-python)", formats=frozenset({"zarr-v2"}),
        # netCDF4 createVariable(zlib=True, shuffle=True by default): NCZarr writes them as zlib and shuffle filters
        dtypes=_NC_KINDS, v2_codecs=frozenset({"zlib", "shuffle"}), v2_byteorders=frozenset({"|", "<"}),
        v2_zero_dim=False, v2_fill_none=False, separators=frozenset({"."}), attrs_formats=frozenset(),
        chunks_over_shape=False,
        notes=("Dataset('file://…#mode=nczarr,file', 'w'): Zarr v2 plus NCZarr's _nczarr_* metadata",
               "no text kinds: NCZarr writes char as '|S1' and strings as '|S<_nczarr_maxstrlen>', not the cases' "
               "'|S8' bytes, '<U6' or vlen-utf8",
               "the variable 'arr' in the root group; every dimension named",
               "netCDF attributes are numbers, strings or 1-d arrays: no nested JSON attributes",
               "netCDF4 createVariable: chunksizes cannot exceed the dimension sizes"),
        source="netCDF-C NCZarr docs (mode=nczarr,file; filters: zlib; dimension_separator '.'); netCDF4 Dataset",
    ),
}


def _kind(dtype: str) -> str:
    dt = np.dtype(dtype)
    return f"{dt.kind}{dt.itemsize}"


def case_v2_codec_ids(case: Case) -> list[str]:
    """numcodecs ids of the case's filters and compressor ("delta+zlib" → delta, zlib)."""
    if case.codec == "none":
        return []
    return ["blosc" if part.startswith("blosc") else part for part in case.codec.split("+")]


def case_v3_codec_names(case: Case) -> list[str]:
    names = ["bytes"]
    if case.order == "F":
        names.append("transpose")
    if case.shards is not None:
        names.append("sharding_indexed")
    for part in case.codec.split("+"):
        if part != "none":
            names.append("blosc" if part.startswith("blosc") else part)
    return names


def java_reader_limitation(reader: str, case: Case) -> str | None:
    """Why the Java reader ``reader`` declares it cannot read ``case``, or None when it claims to."""
    return limitation(java_readers()[reader], case, "reader")


def java_reader_limitations(reader: str, case: Case) -> list[str]:
    """Every reason the Java reader ``reader`` declares for not reading ``case`` (it may refuse for any of them)."""
    return list(limitations(java_readers()[reader], case, "reader"))


def limitations(caps: Caps, case: Case, role: str = "reader") -> Iterator[str]:
    """Every reason ``caps`` (a writer's or a reader's declaration) gives for not handling ``case``, in the order
    :func:`limitation` checks them (a case can meet several: a big-endian 0-d array; the implementation may refuse it
    for either)."""
    who = caps.name
    verb = "write" if role == "writer" else "read"
    if case.format not in caps.formats:
        yield f"{who} does not {verb} {case.format}"
        return
    if case.kind is not None:
        if f"{case.format}:{case.kind}" not in caps.kinds:
            yield f"{who} does not {verb} {_FORMAT_NAMES[case.format]} {TEXT_KINDS[case.kind]}"
    elif _kind(case.dtype) not in caps.dtypes:
        yield f"{who} has no dtype {_kind(case.dtype)}"
    if case.format == "zarr-v2" and case.kind is None:
        if np.dtype(case.dtype).byteorder not in caps.v2_byteorders and np.dtype(case.dtype).byteorder != "=":
            yield f"{who} has no big-endian Zarr v2 dtypes"
        if not case.shape and not caps.v2_zero_dim:
            yield f"{who} cannot {verb} 0-d Zarr v2 arrays"
        for cid in case_v2_codec_ids(case):
            if cid not in caps.v2_codecs:
                yield f"{who} has no Zarr v2 codec '{cid}'"
        if case.order not in caps.v2_orders and _order_matters(case):
            if role == "writer":
                yield f"{who} writes Zarr v2 order {sorted(caps.v2_orders)} only"
            else:
                yield f"{who} ignores the v2 'order' field ('{case.order}' would read transposed)"
        if case.fill == "none" and not caps.v2_fill_none:
            yield f"{who} has no Zarr v2 'fill_value: null'"
    elif case.format == "zarr-v3" and case.kind is None:
        for name in case_v3_codec_names(case):
            if name not in caps.v3_codecs:
                yield f"{who} has no Zarr v3 codec '{name}'"
        if np.dtype(case.dtype).byteorder == ">" and not caps.v3_big_endian:
            yield f"{who} has no big-endian Zarr v3 arrays"
    if case.format in ("zarr-v2", "zarr-v3") and caps.separators is not None \
            and (case.separator or _DEFAULT_SEPARATOR[case.format]) not in caps.separators:
        yield f"{who} does not {verb} chunk keys separated by '{case.separator}'"
    if case.format in ("netcdf3", "netcdf4"):
        variant = case.variant or "classic"
        if case.format == "netcdf3" and variant not in caps.netcdf_variants:
            yield f"{who} does not {verb} NetCDF-3 variant '{variant}'"
        if case.unlimited and not caps.unlimited:
            yield f"{who} has no unlimited dimensions"
        if case.format == "netcdf4" and caps.netcdf4_codecs is not None and case.codec not in caps.netcdf4_codecs:
            yield f"{who} does not {verb} NetCDF-4 filters ('{case.codec}'): contiguous datasets only"
    if case.missing and not caps.partial_writes:
        yield f"{who} does not {verb} arrays with unwritten chunks (it writes whole datasets)"
    if role == "reader" and not caps.root_array and case.format in ("zarr-v2", "zarr-v3") and not case.group:
        yield f"{who} cannot {verb} an array at the store's root (its dataset is a group)"
    if not caps.chunks_over_shape and any(c > n for c, n in zip(case.chunks, case.shape)):
        yield f"{who} cannot {verb} chunks larger than the array"
    if case.group and not caps.groups:
        yield f"{who} does not {verb} nested groups"
    if role == "writer" and case.attrs and case.format not in caps.attrs_formats:
        yield f"{who} does not write {case.format} attributes"


def limitation(caps: Caps, case: Case, role: str = "reader") -> str | None:
    """Why ``caps`` (a writer's or a reader's declaration) says it cannot handle ``case``, or None when it claims to."""
    return next(limitations(caps, case, role), None)


_DEFAULT_SEPARATOR = {"zarr-v2": ".", "zarr-v3": "/"}
_FORMAT_NAMES = {"zarr-v2": "Zarr v2", "zarr-v3": "Zarr v3", "netcdf3": "NetCDF-3", "netcdf4": "NetCDF-4"}


def _order_matters(case: Case) -> bool:
    return sum(1 for c in case.chunks if c > 1) > 1


@dataclass(frozen=True)
class Defect:
    """A measured upstream defect: the reader claims the feature but fails on it (with this zarrjvm error)."""

    reader: str
    id: str
    error: str
    reason: str
    #: regex the error's message must match to be this defect (and not another failure of the same class)
    message: str = ""

    def applies(self, case: Case) -> bool:
        return _DEFECT_PREDICATES[self.id](case)

    def matches(self, error: BaseException) -> bool:
        """Whether ``error`` (a zarrjvm error) is this defect: its class and its message."""
        import re

        return type(error).__name__ == self.error and re.search(self.message, str(error)) is not None


_DEFECT_PREDICATES = {
    "zarr-java-zstd-slice": lambda c: c.format == "zarr-v3" and "zstd" in c.codec and "crc32c" in c.codec,
    "zarr-java-infinity-fill": lambda c: c.format.startswith("zarr") and c.fill == "inf",
    "netcdf-java-fletcher32": lambda c: c.format == "netcdf4" and "fletcher32" in c.codec.split("+"),
    "jhdf-fletcher32": lambda c: c.format == "netcdf4" and "fletcher32" in c.codec.split("+"),
    "netcdf-java-empty-vlen": lambda c: c.kind == "vlen",
}

DEFECTS: tuple[Defect, ...] = (
    Defect("zarr-java", "zarr-java-zstd-slice", "ChunkDecodeError",
           "zarr-java 0.0.9 ZstdCodec.decode reads ByteBuffer.array() (the whole backing array), so after crc32c "
           "strips its 4 bytes zstd still sees them: 'Src size is incorrect'",
           r"com\.github\.luben\.zstd\.ZstdException: Src size is incorrect"),
    Defect("zarr-java", "zarr-java-infinity-fill", "MetadataError",
           "zarr-java 0.0.9 parseFillValue accepts '+Infinity' but not the spec's 'Infinity' fill value",
           r"Invalid fill value 'Infinity'"),
    # zarrjvm's guards (checks=True, the default) refuse these rather than hand out unverified chunks
    Defect("netcdf-java", "netcdf-java-fletcher32", "UnsupportedError",
           "netCDF-Java strips HDF5 Fletcher32 checksums unread (findings N4): zarrjvm refuses the variable",
           r"netcdf-java does not verify HDF5 Fletcher32 checksums"),
    Defect("jhdf", "jhdf-fletcher32", "UnsupportedError",
           "jHDF 0.10.0 neither verifies nor strips Fletcher32 checksums (findings H1): zarrjvm refuses the dataset",
           r"jhdf does not verify HDF5 Fletcher32 checksums"),
    Defect("netcdf-java", "netcdf-java-empty-vlen", "UnsupportedError",
           "netCDF-Java 4.5.5 fails on an empty vlen element (heap address 0): 'Illegal Heap address' (findings N5); "
           "zarrjvm refuses the variable with that cause",
           r"cannot read the vlen variable .* empty sequence .*Illegal Heap address"),
)


def known_defect(reader: str, case: Case) -> Defect | None:
    """The measured upstream defect that makes ``reader`` fail on ``case``, if any."""
    for d in DEFECTS:
        if d.reader == reader and d.applies(case):
            return d
    return None
