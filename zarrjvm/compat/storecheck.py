"""``zarrjvm compat --store PATH``: one existing dataset (the user's own) read by every reader that can read its format,
compared element-wise with the reference reading (zarr-python for Zarr, netCDF4 for NetCDF).

Each array's metadata is turned into a :class:`Case` (dtype, shape, chunks, codecs, order, separator, sharding, fill),
so the readers' declared limitations apply exactly as in the matrix.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from .cases import Case
from .implementations import NetCDF4Reader, Reader, Writer, ZarrPythonReader, _plain, readers
from .judge import ERROR, UNSUPPORTED, error_detail, judge
from .runner import Cell, build_report

_SHUFFLE_NAMES = {0: "noshuffle", 1: "shuffle", 2: "bitshuffle", -1: "shuffle"}


class GivenStore(Writer):
    """Stands for whoever wrote the dataset (the report's writer column)."""

    name = "store"

    def __init__(self, path: str) -> None:
        from .capabilities import Caps

        self.path = path
        self.caps = Caps(name="store", library=path, formats=frozenset({"zarr-v2", "zarr-v3", "netcdf3", "netcdf4"}),
                         dtypes=frozenset())

    @property
    def version(self) -> str:
        return self.path


def detect_format(path: str) -> str:
    """``zarr-v2``, ``zarr-v3`` or ``netcdf`` (NetCDF-3 or -4, told apart when opened)."""
    p = Path(path)
    if p.is_file():
        return "netcdf"
    if (p / "zarr.json").exists():
        return "zarr-v3"
    if (p / ".zarray").exists() or (p / ".zgroup").exists():
        return "zarr-v2"
    raise ValueError(f"{path}: neither a NetCDF file nor a Zarr store (no zarr.json, .zarray or .zgroup)")


# -- Zarr ------------------------------------------------------------------------------------------------------------
def _zarr_arrays(path: str) -> list[tuple[str, Any]]:
    import zarr

    node = zarr.open(path, mode="r")
    if isinstance(node, zarr.Array):
        return [("", node)]
    out = []
    for name, arr in node.arrays():
        out.append((name, arr))
    for name, grp in node.groups():
        out += [(f"{name}/{sub}", a) for sub, a in _walk(grp)]
    return out


def _walk(group: Any) -> list[tuple[str, Any]]:
    out = [(name, a) for name, a in group.arrays()]
    for name, g in group.groups():
        out += [(f"{name}/{sub}", a) for sub, a in _walk(g)]
    return out


def _v2_codec(meta: dict[str, Any]) -> str:
    parts = [f["id"] for f in (meta.get("filters") or [])]
    comp = meta.get("compressor")
    if comp is not None:
        if comp.get("id") == "blosc":
            parts.append(f"blosc-{comp.get('cname', 'lz4')}-{_SHUFFLE_NAMES.get(comp.get('shuffle', 1), 'shuffle')}")
        else:
            parts.append(str(comp.get("id")))
    return "+".join(parts) or "none"


def _v3_codecs(codecs: list[dict[str, Any]]) -> tuple[str, str, tuple[int, ...] | None, str, list[dict[str, Any]]]:
    """(codec string, order, inner chunk shape or None, index location, inner codecs)."""
    inner = None
    index_location = "end"
    if len(codecs) == 1 and codecs[0]["name"] == "sharding_indexed":
        conf = codecs[0]["configuration"]
        inner = tuple(conf["chunk_shape"])
        index_location = conf.get("index_location", "end")
        codecs = conf["codecs"]
    order = "C"
    parts = []
    for c in codecs:
        name = c["name"]
        conf = c.get("configuration", {}) or {}
        if name == "transpose":
            order = "F" if list(conf.get("order", [])) == sorted(conf.get("order", []), reverse=True) else "C"
            if order == "C":
                parts.append("transpose")
        elif name == "bytes":
            continue
        elif name == "blosc":
            parts.append(f"blosc-{conf.get('cname', 'lz4')}-{conf.get('shuffle', 'shuffle')}")
        else:
            parts.append(name)
    return "+".join(parts) or "none", order, inner, index_location, codecs


def zarr_case(name: str, arr: Any) -> Case:
    """A :class:`Case` describing an existing Zarr array (its features only; the data is the reference's)."""
    meta = arr.metadata.to_dict()
    dtype = np.dtype(arr.dtype)
    fill = "none" if arr.fill_value is None else _fill_of(arr.fill_value, dtype)
    if meta.get("zarr_format") == 2:
        sep = meta.get("dimension_separator") or "."
        byteorder_dtype = np.dtype(meta["dtype"]) if isinstance(meta.get("dtype"), str) else dtype
        return Case(name, "zarr-v2", dtype=byteorder_dtype.str, shape=tuple(arr.shape), chunks=tuple(arr.chunks),
                    codec=_v2_codec(meta), order=meta.get("order", "C"), separator=sep, fill=fill,
                    attrs=dict(arr.attrs))
    codec, order, inner, loc, inner_codecs = _v3_codecs(meta["codecs"])
    endian = next((c.get("configuration", {}).get("endian") for c in inner_codecs if c["name"] == "bytes"), "little")
    dt = dtype.newbyteorder(">" if endian == "big" else "<") if dtype.itemsize > 1 else dtype
    cke = meta.get("chunk_key_encoding", {})
    sep = (cke.get("configuration") or {}).get("separator", "/")
    grid_chunks = tuple(meta["chunk_grid"]["configuration"]["chunk_shape"])
    return Case(name, "zarr-v3", dtype=dt.str, shape=tuple(arr.shape), chunks=inner or grid_chunks, codec=codec,
                order=order, separator=sep, fill=fill, shards=grid_chunks if inner else None, index_location=loc,
                attrs=dict(arr.attrs))


def _fill_of(v: Any, dtype: np.dtype) -> Any:
    x = np.asarray(v, dtype=dtype.newbyteorder("="))[()]
    if dtype.kind == "f" and np.isnan(x):
        return "nan"
    if dtype.kind == "f" and np.isinf(x):
        return "inf" if x > 0 else x.item()
    if dtype.kind == "b":
        return "max" if bool(x) else "zero"
    return x.item() if x != 0 else "zero"


# -- NetCDF ----------------------------------------------------------------------------------------------------------
def netcdf_cases(path: str) -> list[Case]:
    import netCDF4

    out = []
    with netCDF4.Dataset(path, "r") as ds:
        model = ds.data_model
        fmt = "netcdf4" if model.startswith("NETCDF4") else "netcdf3"
        variant = {"NETCDF3_64BIT_OFFSET": "64bit_offset", "NETCDF3_64BIT_DATA": "64bit_data"}.get(model)

        def walk(g: Any, prefix: str) -> None:
            for name, var in g.variables.items():
                if var.dtype == str or not isinstance(var.dtype, np.dtype) or var.dtype.kind not in "biuf":
                    continue
                attrs = {k: _plain(var.getncattr(k)) for k in var.ncattrs() if k != "_FillValue"}
                chunking = var.chunking() if fmt == "netcdf4" else "contiguous"
                chunks = tuple(var.shape) if chunking == "contiguous" else tuple(chunking)
                filters = var.filters() or {}
                unlimited = any(d.isunlimited() for d in var.get_dims())
                c = Case(prefix + name, fmt, dtype=var.dtype.str, shape=tuple(var.shape), chunks=chunks,
                         codec="zlib" if filters.get("zlib") else "none", attrs=attrs,
                         group=prefix.rstrip("/") or None, variant=variant, unlimited=unlimited)
                out.append(c)
            for gname, sub in g.groups.items():
                walk(sub, f"{prefix}{gname}/")

        walk(ds, "")
    return out


# -- the check -------------------------------------------------------------------------------------------------------
def check_store(path: str, reader_names: list[str] | None = None) -> dict[str, Any]:
    """Reads every array of the store at ``path`` with every reader of its format; returns the report."""
    t0 = time.perf_counter()
    path = os.path.abspath(path)
    kind = detect_format(path)
    reference: Reader
    if kind == "netcdf":
        cases = netcdf_cases(path)
        reference = NetCDF4Reader()
        arrays = [(c, c.name) for c in cases]
    else:
        reference = ZarrPythonReader()
        arrays = []
        for name, arr in _zarr_arrays(path):
            arrays.append((zarr_case(name or "(root)", arr), name))
    fmts = {c.format for c, _ in arrays}
    unknown = sorted(set(reader_names or ()) - set(readers()))
    if unknown:
        raise KeyError(f"unknown readers {unknown}; known: {sorted(readers())}")
    rs = [r for n, r in readers().items() if (not reader_names or n in reader_names) and n != reference.name
          and r.caps.formats & fmts]
    writer = GivenStore(path)
    cells: list[Cell] = []
    notes = [f"reference: {reference.name} {reference.version}; each reader compared element-wise with it"]
    for case, array_path in arrays:
        try:
            ref = reference.read(case, path, array_path)
        except Exception as e:
            notes.append(f"{case.name}: the reference reader failed ({type(e).__name__}: {e}); not compared")
            continue
        for r in rs:
            if case.format not in r.caps.formats:
                continue
            cell = Cell(writer.name, r.name, case.name, UNSUPPORTED)
            # an array below the store's root sits in a group (what a reader that cannot open a root array needs)
            why = r.limitation(dataclasses.replace(case, group=array_path) if array_path else case)
            if why:
                cell.detail = {"side": "reader", "reason": why}
            else:
                t1 = time.perf_counter()
                try:
                    res = r.read(case, path, array_path)
                    cell.status, cell.detail = judge(
                        case, res.values, res.attrs if case.format in r.caps.attrs_formats else None, ref.values)
                    if res.notes:
                        cell.detail["reader_notes"] = res.notes
                except Exception as e:
                    cell.status, cell.detail = ERROR, error_detail(e, "read")
                cell.detail["read_s"] = round(time.perf_counter() - t1, 5)
            cells.append(cell)
    return build_report([writer], rs, [c for c, _ in arrays], cells, time.perf_counter() - t0,
                        {"store": path, "reference": reference.name, "notes": notes})
