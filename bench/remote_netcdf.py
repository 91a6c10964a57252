"""NetCDF-4/HDF5 over HTTP: zarrjvm's netcdf-java and jhdf backends against h5py and h5netcdf on an fsspec file.

One NetCDF-4 file (netCDF4-python, superblock 2, so every reader reads it) served by the loopback Range server of
tests/remote_servers.py. Each case is open + read + close of one variable, as a user reading a remote file does:
``small`` (a 48-byte variable: the cost is opening the file), ``chunk`` (one 100x250 float32 chunk of a 160-chunk
variable, in the middle of the file) and ``whole`` (the 16 MB variable). The Python peers read through
``fsspec.open(url)`` (HTTP range reads with fsspec's default readahead cache, what h5py/h5netcdf users do today).
Requests are counted by the server for every reader. Every result is compared with netCDF4-python's read of the local
file before timing. Also measured: zarrjvm's block size (``zarrjvm.storefile.blockSize``, 16 KiB to 1 MiB) for the
same cases, and a served delay of 2 ms per request to show what round trips cost.

``.venv/bin/python -m bench.remote_netcdf [--runs 5]`` writes ``bench/results/remote_netcdf.{json,md}``. Takes about
two minutes, so it is not part of ``make bench``. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .common import RESULTS, machine, measure

SHAPE = (4000, 1000)  # float32, random: 16 MB, 160 zlib chunks of ~100 KB (fsspec's default 5 MB blocks are not all)
CASES: dict[str, tuple[str, Any]] = {
    "small": ("small", ...),
    "chunk": ("big", (slice(2100, 2200), slice(250, 500))),
    "whole": ("big", ...),
}
BLOCK_SIZES = [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024]


def write(path: Path) -> None:
    import netCDF4

    rng = np.random.default_rng(3)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.createDimension("y", SHAPE[0])
        ds.createDimension("x", SHAPE[1])
        ds.createDimension("t", 12)
        ds.createVariable("big", "f4", ("y", "x"), zlib=True, complevel=1, chunksizes=(100, 250))[:] = (
            rng.standard_normal(SHAPE).astype("f4"))
        ds.createVariable("small", "f4", ("t",))[:] = np.arange(12, dtype="f4")
        for i in range(20):  # a file with more than two variables: metadata spread over the file
            ds.createVariable(f"extra{i}", "i4", ("t",))[:] = np.arange(12) + i


def _h5py(url: str, name: str, sel: Any) -> Any:
    import fsspec
    import h5py

    with fsspec.open(url, "rb") as f, h5py.File(f, "r") as h:
        return h[name][sel]


def _h5netcdf(url: str, name: str, sel: Any) -> Any:
    import fsspec
    import h5netcdf

    with fsspec.open(url, "rb") as f, h5netcdf.File(f, "r") as h:
        return h.variables[name][sel]


def _zarrjvm(backend: str) -> Callable[[str, str, Any], Any]:
    def run(url: str, name: str, sel: Any) -> Any:
        import zarrjvm

        with zarrjvm.open_array(url, name, backend=backend) as a:
            return np.array(a[sel])
    return run


READERS: dict[str, Callable[[str, str, Any], Any]] = {
    "h5py (fsspec)": _h5py,
    "h5netcdf (fsspec)": _h5netcdf,
    "zarrjvm netcdf-java": _zarrjvm("netcdf-java"),
    "zarrjvm jhdf": _zarrjvm("jhdf"),
}


def _block_size(size: int | None) -> None:
    import jpype

    system = jpype.JClass("java.lang.System")
    if size is None:
        system.clearProperty("zarrjvm.storefile.blockSize")
    else:
        system.setProperty("zarrjvm.storefile.blockSize", str(size))


def _sent(log: list[tuple[str, str, str | None, dict[str, str]]], size: int) -> int:
    """Body bytes the server sent for ``log``: the Range asked (clipped to the file), the file for a plain GET."""
    total = 0
    for method, _, rng, _ in log:
        if method != "GET":
            continue
        if not rng:
            total += size
            continue
        first, _, last = rng.removeprefix("bytes=").partition("-")
        if not first:
            total += min(size, int(last))
        else:
            total += min(size - 1, int(last) if last else size - 1) - int(first) + 1
    return total


def _cell(srv: Any, fn: Callable[[], Any], want: np.ndarray, runs: int, size: int) -> dict[str, Any]:
    srv.reset(delay=srv.stats.delay)
    got = np.asarray(fn())
    assert got.dtype == want.dtype and np.array_equal(got, want)
    requests, sent = srv.requests, _sent(srv.log(), size)
    m = measure(fn, repeat=runs, warmup=0)
    return {"median_ms": round(m["median_s"] * 1e3, 2), "min_ms": round(m["min_s"] * 1e3, 2), "requests": requests,
            "bytes": sent}


def run(srv: Any, local: Path, url: str, runs: int) -> dict[str, Any]:
    import netCDF4

    out: dict[str, Any] = {}
    with netCDF4.Dataset(local) as ds:
        wants = {case: np.asarray(ds[name][sel]) for case, (name, sel) in CASES.items()}
    for case, (name, sel) in CASES.items():
        row = {}
        for reader, fn in READERS.items():
            row[reader] = _cell(srv, lambda fn=fn: fn(url, name, sel), wants[case], runs, local.stat().st_size)
        out[case] = row
    return out


def run_blocks(srv: Any, local: Path, url: str, runs: int) -> dict[str, Any]:
    import netCDF4

    with netCDF4.Dataset(local) as ds:
        wants = {case: np.asarray(ds[name][sel]) for case, (name, sel) in CASES.items()}
    out: dict[str, Any] = {}
    try:
        for bs in BLOCK_SIZES:
            _block_size(bs)
            out[str(bs)] = {f"{backend} {case}": _cell(srv, lambda b=backend, n=name, s=sel: _zarrjvm(b)(url, n, s),
                                                        wants[case], runs, local.stat().st_size)
                            for backend in ("netcdf-java", "jhdf") for case, (name, sel) in CASES.items()}
    finally:
        _block_size(None)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from remote_servers import RangeHTTPServer

    import zarrjvm

    zarrjvm.jvm.ensure_started()
    with tempfile.TemporaryDirectory(prefix="zarrjvm-bench-remote-nc-") as d:
        local = Path(d) / "data.nc"
        write(local)
        size = local.stat().st_size
        with RangeHTTPServer(d, max_requests=10**7) as srv:
            url = f"{srv.url}/data.nc"
            results = {"no delay": run(srv, local, url, args.runs)}
            srv.reset(delay=0.002)
            results["2 ms per request"] = run(srv, local, url, args.runs)
            srv.reset(delay=0.002)
            blocks = run_blocks(srv, local, url, args.runs)
            srv.reset(delay=0.0)
    out = {"runs": args.runs, "machine": machine(), "load_avg_at_end": list(os.getloadavg()), "file_bytes": size,
           "cases": {k: {"variable": v[0], "selection": repr(v[1])} for k, v in CASES.items()},
           "results": results, "block_sizes_2ms": blocks}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "remote_netcdf.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = ["# NetCDF-4 over HTTP: zarrjvm netcdf-java / jhdf against h5py and h5netcdf on fsspec", "",
             f"One {size / 1e6:.1f} MB NetCDF-4 file on a loopback Range server; open + read + close of one variable, "
             f"median ms of {args.runs} runs (in brackets: ÷ h5py's median), requests and bytes asked of the server "
             "for one read (the Range lengths; a GET without Range — fsspec's first request — counts the whole file, "
             "though fsspec may stop reading it early). Every result checked equal to netCDF4-python's local read. "
             "`small`: 12 float32; `chunk`: "
             "one 100x250 chunk of 160; `whole`: the 4000x1000 float32 variable.", ""]
    for label, res in results.items():
        lines += [f"## {label}", "", "| case | " + " | ".join(READERS) + " |", "|---|" + "---|" * len(READERS)]
        for case, row in res.items():
            base = row["h5py (fsspec)"]["median_ms"]
            cells = [f"{c['median_ms']} ms ({c['median_ms'] / base:.2f}); {c['requests']} req, "
                     f"{c['bytes'] / 1e3:.0f} kB" for c in row.values()]
            lines.append(f"| {case} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## zarrjvm block size (2 ms per request)", "",
              "| block | " + " | ".join(next(iter(blocks.values()))) + " |",
              "|---|" + "---|" * len(next(iter(blocks.values())))]
    for bs, row in blocks.items():
        lines.append(f"| {int(bs) // 1024} KiB | " + " | ".join(
            f"{c['median_ms']} ms; {c['requests']} req, {c['bytes'] / 1e3:.0f} kB" for c in row.values()) + " |")
    lines.append("")
    lines.append(f"Machine: {out['machine']}; load average at the end {out['load_avg_at_end']}.")
    (RESULTS / "remote_netcdf.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
