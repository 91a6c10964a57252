"""More Python implementations in the matrix, each through its own documented API: h5py and h5netcdf (NetCDF-4 /
HDF5), ``scipy.io.netcdf_file`` (NetCDF-3), xarray as a writer (CF-encoded ``Dataset.to_zarr`` with consolidated
metadata, ``Dataset.to_netcdf``), zarrs (the Rust crate, as zarr-python 3's codec pipeline from the ``zarrs`` package)
and NCZarr (netCDF-C's Zarr, through netCDF4-python's ``file://...#mode=nczarr,file`` URLs).

Each one's declaration is in :mod:`.capabilities`; an implementation whose package is not importable is
*unavailable* (:meth:`Implementation.unavailable`), its cells skipped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .capabilities import PEER_READERS, WRITERS
from .cases import Case, _v2_compressor, _v3_compressors, nc4_filters, write_text_region, write_zarr_python
from .implementations import Reader, ReadResult, Writer, ZarrPythonReader, _plain, _store_name


def _dims(case: Case) -> tuple[str, ...]:
    return tuple(f"dim{i}" for i in range(len(case.shape)))


def _attrs(items: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {str(k): _attr(v) for k, v in items if k not in skip}


def _attr(v: Any) -> Any:
    """An HDF5 attribute as a user of the library takes it: bytes decoded, a 1-element array (how netCDF-C stores a
    scalar attribute) as its element."""
    if isinstance(v, np.ndarray) and v.shape == (1,):
        v = v[0]
    v = _plain(v)
    if isinstance(v, list):
        return [x.decode() if isinstance(x, bytes) else x for x in v]
    return v.decode() if isinstance(v, bytes) else v


_HDF5_INTERNAL = ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME")


def _h5_filters(case: Case) -> dict[str, Any]:
    """h5py's (and h5netcdf's) ``create_dataset`` keywords for the case's chunking and filters: HDF5's deflate filter
    is h5py's "gzip"; shuffle and fletcher32 are flags."""
    flt = nc4_filters(case)
    kw: dict[str, Any] = {}
    if flt["chunked"]:
        kw["chunks"] = case.chunks
    if flt["zlib"]:
        kw["compression"], kw["compression_opts"] = "gzip", flt["level"]
    if flt["shuffle"]:
        kw["shuffle"] = True
    if flt["fletcher32"]:
        kw["fletcher32"] = True
    return kw


# -- h5py ------------------------------------------------------------------------------------------------------------
class H5pyWriter(Writer):
    """A plain HDF5 dataset (no dimension scales) written with ``h5py.File.create_dataset``: what HDF5 users have."""

    name = "h5py"
    modules = ("h5py",)
    caps = WRITERS["h5py"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        import h5py

        store = _store_name(case, root)
        if case.kind is not None:
            with h5py.File(store, "w") as f:
                _h5_text(case, lambda name, **kw: f.create_dataset(name, shape=case.shape, **kw), h5_text_dtype(case))
            return str(store), case.array_path, []
        with h5py.File(store, "w") as f:
            grp: Any = f.require_group(case.group) if case.group else f
            kw = _h5_filters(case)
            if case.unlimited:
                kw["maxshape"] = (None,) + case.shape[1:]
            if case.fill != "zero":
                kw["fillvalue"] = case.fill_scalar()
            ds = grp.create_dataset("v", shape=case.shape, dtype=case.np_dtype, **kw)
            for k, v in case.attrs.items():
                ds.attrs[k] = v
            region = case.written_region()
            ds[region] = case.data()[region]
        return str(store), case.array_path, []


def h5_text_dtype(case: Case) -> Any:
    """h5py's dtype for a text case: vlen strings ``string_dtype()``, enums ``enum_dtype``, vlen ``vlen_dtype``; char
    (``S1``, netCDF-C's NC_CHAR) and compounds as numpy spells them."""
    import h5py

    from .cases import ENUM_MEMBERS

    if case.kind == "string":
        return h5py.string_dtype()
    if case.kind == "enum":
        return h5py.enum_dtype(ENUM_MEMBERS, basetype=case.np_dtype)
    if case.kind == "vlen":
        return h5py.vlen_dtype(np.dtype(case.dtype))
    return case.np_dtype


def _h5_text(case: Case, create: Any, dtype: Any) -> None:
    """Creates the dataset ``v`` of a text case with ``create`` (h5py's or h5netcdf's) and writes its region."""
    write_text_region(case, create("v", dtype=dtype, **_h5_filters(case)))


class H5pyReader(Reader):
    name = "h5py"
    modules = ("h5py",)
    caps = PEER_READERS["h5py"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        import h5py

        with h5py.File(store, "r") as f:
            ds = f[path]
            # h5py hands fixed-length string attributes out as bytes (its documented behaviour): decoded as a user
            # would; HDF5's own dimension-scale attributes (object references) are not the case's
            attrs = {k: v for k, v in _attrs(ds.attrs.items(), _HDF5_INTERNAL).items() if not k.startswith("_")}
            if h5py.check_string_dtype(ds.dtype) is not None and ds.dtype.kind == "O":
                return ReadResult(np.asarray(ds.asstr()[()], dtype=object), np.dtype(object), attrs)
            return ReadResult(np.asarray(ds[()]), np.dtype(ds.dtype), attrs)


# -- h5netcdf --------------------------------------------------------------------------------------------------------
class H5netcdfWriter(Writer):
    """NetCDF-4 through h5netcdf's own API (``h5netcdf.File``, dimensions, ``create_variable``)."""

    name = "h5netcdf"
    modules = ("h5netcdf",)
    caps = WRITERS["h5netcdf"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        import h5netcdf

        store = _store_name(case, root)
        if case.kind is not None:
            with h5netcdf.File(store, "w") as f:
                for d, n in zip(_dims(case), case.shape):
                    f.dimensions[d] = n
                _h5_text(case, lambda name, **kw: f.create_variable(name, _dims(case), **kw), _h5netcdf_type(case, f))
            return str(store), case.array_path, []
        with h5netcdf.File(store, "w") as f:
            grp: Any = f
            if case.group:
                for part in case.group.split("/"):
                    grp = grp.create_group(part)
            for i, (d, n) in enumerate(zip(_dims(case), case.shape)):
                grp.dimensions[d] = None if (case.unlimited and i == 0) else n
            kw = _h5_filters(case)
            if case.fill != "zero":
                kw["fillvalue"] = case.fill_scalar()
            v = grp.create_variable("v", _dims(case), dtype=case.np_dtype, **kw)
            for k, val in case.attrs.items():
                v.attrs[k] = val
            region = case.written_region()
            if case.unlimited:
                grp.resize_dimension("dim0", case.shape[0])
            v[region] = case.data()[region]
        return str(store), case.array_path, []


def _h5netcdf_type(case: Case, f: Any) -> Any:
    """h5netcdf's type for a text case: its user-defined types (enum, compound, vlen) as netCDF-4 named types."""
    import h5py

    from .cases import ENUM_MEMBERS

    if case.kind == "enum":
        return f.create_enumtype(case.np_dtype, "enum_t", ENUM_MEMBERS)
    if case.kind == "compound":
        return f.create_cmptype(case.np_dtype, "compound_t")
    if case.kind == "vlen":
        return f.create_vltype(np.dtype(case.dtype), "vlen_t")
    return h5py.string_dtype() if case.kind == "string" else case.np_dtype


class H5netcdfReader(Reader):
    name = "h5netcdf"
    modules = ("h5netcdf",)
    caps = PEER_READERS["h5netcdf"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        import h5netcdf

        # a plain HDF5 file (h5py's) has no dimension scales: h5netcdf's documented phony_dims names them
        with h5netcdf.File(store, "r", phony_dims="sort", decode_vlen_strings=True) as f:
            v = f[path]
            return ReadResult(np.asarray(v[...]), np.dtype(v.dtype), _attrs(v.attrs.items(), ("_FillValue",)))


# -- scipy.io.netcdf_file --------------------------------------------------------------------------------------------
class ScipyWriter(Writer):
    """NetCDF-3 with ``scipy.io.netcdf_file`` (version 1: classic, 2: 64-bit offset)."""

    name = "scipy"
    modules = ("scipy.io",)
    caps = WRITERS["scipy"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        from scipy.io import netcdf_file

        store = _store_name(case, root)
        version = 2 if case.variant == "64bit_offset" else 1
        with netcdf_file(str(store), "w", version=version, maskandscale=False) as f:
            for i, (d, n) in enumerate(zip(_dims(case), case.shape)):
                f.createDimension(d, None if (case.unlimited and i == 0) else n)
            v = f.createVariable("v", "c" if case.kind == "char" else case.np_dtype.newbyteorder("=").char,
                                 _dims(case))
            if case.fill != "zero":
                v._FillValue = case.fill_scalar()
            for k, val in case.attrs.items():
                setattr(v, k, val)
            region = case.written_region()
            v[region] = case.data()[region]
        return str(store), case.array_path, []


class ScipyReader(Reader):
    name = "scipy"
    modules = ("scipy.io",)
    caps = PEER_READERS["scipy"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        from scipy.io import netcdf_file

        with netcdf_file(store, "r", mmap=False, maskandscale=False) as f:
            v = f.variables[path]
            values = np.array(v[...])
            return ReadResult(values, np.dtype(values.dtype), _attrs(v._attributes.items(), ("_FillValue",)))


# -- xarray ----------------------------------------------------------------------------------------------------------
class XarrayWriter(Writer):
    """A one-variable ``xarray.Dataset`` as xarray users write it: ``to_zarr(consolidated=True)`` (Zarr v2 or v3, the
    variable ``arr`` in the store's root group or ``<group>/arr``) or ``to_netcdf`` (variable ``v``), CF-encoded.
    The case's codec, chunks and fill value go through xarray's documented ``encoding``. A case with absent chunks is
    written whole with the fill value where they are absent (xarray has no partial write of a new variable; zarr's
    ``write_empty_chunks=False`` default then leaves those chunks out)."""

    name = "xarray"
    modules = ("xarray",)
    caps = WRITERS["xarray"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        import xarray as xr

        store = _store_name(case, root)
        data = case.expected()
        fill = case.fill_scalar()
        if case.kind is not None:
            return str(store), _xarray_text(case, store, data), []
        if case.format.startswith("zarr"):
            ds = xr.Dataset({"arr": (_dims(case), data)})
            enc: dict[str, Any] = {"chunks": case.chunks}
            if case.format == "zarr-v2":
                enc["compressors"] = _v2_compressor(case.codec)
                if case.fill != "zero":  # else xarray's own default (NaN for floats, none for integers)
                    enc["_FillValue"] = fill  # CF: also the zarr fill_value, and NaNs are written as it
                if case.separator is not None:
                    enc["chunk_key_encoding"] = {"name": "v2", "separator": case.separator}
            else:
                enc["compressors"] = _v3_compressors(case.codec, case.np_dtype)
                enc["fill_value"], enc["_FillValue"] = fill, None  # v3: zarr's fill value apart from CF masking
                if case.separator is not None:
                    enc["chunk_key_encoding"] = {"name": "default", "separator": case.separator}
                if case.shards is not None:
                    enc["shards"] = case.shards
            ds.to_zarr(str(store), group=case.group, mode="w", consolidated=True,
                       zarr_format=2 if case.format == "zarr-v2" else 3, encoding={"arr": enc})
            return str(store), f"{case.group}/arr" if case.group else "arr", []
        ds = xr.Dataset({"v": (_dims(case), data)})
        for k, val in case.attrs.items():
            ds["v"].attrs[k] = val
        venc: dict[str, Any] = {"_FillValue": None if case.fill == "zero" else fill}
        if case.format == "netcdf4":
            flt = nc4_filters(case)
            venc.update(zlib=flt["zlib"], complevel=flt["level"], shuffle=flt["shuffle"], fletcher32=flt["fletcher32"])
            if flt["chunked"]:
                venc["chunksizes"] = case.chunks
            else:
                venc["contiguous"] = True
            fmt = "NETCDF4"
        else:
            fmt = "NETCDF3_64BIT" if case.variant == "64bit_offset" else "NETCDF3_CLASSIC"
        ds.to_netcdf(str(store), mode="w", format=fmt, group=case.group, encoding={"v": venc},  # type: ignore
                     unlimited_dims=["dim0"] if case.unlimited else None)
        return str(store), case.array_path, []


def _xarray_text(case: Case, store: Path, data: np.ndarray) -> str:
    """A text case through xarray: str/bytes/char variables as they are (xarray picks vlen-utf8, '|S<n>', '<U<n>',
    NC_STRING or char itself), an enum through the encoding's dtype metadata ('enum', 'enum_name')."""
    import xarray as xr

    from .cases import ENUM_MEMBERS

    if case.format.startswith("zarr"):
        ds = xr.Dataset({"arr": (_dims(case), data)})
        ds.to_zarr(str(store), mode="w", consolidated=True, zarr_format=2 if case.format == "zarr-v2" else 3,
                   encoding={"arr": {"chunks": case.chunks}})
        return "arr"
    enc: dict[str, Any] = {"_FillValue": None}
    if case.kind == "char":  # xarray's spelling of a char array: fixed-width bytes, the last dimension named
        data, enc["char_dim_name"] = data.view(f"S{case.shape[-1]}")[..., 0], _dims(case)[-1]
    ds = xr.Dataset({"v": (_dims(case)[:data.ndim], data)})
    if case.format == "netcdf4":
        flt = nc4_filters(case)
        enc.update({"chunksizes": case.chunks} if flt["chunked"] else {"contiguous": True})
        if flt["zlib"]:
            enc.update(zlib=True, complevel=flt["level"])
    if case.kind == "enum":
        enc["dtype"] = np.dtype(case.np_dtype, metadata={"enum": ENUM_MEMBERS, "enum_name": "enum_t"})
    ds.to_netcdf(str(store), mode="w", format="NETCDF4" if case.format == "netcdf4" else "NETCDF3_CLASSIC",
                 encoding={"v": enc})
    return case.array_path


# -- zarrs (Rust) ----------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def zarrs_pipeline() -> Iterator[None]:
    """zarr-python 3 with the ``zarrs`` package's codec pipeline, strict: every chunk is read or written by the zarrs
    crate (Rust), never by zarr-python's own pipeline as a silent fallback."""
    import zarr

    with zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}):
        yield


class ZarrsWriter(Writer):
    name = "zarrs"
    modules = ("zarrs",)
    caps = WRITERS["zarrs"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        store = _store_name(case, root)
        with zarrs_pipeline():
            return str(store), write_zarr_python(case, store), []


class ZarrsReader(ZarrPythonReader):
    name = "zarrs"
    modules = ("zarrs",)
    caps = PEER_READERS["zarrs"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        with zarrs_pipeline():
            return super().read(case, store, path)


# -- NCZarr (netCDF-C) -----------------------------------------------------------------------------------------------
def nczarr_url(store: str | Path, mode: str = "nczarr") -> str:
    """netCDF-C's URL for a Zarr store on the file system (``mode=nczarr``: with its ``_nczarr_*`` metadata;
    ``mode=zarr``: pure Zarr)."""
    return f"file://{Path(store).resolve()}#mode={mode},file"


class NCZarrWriter(Writer):
    """Zarr v2 written by netCDF-C (NCZarr) through netCDF4-python: ``Dataset('file://…#mode=nczarr,file', 'w')``,
    the variable ``arr`` in the root group or ``<group>/arr``."""

    name = "nczarr"
    modules = ("netCDF4",)
    caps = WRITERS["nczarr"]

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        import netCDF4

        store = _store_name(case, root)
        with netCDF4.Dataset(nczarr_url(store), "w") as ds:
            grp: Any = ds
            if case.group:
                for part in case.group.split("/"):
                    grp = grp.createGroup(part)
            for d, n in zip(_dims(case), case.shape):
                grp.createDimension(d, n)
            # shuffle=False: the case's codec is zlib alone (netCDF4's zlib=True turns shuffle on by default)
            kw: dict[str, Any] = {"zlib": case.codec == "zlib", "shuffle": False, "chunksizes": case.chunks}
            if case.fill != "zero":
                kw["fill_value"] = case.fill_scalar()
            v = grp.createVariable("arr", case.np_dtype, _dims(case), **kw)
            v.set_auto_maskandscale(False)
            for k, val in case.attrs.items():
                v.setncattr(k, val)
            region = case.written_region()
            v[region] = case.data()[region]
        return str(store), f"{case.group}/arr" if case.group else "arr", []


class NCZarrReader(Reader):
    """netCDF-C reading a Zarr v2 store as a netCDF dataset (``mode=zarr,file``): the array is a variable of a group."""

    name = "nczarr"
    modules = ("netCDF4",)
    caps = PEER_READERS["nczarr"]

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        import netCDF4

        with netCDF4.Dataset(nczarr_url(store, "zarr"), "r") as ds:
            var = ds[path]
            var.set_auto_maskandscale(False)
            return ReadResult(np.asarray(var[...]), np.dtype(var.dtype), None)
