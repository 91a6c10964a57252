"""B3 start-up: a cold ``import zarrjvm; zarrjvm.open_array(path)[0, 0]`` in a fresh process, against the floors it
stands on (Python + numpy + pyarrow imports; JPype's startJVM alone) and with class-data sharing (an AppCDS archive
of zarrjvm's classes). Target ≤ 1.0 s."""

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
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        samples.append(time.perf_counter() - t)
        if r.returncode != 0:
            raise RuntimeError(r.stderr[-3000:])
    return summarize(samples)


def collect() -> dict[str, Any]:
    n = 3 if QUICK else 10
    arr = str(_small_array())
    env = dict(os.environ)
    env.pop("ZARRJVM_JVM_OPTIONS", None)
    py = sys.executable
    cold = [py, "-c", "import sys, zarrjvm; zarrjvm.open_array(sys.argv[1])[0, 0]", arr]
    out: dict[str, Any] = {
        "python_numpy_pyarrow_import": _wall([py, "-c", "import numpy, pyarrow"], env, n),
        "jpype_startjvm_only": _wall([py, "-c", "import jpype; jpype.startJVM()"], env, n),
        "zarrjvm_cold_first_element": _wall(cold, env, n),
    }
    phases = [json.loads(subprocess.run([py, "-c", PHASES, arr], capture_output=True, text=True, env=env,
                                        cwd=ROOT).stdout) for _ in range(n)]
    out["phases_median_s"] = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
    # class-data sharing (zarrjvm.jvm.start(class_data_sharing=True) / ZARRJVM_CDS=1): the first run dumps the archive
    cache = DATA / "cds-cache"
    import shutil

    shutil.rmtree(cache, ignore_errors=True)
    cds_env = dict(env, ZARRJVM_CDS="1", XDG_CACHE_HOME=str(cache))
    out["zarrjvm_cold_first_element_cds_dumping_run"] = _wall(cold, cds_env, 1)
    out["zarrjvm_cold_first_element_cds"] = _wall(cold, cds_env, n)
    out["target_s"] = 1.0
    out["target_met"] = out["zarrjvm_cold_first_element"]["median_s"] <= 1.0
    return out
