"""Parallel async reads of a remote (HTTP, loopback) Zarr store: zarrjvm vs zarr-python, same store, same run.

The store (zarr-python writes it) is served by tests/remote_servers.py — Python's http.server with Range support — in
a separate process, so neither client shares its GIL with the server. Each request can be delayed on the server to
stand in for network latency (loopback has none). Reads compared, each run in alternation, repeated, medians reported:

- zarrjvm, per chunk:   ``await asyncio.gather(*(a.read_chunk_async(c) for c in chunks))``  (Java async pool)
- zarrjvm, one region:  ``await a.get_async(...)`` (the region's chunks fetched on Java's io pool)
- zarr-python, per chunk: ``await asyncio.gather(*(arr.getitem(chunk box) ...))`` on an FsspecStore (aiohttp)
- zarr-python, one region: ``await arr.getitem(...)``

zarr-python runs with its ``async.concurrency`` at the default (10) and at 32 (zarrjvm's async pool size). Every
result is checked equal to the data written. Requests per read are counted by zarrjvm's store and by the server.

    .venv/bin/python bench/remote_http.py [--reps 7] [--warmup 3] [--delays 0,0.01] [--out bench/results]

Results: ``remote_http.json``, ``remote_http.md`` and ``remote_http.png`` in ``--out``. Numbers depend on the
machine's load: this project's machines are shared, so quote medians and say so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHAPE = (2048, 2048)
CHUNKS = (128, 128)
DTYPE = "<f4"


def write_store(root: Path) -> np.ndarray:
    import zarr

    rng = np.random.default_rng(0)
    y, x = np.mgrid[0 : SHAPE[0], 0 : SHAPE[1]]
    data = (np.sin(x / 50.0) * np.cos(y / 70.0) * 100 + rng.normal(0, 1, SHAPE)).astype(DTYPE)
    z = zarr.create_array(root / "bench.zarr", shape=SHAPE, chunks=CHUNKS, dtype=DTYPE)  # zstd: both read it
    z[...] = data
    return data


class Server:
    """tests/remote_servers.py in its own process."""

    def __init__(self, directory: Path, delay: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "remote_servers.py"), str(directory), str(delay)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"server did not start: {self.url!r}")

    def requests(self) -> int:
        with urllib.request.urlopen(f"{self.url}/__stats", timeout=10) as r:
            return int(json.loads(r.read())["requests"])

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def chunk_boxes() -> list[tuple[slice, slice]]:
    return [(slice(i * CHUNKS[0], (i + 1) * CHUNKS[0]), slice(j * CHUNKS[1], (j + 1) * CHUNKS[1]))
            for i in range(SHAPE[0] // CHUNKS[0]) for j in range(SHAPE[1] // CHUNKS[1])]


def check(got: np.ndarray | list[np.ndarray], want: np.ndarray) -> None:
    if isinstance(got, list):
        for box, g in zip(chunk_boxes(), got):
            np.testing.assert_array_equal(g, want[box])
    else:
        np.testing.assert_array_equal(got, want)


async def zarrjvm_reads(url: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    import zarrjvm

    a = await zarrjvm.open_array_async(f"{url}/bench.zarr", backend="zarr-java")
    coords = [(i, j) for i in range(a.cdata_shape[0]) for j in range(a.cdata_shape[1])]

    async def per_chunk() -> list[np.ndarray]:
        return list(await asyncio.gather(*(a.read_chunk_async(c) for c in coords)))

    async def region() -> np.ndarray:
        return await a.get_async(...)

    per_chunk.stats = region.stats = a.store_stats  # type: ignore[attr-defined]
    return {"zarrjvm per-chunk async": per_chunk, "zarrjvm region async": region}


async def zarr_python_reads(url: str, concurrency: int) -> dict[str, Callable[[], Awaitable[Any]]]:
    import zarr
    from zarr.api.asynchronous import open_array

    store = zarr.storage.FsspecStore.from_url(f"{url}/bench.zarr", read_only=True)
    arr = await open_array(store=store, mode="r")
    boxes = chunk_boxes()

    async def per_chunk() -> list[np.ndarray]:
        with zarr.config.set({"async.concurrency": concurrency}):
            return list(await asyncio.gather(*(arr.getitem(b) for b in boxes)))

    async def region() -> np.ndarray:
        with zarr.config.set({"async.concurrency": concurrency}):
            return await arr.getitem(slice(None))

    return {f"zarr-python per-chunk async (concurrency {concurrency})": per_chunk,
            f"zarr-python region async (concurrency {concurrency})": region}


async def run_delay(directory: Path, want: np.ndarray, delay: float, reps: int, warmup: int) -> list[dict[str, Any]]:
    server = Server(directory, delay)
    try:
        reads: dict[str, Callable[[], Awaitable[Any]]] = {}
        reads.update(await zarrjvm_reads(server.url))
        reads.update(await zarr_python_reads(server.url, 10))
        reads.update(await zarr_python_reads(server.url, 32))
        times: dict[str, list[float]] = {k: [] for k in reads}
        cpu: dict[str, list[float]] = {k: [] for k in reads}  # this process's CPU time: JVM threads included
        requests: dict[str, list[int]] = {k: [] for k in reads}
        client_requests: dict[str, list[int]] = {k: [] for k in reads}
        for _ in range(warmup):  # warm-up (Java's JIT, connection pools), checked for equality
            for fn in reads.values():
                check(await fn(), want)
        for _ in range(reps):
            for name, fn in reads.items():  # alternate, so load changes hit every reader alike
                stats = getattr(fn, "stats", None)
                c0 = stats()["requests"] if stats else None
                s0 = server.requests()
                t0, c0cpu = time.perf_counter(), time.process_time()
                out = await fn()
                times[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0cpu)
                requests[name].append(server.requests() - s0)
                if stats:
                    client_requests[name].append(stats()["requests"] - c0)
                check(out, want)
                del out
        rows = []
        for name in reads:
            med = statistics.median(times[name])
            rows.append({
                "delay_s": delay, "reader": name, "reps": reps, "median_s": med,
                "min_s": min(times[name]), "max_s": max(times[name]),
                "client_cpu_s": statistics.median(cpu[name]),
                "MB_per_s": want.nbytes / med / 1e6, "chunks_per_s": len(chunk_boxes()) / med,
                "server_requests": statistics.median(requests[name]),
                "client_requests": statistics.median(client_requests[name]) if client_requests[name] else None,
            })
        return rows
    finally:
        server.stop()


def report(rows: list[dict[str, Any]], out: Path, meta: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "remote_http.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    lines = [
        "# Remote (HTTP, loopback) async reads: zarrjvm vs zarr-python",
        "",
        f"{meta['array']}; server: Python http.server with Range support in its own process; "
        f"{meta['warmup']} warm-up and {meta['reps']} measured runs per reader, alternating, median. "
        f"Machine: {meta['machine']} (load average at start {tuple(meta['load_avg_at_start'])}). "
        "Client CPU s: CPU time of the reading process (JVM threads included) per read, median.",
        "",
        "| server delay per request | reader | median s | MB/s | chunks/s | client CPU s | requests (server) "
        "| time vs zarrjvm per-chunk |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for delay in sorted({r["delay_s"] for r in rows}):
        group = [r for r in rows if r["delay_s"] == delay]
        base = next(r for r in group if r["reader"] == "zarrjvm per-chunk async")["median_s"]
        for r in group:
            lines.append(f"| {delay * 1000:.0f} ms | {r['reader']} | {r['median_s']:.3f} | {r['MB_per_s']:.1f} | "
                         f"{r['chunks_per_s']:.0f} | {r['client_cpu_s']:.3f} | {r['server_requests']:.0f} | "
                         f"{r['median_s'] / base:.2f}x |")
    (out / "remote_http.md").write_text("\n".join(lines) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        delays = sorted({r["delay_s"] for r in rows})
        readers = list(dict.fromkeys(r["reader"] for r in rows))
        fig, ax = plt.subplots(figsize=(10, 4.5))
        width = 0.8 / len(readers)
        for k, name in enumerate(readers):
            vals = [next(r["MB_per_s"] for r in rows if r["reader"] == name and r["delay_s"] == d) for d in delays]
            ax.bar([i + k * width for i in range(len(delays))], vals, width, label=name)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(delays))], [f"{d * 1000:.0f} ms/request" for d in delays])
        ax.set_ylabel("MB/s (decoded, median)")
        ax.set_title("Async reads of a loopback HTTP Zarr store")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out / "remote_http.png", dpi=100)
    except ImportError:
        pass
    print("\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=3, help="unmeasured runs of every reader first")
    ap.add_argument("--delays", default="0,0.01", help="server delay per request, seconds, comma-separated")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = ap.parse_args()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    import zarr

    import zarrjvm

    with tempfile.TemporaryDirectory() as tmp:
        want = write_store(Path(tmp))
        async def run_all() -> list[dict[str, Any]]:  # one event loop: fsspec caches its HTTP session per loop
            rows: list[dict[str, Any]] = []
            for d in (float(x) for x in args.delays.split(",")):
                rows += await run_delay(Path(tmp), want, d, args.reps, args.warmup)
            return rows

        rows = asyncio.run(run_all())
    info = zarrjvm.jvm.build_info()
    meta = {
        "array": f"{SHAPE} {DTYPE}, chunks {CHUNKS} ({len(chunk_boxes())} chunks, zstd), {want.nbytes / 2**20:.0f} MiB",
        "reps": args.reps, "warmup": args.warmup, "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_avg_at_start": load_at_start,
        "zarr_python": zarr.__version__, "zarrjvm_async_threads": info["async_threads"],
        "zarrjvm_io_threads": info["io_threads"], "java": info["java_version"],
    }
    report(rows, Path(args.out), meta)


if __name__ == "__main__":
    main()
