"""Reading text: a NetCDF-4 ``string`` variable and a ``char`` variable with ``_Encoding`` (both written by
netCDF4-python), whole, with zarrjvm's netcdf-java and jhdf backends against netCDF4-python (and h5py's ``.asstr()``
for the strings). Every result is checked equal to netCDF4-python's before timing. Two timings per backend: ``read``
from an open array, ``open+read`` (open, read, close; jhdf keeps a vlen dataset's strings once read, so only this one
shows its first read). Best of ``--runs`` after one warm-up; all readers in this one process.

``.venv/bin/python -m bench.text_read [--n 200000] [--runs 5]`` prints a table. Not a timed test.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import h5py
import netCDF4
import numpy as np

import zarrjvm


def _write(f: Path, n: int) -> None:
    words = np.array([f"station-{i:06d}-{'x' * (i % 17)}" for i in range(n)], dtype=object)
    with netCDF4.Dataset(f, "w") as d:
        d.createDimension("n", n)
        d.createDimension("len", 32)
        d.createVariable("s", str, ("n",))[:] = words
        c = d.createVariable("c", "S1", ("n", "len"))
        c._Encoding = "utf-8"
        c[:] = np.array([w[:32] for w in words], "U32")


def _best(f: Callable[[], object], runs: int) -> float:
    f()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "text.nc"
        t = threading.Thread(target=_write, args=(f, args.n))  # netCDF-C writes off the JVM's main thread
        t.start()
        t.join()
        print("| variable | reader | read (ms) | open+read (ms) |\n|---|---|---|---|")
        for name in ("s", "c"):
            with netCDF4.Dataset(f) as d:
                v = d[name]
                want = np.asarray(v[...])
                print(f"| {name} | netCDF4-python | {_best(lambda: v[...], args.runs):.1f} | |")
            if name == "s":
                with h5py.File(f, "r") as h:
                    print(f"| s | h5py .asstr() | {_best(lambda: h['s'].asstr()[()], args.runs):.1f} | |")
            for backend in ("netcdf-java", "jhdf"):
                with zarrjvm.open_array(f, name, backend=backend) as a:
                    got = a[...]
                    assert got.dtype == want.dtype and got.tolist() == want.tolist(), (name, backend)
                    read = _best(lambda: a[...], args.runs)

                def fresh(b: str = backend) -> None:
                    with zarrjvm.open_array(f, name, backend=b) as a:
                        a[...]

                print(f"| {name} | {backend} | {read:.1f} | {_best(fresh, args.runs):.1f} |")


if __name__ == "__main__":
    main()
