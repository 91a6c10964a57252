"""Opening every variable of a NetCDF-4 file with many variables: zarrjvm (netCDF-Java) against netCDF4-python.

A group and every variable opened through it share one open file, so the header is parsed once; opening variable by
variable with ``open_array`` shares it too while earlier variables stay open. Each run opens the file afresh (everything
of the previous run closed) and reads each variable's metadata (shape, dtype, attributes) — what opening gives the
user in both libraries, no data. Each reader runs in its own fresh process (the file is written by another one), its
JVM started before timing; medians of ``--runs`` runs after one warm-up run.

``.venv/bin/python bench/netcdf_open.py [--variables 2000] [--runs 7]`` writes ``bench/results/netcdf_open.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def write_file(path: Path, n: int) -> list[str]:
    import netCDF4
    import numpy as np

    names = [f"var_{i:04d}" for i in range(n)]
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.createDimension("time", 4)
        ds.createDimension("x", 8)
        for i, name in enumerate(names):
            v = ds.createVariable(name, "f4", ("time", "x"), zlib=True)
            v.units = "K"
            v.long_name = f"variable {i}"
            v[:] = np.full((4, 8), i, dtype="f4")
    return names


def netcdf4_python(path: Path, names: list[str]) -> None:
    import netCDF4

    with netCDF4.Dataset(path) as ds:
        for n in names:
            v = ds.variables[n]
            assert v.shape == (4, 8) and v.dtype.kind == "f" and v.getncattr("units") == "K"


def zarrjvm_group(path: Path, names: list[str]) -> None:
    import zarrjvm

    with zarrjvm.open_group(path, backend="netcdf-java") as g:
        arrays = [g[n] for n in names]
        for a in arrays:
            assert a.shape == (4, 8) and a.dtype.kind == "f" and a.attrs["units"] == "K"
        for a in arrays:
            a.close()


def zarrjvm_one_by_one(path: Path, names: list[str]) -> None:
    import zarrjvm

    arrays = [zarrjvm.open_array(path, n, backend="netcdf-java") for n in names]
    for a in arrays:
        assert a.shape == (4, 8) and a.dtype.kind == "f" and a.attrs["units"] == "K"
    for a in arrays:
        a.close()


def measure(fn: Callable[[], None], runs: int) -> dict[str, Any]:
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return {"first_s": round(first, 4), "median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4), "max_s": round(max(times), 4), "runs": runs}


READERS = {
    "netCDF4-python (Dataset, every variable)": netcdf4_python,
    "zarrjvm open_group, then g[name] for every variable": zarrjvm_group,
    "zarrjvm open_array for every variable, one by one": zarrjvm_one_by_one,
    # the same with JPype's garbage-collector link on every Python collection (jvm.gc_link_generation=0)
    "zarrjvm open_group, g[name] — JPype's GC link on every collection": zarrjvm_group,
    "zarrjvm open_array one by one — JPype's GC link on every collection": zarrjvm_one_by_one,
}


def measure_in_this_process(reader: str, path: Path, runs: int) -> dict[str, Any]:
    """One reader's figures, measured here (a fresh process the parent started)."""
    import netCDF4

    with netCDF4.Dataset(path) as ds:
        names = list(ds.variables)
    fn = READERS[reader]
    parses = None
    if reader.startswith("zarrjvm"):
        import zarrjvm
        from zarrjvm import _bridge

        if "JPype's GC link" in reader:
            zarrjvm.config.set({"jvm.gc_link_generation": 0})
        zarrjvm.jvm.ensure_started()
        counter = _bridge.jclass("dev.zarrjvm.netcdf.NetcdfBackend")
        before = int(counter.filesOpened())
    out = measure(lambda: fn(path, names), runs)
    if reader.startswith("zarrjvm"):
        parses = int(counter.filesOpened()) - before
    out["header_parses"] = parses
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--variables", type=int, default=2000)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--measure", nargs=2, metavar=("READER", "FILE"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure_in_this_process(args.measure[0], Path(args.measure[1]), args.runs)))
        return
    import os
    import subprocess
    import sys

    with tempfile.TemporaryDirectory(prefix="zarrjvm-bench-nc-") as d:
        path = Path(d) / "many.nc"
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                        f"import netcdf_open; netcdf_open.write_file(__import__('pathlib').Path({str(path)!r}), "
                        f"{args.variables})"], check=True)
        rows = {}
        for reader in READERS:
            r = subprocess.run([sys.executable, __file__, "--runs", str(args.runs), "--measure", reader, str(path)],
                               capture_output=True, text=True, check=True)
            rows[reader] = json.loads(r.stdout.strip().splitlines()[-1])
    base = rows["netCDF4-python (Dataset, every variable)"]["median_s"]
    for r in rows.values():
        r["vs_netcdf4_python"] = round(r["median_s"] / base, 2)
    out = {"variables": args.variables, "file": "NetCDF-4, f4 (4, 8) zlib per variable, 2 attributes each",
           "runs_per_reader": args.runs + 1, "load_avg_at_end": list(os.getloadavg()), "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "netcdf_open.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = [f"# Opening every variable of a NetCDF-4 file with {args.variables} variables", "",
             f"{out['file']}. Each run opens the file afresh and reads every variable's shape, dtype and attributes "
             f"(no data). Each reader in its own fresh process; median of {args.runs} runs after a first (warm-up) "
             "run, the JVM already started. zarrjvm parses the file's header once per run (counted). The last two "
             "rows run JPype's link from Python's garbage collector to Java's at every collection, as JPype does by "
             "itself (zarrjvm's default: generation 1 and older).", "",
             "| reader | first run (s) | median (s) | min–max (s) | ÷ netCDF4-python | header parses |",
             "|---|---|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['first_s']:.3f} | {r['median_s']:.3f} | {r['min_s']:.3f}–{r['max_s']:.3f} | "
                     f"{r['vs_netcdf4_python']:.2f}× | {'–' if r['header_parses'] is None else r['header_parses']} |")
    (RESULTS / "netcdf_open.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
