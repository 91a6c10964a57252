"""The implementations in the matrix: writers write a case into a new store, readers read a store back to numpy.

Each one carries its declared capabilities (:mod:`.capabilities`). Readers use the real paths: the Python libraries
directly, the Java libraries through :func:`zarrjvm.open_array`; Java writers are fed from numpy through the Arrow C
Data Interface (:mod:`.javawrite`) and write with their library's own API.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .capabilities import PEER_READERS, WRITERS, Caps, java_readers
from .cases import NETCDF_FORMATS, Case, fill_json, write_netcdf4, write_zarr_python


@dataclass
class ReadResult:
    """What a reader handed back: values (numpy, native byte order), the dtype it reports as stored, attributes (None
    when the reader has no attribute API for the format) and the reader's own notes (e.g. a zarrjvm shim used)."""

    values: np.ndarray
    dtype: np.dtype
    attrs: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


class Implementation:
    """A named library in one role; ``caps`` is its declaration."""

    name: str = ""
    role: str = ""
    caps: Caps
    #: Python modules it needs; when one is not importable the implementation is *unavailable*, its cells skipped
    modules: tuple[str, ...] = ()

    def unavailable(self) -> str | None:
        """Why this implementation cannot run here (a module it needs does not import), or None."""
        return _unavailable(self.modules)

    @property
    def version(self) -> str:
        return _version(self.name)

    def limitation(self, case: Case) -> str | None:
        from .capabilities import limitation

        return limitation(self.caps, case, self.role)


class Writer(Implementation):
    role = "writer"

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        """Writes ``case`` under ``root`` (a directory of its own); returns ``(store, array_path, notes)``."""
        raise NotImplementedError


class Reader(Implementation):
    role = "reader"

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        raise NotImplementedError


def _store_name(case: Case, root: Path) -> Path:
    return root / (f"{case.name}.nc" if case.format in NETCDF_FORMATS else f"{case.name}.zarr")


# -- writers ---------------------------------------------------------------------------------------------------------
class ZarrPythonWriter(Writer):
    name = "zarr-python"
    modules: tuple[str, ...] = ("zarr", "numcodecs")
    caps = WRITERS["zarr-python"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        store = _store_name(case, root)
        return str(store), write_zarr_python(case, store), []


class NetCDF4Writer(Writer):
    name = "netcdf4-python"
    modules = ("netCDF4",)
    caps = WRITERS["netcdf4-python"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        store = _store_name(case, root)
        return str(store), write_netcdf4(case, store), []


class TensorstoreWriter(Writer):
    """tensorstore's ``zarr`` (v2) and ``zarr3`` drivers on a file kvstore, spelled as its documentation spells them."""

    name = "tensorstore"
    modules = ("tensorstore",)
    caps = WRITERS["tensorstore"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        import tensorstore as ts

        store = _store_name(case, root)
        t = ts.open(tensorstore_spec(case, str(store), create=True), create=True, delete_existing=True).result()
        data = case.data()
        region = case.written_region()
        if case.shape:
            t[region].write(data[region]).result()
        else:
            t.write(data).result()
        return str(store), case.array_path, []



def tensorstore_spec(case: Case, store: str, create: bool = False) -> dict[str, Any]:
    """The tensorstore spec of ``case`` at ``store`` (with its metadata when ``create``)."""
    kv = {"driver": "file", "path": str(Path(store) / case.array_path) if case.array_path else store}
    if case.format == "zarr-v2":
        spec: dict[str, Any] = {"driver": "zarr", "kvstore": kv}
        if create:
            meta: dict[str, Any] = {
                "shape": list(case.shape), "chunks": list(case.chunks), "dtype": case.np_dtype.str,
                "order": case.order, "fill_value": fill_json(case), "compressor": _ts_v2_compressor(case.codec),
                "filters": None,
            }
            if case.separator is not None:
                meta["dimension_separator"] = case.separator
            spec["metadata"] = meta
        return spec
    spec = {"driver": "zarr3", "kvstore": kv}
    if create:
        dt = case.np_dtype
        codecs = _ts_v3_codecs(case)
        chunk_shape = list(case.shards if case.shards is not None else case.chunks)
        if case.shards is not None:
            codecs = [{"name": "sharding_indexed", "configuration": {
                "chunk_shape": list(case.chunks), "codecs": codecs,
                "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
                "index_location": case.index_location}}]
        meta = {
            "shape": list(case.shape), "data_type": _V3_NAMES[f"{dt.kind}{dt.itemsize}"],
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunk_shape}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": case.separator or "/"}},
            "fill_value": fill_json(case) if case.fill != "none" else 0, "codecs": codecs,
        }
        if case.attrs:
            meta["attributes"] = case.attrs
        spec["metadata"] = meta
    return spec


_V3_NAMES = {"b1": "bool", "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64", "u1": "uint8", "u2": "uint16",
             "u4": "uint32", "u8": "uint64", "f4": "float32", "f8": "float64"}
_SHUFFLE_V2 = {"noshuffle": 0, "shuffle": 1, "bitshuffle": 2}


def _ts_v2_compressor(codec: str) -> dict[str, Any] | None:
    if codec == "none":
        return None
    if codec in ("zlib", "gzip"):
        return {"id": codec, "level": 5}
    if codec == "zstd":
        return {"id": "zstd", "level": 3}
    if codec == "bz2":
        return {"id": "bz2", "level": 5}
    if codec.startswith("blosc-"):
        _, cname, shuffle = codec.split("-")
        return {"id": "blosc", "cname": cname, "clevel": 5, "shuffle": _SHUFFLE_V2[shuffle]}
    raise ValueError(f"codec {codec!r} has no Zarr v2 spelling")


def _ts_v3_codecs(case: Case) -> list[dict[str, Any]]:
    dt = case.np_dtype
    out: list[dict[str, Any]] = []
    if case.order == "F":
        out.append({"name": "transpose", "configuration": {"order": list(reversed(range(len(case.shape))))}})
    out.append({"name": "bytes", "configuration": {"endian": "big" if dt.byteorder == ">" else "little"}}
               if dt.itemsize > 1 else {"name": "bytes"})
    for part in case.codec.split("+"):
        if part == "none":
            continue
        if part == "gzip":
            out.append({"name": "gzip", "configuration": {"level": 5}})
        elif part == "zstd":
            out.append({"name": "zstd", "configuration": {"level": 3, "checksum": False}})
        elif part == "crc32c":
            out.append({"name": "crc32c"})
        elif part.startswith("blosc-"):
            _, cname, shuffle = part.split("-")
            out.append({"name": "blosc", "configuration": {"cname": cname, "clevel": 5, "shuffle": shuffle,
                                                           "typesize": dt.itemsize, "blocksize": 0}})
        else:
            raise ValueError(f"codec {part!r} has no Zarr v3 spelling")
    return out


class JavaWriter(Writer):
    """A Java library writing through zarrjvm: numpy → Arrow C Data (no copy) → the library's own write API.
    ``shims`` routes around Central-only link failures the way the Java writers (``dev.zarrjvm.compat``) document
    (labelled)."""

    def __init__(self, name: str, shims: bool = True) -> None:
        self.name = name
        self.caps = WRITERS[name]
        self.shims = shims

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        from .javawrite import write_java

        store = _store_name(case, root)
        out = write_java(self.name, case, store, shims=self.shims)
        return str(store), case.array_path, list(out.get("notes", []))


# -- readers ---------------------------------------------------------------------------------------------------------
class ZarrPythonReader(Reader):
    name = "zarr-python"
    modules: tuple[str, ...] = ("zarr", "numcodecs")
    caps = PEER_READERS["zarr-python"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        import zarr

        if case.group:
            # through the hierarchy: every group on the way must be a group node
            node: Any = zarr.open_group(store, mode="r")
            for part in path.split("/"):
                node = node[part]
            z = node
        else:
            z = zarr.open_array(store, mode="r", path=path or "")
        values = np.asarray(z[...])
        return ReadResult(values, np.dtype(z.dtype), dict(z.attrs))


class TensorstoreReader(Reader):
    name = "tensorstore"
    modules = ("tensorstore",)
    caps = PEER_READERS["tensorstore"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        import tensorstore as ts

        driver = "zarr" if case.format == "zarr-v2" else "zarr3"
        kv = {"driver": "file", "path": str(Path(store) / path) if path else store}
        t = ts.open({"driver": driver, "kvstore": kv}, open=True, read=True).result()
        values = np.asarray(t.read().result())
        attrs = None
        if case.format == "zarr-v3":
            attrs = dict(t.spec().to_json().get("metadata", {}).get("attributes", {}))
        return ReadResult(values, np.dtype(t.dtype.numpy_dtype), attrs)


class NetCDF4Reader(Reader):
    name = "netcdf4-python"
    modules = ("netCDF4",)
    caps = PEER_READERS["netcdf4-python"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        import netCDF4

        with netCDF4.Dataset(store, "r") as ds:
            var = ds[path]
            var.set_auto_maskandscale(False)
            values = np.asarray(var[...])
            attrs = {k: _plain(var.getncattr(k)) for k in var.ncattrs() if k != "_FillValue"}
            return ReadResult(values, np.dtype(var.dtype), attrs)


class JvmReader(Reader):
    """A Java reader through zarrjvm (``zarrjvm.open_array(..., backend=name)``) as a Java user of the library reads:
    its own codec objects decode (``decode="reader"``), with zarrjvm's other defaults."""

    def __init__(self, name: str, *, backend: str | None = None, **options: Any) -> None:
        self.name = name
        self.backend = backend or name
        declared = java_readers().get(self.backend)
        why = None if declared is not None else f"the Java backend {self.backend!r} is not available (no JVM or jars)"
        self._why = why
        caps = declared or Caps(name=name, library=name, formats=frozenset(), dtypes=frozenset())
        if options.get("shims") is False:
            caps = replace(caps, name=name, notes=caps.notes + (AS_IS_NOTE,))
        self.caps = caps
        self.options = {"decode": "reader", **options}

    def unavailable(self) -> str | None:
        return self._why

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        from ..array import open_array

        with open_array(store, path or None, backend=self.backend, **self.options) as a:
            values = np.array(a[...])  # own the data: the Java view is released at once
            attrs = {k: v for k, v in a.attrs.items() if k != "_FillValue"}
            return ReadResult(values, a.dtype, attrs, list(a.notes))


#: the as-is column's note: what ``shims=False`` turns off (zarr-java is the only Java Zarr reader with shims; jzarr
#: is read as it is in every column)
AS_IS_NOTE = ("shims=False: zarr-java parses the stored metadata as it is (no spec-stated normalization such as the v3 "
              "chunk_key_encoding's default configuration, finding Z7, or ignoring unknown v2 .zarray keys) and "
              "decodes through its own ucar.ma2 path (no signed twin or zarrjvm shard index on the Central-only "
              "build)")
#: reader columns of the Java readers with shims off, beside the normalized (default) columns
AS_IS_READERS = {"zarr-java (as-is)": "zarr-java"}


@functools.cache
def _unavailable(modules: tuple[str, ...]) -> str | None:
    import importlib

    for m in modules:
        try:
            importlib.import_module(m)
        except Exception as e:  # not installed, or installed broken: either way it cannot run here
            return f"{m} does not import: {type(e).__name__}: {e}"
    return None


def _plain(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return [x.item() for x in v.reshape(-1)]
    if isinstance(v, np.generic):
        return v.item()
    return v


# -- registry --------------------------------------------------------------------------------------------------------
def writers() -> dict[str, Writer]:
    """Every writer, by name, in report order."""
    from . import peers

    return {
        "zarr-python": ZarrPythonWriter(), "tensorstore": TensorstoreWriter(), "zarr-java": JavaWriter("zarr-java"),
        "jzarr": JavaWriter("jzarr"), "netcdf4-python": NetCDF4Writer(), "netcdf-java": JavaWriter("netcdf-java"),
        "jhdf": JavaWriter("jhdf"),
        "h5py": peers.H5pyWriter(),
        "h5netcdf": peers.H5netcdfWriter(),
        "scipy": peers.ScipyWriter(),
        "xarray": peers.XarrayWriter(),
        "zarrs": peers.ZarrsWriter(),
        "nczarr": peers.NCZarrWriter(),
        **_worker_implementations("writer"), **_registered("writer"),
    }


def readers() -> dict[str, Reader]:
    """Every reader, by name, in report order."""
    from . import peers

    return {
        "zarr-python": ZarrPythonReader(), "tensorstore": TensorstoreReader(), "zarr-java": JvmReader("zarr-java"),
        "jzarr": JvmReader("jzarr"), "netcdf4-python": NetCDF4Reader(), "netcdf-java": JvmReader("netcdf-java"),
        "jhdf": JvmReader("jhdf"),
        **{name: JvmReader(name, backend=backend, shims=False) for name, backend in AS_IS_READERS.items()},
        "h5py": peers.H5pyReader(),
        "h5netcdf": peers.H5netcdfReader(),
        "scipy": peers.ScipyReader(),
        "zarrs": peers.ZarrsReader(),
        "nczarr": peers.NCZarrReader(),
        **_worker_implementations("reader"), **_registered("reader"),
    }


def _worker_implementations(role: str) -> dict[str, Any]:
    """The out-of-process implementations (:mod:`.workers`): zarr-python 2 and zarrita."""
    from . import workers

    if role == "writer":
        return {"zarr-python-2": workers.Zarr2Writer(), "zarrita": workers.ZarritaWriter()}
    return {"zarr-python-2": workers.Zarr2Reader(), "zarrita": workers.ZarritaReader()}


def _registered(role: str) -> dict[str, Any]:
    """Implementations other projects add (:mod:`.extension`)."""
    from .extension import registered

    return {i.name: i for i in registered(role)}


_DISTRIBUTIONS = {"zarr-python": "zarr", "tensorstore": "tensorstore", "netcdf4-python": "netCDF4", "h5py": "h5py",
                  "h5netcdf": "h5netcdf", "scipy": "scipy", "xarray": "xarray", "zarrs": "zarrs"}
_JAVA_VERSION_KEYS = {"zarr-java": "zarr-java.version", "jzarr": "jzarr.version", "netcdf-java": "cdm.artifact",
                     "jhdf": "jhdf.artifact"}


@functools.cache
def _version(name: str) -> str:
    if name in _DISTRIBUTIONS:
        try:
            return importlib.metadata.version(_DISTRIBUTIONS[name])
        except importlib.metadata.PackageNotFoundError:
            return "not installed"
    if name == "nczarr":  # netCDF-C's own version, as the netCDF4 wheel carries it
        try:
            import netCDF4

            return f"netCDF-C {netCDF4.__netcdf4libversion__} (netCDF4 {netCDF4.__version__})"
        except ImportError:
            return "not installed"
    if name in AS_IS_READERS:
        return _version(AS_IS_READERS[name])
    if name in _JAVA_VERSION_KEYS:
        from .. import jvm

        info = jvm.build_info()
        return str(info.get(_JAVA_VERSION_KEYS[name], "unknown"))
    return "unknown"


def describe(impl: Implementation) -> dict[str, Any]:
    return {"name": impl.name, "version": impl.version, "library": impl.caps.library,
            "declared": json.loads(json.dumps(_caps_json(impl.caps)))}


def _caps_json(c: Caps) -> dict[str, Any]:
    return {
        "formats": sorted(c.formats), "dtypes": sorted(c.dtypes), "v2_codecs": sorted(c.v2_codecs),
        "v3_codecs": sorted(c.v3_codecs), "v2_orders": sorted(c.v2_orders), "v2_byteorders": sorted(c.v2_byteorders),
        "v2_zero_dim": c.v2_zero_dim, "sharding": c.sharding, "netcdf_variants": sorted(c.netcdf_variants),
        "groups": c.groups, "v3_big_endian": c.v3_big_endian,
        "separators": None if c.separators is None else sorted(c.separators),
        "chunks_over_shape": c.chunks_over_shape, "root_array": c.root_array,
        "attrs_formats": sorted(c.attrs_formats), "notes": list(c.notes),
        "source": c.source,
    }
