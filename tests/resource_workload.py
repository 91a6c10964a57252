"""The long-run workload of ``test_resources.py``, run in a fresh process whose JVM heap is fixed and touched up
front (``-Xms = -Xmx``, ``AlwaysPreTouch``): the JVM's heap then stays resident at a constant size, and RSS growth
measures what a leak would leave (native Arrow buffers, file handles, Python objects) instead of the heap growing
and shrinking.

``python resource_workload.py spec.json out.json`` — spec: ``{"arrays": {name: [store, path, backend, npy]},
"reads": N, "opens": M}``; writes one measurement dict per array.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time

import numpy as np

import zarrjvm

HEAP = "256m"


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def open_children() -> int:
    import jpype

    return int(jpype.JClass("dev.zarrjvm.arrow.ArrowMemory").openChildren())


def java_heap_used() -> int:
    """Java heap in use after full collections (what live objects hold, whatever the collector's timing)."""
    import jpype

    system = jpype.JClass("java.lang.System")
    mx = jpype.JClass("java.lang.management.ManagementFactory").getMemoryMXBean()
    used = []
    for _ in range(3):
        system.gc()
        used.append(int(mx.getHeapMemoryUsage().getUsed()))
    return min(used)


def settle() -> dict[str, int]:
    gc.collect()
    return {"arrow": zarrjvm.jvm.arrow_allocated_bytes(), "rss": rss_bytes(), "fds": open_fds(),
            "children": open_children(), "heap": java_heap_used()}


def expected_chunk(want: np.ndarray, chunks: tuple[int, ...], c: tuple[int, ...]) -> np.ndarray:
    return want[tuple(slice(i * n, (i + 1) * n) for i, n in zip(c, chunks))]


def reads(store: str, path: str, backend: str, want: np.ndarray, n: int) -> dict[str, object]:
    wrong = 0
    with zarrjvm.open_array(store, path, backend=backend) as a:
        coords = [tuple(int(v) for v in c) for c in np.ndindex(*a.cdata_shape)]
        for i in range(500):  # warm-up: JIT, codec libraries, allocator pools
            a.read_chunk(coords[i % len(coords)])
        before = settle()
        peak_held = 0
        for i in range(n):
            c = coords[i % len(coords)]
            chunk = a.read_chunk(c)
            wrong += int(not np.array_equal(chunk, expected_chunk(want, a.chunks, c)))  # every chunk read
            if i % 101 == 0:
                peak_held = max(peak_held, zarrjvm.jvm.arrow_allocated_bytes() - before["arrow"])
            del chunk
        after = settle()
    return {"before": before, "after": after, "wrong_chunks": wrong, "peak_held": peak_held}


def opens(store: str, path: str, backend: str, want: np.ndarray, n: int) -> dict[str, object]:
    wrong = 0
    for _ in range(50):  # warm-up
        with zarrjvm.open_array(store, path, backend=backend) as a:
            a.read_chunk((0,) * a.ndim)
    before = settle()
    mid: dict[str, int] = {}
    for i in range(n):
        with zarrjvm.open_array(store, path, backend=backend) as a:
            c = (i % a.cdata_shape[0],) + (0,) * (a.ndim - 1)
            wrong += int(not np.array_equal(a.read_chunk(c), expected_chunk(want, a.chunks, c)))
        if i == n // 2:
            mid = settle()
    after = settle()
    return {"before": before, "middle": mid, "after": after, "wrong_chunks": wrong}


def main() -> None:
    spec = json.loads(open(sys.argv[1]).read())
    zarrjvm.jvm.start(max_heap=HEAP, options=[f"-Xms{HEAP}", "-XX:+AlwaysPreTouch"])
    out: dict[str, object] = {}
    for name, (store, path, backend, npy) in spec["arrays"].items():
        want = np.load(npy)
        t0 = time.perf_counter()
        r = reads(store, path, backend, want, spec["reads"])
        t1 = time.perf_counter()
        o = opens(store, path, backend, want, spec["opens"])
        r["seconds"], o["seconds"] = round(t1 - t0, 2), round(time.perf_counter() - t1, 2)
        out[name] = {"reads": r, "opens": o}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
