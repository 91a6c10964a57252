"""The declarative case list: what an array looks like (format, dtype, codec, order, separator, fill value, geometry,
sharding, absent chunks, attributes), independent of who writes or reads it.

A case knows its expected contents (:meth:`Case.expected`) and how the Python peers write it
(:func:`write_zarr_python`, :func:`write_netcdf4`). Tests and the compatibility matrix both draw from here.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ZARR_FORMATS = ("zarr-v2", "zarr-v3")
NETCDF_FORMATS = ("netcdf3", "netcdf4")

#: Codec spellings used in case names. "blosc-<cname>-<shuffle>" covers blosc; "+crc32c" appends a checksum (v3).
CODECS_V2 = ("none", "zlib", "gzip", "zstd", "blosc-lz4-shuffle", "blosc-lz4-noshuffle", "blosc-zstd-shuffle",
             "blosc-zstd-noshuffle", "blosc-blosclz-bitshuffle", "blosc-lz4-bitshuffle")
CODECS_V3 = ("none", "gzip", "zstd", "blosc-lz4-shuffle", "blosc-lz4-noshuffle", "blosc-zstd-shuffle",
             "blosc-zstd-noshuffle", "blosc-blosclz-bitshuffle", "crc32c", "zstd+crc32c")
#: blosc's cname × shuffle grid; the combinations not in CODECS_V2/V3 get one int32 case each
BLOSC_GRID = tuple(f"blosc-{cname}-{shuffle}" for cname in ("lz4", "zstd", "blosclz")
                   for shuffle in ("noshuffle", "shuffle", "bitshuffle"))

ALL_DTYPES = ("|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f4", "<f8")


@dataclass(frozen=True)
class Case:
    """One array to write and read back."""

    name: str
    format: str
    dtype: str = "<f4"
    shape: tuple[int, ...] = (37, 23)
    chunks: tuple[int, ...] = (10, 8)
    codec: str = "none"
    order: str = "C"
    #: v2: "." or "/"; v3: "/" (default encoding) or "." ; netCDF: unused
    separator: str | None = None
    #: "zero", "nan", "inf", "min", "max", "none" (no fill value), or a number
    fill: Any = "zero"
    #: v3 shard shape (chunks are then the inner chunks)
    shards: tuple[int, ...] | None = None
    #: v3 shard index location
    index_location: str = "end"
    #: leave chunks after the first along dimension 0 unwritten: they read as the fill value
    missing: bool = False
    attrs: dict[str, Any] = field(default_factory=dict)
    #: the array (Zarr: ``arr``; netCDF-4: variable ``v``) lives in this nested group path, e.g. "inner/deeper"
    group: str | None = None
    variant: str | None = None
    #: netCDF: unlimited first dimension
    unlimited: bool = False
    #: a writer's defaults case (:mod:`.defaults`): only this writer writes it, passing nothing but the data
    writer: str | None = None
    #: text and variable-length data (:data:`TEXT_KINDS`): ``dtype`` is then the element type as numpy spells it
    #: ("|S8", "<U6", "|O" for strings, "|S1" for char, the base integer for enum and vlen, "<i4,<f8" for compound)
    kind: str | None = None

    # -- derived ---------------------------------------------------------------------------------------------------
    @property
    def np_dtype(self) -> np.dtype:
        if self.kind == "compound":
            return np.dtype([(f, t) for f, t in zip(COMPOUND_FIELDS, self.dtype.split(","))])
        if self.kind == "vlen":
            return np.dtype(object)
        return np.dtype(self.dtype)

    @property
    def array_path(self) -> str:
        """Path of the array inside its store: Zarr ``""`` (the store is the array) or ``<group>/arr``; NetCDF the
        variable ``v`` or ``<group>/v``."""
        leaf = "v" if self.format in NETCDF_FORMATS else "arr"
        if self.group:
            return f"{self.group}/{leaf}"
        return leaf if self.format in NETCDF_FORMATS else ""

    @property
    def features(self) -> dict[str, Any]:
        """The case's properties as plain values (for reports)."""
        return {
            "format": self.format, "dtype": self.dtype, "shape": list(self.shape), "chunks": list(self.chunks),
            "codec": self.codec, "order": self.order, "separator": self.separator, "fill": _jsonable(self.fill),
            "shards": None if self.shards is None else list(self.shards), "missing": self.missing,
            "attrs": bool(self.attrs), "group": self.group, "variant": self.variant, "writer": self.writer,
            "kind": self.kind,
        }

    def fill_scalar(self) -> Any:
        """The fill value as a numpy scalar of the dtype (None when the case has none)."""
        dt = self.np_dtype
        f = self.fill
        if f == "none":
            return None
        if self.kind is not None:
            return _text_fill(self)
        if f == "zero":
            return dt.type(0)
        if f == "nan":
            return dt.type(np.nan)
        if f == "inf":
            return dt.type(np.inf)
        if f in ("min", "max"):
            if dt.kind == "b":
                return np.bool_(f == "max")
            info = np.finfo(dt) if dt.kind == "f" else np.iinfo(dt)
            return dt.type(info.min if f == "min" else info.max)
        return dt.type(f)

    def seed(self) -> int:
        return zlib.crc32(self.name.encode())

    def data(self) -> np.ndarray:
        """The values written: random over the dtype's range, with its extremes (and NaN/inf for floats) included."""
        dt = self.np_dtype
        n = int(np.prod(self.shape))
        rng = np.random.default_rng(self.seed())
        if self.kind is not None:
            return _text_data(self, rng)
        if dt.kind == "b":
            flat = rng.random(n) < 0.5
        elif dt.kind in "iu":
            info = np.iinfo(dt)
            flat = rng.integers(info.min, info.max, size=n, dtype=dt.newbyteorder("="), endpoint=True)
            if n >= 2:
                flat[0], flat[-1] = info.min, info.max
        else:
            flat = (rng.standard_normal(n) * 1e3).astype(dt.newbyteorder("="))
            specials = [np.nan, np.inf, -np.inf, np.finfo(dt).max, np.finfo(dt).tiny, -0.0]
            for i, v in enumerate(specials[: max(0, n - 1)]):
                flat[(i * 7919) % n] = v
        return flat.reshape(self.shape).astype(dt.newbyteorder("="))

    def written_region(self) -> tuple[slice, ...]:
        """The part of the array that is written (all of it unless ``missing``)."""
        if not self.missing or not self.shape:
            return tuple(slice(None) for _ in self.shape)
        return (slice(0, self.chunks[0]),) + tuple(slice(None) for _ in self.shape[1:])

    def expected(self) -> np.ndarray:
        """What a correct reader returns for the whole array."""
        data = self.data()
        if not self.missing:
            return data
        fill = self.fill_scalar()
        out = np.full(self.shape, 0 if fill is None else fill, dtype=data.dtype)
        region = self.written_region()
        out[region] = data[region]
        return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, (np.generic,)):
        return v.item()
    return v


# -- case lists ------------------------------------------------------------------------------------------------------
def _zarr_cases() -> list[Case]:
    cases: list[Case] = []
    # every dtype, both formats, a common codec each
    for fmt, codec in (("zarr-v2", "zlib"), ("zarr-v3", "zstd")):
        for dt in ALL_DTYPES:
            cases.append(Case(f"{fmt}-dtype-{dt[1:]}", fmt, dtype=dt, codec=codec))
    # every codec, a float and an unsigned dtype
    for fmt, codecs in (("zarr-v2", CODECS_V2), ("zarr-v3", CODECS_V3)):
        for codec in codecs:
            for dt in ("<f4", "<u2"):
                cases.append(Case(f"{fmt}-codec-{codec}-{dt[1:]}", fmt, dtype=dt, codec=codec))
    for fmt, codecs in (("zarr-v2", CODECS_V2), ("zarr-v3", CODECS_V3)):
        for codec in BLOSC_GRID:
            if codec not in codecs:
                cases.append(Case(f"{fmt}-codec-{codec}-i4", fmt, dtype="<i4", codec=codec))
    # big-endian
    for dt in (">i4", ">f8", ">u2", ">i8", ">u8", ">f4"):
        cases.append(Case(f"zarr-v2-bigendian-{dt[1:]}", "zarr-v2", dtype=dt, codec="zlib"))
        cases.append(Case(f"zarr-v3-bigendian-{dt[1:]}", "zarr-v3", dtype=dt, codec="zstd"))
    # order, separators
    cases += [
        Case("zarr-v2-order-F", "zarr-v2", dtype="<i4", order="F", codec="zlib"),
        Case("zarr-v2-order-F-blosc", "zarr-v2", dtype="<f8", order="F", codec="blosc-lz4-shuffle"),
        Case("zarr-v3-order-F-transpose", "zarr-v3", dtype="<i4", order="F", codec="zstd"),
        Case("zarr-v2-separator-slash", "zarr-v2", dtype="<f4", separator="/", codec="zlib"),
        Case("zarr-v3-separator-dot", "zarr-v3", dtype="<f4", separator=".", codec="zstd"),
        Case("zarr-v2-3d-separator-slash", "zarr-v2", dtype="<i2", shape=(9, 10, 11), chunks=(4, 5, 3), separator="/",
             codec="blosc-zstd-shuffle"),
    ]
    # fill values with absent chunks
    for fmt in ZARR_FORMATS:
        codec = "zlib" if fmt == "zarr-v2" else "zstd"
        cases += [
            Case(f"{fmt}-fill-nan-missing", fmt, dtype="<f8", fill="nan", missing=True, codec=codec),
            Case(f"{fmt}-fill-inf-missing", fmt, dtype="<f4", fill="inf", missing=True, codec=codec),
            Case(f"{fmt}-fill-max-u8-missing", fmt, dtype="<u8", fill="max", missing=True, codec=codec),
            Case(f"{fmt}-fill-min-i8-missing", fmt, dtype="<i8", fill="min", missing=True, codec=codec),
            Case(f"{fmt}-fill-max-u1-missing", fmt, dtype="|u1", fill="max", missing=True, codec=codec),
            Case(f"{fmt}-fill-42-i2-missing", fmt, dtype="<i2", fill=42, missing=True, codec=codec),
            Case(f"{fmt}-fill-true-bool-missing", fmt, dtype="|b1", fill="max", missing=True, codec=codec),
        ]
    cases.append(Case("zarr-v2-fill-none", "zarr-v2", dtype="<i4", fill="none", codec="zlib"))
    # geometry edges
    for fmt in ZARR_FORMATS:
        codec = "zlib" if fmt == "zarr-v2" else "zstd"
        cases += [
            Case(f"{fmt}-chunk-larger-than-array", fmt, shape=(5, 7), chunks=(16, 16), codec=codec),
            Case(f"{fmt}-one-element-chunks", fmt, dtype="<i4", shape=(4, 5), chunks=(1, 1), codec=codec),
            Case(f"{fmt}-1d", fmt, dtype="<f8", shape=(1001,), chunks=(100,), codec=codec),
            Case(f"{fmt}-0d", fmt, dtype="<f8", shape=(), chunks=(), codec=codec),
            Case(f"{fmt}-4d-partial", fmt, dtype="<u2", shape=(3, 5, 7, 9), chunks=(2, 2, 4, 4), codec=codec),
            Case(f"{fmt}-5d", fmt, dtype="<f4", shape=(2, 3, 4, 5, 6), chunks=(1, 2, 3, 4, 5), codec=codec),
            Case(f"{fmt}-empty", fmt, dtype="<f4", shape=(0, 5), chunks=(2, 2), codec=codec),
        ]
    # sharding (v3)
    cases += [
        Case("zarr-v3-sharded-f4", "zarr-v3", dtype="<f4", shape=(64, 48), chunks=(8, 8), shards=(32, 16),
             codec="zstd"),
        Case("zarr-v3-sharded-u1-blosc", "zarr-v3", dtype="|u1", shape=(64, 48), chunks=(8, 8), shards=(32, 16),
             codec="blosc-lz4-shuffle"),
        Case("zarr-v3-sharded-partial-missing", "zarr-v3", dtype="<i8", shape=(50, 45), chunks=(5, 5),
             shards=(20, 15), codec="gzip", missing=True, fill=-7),
        Case("zarr-v3-sharded-index-start", "zarr-v3", dtype="<u4", shape=(30, 30), chunks=(5, 5), shards=(10, 10),
             codec="none", index_location="start"),
        Case("zarr-v3-sharded-bool", "zarr-v3", dtype="|b1", shape=(16, 16), chunks=(4, 4), shards=(8, 8),
             codec="zstd"),
        Case("zarr-v3-sharded-3d", "zarr-v3", dtype="<f8", shape=(8, 12, 10), chunks=(2, 3, 5), shards=(4, 6, 10),
             codec="zstd+crc32c"),
    ]
    # attributes
    attrs = {"title": "zarrjvm", "scale": 0.5, "levels": [1, 2, 3], "nested": {"a": None, "b": True}}
    cases += [
        Case("zarr-v2-attrs", "zarr-v2", dtype="<f4", codec="zlib", attrs=attrs),
        Case("zarr-v3-attrs", "zarr-v3", dtype="<f4", codec="zstd", attrs=attrs),
    ]
    # nested groups: the array at g1/g2/arr, each level a group (the groups are written by the writer)
    cases += [
        Case("zarr-v2-nested-groups", "zarr-v2", dtype="<i2", codec="zlib", group="g1/g2", attrs={"level": 2}),
        Case("zarr-v3-nested-groups", "zarr-v3", dtype="<i2", codec="zstd", group="g1/g2", attrs={"level": 2}),
    ]
    return cases + _more_zarr_cases()


#: attributes users' metadata has: non-ASCII text, deep nesting, empty containers, large and negative numbers
UNICODE_ATTRS = {"long_name": "Température de l'eau", "units": "°C", "symbol": "🌊", "cjk": "海面水温",
                 "nested": {"deep": {"list": [1, [2, 3]], "empty": {}}, "none": []}, "big": -1.5e300,
                 "int64": 2 ** 62}


def _more_zarr_cases() -> list[Case]:
    """What users' Zarr data has beyond the grid above: every multi-byte dtype big-endian, blosc on big-endian data,
    fill values per dtype with absent chunks, edge geometries, order/transposition and separators with absent chunks,
    unicode and nested attributes, sharding edges."""
    cases: list[Case] = []
    for fmt in ZARR_FORMATS:
        codec = "zlib" if fmt == "zarr-v2" else "zstd"
        # big-endian: the two multi-byte dtypes the list above lacks, byte shuffle over big-endian elements, and a
        # big-endian fill value in absent chunks
        cases += [
            Case(f"{fmt}-bigendian-i2", fmt, dtype=">i2", codec=codec),
            Case(f"{fmt}-bigendian-u4", fmt, dtype=">u4", codec=codec),
            Case(f"{fmt}-bigendian-f8-blosc-shuffle", fmt, dtype=">f8", codec="blosc-lz4-shuffle"),
            Case(f"{fmt}-bigendian-i4-fill-min-missing", fmt, dtype=">i4", fill="min", missing=True, codec=codec),
        ]
        # fill values per dtype (the extremes a reader must not truncate or sign-flip) with absent chunks
        for fill, dt in (("min", "|i1"), ("max", "<i2"), ("min", "<i4"), ("max", "<i4"), ("max", "<u2"),
                         ("max", "<u4"), ("min", "<f4"), ("max", "<f8"), ("nan", "<f4")):
            cases.append(Case(f"{fmt}-fill-{fill}-{dt[1:]}-missing", fmt, dtype=dt, fill=fill, missing=True,
                              codec=codec))
        # geometry: partial edge chunks in 3-d, a last chunk of one element, chunks over the shape in one dimension
        # only, row and column chunks, single-element chunks in 3-d, a long 1-d byte array
        cases += [
            Case(f"{fmt}-3d-partial", fmt, dtype="<i4", shape=(7, 9, 11), chunks=(3, 4, 5), codec=codec),
            Case(f"{fmt}-1d-last-chunk-one", fmt, dtype="<f4", shape=(101,), chunks=(10,), codec=codec),
            Case(f"{fmt}-chunk-over-shape-one-dim", fmt, dtype="<i2", shape=(37, 5), chunks=(10, 8), codec=codec),
            Case(f"{fmt}-row-chunks", fmt, dtype="<f8", shape=(20, 30), chunks=(1, 30), codec=codec),
            Case(f"{fmt}-column-chunks", fmt, dtype="<u2", shape=(20, 30), chunks=(20, 1), codec=codec),
            Case(f"{fmt}-3d-one-element-chunks", fmt, dtype="<i8", shape=(2, 3, 2), chunks=(1, 1, 1), codec=codec),
            Case(f"{fmt}-1d-u1-long", fmt, dtype="|u1", shape=(5000,), chunks=(333,), codec=codec),
        ]
        # order F (v2 'order', v3 transpose) in 3-d and with absent chunks; separators with absent chunks and in 3-d
        sep = "/" if fmt == "zarr-v2" else "."
        cases += [
            Case(f"{fmt}-order-F-3d", fmt, dtype="<i2", shape=(6, 7, 8), chunks=(3, 4, 5), order="F", codec=codec),
            Case(f"{fmt}-order-F-missing", fmt, dtype="<f4", order="F", fill=-1, missing=True, codec=codec),
            Case(f"{fmt}-separator-{'slash' if sep == '/' else 'dot'}-missing", fmt, dtype="<i4", separator=sep,
                 fill=-5, missing=True, codec=codec),
            Case(f"{fmt}-separator-{'slash' if sep == '/' else 'dot'}-3d", fmt, dtype="<u4", shape=(5, 6, 7),
                 chunks=(2, 3, 4), separator=sep, codec=codec),
            Case(f"{fmt}-attrs-unicode", fmt, dtype="<f4", codec=codec, attrs=UNICODE_ATTRS),
        ]
    # numcodecs' other compressors users' v2 stores have (LZ4, BZ2, LZMA): readers without them must say so
    for codec in ("lz4", "bz2", "lzma"):
        for dt in ("<f4", "<i8"):
            cases.append(Case(f"zarr-v2-codec-{codec}-{dt[1:]}", "zarr-v2", dtype=dt, codec=codec))
    # sharding edges: shards partial at the array's edge, bitshuffled blosc inside, transposed inner chunks, 1-d,
    # absent shards with a NaN fill
    cases += [
        Case("zarr-v3-sharded-edge-partial", "zarr-v3", dtype="<i2", shape=(45, 37), chunks=(5, 4), shards=(20, 12),
             codec="zstd"),
        Case("zarr-v3-sharded-u2-bitshuffle", "zarr-v3", dtype="<u2", shape=(32, 32), chunks=(8, 8), shards=(16, 16),
             codec="blosc-zstd-bitshuffle"),
        Case("zarr-v3-sharded-1d", "zarr-v3", dtype="<f8", shape=(1000,), chunks=(50,), shards=(200,), codec="gzip"),
        Case("zarr-v3-sharded-nan-missing", "zarr-v3", dtype="<f4", shape=(40, 40), chunks=(5, 5), shards=(10, 20),
             codec="zstd", fill="nan", missing=True),
    ]
    return cases


def _netcdf_cases() -> list[Case]:
    cases: list[Case] = []
    for dt in ("|i1", ">i2", ">i4", ">f4", ">f8"):
        cases.append(Case(f"netcdf3-classic-{dt[1:]}", "netcdf3", dtype=dt, shape=(20, 30), chunks=(20, 30)))
    cases += [
        Case("netcdf3-64bit-offset-f8", "netcdf3", dtype=">f8", shape=(20, 30), chunks=(20, 30),
             variant="64bit_offset"),
        Case("netcdf3-record-f4", "netcdf3", dtype=">f4", shape=(12, 30), chunks=(1, 30), unlimited=True),
        Case("netcdf3-fill-i4", "netcdf3", dtype=">i4", shape=(20, 30), chunks=(20, 30), fill=-999),
        Case("netcdf3-cdf5-u2", "netcdf3", dtype=">u2", shape=(20, 30), chunks=(20, 30), variant="64bit_data"),
    ]
    for dt in ("|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f4", "<f8"):
        cases.append(Case(f"netcdf4-zlib-{dt[1:]}", "netcdf4", dtype=dt, shape=(40, 50), chunks=(16, 20),
                          codec="zlib"))
    cases += [
        Case("netcdf4-contiguous-f8", "netcdf4", dtype="<f8", shape=(20, 30), chunks=(20, 30), codec="none"),
        Case("netcdf4-fill-nan-missing", "netcdf4", dtype="<f4", shape=(40, 50), chunks=(10, 10), codec="zlib",
             fill="nan", missing=True),
        Case("netcdf4-group-i4", "netcdf4", dtype="<i4", shape=(20, 30), chunks=(5, 5), codec="zlib",
             group="inner/deeper"),
        Case("netcdf4-3d-unlimited", "netcdf4", dtype="<f4", shape=(6, 20, 30), chunks=(1, 10, 15), codec="zlib",
             unlimited=True),
        Case("netcdf4-bigendian-i4", "netcdf4", dtype=">i4", shape=(20, 30), chunks=(5, 5), codec="zlib"),
        Case("netcdf4-attrs", "netcdf4", dtype="<f4", shape=(10, 10), chunks=(5, 5), codec="zlib",
             attrs={"units": "K", "scale": 0.5, "levels": [1, 2, 3]}),
    ]
    # NetCDF-3: the 64-bit offset and CDF-5 variants per dtype, NaN in the data beside a NaN _FillValue, 1-d and
    # 3-d variables, a 3-d record variable, a record variable in a 64-bit offset file, text attributes
    for dt in ("|i1", ">i2", ">i4", ">f4"):
        cases.append(Case(f"netcdf3-64bit-offset-{dt[1:]}", "netcdf3", dtype=dt, shape=(20, 30), chunks=(20, 30),
                          variant="64bit_offset"))
    for dt in (">i8", ">u8", ">u4", "|u1"):
        cases.append(Case(f"netcdf3-cdf5-{dt[1:]}", "netcdf3", dtype=dt, shape=(20, 30), chunks=(20, 30),
                          variant="64bit_data"))
    cases += [
        Case("netcdf3-fill-nan-f4", "netcdf3", dtype=">f4", shape=(20, 30), chunks=(20, 30), fill="nan"),
        Case("netcdf3-1d-f8", "netcdf3", dtype=">f8", shape=(1001,), chunks=(1001,)),
        Case("netcdf3-3d-i2", "netcdf3", dtype=">i2", shape=(4, 5, 6), chunks=(4, 5, 6)),
        Case("netcdf3-record-3d-i4", "netcdf3", dtype=">i4", shape=(5, 6, 7), chunks=(1, 6, 7), unlimited=True),
        Case("netcdf3-64bit-offset-record-f8", "netcdf3", dtype=">f8", shape=(8, 10), chunks=(1, 10),
             unlimited=True, variant="64bit_offset"),
        Case("netcdf3-attrs", "netcdf3", dtype=">f4", shape=(10, 10), chunks=(10, 10),
             attrs={"units": "K", "scale": 0.5, "levels": [1, 2, 3]}),
    ]
    # NetCDF-4: big-endian per dtype, fill values with unwritten chunks, row and column chunks, 1-d and 4-d,
    # contiguous storage per dtype, a 1-d unlimited variable, non-ASCII text attributes
    for dt in (">i2", ">u2", ">i8", ">f4", ">f8"):
        cases.append(Case(f"netcdf4-bigendian-{dt[1:]}", "netcdf4", dtype=dt, shape=(20, 30), chunks=(5, 10),
                          codec="zlib"))
    cases += [
        Case("netcdf4-fill-i4-missing", "netcdf4", dtype="<i4", shape=(40, 50), chunks=(10, 10), codec="zlib",
             fill=-999, missing=True),
        Case("netcdf4-fill-max-u8-missing", "netcdf4", dtype="<u8", shape=(40, 50), chunks=(10, 10), codec="zlib",
             fill="max", missing=True),
        Case("netcdf4-fill-min-i1-missing", "netcdf4", dtype="|i1", shape=(40, 50), chunks=(10, 10), codec="zlib",
             fill="min", missing=True),
        Case("netcdf4-row-chunks-f4", "netcdf4", dtype="<f4", shape=(40, 50), chunks=(1, 50), codec="zlib"),
        Case("netcdf4-column-chunks-i2", "netcdf4", dtype="<i2", shape=(40, 50), chunks=(40, 1), codec="zlib"),
        Case("netcdf4-1d-f8", "netcdf4", dtype="<f8", shape=(1001,), chunks=(100,), codec="zlib"),
        Case("netcdf4-4d-u2", "netcdf4", dtype="<u2", shape=(3, 4, 5, 6), chunks=(1, 2, 5, 3), codec="zlib"),
        Case("netcdf4-contiguous-i2", "netcdf4", dtype="<i2", shape=(20, 30), chunks=(20, 30), codec="none"),
        Case("netcdf4-contiguous-u8", "netcdf4", dtype="<u8", shape=(20, 30), chunks=(20, 30), codec="none"),
        Case("netcdf4-1d-unlimited-i4", "netcdf4", dtype="<i4", shape=(50,), chunks=(16,), codec="zlib",
             unlimited=True),
        Case("netcdf4-attrs-unicode", "netcdf4", dtype="<f4", shape=(10, 10), chunks=(5, 5), codec="zlib",
             attrs={"long_name": "Température de l'eau", "units": "°C", "cjk": "海面水温"}),
    ]
    # NetCDF-4 / HDF5 filters: byte shuffle before deflate (netCDF4's default with zlib=True), deflate levels 1 and 9,
    # Fletcher32 checksums (alone, after deflate, with shuffle), on big-endian data too (no shuffle without deflate:
    # netCDF-C applies it only with deflate)
    for codec, dt in (("shuffle+zlib", "<f4"), ("shuffle+zlib", "<i8"), ("shuffle+zlib", ">f8"), ("zlib:1", "<i4"),
                      ("zlib:9", "<f8"), ("shuffle+zlib:9", "<u2"), ("fletcher32", "<f4"), ("zlib+fletcher32", "<i2"),
                      ("shuffle+zlib+fletcher32", "<f8"), ("shuffle+zlib:1", "<i4")):
        name = codec.replace(":", "").replace("+", "-")
        cases.append(Case(f"netcdf4-{name}-{dt[1:]}{'-be' if dt[0] == '>' else ''}", "netcdf4", dtype=dt,
                          shape=(40, 50), chunks=(16, 20), codec=codec))
    return cases


#: the kinds of text and variable-length data a case can hold, as "<format>:<kind>" declarations name them
#: (:attr:`.capabilities.Caps.kinds`): fixed-length bytes (Zarr ``|S<n>``, v3 ``null_terminated_bytes``), fixed-length
#: UTF-32 (``<U<n>``), variable-length UTF-8 strings (Zarr v2 ``|O`` with vlen-utf8, v3 ``string``, NetCDF-4
#: ``string``), NetCDF ``char`` (``S1`` with a trailing character dimension), enum, compound and vlen sequences
TEXT_KINDS = {"bytes": "fixed-length bytes", "unicode": "fixed-length UTF-32 text",
              "string": "variable-length UTF-8 strings", "char": "char arrays", "enum": "enum types",
              "compound": "compound types", "vlen": "variable-length sequences"}
#: the compound case's field names (its ``dtype`` gives their types)
COMPOUND_FIELDS = ("id", "x")
#: the enum case's members
ENUM_MEMBERS = {"clear": 0, "cumulus": 1, "stratus": 2, "missing": 255}
#: text with what readers get wrong: empty strings, non-ASCII (accents, CJK, emoji), control characters, long strings
TEXT_WORDS = ("", "a", "héllo", "wörld", "日本語", "Ωμέγα", "tab\tnl\n", "end", "x" * 40, "🌊 wave", "zz")
#: bytes: empty, UTF-8 of non-ASCII text, bytes that are not UTF-8, all 8 bytes used
TEXT_BYTES = (b"", b"a", "héllo".encode(), "日本".encode(), b"\xff\xfe\x80", b"tab\tnl\n", b"12345678", b"zz")


def _text_fill(case: Case) -> Any:
    """A text case's fill value (what absent chunks read as): the writers' default for the kind."""
    if case.kind in ("string", "unicode"):
        return ""
    if case.kind in ("bytes", "char"):
        return b""
    return case.np_dtype.type(0) if case.kind == "enum" else None


def _text_data(case: Case, rng: np.random.Generator) -> np.ndarray:
    n = int(np.prod(case.shape))
    pick = rng.integers(0, 1 << 30, size=n)
    if case.kind == "string":
        flat: Any = np.array([TEXT_WORDS[i % len(TEXT_WORDS)] for i in pick], dtype=object)
        flat[:len(TEXT_WORDS)] = TEXT_WORDS[:n]  # every word at least once
    elif case.kind == "unicode":
        size = case.np_dtype.itemsize // 4
        words = [w[:size] for w in TEXT_WORDS]
        flat = np.array([words[i % len(words)] for i in pick], dtype=case.np_dtype)
        flat[:len(words)] = words[:n]
    elif case.kind in ("bytes", "char"):
        size = case.shape[-1] if case.kind == "char" else case.np_dtype.itemsize
        chunks = [w[:size] for w in TEXT_BYTES]
        rows = n // size if case.kind == "char" else n
        fixed = np.array([chunks[i % len(chunks)] for i in pick[:rows]], dtype=f"S{size}")
        fixed[:len(chunks)] = chunks[:rows]
        if case.kind == "bytes":
            return fixed.reshape(case.shape)
        return np.frombuffer(fixed.tobytes(), "S1").reshape(case.shape).copy()  # NetCDF: one byte per element
    elif case.kind == "enum":
        values = np.array(sorted(ENUM_MEMBERS.values()), dtype=case.np_dtype)
        flat = values[pick % len(values)]
    elif case.kind == "compound":
        flat = np.zeros(n, case.np_dtype)
        info = np.iinfo(np.dtype(case.dtype.split(",")[0]))
        flat["id"] = rng.integers(info.min, info.max, size=n, endpoint=True)
        flat["x"] = rng.standard_normal(n) * 1e3
        if n >= 3:
            flat["id"][0], flat["id"][1], flat["x"][2] = info.min, info.max, np.nan
    elif case.kind == "vlen":
        base = np.dtype(case.dtype)
        flat = np.empty(n, dtype=object)
        for i in range(n):  # lengths 0..5, the first element empty
            flat[i] = rng.integers(-1000, 1000, size=int(pick[i] % 6) if i else 0).astype(base.newbyteorder("="))
    else:
        raise ValueError(f"unknown kind {case.kind!r}")
    return flat.reshape(case.shape)


def _text_cases() -> list[Case]:
    """Text and variable-length data, one case per kind and format: Zarr v2 ``|S8``, ``<U6`` (absent chunks) and
    vlen-utf8 (zarr-python's default for ``str`` in v2), Zarr v3 ``string`` (its default in v3, absent chunks) and
    fixed-length bytes; NetCDF-3 ``char``; NetCDF-4 ``string`` (absent chunks), ``char``, enum, compound and vlen."""
    return [
        Case("zarr-v2-text-bytes-S8", "zarr-v2", dtype="|S8", shape=(11,), chunks=(4,), codec="zlib", kind="bytes"),
        Case("zarr-v2-text-unicode-U6-missing", "zarr-v2", dtype="<U6", shape=(11,), chunks=(4,), codec="zlib",
             missing=True, kind="unicode"),
        Case("zarr-v2-text-vlen-utf8", "zarr-v2", dtype="|O", shape=(7, 5), chunks=(3, 2), codec="zlib",
             kind="string"),
        Case("zarr-v3-text-string-missing", "zarr-v3", dtype="|O", shape=(7, 5), chunks=(3, 2), codec="zstd",
             missing=True, kind="string"),
        Case("zarr-v3-text-bytes-S8", "zarr-v3", dtype="|S8", shape=(11,), chunks=(4,), codec="zstd", kind="bytes"),
        Case("netcdf3-text-char", "netcdf3", dtype="|S1", shape=(9, 8), chunks=(9, 8), kind="char"),
        Case("netcdf4-text-string-missing", "netcdf4", dtype="|O", shape=(11,), chunks=(4,), missing=True,
             kind="string"),
        Case("netcdf4-text-char", "netcdf4", dtype="|S1", shape=(9, 8), chunks=(3, 8), codec="zlib", kind="char"),
        Case("netcdf4-enum-u1", "netcdf4", dtype="|u1", shape=(40,), chunks=(16,), codec="zlib", kind="enum"),
        Case("netcdf4-compound", "netcdf4", dtype="<i4,<f8", shape=(20,), chunks=(8,), codec="zlib",
             kind="compound"),
        Case("netcdf4-vlen-i4", "netcdf4", dtype="<i4", shape=(9,), chunks=(4,), kind="vlen"),
    ]


ZARR_CASES: list[Case] = _zarr_cases()
NETCDF_CASES: list[Case] = _netcdf_cases()
from .defaults import default_cases  # noqa: E402 (it needs Case)

DEFAULT_CASES: list[Case] = default_cases()
TEXT_CASES: list[Case] = _text_cases()
ALL_CASES: list[Case] = ZARR_CASES + NETCDF_CASES + DEFAULT_CASES + TEXT_CASES
CASES_BY_NAME: dict[str, Case] = {c.name: c for c in ALL_CASES}
assert len(CASES_BY_NAME) == len(ALL_CASES), "case names must be unique"


def select(names: list[str] | None = None) -> list[Case]:
    """Cases by name (glob patterns allowed); all when ``names`` is None."""
    if not names:
        return list(ALL_CASES)
    import fnmatch

    out = [c for c in ALL_CASES if any(fnmatch.fnmatch(c.name, pat) for pat in names)]
    if not out:
        raise KeyError(f"no case matches {names}")
    return out


def nc4_filters(case: Case) -> dict[str, Any]:
    """A NetCDF-4 (HDF5) case's filters from its codec ("shuffle+zlib:9+fletcher32"): ``zlib``, its ``level`` (5 unless
    ``zlib:<n>``), ``shuffle``, ``fletcher32``; ``chunked`` when the variable needs chunked storage (filters, chunks
    other than the shape, or an unlimited dimension)."""
    parts = [p for p in case.codec.split("+") if p != "none"]
    zlib = next((p for p in parts if p.split(":")[0] == "zlib"), None)
    unknown = [p for p in parts if p.split(":")[0] not in ("zlib", "shuffle", "fletcher32")]
    if unknown:
        raise ValueError(f"codec {unknown} has no NetCDF-4 spelling")
    out = {"zlib": zlib is not None, "level": int(zlib.split(":")[1]) if zlib and ":" in zlib else 5,
           "shuffle": "shuffle" in parts, "fletcher32": "fletcher32" in parts}
    out["chunked"] = bool(parts) or case.chunks != case.shape or case.unlimited
    return out


# -- the Python peers as writers --------------------------------------------------------------------------------------
def _v2_compressor(codec: str) -> Any:
    import numcodecs

    if codec == "none":
        return None
    if codec == "zlib":
        return numcodecs.Zlib(level=5)
    if codec == "gzip":
        return numcodecs.GZip(level=5)
    if codec == "zstd":
        return numcodecs.Zstd(level=3)
    if codec == "lz4":
        return numcodecs.LZ4(acceleration=1)
    if codec == "bz2":
        return numcodecs.BZ2(level=5)
    if codec == "lzma":
        return numcodecs.LZMA()
    if codec == "vlen-utf8":
        return numcodecs.VLenUTF8()
    if codec.startswith("blosc-"):
        _, cname, shuffle = codec.split("-")
        mode = {"noshuffle": numcodecs.Blosc.NOSHUFFLE, "shuffle": numcodecs.Blosc.SHUFFLE,
                "bitshuffle": numcodecs.Blosc.BITSHUFFLE}[shuffle]
        return numcodecs.Blosc(cname=cname, clevel=5, shuffle=mode)
    raise ValueError(f"codec {codec!r} has no Zarr v2 spelling")


def _v3_compressors(codec: str, dtype: np.dtype) -> list[Any]:
    from zarr.codecs import BloscCodec, Crc32cCodec, GzipCodec, ZstdCodec

    out: list[Any] = []
    for part in codec.split("+"):
        if part == "none":
            continue
        if part == "gzip":
            out.append(GzipCodec(level=5))
        elif part == "zstd":
            out.append(ZstdCodec(level=3))
        elif part == "crc32c":
            out.append(Crc32cCodec())
        elif part.startswith("blosc-"):
            _, cname, shuffle = part.split("-")
            out.append(BloscCodec(cname=cname, clevel=5, shuffle=shuffle, typesize=dtype.itemsize))  # type: ignore[arg-type]
        else:
            raise ValueError(f"codec {part!r} has no Zarr v3 spelling")
    return out


def fill_json(case: Case) -> Any:
    """The case's fill value as Zarr metadata spells it in JSON (None, a bool, an int, a float or the strings "NaN",
    "Infinity", "-Infinity"): what tensorstore's specs and the out-of-process workers are given."""
    f = case.fill_scalar()
    if f is None:
        return None
    if case.np_dtype.kind == "b":
        return bool(f)
    if case.np_dtype.kind == "f":
        v = float(f)
        return "NaN" if np.isnan(v) else ("Infinity" if v == np.inf else "-Infinity" if v == -np.inf else v)
    return int(f)


def zarr_fill_for_writer(case: Case) -> Any:
    f = case.fill_scalar()
    return None if f is None else f


def write_zarr_python(case: Case, path: str | Path) -> str:
    """Writes ``case`` with zarr-python 3 at ``path`` (a new directory store). Returns the array path inside it."""
    import zarr
    from zarr.codecs import BytesCodec, TransposeCodec

    dtype = case.np_dtype
    kwargs: dict[str, Any] = {
        "shape": case.shape,
        "dtype": str if case.kind == "string" else dtype,
        "chunks": case.chunks if case.shape else (),
        "fill_value": zarr_fill_for_writer(case),
        "overwrite": True,
        "attributes": dict(case.attrs) or None,
    }
    if case.format == "zarr-v2":
        kwargs["zarr_format"] = 2
        kwargs["compressors"] = _v2_compressor(case.codec)
        # strings: zarr-python's default object codec in v2 (given explicitly as filters=None would drop it)
        kwargs["filters"] = [_v2_compressor("vlen-utf8")] if case.kind == "string" else None
        kwargs["order"] = case.order
        if case.separator is not None:
            kwargs["chunk_key_encoding"] = {"name": "v2", "separator": case.separator}
    else:
        kwargs["zarr_format"] = 3
        kwargs["compressors"] = _v3_compressors(case.codec, dtype)
        if case.kind is None:  # text: zarr-python's own serializer for the type (vlen-utf8 for strings)
            kwargs["serializer"] = BytesCodec(endian="big" if dtype.byteorder == ">" else "little")
        if case.order == "F":
            kwargs["filters"] = [TransposeCodec(order=tuple(reversed(range(len(case.shape)))))]
        if case.separator is not None:
            kwargs["chunk_key_encoding"] = {"name": "default", "separator": case.separator}
        if case.shards is not None:
            kwargs["shards"] = {"shape": case.shards, "index_location": case.index_location}
    if case.fill == "none" and case.format == "zarr-v2":
        kwargs["fill_value"] = None
    if case.group:
        root = zarr.open_group(str(path), mode="w", zarr_format=kwargs.pop("zarr_format"))
        g = root
        for part in case.group.split("/"):
            g = g.create_group(part)
        kwargs.pop("overwrite")
        arr = g.create_array("arr", **kwargs)
    else:
        arr = zarr.create_array(str(path), **kwargs)
    data = case.data()
    region = case.written_region()
    if case.shape:
        arr[region] = data[region]
    else:
        arr[()] = data[()]
    return case.array_path


def write_netcdf4(case: Case, path: str | Path) -> str:
    """Writes ``case`` with the netCDF4 package at ``path``. Returns the variable path."""
    import netCDF4

    fmt = {"netcdf4": "NETCDF4", "netcdf3": "NETCDF3_CLASSIC"}[case.format]
    if case.kind is not None:
        with netCDF4.Dataset(str(path), "w", format=fmt) as ds:  # type: ignore[arg-type]
            write_netcdf4_text(case, ds)
        return case.array_path
    if case.variant == "64bit_offset":
        fmt = "NETCDF3_64BIT_OFFSET"
    elif case.variant == "64bit_data":
        fmt = "NETCDF3_64BIT_DATA"
    dtype = case.np_dtype
    with netCDF4.Dataset(str(path), "w", format=fmt) as ds:  # type: ignore[arg-type]
        grp: Any = ds
        if case.group:
            for part in case.group.split("/"):
                grp = grp.createGroup(part)
        dims = []
        for i, n in enumerate(case.shape):
            name = f"dim{i}"
            grp.createDimension(name, None if (case.unlimited and i == 0) else n)
            dims.append(name)
        kw: dict[str, Any] = {}
        if case.format == "netcdf4":
            flt = nc4_filters(case)
            kw.update(zlib=flt["zlib"], complevel=flt["level"], shuffle=flt["shuffle"], fletcher32=flt["fletcher32"])
            if flt["chunked"]:
                kw["chunksizes"] = case.chunks
            else:
                kw["contiguous"] = True
            kw["endian"] = "big" if dtype.byteorder == ">" else "little"
        fill = case.fill_scalar()
        if case.fill != "zero":
            kw["fill_value"] = fill
        # NetCDF-4 takes the byte order from `endian` (given the same dtype, so netCDF4 has nothing to warn about);
        # NetCDF-3 is big-endian on disk whatever the dtype says.
        var = grp.createVariable("v", dtype if "endian" in kw else dtype.newbyteorder("="), tuple(dims), **kw)
        var.set_auto_maskandscale(False)
        for k, v in case.attrs.items():
            var.setncattr(k, v)
        data = case.data()
        region = case.written_region()
        var[region] = data[region]
    return case.array_path


def write_netcdf4_text(case: Case, ds: Any) -> None:
    """Writes a text case's variable ``v`` into the open netCDF4 dataset ``ds`` (also NCZarr's and xarray's peers'
    spelling of it): char as ``S1`` over a trailing character dimension, written as bytes (no ``_Encoding``), string as
    ``str``, enum, compound and vlen through netCDF4's user-defined types."""
    dims = []
    for i, n in enumerate(case.shape):
        ds.createDimension(f"dim{i}", n)
        dims.append(f"dim{i}")
    kw: dict[str, Any] = {}
    if case.format == "netcdf4":
        flt = nc4_filters(case)
        kw.update(zlib=flt["zlib"], complevel=flt["level"], shuffle=flt["shuffle"])
        kw.update({"chunksizes": case.chunks} if flt["chunked"] else {"contiguous": True})
    if case.kind == "char":
        var = ds.createVariable("v", "S1", tuple(dims), **kw)
        var.set_auto_chartostring(False)
    elif case.kind == "string":
        var = ds.createVariable("v", str, tuple(dims), **kw)
    elif case.kind == "enum":
        var = ds.createVariable("v", ds.createEnumType(case.np_dtype, "enum_t", ENUM_MEMBERS), tuple(dims), **kw)
    elif case.kind == "compound":
        var = ds.createVariable("v", ds.createCompoundType(case.np_dtype, "compound_t"), tuple(dims), **kw)
    elif case.kind == "vlen":
        var = ds.createVariable("v", ds.createVLType(np.dtype(case.dtype), "vlen_t"), tuple(dims), **kw)
    else:
        raise ValueError(f"netCDF has no spelling of kind {case.kind!r}")
    var.set_auto_maskandscale(False)
    write_text_region(case, var)


def write_text_region(case: Case, var: Any) -> None:
    """Writes a text case's written region into ``var`` (a netCDF4, h5py or h5netcdf variable): vlen element by element
    (a slice assignment of an object array of arrays is not taken the same way by every library)."""
    data = case.data()
    region = case.written_region()
    if case.kind == "vlen":
        for i in range(*region[0].indices(case.shape[0])):
            var[i] = data[i]
    else:
        var[region] = data[region]


def write_python(case: Case, root: str | Path) -> tuple[str, str]:
    """Writes ``case`` with the format's Python peer under ``root``; returns ``(store, array_path)``."""
    root = Path(root)
    if case.format in ZARR_FORMATS:
        store = root / f"{case.name}.zarr"
        return str(store), write_zarr_python(case, store)
    store = root / f"{case.name}.nc"
    return str(store), write_netcdf4(case, store)


def peer_read(case: Case, store: str, path: str) -> np.ndarray:
    """The Python peer's own read of the whole array (zarr-python, or netCDF4 without masking/scaling)."""
    if case.format in ZARR_FORMATS:
        import zarr

        return np.asarray(zarr.open_array(store, mode="r", path=path or "")[...])
    import netCDF4

    with netCDF4.Dataset(store, "r") as ds:
        var = ds[path]
        var.set_auto_maskandscale(False)
        return np.asarray(var[...])
