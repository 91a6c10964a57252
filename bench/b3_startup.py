"""B3 start-up: a cold ``import zarrjvm; zarrjvm.open_array(path)[0, 0]`` in a fresh process, against the floors it
stands on (Python + numpy + pyarrow imports; JPype's startJVM alone), as installed (class-data sharing on: the first
run dumps an AppCDS archive of zarrjvm's classes into the cache, every later run starts from it) and without it.
Wall time and the process's CPU time (user + system, steadier than wall time on a busy machine). Target ≤ 0.6 s."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .common import DATA, QUICK, ROOT, summarize

PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
import zarrjvm
t1 = time.perf_counter()
zarrjvm.jvm.ensure_started()
t2 = time.perf_counter()
a = zarrjvm.open_array(sys.argv[1])
t3 = time.perf_counter()
v = a[0, 0]
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "jvm_start_s": t2 - t1, "open_s": t3 - t2, "first_element_s": t4 - t3}))
"""


def _small_array() -> Path:
    import zarr

    p = DATA / "startup.zarr"
    if not (p / "zarr.json").exists():
        z = zarr.create_array(str(p), shape=(1000, 1000), chunks=(100, 100), dtype="f4", overwrite=True)
        z[:] = 1.5
    return p


def _wall(cmd: list[str], env: dict[str, str], n: int) -> dict[str, Any]:
    import resource

    samples, cpu = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        samples.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if r.returncode != 0:
            raise RuntimeError(r.stderr[-3000:])
    return dict(summarize(samples), cpu_median_s=statistics.median(cpu))


def collect() -> dict[str, Any]:
    n = 3 if QUICK else 10
    arr = str(_small_array())
    env = dict(os.environ)
    env.pop("ZARRJVM_JVM_OPTIONS", None)
    env.pop("ZARRJVM_CDS", None)
    cache = DATA / "cds-cache"  # a cache of its own: the first run below is a fresh install's first run
    import shutil

    shutil.rmtree(cache, ignore_errors=True)
    env["XDG_CACHE_HOME"] = str(cache)
    py = sys.executable
    # an installed wheel's modules are compiled to bytecode when pip installs them; a checkout's may not be (with
    # PYTHONDONTWRITEBYTECODE set, every run would compile zarrjvm's modules again: ~0.03 s of B3 no user pays)
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "zarrjvm")], check=True)
    cold = [py, "-c", "import sys, zarrjvm; zarrjvm.open_array(sys.argv[1])[0, 0]", arr]
    out: dict[str, Any] = {
        "python_numpy_pyarrow_import": _wall([py, "-c", "import numpy, pyarrow"], env, n),
        "jpype_startjvm_only": _wall([py, "-c", "import jpype; jpype.startJVM()"], env, n),
        "zarrjvm_cold_first_element_first_run": _wall(cold, env, 1),  # dumps the archive when it exits
        "zarrjvm_cold_first_element": _wall(cold, env, n),
        "zarrjvm_cold_first_element_without_cds": _wall(cold, dict(env, ZARRJVM_CDS="0"), n),
        # any -XX:Tier... option of the user's keeps all of HotSpot's C2 thresholds (zarrjvm.jvm._jit_defaults)
        "zarrjvm_cold_first_element_hotspot_c2_thresholds": _wall(
            cold, dict(env, ZARRJVM_JVM_OPTIONS="-XX:Tier4InvocationThreshold=5000"), n),
    }
    phases = [json.loads(subprocess.run([py, "-c", PHASES, arr], capture_output=True, text=True, env=env,
                                        cwd=ROOT).stdout) for _ in range(n)]
    out["phases_median_s"] = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
    out["target_s"] = 0.6
    out["target_met"] = out["zarrjvm_cold_first_element"]["median_s"] <= out["target_s"]
    return out
