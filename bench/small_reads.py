"""Small reads of NetCDF variables (64 KiB–4 MiB): the fixed cost of one read, zarrjvm against netCDF4-python and h5py.

Three files hold the same float32 variables of 64 KiB, 256 KiB, 1 MiB and 4 MiB (rows of 256 values, a quantized
normal field): NetCDF-3 classic (contiguous, big-endian), NetCDF-4 contiguous, and NetCDF-4 chunked with zlib
(64 KiB chunks). Each variable is read whole two ways: from an open variable ("read") and open + read + close
("open+read"). zarrjvm reads with netcdf-java in both decode modes (``native``: NetCDF-3 bytes copied by netCDF-Java's
``readToByteChannel`` into Arrow memory; ``reader``: netCDF-Java's own element-wise decoding) and, for NetCDF-4, with
jhdf. The peers' chunk caches are off (zarrjvm keeps no decoded chunks). Every result is checked equal to
netCDF4-python's before timing; all readers run in this one process, measured in rotating order (medians of
``--runs`` rounds after one untimed round), the file in the page cache.

``.venv/bin/python -m bench.small_reads [--runs 31]`` writes ``bench/results/small_reads.{json,md}``. Not a timed test.
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

from .common import RESULTS, machine, rotating
from .jhdf_read import _h5py, _h5py_open, _netcdf4, _netcdf4_open, _zarrjvm, _zarrjvm_open, milliseconds, start_uncached

#: variable name -> rows of 256 float32 values
SIZES = {"64KiB": 64, "256KiB": 256, "1MiB": 1024, "4MiB": 4096}
COLUMNS = 256
#: file label -> (netCDF4 format, chunked with zlib)
FILES = {"NetCDF-3 classic, contiguous": ("NETCDF3_CLASSIC", False),
         "NetCDF-4, contiguous": ("NETCDF4", False),
         "NetCDF-4, 64 KiB chunks, zlib": ("NETCDF4", True)}


def _data(rows: int) -> np.ndarray:
    rng = np.random.default_rng(rows)
    return (np.round(rng.normal(size=(rows, COLUMNS)) * 100) / 100).astype("f4")


def write(path: Path, fmt: str, chunked: bool) -> None:
    import netCDF4

    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        ds.createDimension("x", COLUMNS)
        for name, rows in SIZES.items():
            ds.createDimension(f"{name}_y", rows)
            kw: dict[str, Any] = {}
            if fmt == "NETCDF4":
                kw = {"chunksizes": (64, COLUMNS), "zlib": True, "complevel": 1} if chunked else {"contiguous": True}
            v = ds.createVariable(f"v{name}", "f4", (f"{name}_y", "x"), fill_value=False, **kw)
            v[:] = _data(rows)


#: reader -> (read from an open variable, open + read + close), and whether it reads NetCDF-3
READERS: dict[str, tuple[Callable[[Path, str], Callable[[], Any]], Callable[[Path, str], Callable[[], Any]], bool]] = {
    "netCDF4-python": (_netcdf4, _netcdf4_open, True),
    "h5py": (_h5py, _h5py_open, False),
    "zarrjvm netcdf-java native": (_zarrjvm("netcdf-java", "native"), _zarrjvm_open("netcdf-java", "native"), True),
    "zarrjvm netcdf-java reader": (_zarrjvm("netcdf-java", "reader"), _zarrjvm_open("netcdf-java", "reader"), True),
    "zarrjvm jhdf": (_zarrjvm("jhdf", "native"), _zarrjvm_open("jhdf", "native"), False),
}


def run(path: Path, netcdf3: bool, runs: int) -> dict[str, Any]:
    readers = [r for r, (_, _, n3) in READERS.items() if n3 or not netcdf3]
    out: dict[str, Any] = {}
    for size, rows in SIZES.items():
        name, want = f"v{size}", _data(rows)
        fns: dict[str, Callable[[], Any]] = {}
        for reader in readers:
            read, open_read, _ = READERS[reader]
            for how, make in (("read", read), ("open+read", open_read)):
                fn = make(path, name)
                got = np.asarray(fn())
                assert got.dtype.newbyteorder("=") == want.dtype and np.array_equal(got, want), (reader, name)
                fns[f"{reader}|{how}"] = fn
        times = rotating(fns, runs)
        out[size] = {k: milliseconds(v) for k, v in times.items()}
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=31)
    args = p.parse_args()
    start_uncached()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="zarrjvm-bench-small-") as d:
        for label, (fmt, chunked) in FILES.items():
            f = Path(d) / f"{fmt}-{chunked}.nc"
            write(f, fmt, chunked)
            results[label] = run(f, fmt.startswith("NETCDF3"), args.runs)
    out = {"runs": args.runs, "machine": machine(), "load_avg_at_end": list(os.getloadavg()), "files": results}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "small_reads.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = ["# Small reads of NetCDF variables: zarrjvm against netCDF4-python and h5py", "",
             f"Median milliseconds of {args.runs} rounds in rotating order after an untimed one, one process, file in "
             "the page cache; every result checked equal to the data written. float32 rows of 256 values. `read`: the "
             "whole variable from an open variable; `open+read`: open, read, close. In brackets: ÷ netCDF4-python's "
             f"median. Load average at the end: {tuple(round(x, 2) for x in os.getloadavg())}.", ""]
    for label, res in results.items():
        readers = sorted({k.split("|")[0] for k in next(iter(res.values()))}, key=list(READERS).index)
        for how in ("read", "open+read"):
            lines += [f"## {label}: {how}", "", "| size | " + " | ".join(readers) + " |",
                      "|---|" + "---|" * len(readers)]
            for size, cells in res.items():
                ref = cells[f"netCDF4-python|{how}"]["median_ms"]
                row = [f"{cells[f'{r}|{how}']['median_ms']:.2f} ({cells[f'{r}|{how}']['median_ms'] / ref:.1f}×)"
                       for r in readers]
                lines.append(f"| {size} | " + " | ".join(row) + " |")
            lines.append("")
    (RESULTS / "small_reads.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
