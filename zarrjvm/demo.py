"""The main job on a built-in sample: write a small dataset with zarr-python (and netCDF4), read it back through each
Java backend that claims the format, and print what matched. ``zarrjvm demo`` / ``make demo``."""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import jvm
from .array import open_array
from .backends import backends
from .errors import ZarrJvmError


@dataclass
class Sample:
    name: str
    store: str
    path: str
    format: str
    data: np.ndarray


def write_sample(root: Path) -> list[Sample]:
    """Writes the sample dataset under ``root`` with the Python peers and returns what was written."""
    import numcodecs
    import zarr
    from zarr.codecs import BloscCodec, ShardingCodec, ZstdCodec

    rng = np.random.default_rng(42)
    yy, xx = np.mgrid[0:180, 0:360]
    temperature = (15 + 20 * np.cos(np.deg2rad(yy - 90)) + rng.normal(0, 1, yy.shape)).astype("float32")
    temperature[::37, ::53] = np.nan
    counts = rng.integers(0, 65535, size=(180, 360), dtype="uint16")
    labels = (rng.random((256, 256)) * 255).astype("uint8")
    samples: list[Sample] = []

    v2 = root / "sample_v2.zarr"
    g2 = zarr.open_group(str(v2), mode="w", zarr_format=2)
    a = g2.create_array("temperature", shape=temperature.shape, chunks=(64, 64), dtype="float32",
                        compressors=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
                        fill_value=np.nan)
    a[:] = temperature
    a.attrs["units"] = "degC"
    b = g2.create_array("counts", shape=counts.shape, chunks=(100, 100), dtype="uint16",
                        compressors=numcodecs.Zlib(level=4), fill_value=0)
    b[:] = counts
    samples += [Sample("v2/temperature", str(v2), "temperature", "zarr-v2", temperature),
                Sample("v2/counts", str(v2), "counts", "zarr-v2", counts)]

    v3 = root / "sample_v3.zarr"
    g3 = zarr.open_group(str(v3), mode="w", zarr_format=3)
    c = g3.create_array("temperature", shape=temperature.shape, chunks=(64, 64), dtype="float32",
                        compressors=ZstdCodec(level=3), fill_value=np.nan)
    c[:] = temperature
    d = g3.create_array("labels", shape=labels.shape, shards=(128, 128), chunks=(32, 32), dtype="uint8",
                        compressors=BloscCodec(cname="zstd", clevel=3, shuffle="bitshuffle"), fill_value=0)
    d[:] = labels
    samples += [Sample("v3/temperature", str(v3), "temperature", "zarr-v3", temperature),
                Sample("v3/labels (sharded)", str(v3), "labels", "zarr-v3", labels)]
    assert isinstance(d.metadata.codecs[0], ShardingCodec)  # type: ignore[union-attr]

    try:
        import netCDF4
    except ImportError:  # pragma: no cover - the demo environment has it
        return samples
    nc4 = root / "sample.nc"
    with netCDF4.Dataset(nc4, "w", format="NETCDF4") as ds:
        ds.createDimension("lat", 180)
        ds.createDimension("lon", 360)
        v = ds.createVariable("temp", "f4", ("lat", "lon"), zlib=True, chunksizes=(45, 90))
        v.set_auto_maskandscale(False)
        v[:] = np.nan_to_num(temperature, nan=-999.0)
    nc3 = root / "sample_classic.nc"
    with netCDF4.Dataset(nc3, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("lat", 180)
        ds.createDimension("lon", 360)
        v = ds.createVariable("counts", "i4", ("lat", "lon"))
        v[:] = counts.astype("int32")
    samples += [Sample("netcdf4/temp", str(nc4), "temp", "netcdf4", np.nan_to_num(temperature, nan=-999.0)),
                Sample("netcdf3/counts", str(nc3), "counts", "netcdf3", counts.astype("int32"))]
    return samples


def _read_times(fn: Any, repeat: int = 5) -> tuple[Any, float]:
    out = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def run(root: Path | None = None, out: Any = print) -> list[dict[str, Any]]:
    """Writes the sample and reads it through every usable backend; prints and returns the rows."""
    from .compat import require_peers

    require_peers("zarrjvm demo", ("zarr", "numcodecs"))
    tmp = None
    if root is None:
        tmp = tempfile.TemporaryDirectory(prefix="zarrjvm-demo-")
        root = Path(tmp.name)
    t0 = time.perf_counter()
    jvm.ensure_started()
    out(f"JVM started in {time.perf_counter() - t0:.2f} s; Java side: {jvm.build_info()['cdm.artifact']}")
    samples = write_sample(root)
    rows: list[dict[str, Any]] = []
    for be in backends():
        if not be.usable:
            out(f"backend {be.name}: not usable ({be.reason})")
            continue
        for s in samples:
            if s.format not in be.formats:
                continue
            row: dict[str, Any] = {"backend": be.name, "array": s.name, "shape": s.data.shape,
                                   "dtype": str(s.data.dtype)}
            try:
                with open_array(s.store, s.path, backend=be.name) as a:
                    got, t = _read_times(lambda a=a: a[...])
                row["dtype"] = str(a.dtype)
                row["equal"] = "yes" if np.array_equal(got, s.data, equal_nan=s.data.dtype.kind == "f") else "NO"
                row["read_ms"] = f"{t * 1e3:.2f}"
                row["notes"] = "; ".join(a.notes)
            except ZarrJvmError as e:
                row["equal"] = f"error: {type(e).__name__}"
                row["read_ms"] = "-"
                row["notes"] = str(e).splitlines()[0][:120]
            rows.append(row)
    _print_table(rows, out)
    compat_matrix(out)
    if tmp is not None:
        tmp.cleanup()
    return rows


#: a few cases that show the matrix's four outcomes (the full list: ``zarrjvm compat --list-cases``)
DEMO_CASES = ("zarr-v2-dtype-u2", "zarr-v2-codec-blosc-lz4-shuffle-f4", "zarr-v2-order-F", "zarr-v3-dtype-f8",
              "zarr-v3-codec-zstd+crc32c-f4", "zarr-v3-sharded-f4", "netcdf3-classic-i4", "netcdf4-zlib-u2")


def compat_matrix(out: Any = print) -> dict[str, Any]:
    """A short compatibility matrix: :data:`DEMO_CASES`, every writer × every reader, in this process."""
    from .compat.report import text_matrix, text_summary
    from .compat.runner import run_matrix

    out("")
    out("Compatibility matrix (a short one; `zarrjvm compat --out DIR` runs them all):")
    report = run_matrix(case_patterns=DEMO_CASES)
    out(text_matrix(report))
    out(text_summary(report))
    bad = [c for c in report["cells"] if c["status"] in ("fail", "error")]
    for c in bad:
        d = c["detail"]
        why = d.get("finding_title") or d.get("reason") or d.get("java_class") or d.get("exception")
        out(f"  {c['writer']} → {c['reader']} {c['case']}: {c['status']} (findings {d.get('finding')}: {why})")
    return report


def _print_table(rows: list[dict[str, Any]], out: Any) -> None:
    cols = ["backend", "array", "shape", "dtype", "equal", "read_ms", "notes"]
    heads = {"equal": "equal to peer?", "read_ms": "read ms (median)"}
    cells = [[str(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(heads.get(c, c)), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    widths[-1] = min(widths[-1], 90)
    line = "  ".join(heads.get(c, c).ljust(w) for c, w in zip(cols, widths))
    out(line)
    out("-" * len(line))
    for row in cells:
        out("  ".join(v[:w].ljust(w) for v, w in zip(row, widths)))
