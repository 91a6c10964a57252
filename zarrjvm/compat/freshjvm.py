"""The zarr_implementations way, for comparison: every Java read in a fresh process with a fresh JVM.

A sample of the matrix's Java-reader cells is read again, each in ``python -c`` (a new interpreter that starts a new
JVM through zarrjvm, reads the whole array and checks it against the writer's source data), and timed against the
same cells' in-process read times from the matrix run (one JVM for everything).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any

from .capabilities import java_readers
from .runner import Cell

#: what each fresh process runs: open with zarrjvm, read everything, compare with the case's source data
SCRIPT = """
import sys, numpy as np, zarrjvm
from zarrjvm.compat.cases import CASES_BY_NAME
from zarrjvm.compat.judge import compare_values
store, path, backend, case = sys.argv[1:5]
with zarrjvm.open_array(store, path or None, backend=backend) as a:
    got = np.array(a[...])
diff = compare_values(got, CASES_BY_NAME[case].expected())
sys.exit(0 if diff is None else 3)
"""


def sample(cells: list[Cell], n: int) -> list[Cell]:
    """``n`` passing Java-reader cells, spread evenly over the run (deterministic)."""
    java = set(java_readers())
    pool = [c for c in cells if c.reader in java and c.status == "pass" and "store" in c.detail]
    if n >= len(pool):
        return pool
    step = len(pool) / n
    return [pool[int(i * step)] for i in range(n)]


def measure(cells: list[Cell], n: int = 20) -> dict[str, Any]:
    """Reads ``n`` sampled cells each in a fresh process; returns the times, the in-process times and their ratio."""
    chosen = sample(cells, n)
    rows = []
    for c in chosen:
        cmd = [sys.executable, "-c", SCRIPT, c.detail["store"], c.detail["path"], c.reader, c.case]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        fresh = time.perf_counter() - t0
        rows.append({"writer": c.writer, "reader": c.reader, "case": c.case, "fresh_s": round(fresh, 4),
                     "in_process_s": c.detail["read_s"], "ok": proc.returncode == 0,
                     "stderr": proc.stderr[-300:] if proc.returncode else ""})
    fresh_total = sum(r["fresh_s"] for r in rows)
    inproc_total = sum(r["in_process_s"] for r in rows)
    ratio = fresh_total / inproc_total if inproc_total else float("nan")
    out: dict[str, Any] = {
        "n": len(rows), "method": f"{sys.executable} -c <open with zarrjvm, read all, compare> per cell",
        "fresh_total_s": round(fresh_total, 3), "in_process_total_s": round(inproc_total, 4),
        "ratio": round(ratio, 1),
        "fresh_median_s": round(statistics.median(r["fresh_s"] for r in rows), 3) if rows else None,
        "in_process_median_s": round(statistics.median(r["in_process_s"] for r in rows), 5) if rows else None,
        "all_ok": all(r["ok"] for r in rows), "cells": rows,
    }
    out["median_ratio"] = (round(out["fresh_median_s"] / out["in_process_median_s"], 1)
                           if rows and out["in_process_median_s"] else None)
    out["summary"] = (
        f"{out['n']} Java-reader cells read again, each in a fresh process with a fresh JVM ({out['method']}): "
        f"{out['fresh_total_s']} s in total (median {out['fresh_median_s']} s per read) versus "
        f"{out['in_process_total_s']} s for the same reads in this run's one JVM (median "
        f"{out['in_process_median_s']} s): {out['ratio']}× slower in total, {out['median_ratio']}× per median read. "
        f"All fresh reads correct: {out['all_ok']}.")
    return out
