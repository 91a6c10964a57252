"""xarray with ``engine="zarrjvm"`` against xarray's own engines, measured in the same run.

1. ``xr.open_dataset(f, engine=...)["field"].load()`` of a 256 MiB float32 variable (a smooth field with noise, as a
   model or satellite field looks: not ``arange``), stored as NetCDF-4 (zlib level 1, chunks 16×256×256) and as Zarr
   v3 (xarray's default codecs: zstd; the same chunks). NetCDF: zarrjvm (netCDF-Java) vs netcdf4 and h5netcdf; Zarr:
   zarrjvm (zarr-java) vs zarr. Also zarrjvm's own ``JvmArray[...]`` (the view on Java's memory xarray's data is
   copied from: the engine hands xarray writable arrays, as the other engines do).
2. ``xr.open_dataset`` (metadata only, nothing loaded) of a file with many variables: NetCDF-4 (netcdf4, h5netcdf vs
   zarrjvm) and Zarr v3 and v2 with xarray's default consolidated metadata (zarr vs zarrjvm).

Every engine runs in the same process with its JVM started, one warm-up run, then ``--runs`` runs in rotating order;
medians (the machine is noisy). ``.venv/bin/python -m bench.xarray_open [--runs 5] [--variables 1000]`` writes
``bench/results/xarray_open.{json,md,png}``; the data goes to ``build/bench-data`` (made once, reused).
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .common import DATA as BENCH_DATA
from .common import RESULTS, rotating

DATA = BENCH_DATA / "xarray"
SHAPE = (256, 512, 512)  # 64 Mi float32 elements: 256 MiB
CHUNKS = (16, 256, 256)


def field() -> np.ndarray:
    """A smooth pattern over time, latitude and longitude plus small noise, float32."""
    rng = np.random.default_rng(42)
    t = np.linspace(0, 4 * np.pi, SHAPE[0], dtype="f4")[:, None, None]
    y = np.linspace(-np.pi / 2, np.pi / 2, SHAPE[1], dtype="f4")[None, :, None]
    x = np.linspace(0, 2 * np.pi, SHAPE[2], dtype="f4")[None, None, :]
    out = 280 + 20 * np.cos(y) + 5 * np.sin(3 * x + t) * np.cos(2 * y)
    out += rng.normal(0, 0.5, SHAPE).astype("f4")
    return out.astype("f4")


def write_data(variables: int) -> dict[str, Path]:
    import xarray as xr

    DATA.mkdir(parents=True, exist_ok=True)
    paths = {"nc": DATA / "field.nc", "zarr": DATA / "field.zarr", "many_nc": DATA / f"many-{variables}.nc",
             "many_v3": DATA / f"many-{variables}-v3.zarr", "many_v2": DATA / f"many-{variables}-v2.zarr"}
    if not paths["nc"].exists() or not paths["zarr"].exists():
        ds = xr.Dataset({"field": (("time", "lat", "lon"), field(), {"units": "K"})})
        ds.to_netcdf(paths["nc"], encoding={"field": {"zlib": True, "complevel": 1, "chunksizes": CHUNKS}})
        ds.to_zarr(paths["zarr"], mode="w", encoding={"field": {"chunks": CHUNKS}})
    if not paths["many_nc"].exists():
        many = xr.Dataset({f"var_{i:04d}": (("time", "x"), np.full((4, 8), i, "f4"),
                                             {"units": "K", "long_name": f"variable {i}"}) for i in range(variables)},
                          attrs={"title": "many variables"})
        many.to_netcdf(paths["many_nc"])
        many.to_zarr(paths["many_v3"], mode="w", zarr_format=3)
        many.to_zarr(paths["many_v2"], mode="w", zarr_format=2)
    return paths


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--variables", type=int, default=1000)
    args = p.parse_args()
    warnings.filterwarnings("ignore")
    import xarray as xr

    import zarrjvm

    paths = write_data(args.variables)
    zarrjvm.jvm.ensure_started()
    want = xr.open_dataset(paths["nc"], engine="netcdf4")["field"].load()
    # the engines must agree before they are timed
    for engine, path, kw in [("zarrjvm", paths["nc"], {}), ("zarrjvm", paths["nc"], {"backend": "jhdf"}),
                             ("zarrjvm", paths["zarr"], {}), ("zarr", paths["zarr"], {})]:
        xr.testing.assert_identical(xr.open_dataset(path, engine=engine, **kw)["field"].load(), want)

    def load(path: Path, engine: str, **kw: Any) -> Callable[[], Any]:
        return lambda: xr.open_dataset(path, engine=engine, **kw)["field"].load()

    def raw(path: Path, backend: str, var: str | None) -> Callable[[], Any]:
        def run() -> None:
            with zarrjvm.open_array(path, var, backend=backend) as a:
                a[...]
        return run

    nc_load = rotating({"netcdf4": load(paths["nc"], "netcdf4"), "h5netcdf": load(paths["nc"], "h5netcdf"),
                     "zarrjvm (netcdf-java)": load(paths["nc"], "zarrjvm"),
                     "zarrjvm (jhdf)": load(paths["nc"], "zarrjvm", backend="jhdf"),
                     "zarrjvm JvmArray[...] (netcdf-java, no xarray)": raw(paths["nc"], "netcdf-java", "field"),
                     "zarrjvm JvmArray[...] (jhdf, no xarray)": raw(paths["nc"], "jhdf", "field")},
                    args.runs)
    zarr_load = rotating({"zarr": load(paths["zarr"], "zarr"), "zarrjvm (zarr-java)": load(paths["zarr"], "zarrjvm"),
                       "zarrjvm JvmArray[...] (zarr-java, no xarray)": raw(paths["zarr"] / "field", "zarr-java", None)},
                      args.runs)

    def meta(path: Path, engine: str, **kw: Any) -> Callable[[], Any]:
        def run() -> None:
            ds = xr.open_dataset(path, engine=engine, **kw)
            assert len(ds.data_vars) == args.variables
            ds.close()
        return run

    open_nc = rotating({"netcdf4": meta(paths["many_nc"], "netcdf4"), "h5netcdf": meta(paths["many_nc"], "h5netcdf"),
                     "zarrjvm (netcdf-java)": meta(paths["many_nc"], "zarrjvm"),
                     "zarrjvm (jhdf)": meta(paths["many_nc"], "zarrjvm", backend="jhdf")}, args.runs)
    open_v3 = rotating({"zarr": meta(paths["many_v3"], "zarr"),
                        "zarrjvm (zarr-java)": meta(paths["many_v3"], "zarrjvm")}, args.runs)
    open_v2 = rotating({"zarr": meta(paths["many_v2"], "zarr"),
                        "zarrjvm (zarr-java)": meta(paths["many_v2"], "zarrjvm"),
                        "zarrjvm (jzarr)": lambda: xr.open_dataset(paths["many_v2"], engine="zarrjvm",
                                                                   backend="jzarr")}, args.runs)
    sections = {
        "load: NetCDF-4, 256 MiB float32, zlib 1": (nc_load, "netcdf4"),
        "load: Zarr v3, 256 MiB float32, zstd (xarray's default)": (zarr_load, "zarr"),
        f"open_dataset: NetCDF-4, {args.variables} variables": (open_nc, "netcdf4"),
        f"open_dataset: Zarr v3 (consolidated), {args.variables} variables": (open_v3, "zarr"),
        f"open_dataset: Zarr v2 (consolidated), {args.variables} variables": (open_v2, "zarr"),
    }
    for rows, base in sections.values():
        for r in rows.values():
            r["time_vs_" + base] = round(r["median_s"] / rows[base]["median_s"], 2)
    out = {"shape": SHAPE, "chunks": CHUNKS, "variables": args.variables, "runs": args.runs,
           "load_avg_at_end": list(os.getloadavg()),
           "sections": {k: rows for k, (rows, _) in sections.items()}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "xarray_open.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = ["# xarray: engine=\"zarrjvm\" against xarray's engines", "",
             f"Same process, same run; one warm-up, then median of {args.runs} runs in rotating order (min–max). "
             f"Load: `xr.open_dataset(f, engine=...)['field'].load()` of a {SHAPE} float32 field (256 MiB), chunks "
             f"{CHUNKS}. Open: `xr.open_dataset` of a file with {args.variables} variables, nothing loaded. The last "
             "column is time ÷ the section's reference engine (< 1: zarrjvm is faster).", ""]
    for title, (rows, base) in sections.items():
        lines += [f"## {title}", "", f"| engine | median (s) | min–max (s) | ÷ {base} |", "|---|---|---|---|"]
        for name, r in rows.items():
            lines.append(f"| {name} | {r['median_s']:.3f} | {r['min_s']:.3f}–{r['max_s']:.3f} | "
                         f"{r['time_vs_' + base]:.2f}× |")
        lines.append("")
    (RESULTS / "xarray_open.md").write_text("\n".join(lines))
    plot(out)
    print("\n".join(lines))


def plot(out: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sections = out["sections"]
    fig, axes = plt.subplots(1, len(sections), figsize=(4 * len(sections), 3.6))
    for ax, (title, rows) in zip(axes, sections.items()):
        names = list(rows)
        ax.barh(names, [rows[n]["median_s"] for n in names],
                xerr=[[rows[n]["median_s"] - rows[n]["min_s"] for n in names],
                      [rows[n]["max_s"] - rows[n]["median_s"] for n in names]],
                color=["tab:orange" if n.startswith("zarrjvm") else "tab:blue" for n in names])
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("seconds (median, min–max)")
        ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(RESULTS / "xarray_open.png", dpi=110)


if __name__ == "__main__":
    main()
