"""What each Java reader claims to read, declared from its documentation and source — never guessed from failures.

:func:`java_reader_limitation` says, for a case, why a reader declares it cannot read it (or None). A declared
limitation must surface as :class:`zarrjvm.UnsupportedError`; anything else the reader does wrong is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cases import Case


@dataclass(frozen=True)
class ReaderCaps:
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


_ALL_KINDS = frozenset({"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8"})

READERS: dict[str, ReaderCaps] = {
    "zarr-java": ReaderCaps(
        name="zarr-java",
        library="dev.zarr:zarr-java:0.0.9",
        formats=frozenset({"zarr-v2", "zarr-v3"}),
        dtypes=_ALL_KINDS,
        # zarr-java 0.0.9 v2/codec/CodecRegistry: blosc, zlib
        v2_codecs=frozenset({"blosc", "zlib"}),
        # v3/codec/CodecRegistry: bytes, transpose, blosc, gzip, zstd, crc32c, sharding_indexed
        v3_codecs=frozenset({"bytes", "transpose", "blosc", "gzip", "zstd", "crc32c", "sharding_indexed"}),
        # v2 Array builds filters -> bytes -> compressor; the 'order' field is parsed but never applied
        v2_orders=frozenset({"C"}),
        # v2/DataType enum: |b1 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 <f4 <f8 (no big-endian spellings)
        v2_byteorders=frozenset({"|", "<"}),
        # v2 chunk key encoding joins coordinates: a 0-d array gets the key '' (zarr-python writes '0')
        v2_zero_dim=False,
        sharding=True,
        notes=("v2 order 'F' is parsed and ignored (chunks would read transposed)",),
    ),
    "jzarr": ReaderCaps(
        name="jzarr",
        library="dev.zarr:jzarr:0.4.2",
        formats=frozenset({"zarr-v2"}),
        # com.bc.zarr.DataType: f8 f4 i8 i4 u4 i2 u2 i1 u1
        dtypes=frozenset({"i1", "u1", "i2", "u2", "i4", "u4", "i8", "f4", "f8"}),
        # CompressorFactory: null, zlib, blosc
        v2_codecs=frozenset({"zlib", "blosc"}),
        v2_orders=frozenset({"C"}),
        # ZarrUtils.createChunkFilename has no key for zero coordinates
        v2_zero_dim=False,
        notes=("ZarrHeader ignores 'order' and 'filters'",),
    ),
    "netcdf-java": ReaderCaps(
        name="netcdf-java",
        library="edu.ucar:cdm (netCDF-Java)",
        formats=frozenset({"netcdf3", "netcdf4"}),
        dtypes=frozenset({"i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"}),
        # cdm 4.5.5 N3header knows the classic (CDF\\x01) and 64-bit offset (CDF\\x02) magics, not CDF-5
        netcdf_variants=frozenset({"classic", "64bit_offset"}),
    ),
}


def _kind(dtype: str) -> str:
    dt = np.dtype(dtype)
    return f"{dt.kind}{dt.itemsize}"


def case_v2_codec_ids(case: Case) -> list[str]:
    if case.codec == "none":
        return []
    return ["blosc" if case.codec.startswith("blosc") else case.codec]


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
    """Why ``reader`` declares it cannot read ``case``, or None when it claims to."""
    caps = READERS[reader]
    if case.format not in caps.formats:
        return f"{reader} does not read {case.format}"
    kind = _kind(case.dtype)
    if kind not in caps.dtypes:
        return f"{reader} has no dtype {kind}"
    if case.format == "zarr-v2":
        if np.dtype(case.dtype).byteorder not in caps.v2_byteorders and np.dtype(case.dtype).byteorder != "=":
            return f"{reader} has no big-endian Zarr v2 dtypes"
        if not case.shape and not caps.v2_zero_dim:
            return f"{reader} cannot read 0-d Zarr v2 arrays"
        for cid in case_v2_codec_ids(case):
            if cid not in caps.v2_codecs:
                return f"{reader} has no Zarr v2 codec '{cid}'"
        if case.order not in caps.v2_orders and _order_matters(case):
            return f"{reader} ignores the v2 'order' field ('{case.order}' would read transposed)"
    elif case.format == "zarr-v3":
        for name in case_v3_codec_names(case):
            if name not in caps.v3_codecs:
                return f"{reader} has no Zarr v3 codec '{name}'"
    else:
        variant = case.variant or "classic"
        if case.format == "netcdf3" and variant not in caps.netcdf_variants:
            return f"{reader} does not read NetCDF-3 variant '{variant}' (CDF-5)"
    return None


def _order_matters(case: Case) -> bool:
    return sum(1 for c in case.chunks if c > 1) > 1


@dataclass(frozen=True)
class Defect:
    """A measured upstream defect: the reader claims the feature but fails on it (with this zarrjvm error)."""

    reader: str
    id: str
    error: str
    reason: str

    def applies(self, case: Case) -> bool:
        return _DEFECT_PREDICATES[self.id](case)


_DEFECT_PREDICATES = {
    "zarr-java-zstd-slice": lambda c: c.format == "zarr-v3" and "zstd" in c.codec and "crc32c" in c.codec,
    "zarr-java-infinity-fill": lambda c: c.format.startswith("zarr") and c.fill == "inf",
}

DEFECTS: tuple[Defect, ...] = (
    Defect("zarr-java", "zarr-java-zstd-slice", "ChunkDecodeError",
           "zarr-java 0.0.9 ZstdCodec.decode reads ByteBuffer.array() (the whole backing array), so after crc32c "
           "strips its 4 bytes zstd still sees them: 'Src size is incorrect'"),
    Defect("zarr-java", "zarr-java-infinity-fill", "MetadataError",
           "zarr-java 0.0.9 parseFillValue accepts '+Infinity' but not the spec's 'Infinity' fill value"),
)


def known_defect(reader: str, case: Case) -> Defect | None:
    """The measured upstream defect that makes ``reader`` fail on ``case``, if any."""
    for d in DEFECTS:
        if d.reader == reader and d.applies(case):
            return d
    return None
