"""B4 memory: peak RSS and Java-side memory during a whole-array read (zarrjvm vs zarr-python vs tensorstore, each in
a fresh process), and RSS / Arrow bytes over 10 000 chunk reads (no growth)."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path
from typing import Any

from .common import QUICK, run_worker


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(impl: str, path: str) -> dict[str, Any]:
    base = _rss_mib()
    out: dict[str, Any] = {"rss_before_mib": base}
    if impl == "zarrjvm":
        import jpype

        import zarrjvm

        zarrjvm.jvm.ensure_started()
        out["rss_jvm_started_mib"] = _rss_mib()
        a = zarrjvm.open_array(path)
        data = a[...]
        out["arrow_bytes_holding_mib"] = zarrjvm.jvm.arrow_allocated_bytes() / 2**20
        rt = jpype.JClass("java.lang.Runtime").getRuntime()
        out["java_heap_used_mib"] = (int(rt.totalMemory()) - int(rt.freeMemory())) / 2**20
        pools = jpype.JClass("java.lang.management.ManagementFactory").getPlatformMXBeans(
            jpype.JClass("java.lang.management.BufferPoolMXBean"))
        out["java_nio_direct_mib"] = sum(int(p.getMemoryUsed()) for p in pools if str(p.getName()) == "direct") / 2**20
        del data
        out["arrow_bytes_after_drop"] = zarrjvm.jvm.arrow_allocated_bytes()
    elif impl == "zarr-python":
        import zarr

        data = zarr.open_array(path, mode="r")[...]
        del data
    elif impl == "tensorstore":
        import tensorstore as ts

        data = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": path}}).result().read().result()
        del data
    out["peak_rss_mib"] = _peak_mib()
    return out


def chunk_loop(path: str, total: int) -> dict[str, Any]:
    import gc

    import zarrjvm

    a = zarrjvm.open_array(path)
    grid = a.cdata_shape
    coords = [(i % grid[0], (i // grid[0]) % grid[1]) for i in range(total)]
    for c in coords[:1000]:
        a.read_chunk(c)
    gc.collect()
    rss_warm = _rss_mib()
    arrow_warm = zarrjvm.jvm.arrow_allocated_bytes()
    for c in coords[1000:]:
        a.read_chunk(c)
    gc.collect()
    return {"reads": total, "rss_after_warmup_mib": rss_warm, "rss_after_all_mib": _rss_mib(),
            "rss_growth_mib": _rss_mib() - rss_warm, "arrow_bytes_after_warmup": arrow_warm,
            "arrow_bytes_after_all": zarrjvm.jvm.arrow_allocated_bytes()}


def collect() -> dict[str, Any]:
    from .b2_throughput import datasets, ensure

    ds = [d for d in datasets() if d.fmt == 3 and d.codec == "zstd"][-1]
    ensure(ds)
    out: dict[str, Any] = {"dataset": ds.name, "array_mib": ds.nbytes / 2**20, "whole_read": {}}
    for impl in ("zarrjvm", "zarr-python", "tensorstore"):
        out["whole_read"][impl] = run_worker("b4_memory", ["worker", impl, str(ds.path)])
    out["chunk_loop"] = run_worker("b4_memory", ["loop", str(ds.path), "2000" if QUICK else "10000"])
    return out


def main() -> None:
    if sys.argv[1] == "worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(chunk_loop(sys.argv[2], int(sys.argv[3]))))


if __name__ == "__main__":
    main()
