"""Timing, machine description and result collection shared by the benchmarks."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
#: large generated inputs (not committed); override with ZARRJVM_BENCH_DATA
DATA = Path(os.environ.get("ZARRJVM_BENCH_DATA", ROOT / "build" / "bench-data"))
QUICK = os.environ.get("ZARRJVM_BENCH_QUICK") == "1"


def measure(fn: Callable[[], Any], repeat: int = 5, warmup: int = 1) -> dict[str, Any]:
    """Runs ``fn`` ``warmup`` times untimed, then ``repeat`` times; returns median/min/max seconds and the samples."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return summarize(samples)


def rotating(fns: dict[str, Callable[[], Any]], runs: int) -> dict[str, dict[str, Any]]:
    """Each of ``fns`` once untimed (JVM classes, page cache, imports), then ``runs`` rounds with the order rotated
    each round, so drift on a noisy machine spreads over all of them; median/min/max seconds per name."""
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {k: [] for k in fns}
    names = list(fns)
    for r in range(runs):
        for k in names[r % len(names):] + names[:r % len(names)]:
            t = time.perf_counter()
            fns[k]()
            samples[k].append(time.perf_counter() - t)
    return {k: {"median_s": statistics.median(v), "min_s": min(v), "max_s": max(v), "runs": runs}
            for k, v in samples.items()}


def summarize(samples: list[float]) -> dict[str, Any]:
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples),
            "n": len(samples), "samples_s": samples}


def ratio(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How many times faster ``a`` is than ``b`` (medians)."""
    return b["median_s"] / a["median_s"] if a["median_s"] > 0 else float("inf")


def machine() -> dict[str, Any]:
    def first(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except Exception:
            return ""

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    import numpy
    import pyarrow

    versions = {"python": platform.python_version(), "numpy": numpy.__version__, "pyarrow": pyarrow.__version__}
    for mod in ("zarr", "tensorstore", "jpype", "pyspark", "netCDF4"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(mem_kb / 2**20, 1), "os": platform.platform(),
            "java": java, "maven": first(["mvn", "-v"]), "versions": versions,
            "load_avg_at_start": os.getloadavg()}


def run_worker(module: str, args: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> Any:
    """Runs ``python -m bench.<module> <args>`` in a fresh process (own JVM, own settings); returns its JSON output."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    r = subprocess.run([sys.executable, "-m", f"bench.{module}", *args], capture_output=True, text=True,
                       cwd=ROOT, env=full_env, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"bench.{module} {args} failed:\n{r.stderr[-4000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def mib(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n / 2**10:g} KiB"
