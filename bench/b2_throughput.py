"""B2 read throughput: float32 arrays of 256 MiB and 1 GiB (zstd, blosc-lz4, none; 1 and 4 MiB chunks), read whole and
by region, through each zarrjvm backend (sequential and parallel) and through zarr-python 3 and tensorstore, each in a
fresh process. Reports MB/s, ratios against the alternatives measured in the same run, and memcpy bandwidth as the
limit line. Target: zarrjvm (zarr-java) ≥ 1.0× zarr-python and ≥ 0.9× tensorstore on whole-array reads.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .common import DATA, QUICK, measure, run_worker


@dataclass(frozen=True)
class Dataset:
    name: str
    fmt: int  # 2 or 3
    side: int  # the array is side × side float32
    chunk: int  # chunk is chunk × chunk
    codec: str  # zstd | blosc-lz4 | none

    @property
    def path(self) -> Path:
        return DATA / f"{self.name}.zarr"

    @property
    def nbytes(self) -> int:
        return self.side * self.side * 4

    def region(self) -> tuple[slice, slice]:
        """An unaligned box of a quarter of the array (touches partial chunks on every side)."""
        lo = self.side // 8 + 3
        return (slice(lo, lo + self.side // 2), slice(lo, lo + self.side // 2))


def datasets() -> list[Dataset]:
    out = []
    grid = [(8192, 512), (8192, 1024)] if not QUICK else [(4096, 1024)]
    if not QUICK:
        grid.append((16384, 1024))
    for side, chunk in grid:
        mb = side * side * 4 // 2**20
        cmb = chunk * chunk * 4 // 2**20
        for codec in ("zstd", "blosc-lz4", "none"):
            out.append(Dataset(f"f4-{mb}MiB-c{cmb}MiB-v3-{codec}", 3, side, chunk, codec))
        for codec in ("blosc-lz4", "none"):  # what every Java reader reads in Zarr v2
            out.append(Dataset(f"f4-{mb}MiB-c{cmb}MiB-v2-{codec}", 2, side, chunk, codec))
    return out


def _field(side: int, row0: int, rows: int) -> np.ndarray:
    """A smooth field with small noise, quantised: compresses like real gridded data (~2-4x), not like noise."""
    y = np.arange(row0, row0 + rows, dtype=np.float32)[:, None] / 97.0
    x = np.arange(side, dtype=np.float32)[None, :] / 131.0
    rng = np.random.default_rng(row0)
    f = 10 * np.sin(y) * np.cos(x) + rng.normal(0, 0.05, (rows, side)).astype(np.float32)
    return np.round(f, 3).astype(np.float32)


def ensure(ds: Dataset) -> None:
    import numcodecs
    import zarr
    from zarr.codecs import BloscCodec, ZstdCodec

    marker = ds.path / ".complete"
    if marker.exists():
        return
    shutil.rmtree(ds.path, ignore_errors=True)
    if ds.fmt == 3:
        comp = {"zstd": [ZstdCodec(level=3)], "blosc-lz4": [BloscCodec(cname="lz4", clevel=5, shuffle="shuffle",
                                                                       typesize=4)], "none": []}[ds.codec]
    else:
        comp = {"blosc-lz4": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
                "none": None}[ds.codec]
    z = zarr.create_array(str(ds.path), shape=(ds.side, ds.side), chunks=(ds.chunk, ds.chunk), dtype="<f4",
                          zarr_format=ds.fmt, compressors=comp, fill_value=0.0)
    for r in range(0, ds.side, ds.chunk):
        z[r:r + ds.chunk] = _field(ds.side, r, ds.chunk)
    marker.write_text("ok")


def _checksum(a: np.ndarray) -> float:
    return float(np.float64(a[::97, ::89].sum()))


def worker(impl: str, ds: Dataset, repeat: int) -> dict[str, Any]:
    """Times whole and region reads of ``ds`` with ``impl`` in this (fresh) process."""
    region = ds.region()
    if impl.startswith("zarrjvm-"):
        import zarrjvm

        backend = impl[len("zarrjvm-"):]
        a = zarrjvm.open_array(ds.path, backend=backend)
        whole = lambda: a[...]  # noqa: E731
        part = lambda: a[region]  # noqa: E731
    elif impl == "zarr-python":
        import zarr

        z = zarr.open_array(str(ds.path), mode="r")
        whole = lambda: z[...]  # noqa: E731
        part = lambda: z[region]  # noqa: E731
    elif impl == "tensorstore":
        import tensorstore as ts

        t = ts.open({"driver": "zarr3" if ds.fmt == 3 else "zarr",
                     "kvstore": {"driver": "file", "path": str(ds.path)}}, read=True).result()
        whole = lambda: t.read().result()  # noqa: E731
        part = lambda: t[region].read().result()  # noqa: E731
    else:
        raise ValueError(impl)
    check_whole = _checksum(whole())
    check_part = _checksum(part())
    return {"whole": measure(whole, repeat), "region": measure(part, repeat), "check_whole": check_whole,
            "check_region": check_part}


IMPLS_V3 = ["zarrjvm-zarr-java", "zarr-python", "tensorstore"]
IMPLS_V2 = ["zarrjvm-zarr-java", "zarrjvm-jzarr", "zarr-python", "tensorstore"]


def memcpy_bandwidth() -> dict[str, Any]:
    src = np.ones(2**28, dtype=np.uint8)
    dst = np.empty_like(src)
    m = measure(lambda: np.copyto(dst, src), 5)
    m["mb_per_s"] = src.nbytes / 1e6 / m["median_s"]
    return m


def collect() -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for ds in datasets():
        ensure(ds)
        repeat = 3 if ds.nbytes > 2**29 or QUICK else 5
        impls = IMPLS_V3 if ds.fmt == 3 else IMPLS_V2
        if ds.codec == "zstd" or ds.fmt == 3:
            impls = [i for i in impls if i != "zarrjvm-jzarr"]
        results: dict[str, Any] = {}
        for impl in impls:
            modes = ["parallel", "sequential"] if impl.startswith("zarrjvm-") else ["default"]
            for mode in modes:
                env = {"ZARRJVM_JVM_OPTIONS": "-Dzarrjvm.readThreads=0"} if mode == "sequential" else {}
                results[f"{impl}/{mode}"] = run_worker("b2_throughput", ["worker", impl, json.dumps(asdict(ds)),
                                                                         str(repeat)], env=env)
        ref = results["zarr-python/default"]
        for key, r in results.items():
            assert abs(r["check_whole"] - ref["check_whole"]) <= 1e-6 * max(1.0, abs(ref["check_whole"])), (key, ds)
            assert abs(r["check_region"] - ref["check_region"]) <= 1e-6 * max(1.0, abs(ref["check_region"])), key
            for read in ("whole", "region"):
                t = r[read]
                nbytes = ds.nbytes if read == "whole" else (ds.side // 2) ** 2 * 4
                rows.append({"dataset": ds.name, "format": f"v{ds.fmt}", "codec": ds.codec,
                             "array_mib": ds.nbytes // 2**20, "chunk_mib": ds.chunk * ds.chunk * 4 // 2**20,
                             "impl": key.split("/")[0], "mode": key.split("/")[1], "read": read,
                             "median_s": t["median_s"], "min_s": t["min_s"], "max_s": t["max_s"], "n": t["n"],
                             "mb_per_s": nbytes / 1e6 / t["median_s"],
                             "vs_zarr_python": ref[read]["median_s"] / t["median_s"],
                             "vs_tensorstore": results["tensorstore/default"][read]["median_s"] / t["median_s"]})
    return {"rows": rows, "memcpy": memcpy_bandwidth()}


def main() -> None:
    if sys.argv[1] == "worker":
        impl, ds_json, repeat = sys.argv[2], sys.argv[3], int(sys.argv[4])
        print(json.dumps(worker(impl, Dataset(**json.loads(ds_json)), repeat)))


if __name__ == "__main__":
    main()
