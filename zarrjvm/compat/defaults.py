"""Writers' defaults: what each writer writes when its user passes nothing but the data (plus one common option:
consolidated metadata, nested chunk keys, sharding). These are the stores users actually have.

A defaults case (:attr:`Case.writer` set) is written only by that writer, through :func:`write_default`; its
``codec`` and ``separator`` say what the writer's documentation gives as the default, so the readers' declared
limitations apply to it as to any case (``tests/test_compat_defaults.py`` checks the written metadata says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .cases import Case


def _zarr_python(case: Case, store: Path) -> str:
    import zarr

    fmt = 2 if case.format == "zarr-v2" else 3
    data = case.data()
    opts: dict[str, Any] = {}
    if case.separator == "/" and fmt == 2:
        opts["chunk_key_encoding"] = {"name": "v2", "separator": "/"}
    if case.shards is not None:
        opts["shards"], opts["chunks"] = case.shards, case.chunks
    if "consolidated" in case.name:
        root = zarr.open_group(str(store), mode="w", zarr_format=fmt)  # type: ignore[arg-type]
        root.create_array("arr", data=data, **opts)
        zarr.consolidate_metadata(str(store))
        return "arr"
    zarr.create_array(str(store), data=data, zarr_format=fmt, **opts)  # type: ignore[arg-type]
    return ""


def _tensorstore(case: Case, store: Path) -> str:
    import tensorstore as ts

    data = case.data()
    driver = "zarr" if case.format == "zarr-v2" else "zarr3"
    t = ts.open({"driver": driver, "kvstore": {"driver": "file", "path": str(store)}}, create=True,
                dtype=ts.dtype(data.dtype.name), shape=data.shape).result()
    t.write(data).result()
    return ""


def _xarray(case: Case, store: Path) -> str:
    import xarray as xr

    ds = xr.Dataset({"arr" if case.format.startswith("zarr") else "v": (("y", "x"), case.data())})
    if case.format.startswith("zarr"):
        ds.to_zarr(str(store), mode="w", zarr_format=2 if case.format == "zarr-v2" else 3)
        return "arr"
    ds.to_netcdf(str(store))
    return "v"


def _h5py(case: Case, store: Path) -> str:
    import h5py

    with h5py.File(store, "w") as f:
        f.create_dataset("v", data=case.data())
    return "v"


def _h5netcdf(case: Case, store: Path) -> str:
    import h5netcdf

    with h5netcdf.File(store, "w") as f:
        f.dimensions = {"y": case.shape[0], "x": case.shape[1]}
        v = f.create_variable("v", ("y", "x"), dtype=case.np_dtype)
        v[...] = case.data()
    return "v"


def _netcdf4(case: Case, store: Path) -> str:
    import netCDF4

    with netCDF4.Dataset(str(store), "w") as ds:
        ds.createDimension("y", case.shape[0])
        ds.createDimension("x", case.shape[1])
        v = ds.createVariable("v", case.np_dtype, ("y", "x"))
        v[...] = case.data()
    return "v"


def _nczarr(case: Case, store: Path) -> str:
    import netCDF4

    from .peers import nczarr_url

    with netCDF4.Dataset(nczarr_url(store), "w") as ds:
        ds.createDimension("y", case.shape[0])
        ds.createDimension("x", case.shape[1])
        # the common option: zlib=True, which turns netCDF4's shuffle on by default
        v = ds.createVariable("arr", case.np_dtype, ("y", "x"), zlib="zlib" in case.codec)
        v[...] = case.data()
    return "arr"


_BY_WRITER = {"zarr-python": _zarr_python, "tensorstore": _tensorstore, "xarray": _xarray, "h5py": _h5py,
              "h5netcdf": _h5netcdf, "netcdf4-python": _netcdf4, "nczarr": _nczarr}


def write_default(case: Case, store: Path) -> str:
    """Writes defaults case ``case`` with its writer, passing only the data (and the case's one option); returns the
    array path inside ``store``."""
    return _BY_WRITER[str(case.writer)](case, store)


def default_cases() -> list[Case]:
    """One case per writer default (and common option), named ``default-<writer>-<what>``."""
    f4 = {"dtype": "<f4", "shape": (37, 23), "chunks": (37, 23)}
    return [
        # zarr-python 3: zstd is the default compressor of both formats (numcodecs Zstd for v2, ZstdCodec for v3)
        Case("default-zarr-python-v3", "zarr-v3", codec="zstd", writer="zarr-python", **f4),  # type: ignore[arg-type]
        Case("default-zarr-python-v2", "zarr-v2", codec="zstd", writer="zarr-python", **f4),  # type: ignore[arg-type]
        Case("default-zarr-python-v3-consolidated", "zarr-v3", codec="zstd", writer="zarr-python",
             **f4),  # type: ignore[arg-type]
        # ... but Group.create_array gives a v2 array zarr-python's other default: blosc lz4 with byte shuffle
        Case("default-zarr-python-v2-consolidated", "zarr-v2", codec="blosc-lz4-shuffle", writer="zarr-python",
             **f4),  # type: ignore[arg-type]
        Case("default-zarr-python-v2-nested", "zarr-v2", codec="zstd", separator="/", writer="zarr-python",
             **f4),  # type: ignore[arg-type]
        Case("default-zarr-python-v3-sharded", "zarr-v3", dtype="<f4", shape=(64, 48), chunks=(8, 8),
             shards=(32, 16), codec="zstd", writer="zarr-python"),
        # tensorstore: the 'zarr' driver: blosc lz4 with shuffle -1 (auto), fill_value null; 'zarr3': bytes alone
        Case("default-tensorstore-v2", "zarr-v2", codec="blosc-lz4-shuffle", fill="none", writer="tensorstore",
             **f4),  # type: ignore[arg-type]
        Case("default-tensorstore-v3", "zarr-v3", codec="none", writer="tensorstore", **f4),  # type: ignore[arg-type]
        # xarray: to_zarr consolidates by default; its arrays are created in a group, so v2 gets blosc, v3 zstd
        Case("default-xarray-v2-consolidated", "zarr-v2", codec="blosc-lz4-shuffle", writer="xarray",
             **f4),  # type: ignore[arg-type]
        Case("default-xarray-v3-consolidated", "zarr-v3", codec="zstd", writer="xarray",
             **f4),  # type: ignore[arg-type]
        Case("default-xarray-netcdf4", "netcdf4", codec="none", writer="xarray", **f4),  # type: ignore[arg-type]
        # HDF5 / NetCDF-4 defaults: contiguous, uncompressed
        Case("default-h5py", "netcdf4", codec="none", writer="h5py", **f4),  # type: ignore[arg-type]
        Case("default-h5netcdf", "netcdf4", codec="none", writer="h5netcdf", **f4),  # type: ignore[arg-type]
        Case("default-netcdf4-python", "netcdf4", codec="none", writer="netcdf4-python",
             **f4),  # type: ignore[arg-type]
        # NCZarr: chunked, uncompressed Zarr v2 with its _nczarr_* metadata
        Case("default-nczarr", "zarr-v2", codec="none", writer="nczarr", **f4),  # type: ignore[arg-type]
        Case("default-nczarr-zlib", "zarr-v2", codec="shuffle+zlib", writer="nczarr",
             **f4),  # type: ignore[arg-type]
    ]
