"""Reading NetCDF-4/HDF5 variables: zarrjvm's jhdf and netcdf-java backends against h5py and netCDF4-python.

One NetCDF-4 file written by netCDF4-python (HDF5 superblock 2: every reader reads it) and one HDF5 file written by
h5py with ``libver=("v112", "v112")`` (superblock 3: netCDF-Java 4.5.5 refuses it, so only jhdf and h5py read it).
Each variable is read whole, as numpy, two ways: from an already open variable ("read") and open + read + close
("open+read"). The peers' chunk caches are turned off (h5py ``rdcc_nbytes=0``, netCDF4 ``set_var_chunk_cache(0)``):
HDF5 2.0's default 8 MiB cache would otherwise serve every repeated read of these 4 MiB variables decoded, and
zarrjvm keeps no decoded chunks. Every result is checked equal to h5py's before timing. All readers run in this one
process (the JVM started before timing, the file in the page cache); medians of ``--runs`` runs after one warm-up.

``.venv/bin/python -m bench.jhdf_read [--runs 7]`` writes ``bench/results/jhdf_read.{json,md}``. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .common import RESULTS, machine, measure

#: variable -> (dtype, shape, chunk shape or None for contiguous, zlib)
VARIABLES: dict[str, tuple[str, tuple[int, ...], tuple[int, ...] | None, bool]] = {
    "small_zlib": ("f4", (64, 64), (32, 32), True),
    "chunked_zlib": ("f4", (1024, 1024), (128, 128), True),
    "chunked_raw": ("i2", (2048, 1024), (256, 256), False),
    "contiguous": ("f8", (1024, 512), None, False),
}


def _data(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(11)
    x = rng.normal(size=shape) * 100
    return np.round(x).astype(dtype) if dtype[0] == "i" else x.astype(dtype)


def write_netcdf4(path: Path) -> None:
    import netCDF4

    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        for name, (dtype, shape, chunks, zlib) in VARIABLES.items():
            dims = []
            for i, n in enumerate(shape):
                d = f"{name}_d{i}"
                ds.createDimension(d, n)
                dims.append(d)
            kw: dict[str, Any] = {"contiguous": True} if chunks is None else {"chunksizes": chunks, "zlib": zlib}
            v = ds.createVariable(name, dtype, tuple(dims), fill_value=False, **kw)
            v[:] = _data(dtype, shape)


def write_hdf5_v3(path: Path) -> None:
    import h5py

    with h5py.File(path, "w", libver=("v112", "v112")) as h:
        for name, (dtype, shape, chunks, zlib) in VARIABLES.items():
            h.create_dataset(name, data=_data(dtype, shape), chunks=chunks, compression="gzip" if zlib else None)


def _closing(fn: Callable[[], Any], close: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with ``fn.close()``: a reader's open file is closed before the next measurement, so "open+read" opens the
    file afresh in every library (zarrjvm's backends share a file another holder has open)."""
    fn.close = close  # type: ignore[attr-defined]
    return fn


def _h5py(path: Path, name: str) -> Callable[[], Any]:
    import h5py

    f = h5py.File(path, "r", rdcc_nbytes=0)
    d = f[name]
    return _closing(lambda: d[()], f.close)


def _h5py_open(path: Path, name: str) -> Callable[[], Any]:
    import h5py

    def run() -> Any:
        with h5py.File(path, "r", rdcc_nbytes=0) as f:
            return f[name][()]
    return run


def _netcdf4_variable(ds: Any, name: str) -> Any:
    """``name`` of an open netCDF4 Dataset, raw (no masking or scaling), its chunk cache off where it has one."""
    ds.set_auto_maskandscale(False)
    v = ds[name]
    if ds.data_model.startswith("NETCDF4"):
        v.set_var_chunk_cache(size=0)
    return v


def _netcdf4(path: Path, name: str) -> Callable[[], Any]:
    import netCDF4

    ds = netCDF4.Dataset(path)
    v = _netcdf4_variable(ds, name)
    return _closing(lambda: v[...], ds.close)


def _netcdf4_open(path: Path, name: str) -> Callable[[], Any]:
    import netCDF4

    def run() -> Any:
        with netCDF4.Dataset(path) as ds:
            return _netcdf4_variable(ds, name)[...]
    return run


def _zarrjvm(backend: str, decode: str = "native") -> Callable[[Path, str], Callable[[], Any]]:
    def make(path: Path, name: str) -> Callable[[], Any]:
        import zarrjvm

        a = zarrjvm.open_array(path, name, backend=backend, decode=decode)
        return _closing(lambda: a[...], a.close)
    return make


def _zarrjvm_open(backend: str, decode: str = "native") -> Callable[[Path, str], Callable[[], Any]]:
    def make(path: Path, name: str) -> Callable[[], Any]:
        import zarrjvm

        def run() -> Any:
            with zarrjvm.open_array(path, name, backend=backend, decode=decode) as a:
                return np.array(a[...])
        return run
    return make


def milliseconds(m: dict[str, Any]) -> dict[str, float]:
    """A measurement's median, min and max in milliseconds (3 decimals), as the NetCDF read benchmarks report them."""
    return {"median_ms": round(m["median_s"] * 1e3, 3), "min_ms": round(m["min_s"] * 1e3, 3),
            "max_ms": round(m["max_s"] * 1e3, 3)}


def start_uncached() -> None:
    """Turns netCDF-C's default chunk cache off for files opened from now on and starts the JVM. HDF5 shares an open
    dataset between the several Datasets of one file these benchmarks keep open, so a variable's cache turned off
    through one Dataset stayed on through another (measured: 4 MiB of zlib chunks "read" in 1 ms from the cache)."""
    import netCDF4

    import zarrjvm

    netCDF4.set_chunk_cache(size=0)
    zarrjvm.jvm.ensure_started()


READERS: dict[str, tuple[Callable[[Path, str], Callable[[], Any]], Callable[[Path, str], Callable[[], Any]]]] = {
    "h5py": (_h5py, _h5py_open),
    "netCDF4-python": (_netcdf4, _netcdf4_open),
    "zarrjvm jhdf": (_zarrjvm("jhdf"), _zarrjvm_open("jhdf")),
    "zarrjvm netcdf-java": (_zarrjvm("netcdf-java"), _zarrjvm_open("netcdf-java")),
}


def run(path: Path, readers: list[str], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in VARIABLES:
        peer = _h5py(path, name)
        want = peer()
        peer.close()  # type: ignore[attr-defined]
        row: dict[str, Any] = {"bytes": int(want.nbytes)}
        for reader in readers:
            read, open_read = READERS[reader]
            cells = {}
            for how, make in (("read", read), ("open+read", open_read)):
                fn = make(path, name)
                got = np.asarray(fn())
                assert got.dtype == want.dtype and np.array_equal(got, want), (reader, name)
                m = measure(fn, repeat=runs, warmup=1)
                getattr(fn, "close", lambda: None)()
                cells[how] = milliseconds(m)
            row[reader] = cells
        out[name] = row
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    start_uncached()
    with tempfile.TemporaryDirectory(prefix="zarrjvm-bench-jhdf-") as d:
        nc, h5 = Path(d) / "nc4.nc", Path(d) / "v3.h5"
        write_netcdf4(nc)
        write_hdf5_v3(h5)
        files = {
            "NetCDF-4 (netCDF4-python, superblock 2)": (nc, list(READERS)),
            "HDF5 superblock 3 (h5py libver v112; netCDF-Java 4.5.5 refuses it)": (h5, ["h5py", "zarrjvm jhdf"]),
        }
        results = {label: {"superblock": f.read_bytes()[8], "variables": run(f, readers, args.runs)}
                   for label, (f, readers) in files.items()}
    out = {"runs": args.runs, "machine": machine(), "load_avg_at_end": list(os.getloadavg()),
           "variables": {k: {"dtype": v[0], "shape": v[1], "chunks": v[2], "zlib": v[3]} for k, v in VARIABLES.items()},
           "files": results}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "jhdf_read.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = ["# Reading NetCDF-4/HDF5 variables: jhdf and netcdf-java against h5py and netCDF4-python", "",
             f"Median milliseconds of {args.runs} runs after a warm-up, one process, file in the page cache; every "
             "result checked equal to h5py's. `read`: the whole variable from an open variable; `open+read`: open, "
             "read, close. In brackets: ÷ h5py's median. The peers' chunk caches are off (zarrjvm keeps no decoded "
             "chunks; HDF5 2.0's default 8 MiB cache would serve repeated reads of these variables decoded).", ""]
    for label, res in results.items():
        readers = [r for r in READERS if r in next(iter(res["variables"].values()))]
        lines += [f"## {label}", "", "| variable | MiB | " + " | ".join(f"{r} read | {r} open+read" for r in readers)
                  + " |", "|---|---|" + "---|" * (2 * len(readers))]
        for name, row in res["variables"].items():
            dtype, shape, chunks, zlib = VARIABLES[name]
            what = f"{name} {dtype} {shape} " + ("contiguous" if chunks is None else f"chunks {chunks}"
                                                 + (" zlib" if zlib else ""))
            cells = []
            for r in readers:
                for how in ("read", "open+read"):
                    ms = row[r][how]["median_ms"]
                    cells.append(f"{ms:.2f} ({ms / row['h5py'][how]['median_ms']:.1f}×)")
            lines.append(f"| {what} | {row['bytes'] / 2**20:.2f} | " + " | ".join(cells) + " |")
        lines.append("")
    (RESULTS / "jhdf_read.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
