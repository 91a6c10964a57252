"""Decode modes: zarrjvm's ``decode="native"`` (the codec libraries on off-heap memory) against ``decode="reader"``
(zarr-java's and jzarr's own codec objects), zarr-python 3 and tensorstore, on the same stores in the same run.

256 MiB float32 arrays (8192 × 8192) of two realistic kinds — a smooth field with small noise rounded to 3 decimals
(compresses like gridded model output) and a quantized normal field (compresses like noisy measurements) — with 1 MiB
and 4 MiB chunks, in Zarr v3 (blosc-lz4, blosc-zstd, zstd, gzip, none) and v2 (blosc-lz4, zlib: what every Java reader
reads in v2). Whole-array reads; every implementation in this process, checked equal before timing, one warm-up,
then ``--runs`` runs in rotating order; medians (the machine is noisy). Last, one 64 MiB uncompressed chunk (noisy
field, 4096 × 4096 chunks): zarrjvm's ``read_chunk`` against the peers reading exactly that chunk's slice.

``.venv/bin/python -m bench.decode_modes [--runs 5] [--quick]`` writes ``bench/results/decode_modes.{json,md,png}``;
the stores go to ``build/bench-data/decode`` (made once, reused).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .common import DATA, RESULTS, machine, rotating

SIDE = 8192
V3_CODECS = ("blosc-lz4", "blosc-zstd", "zstd", "gzip", "none")
V2_CODECS = ("blosc-lz4", "zlib")


def field(kind: str, rows: slice) -> np.ndarray:
    """Rows ``rows`` of the ``kind`` field ("smooth" or "noisy"), float32, the same whatever the row blocks."""
    y = np.arange(rows.start, rows.stop, dtype=np.float32)[:, None]
    x = np.arange(SIDE, dtype=np.float32)[None, :]
    rng = np.random.default_rng(rows.start)
    if kind == "smooth":
        f = 10 * np.sin(y / 97) * np.cos(x / 131) + rng.normal(0, 0.05, (len(y), SIDE))
        return np.round(f, 3).astype(np.float32)
    return (np.round(rng.normal(0, 1, (len(y), SIDE)) * 64) / 64).astype(np.float32)


def store(kind: str, chunk: int, fmt: int, codec: str) -> Path:
    import numcodecs
    import zarr
    from zarr.codecs import BloscCodec, GzipCodec, ZstdCodec

    path = DATA / "decode" / f"{kind}-c{chunk * chunk * 4 // 2**20}MiB-v{fmt}-{codec}.zarr"
    if (path / ".complete").exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    if fmt == 3:
        comp: Any = {"blosc-lz4": [BloscCodec(cname="lz4", clevel=5, shuffle="shuffle", typesize=4)],
                     "blosc-zstd": [BloscCodec(cname="zstd", clevel=3, shuffle="shuffle", typesize=4)],
                     "zstd": [ZstdCodec(level=3)], "gzip": [GzipCodec(level=5)], "none": None}[codec]
    else:
        comp = {"blosc-lz4": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
                "zlib": numcodecs.Zlib(level=5)}[codec]
    z = zarr.create_array(str(path), shape=(SIDE, SIDE), chunks=(chunk, chunk), dtype="<f4", zarr_format=fmt,
                          compressors=comp, fill_value=0.0)
    for r in range(0, SIDE, chunk):
        z[r:r + chunk] = field(kind, slice(r, r + chunk))
    (path / ".complete").write_text("ok")
    return path


def readers(path: Path, fmt: int) -> dict[str, Callable[[], np.ndarray]]:
    import tensorstore as ts
    import zarr

    import zarrjvm

    out: dict[str, Callable[[], np.ndarray]] = {}
    for backend in ("zarr-java", "jzarr") if fmt == 2 else ("zarr-java",):
        for decode in ("native", "reader"):
            def read(backend: str = backend, decode: str = decode) -> np.ndarray:
                with zarrjvm.open_array(path, backend=backend, decode=decode) as a:
                    assert a.decoding.startswith(decode), a.decoding
                    return a[...]  # a view on Java's memory: valid after close, as long as it lives
            out[f"zarrjvm {backend} {decode}"] = read
    z = zarr.open_array(str(path), mode="r")
    out["zarr-python"] = lambda: z[...]
    t = ts.open({"driver": "zarr3" if fmt == 3 else "zarr", "kvstore": {"driver": "file", "path": str(path)}},
                read=True).result()
    out["tensorstore"] = lambda: t.read().result()
    return out


def one_chunk_readers(path: Path) -> dict[str, Callable[[], np.ndarray]]:
    """Readers of the first chunk alone (zarrjvm's ``read_chunk``, the peers' slice of exactly that chunk)."""
    import tensorstore as ts
    import zarr

    import zarrjvm

    out: dict[str, Callable[[], np.ndarray]] = {}
    for decode in ("native", "reader"):
        def read(decode: str = decode) -> np.ndarray:
            with zarrjvm.open_array(path, backend="zarr-java", decode=decode) as a:
                return a.read_chunk((0, 0))
        out[f"zarrjvm zarr-java {decode}"] = read
    z = zarr.open_array(str(path), mode="r")
    c = z.chunks
    out["zarr-python"] = lambda: z[:c[0], :c[1]]
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": str(path)}}, read=True).result()
    out["tensorstore"] = lambda: t[:c[0], :c[1]].read().result()
    return out


def measured(timed: dict[str, dict[str, Any]], **what: Any) -> list[dict[str, Any]]:
    """One row per implementation: ``what`` describes the read, then its timings and its speed ratios to the peers."""
    return [{**what, "impl": name, **t,
             "vs_zarr_python": round(timed["zarr-python"]["median_s"] / t["median_s"], 2),
             "vs_tensorstore": round(timed["tensorstore"]["median_s"] / t["median_s"], 2)} for name, t in timed.items()]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="one field, 4 MiB chunks, three codecs (a smoke run)")
    p.add_argument("--report", action="store_true", help="only rewrite decode_modes.md from decode_modes.json")
    args = p.parse_args()
    if args.report:
        report(json.loads((RESULTS / "decode_modes.json").read_text()))
        return
    import zarrjvm

    zarrjvm.jvm.ensure_started()
    plan = [("smooth", 512), ("noisy", 1024)] if not args.quick else [("noisy", 1024)]
    rows: list[dict[str, Any]] = []
    for kind, chunk in plan:
        sets = [(3, c) for c in V3_CODECS] + [(2, c) for c in V2_CODECS]
        if args.quick:
            sets = [(3, "blosc-lz4"), (3, "zstd"), (2, "zlib")]
        for fmt, codec in sets:
            path = store(kind, chunk, fmt, codec)
            fns = readers(path, fmt)
            want = fns["zarr-python"]()
            for name, fn in fns.items():  # every implementation agrees before it is timed
                got = fn()
                assert np.array_equal(np.asarray(got), want), (name, path.name)
                del got
            timed = rotating(fns, args.runs)
            ratio_bytes = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / (SIDE * SIDE * 4)
            rows += measured(timed, field=kind, chunk_mib=chunk * chunk * 4 // 2**20, format=f"v{fmt}", codec=codec,
                             stored_ratio=round(ratio_bytes, 3))
            print(f"{path.name}: " + ", ".join(f"{k} {v['median_s']:.3f}s" for k, v in timed.items()), flush=True)
    if not args.quick:  # the issue's "one 64 MiB uncompressed chunk": read_chunk against the peers' slice of it
        path = store("noisy", 4096, 3, "none")
        fns = one_chunk_readers(path)
        want = fns["zarr-python"]()
        for name, fn in fns.items():
            assert np.array_equal(np.asarray(fn()), want), name
        timed = rotating(fns, args.runs * 2)
        rows += measured(timed, field="noisy", chunk_mib=64, format="v3", codec="none, one chunk", stored_ratio=1.0)
        print(f"{path.name} one chunk: " + ", ".join(f"{k} {v['median_s']:.4f}s" for k, v in timed.items()),
              flush=True)
    out = {"machine": machine(), "side": SIDE, "runs": args.runs, "load_avg_at_end": list(os.getloadavg()),
           "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "decode_modes.json").write_text(json.dumps(out, indent=2) + "\n")
    report(out)
    plot(rows)


def headline(rows: list[dict[str, Any]]) -> list[str]:
    """Per codec: zarrjvm (zarr-java) native and reader, zarr-python and tensorstore, each as "smooth 1 MiB / noisy 4
    MiB" medians in seconds, and native's speed ratios to the two peers (README's headline table)."""
    by = {(r["format"], r["codec"], r["field"], r["impl"]): r for r in rows}
    impls = ("zarrjvm zarr-java native", "zarrjvm zarr-java reader", "zarr-python", "tensorstore")
    lines = ["| codec | zarrjvm native | zarrjvm reader | zarr-python | tensorstore | native ÷ zarr-python | "
             "native ÷ tensorstore |", "|---|---|---|---|---|---|---|"]
    for fmt, codec in dict.fromkeys((r["format"], r["codec"]) for r in rows):
        fields = [f for f in ("smooth", "noisy") if (fmt, codec, f, impls[0]) in by]
        cell = [" / ".join(f"{by[(fmt, codec, f, i)]['median_s']:.2f}" for f in fields) for i in impls]
        ratios = [" / ".join(f"{by[(fmt, codec, f, impls[0])][k]:.2f}×" for f in fields)
                  for k in ("vs_zarr_python", "vs_tensorstore")]
        lines.append(f"| {fmt} {codec} | " + " | ".join(cell + ratios) + " |")
    return lines


def report(out: dict[str, Any]) -> None:
    """decode_modes.md from the measured rows: the per-codec headline, then every row."""
    rows = out["rows"]
    lines = ["# Decode modes: native vs the readers' codecs vs zarr-python 3 and tensorstore", "",
             f"Whole reads of {out['side']}×{out['side']} float32 (256 MiB), same process and run; one warm-up, then "
             f"the median of {out['runs']} runs in rotating order. Ratios are speed (> 1: faster than the reference). "
             f"Load average at the end: {tuple(round(x, 2) for x in out['load_avg_at_end'])}.", "",
             "Per codec (seconds, smooth field with 1 MiB chunks / noisy field with 4 MiB chunks):", "",
             *headline(rows), "",
             "| field | chunk | format | codec | stored/raw | implementation | median (s) | min–max (s) | "
             "vs zarr-python | vs tensorstore |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['field']} | {r['chunk_mib']} MiB | {r['format']} | {r['codec']} | {r['stored_ratio']} | "
                     f"{r['impl']} | {r['median_s']:.3f} | {r['min_s']:.3f}–{r['max_s']:.3f} | "
                     f"{r['vs_zarr_python']:.2f}× | {r['vs_tensorstore']:.2f}× |")
    (RESULTS / "decode_modes.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = sorted({(r["field"], r["chunk_mib"], r["format"], r["codec"]) for r in rows},
                    key=lambda g: (g[0], g[1], g[2], g[3]))
    impls = list(dict.fromkeys(r["impl"] for r in rows))
    fig, ax = plt.subplots(figsize=(max(8, len(groups) * 0.9), 4))
    width = 0.8 / len(impls)
    for i, impl in enumerate(impls):
        ys = [next((r["vs_zarr_python"] for r in rows if (r["field"], r["chunk_mib"], r["format"], r["codec"]) == g
                    and r["impl"] == impl), 0) for g in groups]
        ax.bar([k + i * width for k in range(len(groups))], ys, width, label=impl)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_xticks([k + 0.4 for k in range(len(groups))])
    ax.set_xticklabels([f"{g[0]} {g[1]}MiB\n{g[2]} {g[3]}" for g in groups], fontsize=6)
    ax.set_ylabel("speed vs zarr-python (median)")
    ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(RESULTS / "decode_modes.png", dpi=110)


if __name__ == "__main__":
    main()
