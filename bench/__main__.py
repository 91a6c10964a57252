"""`python -m bench [b1 b2 b3 b4 ...]` (or `make bench`): runs the benchmarks and writes
bench/results/<date>.json, bench/results/<date>.md and bench/results/<date>-*.png.

ZARRJVM_BENCH_QUICK=1 runs small sizes only (a smoke run, not for quoting).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from .common import QUICK, RESULTS, machine

ALL = ["b1", "b2", "b3", "b4", "b5"]
MODULES = {"b1": "b1_handover", "b2": "b2_throughput", "b3": "b3_startup", "b4": "b4_memory", "b5": "b5_ablation"}


def _ms(s: float) -> str:
    return f"{s * 1e3:.3f}" if s < 0.01 else f"{s * 1e3:.1f}"


def _range(m: dict[str, Any]) -> str:
    return f"{_ms(m['median_s'])} ({_ms(m['min_s'])}–{_ms(m['max_s'])})"


def markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    out = [f"# zarrjvm benchmarks — {res['date']}", "",
           f"Machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB, {m['os']}; {m['java']}; "
           f"load average at start {tuple(round(x, 2) for x in m['load_avg_at_start'])}. "
           f"Versions: {', '.join(f'{k} {v}' for k, v in m['versions'].items())}.", "",
           "Every figure is the median of repeated runs with min–max in parentheses; ratios compare medians measured "
           "in the same run (> 1 means zarrjvm is faster).", ""]
    if "b1" in res:
        b = res["b1"]
        out += ["## B1 hand-over (decoded buffer in Java → numpy)", "",
                f"Target ≤ 0.1 ms at every size: **{'met' if b['target_met'] else 'NOT met'}** "
                f"(worst median {_ms(b['worst_zarrjvm_median_s'])} ms).", "",
                "| size | zarrjvm Arrow C Data (ms) | JPype np.asarray (ms) | py4j byte[] (ms) | memcpy (ms) | "
                "JPype / zarrjvm | py4j / zarrjvm |", "|---|---|---|---|---|---|---|"]
        for r in b["rows"]:
            out.append(f"| {r['size']} | {_range(r['zarrjvm_arrow'])} | {_range(r['jpype_asarray'])} | "
                       f"{_range(r['py4j_bytes'])} | {_range(r['memcpy'])} | {r['jpype_over_zarrjvm']:.0f}× | "
                       f"{r['py4j_over_zarrjvm']:.0f}× |")
        out.append("")
    if "b2" in res:
        b = res["b2"]
        out += ["## B2 read throughput", "",
                f"memcpy bandwidth (limit line): {b['memcpy']['mb_per_s']:.0f} MB/s.", "",
                "| dataset | impl | mode | read | MB/s | seconds | vs zarr-python | vs tensorstore |",
                "|---|---|---|---|---|---|---|---|"]
        for r in b["rows"]:
            out.append(f"| {r['dataset']} | {r['impl']} | {r['mode']} | {r['read']} | {r['mb_per_s']:.0f} | "
                       f"{r['median_s']:.3f} ({r['min_s']:.3f}–{r['max_s']:.3f}) | {r['vs_zarr_python']:.2f}× | "
                       f"{r['vs_tensorstore']:.2f}× |")
        out.append("")
    if "b3" in res:
        b = res["b3"]
        out += ["## B3 start-up (fresh process)", "", "| what | seconds | CPU seconds |", "|---|---|---|"]
        for k in ("python_numpy_pyarrow_import", "jpype_startjvm_only", "zarrjvm_cold_first_element_first_run",
                  "zarrjvm_cold_first_element", "zarrjvm_cold_first_element_without_cds",
                  "zarrjvm_cold_first_element_hotspot_c2_thresholds"):
            if k in b:
                v = b[k]
                cpu = f"{v['cpu_median_s']:.3f}" if "cpu_median_s" in v else "–"
                out.append(f"| {k} | {v['median_s']:.3f} ({v['min_s']:.3f}–{v['max_s']:.3f}) | {cpu} |")
        out += ["", "Phases inside the zarrjvm process (median s): "
                + ", ".join(f"{k} {v:.3f}" for k, v in b["phases_median_s"].items()), ""]
    if "b4" in res:
        b = res["b4"]
        out += [f"## B4 memory ({b['dataset']}, {b['array_mib']:.0f} MiB)", "", "| impl | peak RSS MiB | details |",
                "|---|---|---|"]
        for impl, r in b["whole_read"].items():
            details = ", ".join(f"{k} {v:.0f}" for k, v in r.items() if k != "peak_rss_mib")
            out.append(f"| {impl} | {r['peak_rss_mib']:.0f} | {details} |")
        c = b["chunk_loop"]
        out += ["", f"{c['reads']} chunk reads: RSS {c['rss_after_warmup_mib']:.0f} → {c['rss_after_all_mib']:.0f} MiB "
                f"(growth {c['rss_growth_mib']:.1f} MiB after the first 1000), Arrow bytes held after: "
                f"{c['arrow_bytes_after_all']}.", ""]
    if "b5" in res:
        b = res["b5"]
        names = {"schema": "hand-over without a schema (1 MiB)", "direct": "direct decode into Arrow memory",
                 "direct_none": "uncompressed chunks: file → Arrow scratch, no heap array",
                 "parallel": "parallel decode in Java", "crossings": "region in one crossing"}
        out += [f"## B5 each speed-up, before/after ({b['dataset']})", "",
                "| speed-up | before (ms) | after (ms) | × |", "|---|---|---|---|"]
        for k, label in names.items():
            r = b[k]
            out.append(f"| {label} | {_range(r['before'])} | {_range(r['after'])} | {r['speedup']:.2f}× |")
        out.append("")
    return "\n".join(out)


def plots(res: dict[str, Any], stem: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    if "b1" in res:
        rows = res["b1"]["rows"]
        x = [r["bytes"] for r in rows]
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for key, label in (("zarrjvm_arrow", "zarrjvm (Arrow C Data)"), ("jpype_asarray", "JPype np.asarray"),
                           ("py4j_bytes", "py4j byte[]"), ("memcpy", "memcpy")):
            y = [r[key]["median_s"] * 1e3 for r in rows]
            lo = [(r[key]["median_s"] - r[key]["min_s"]) * 1e3 for r in rows]
            hi = [(r[key]["max_s"] - r[key]["median_s"]) * 1e3 for r in rows]
            ax.errorbar(x, y, yerr=[lo, hi], marker="o", label=label, capsize=3)
        ax.axhline(0.1, color="grey", linestyle=":", label="target 0.1 ms")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("decoded buffer (bytes)")
        ax.set_ylabel("hand-over time, ms (median, min–max)")
        ax.set_title("B1: Java buffer → numpy")
        ax.legend()
        fig.tight_layout()
        p = f"{stem}-b1.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        written.append(p)
    if "b2" in res:
        rows = [r for r in res["b2"]["rows"] if r["read"] == "whole"]
        labels = sorted({r["dataset"] for r in rows})
        impls = sorted({(r["impl"], r["mode"]) for r in rows})
        fig, ax = plt.subplots(figsize=(max(8, len(labels) * 1.3), 5))
        w = 0.8 / len(impls)
        for k, (impl, mode) in enumerate(impls):
            ys = []
            for lab in labels:
                v = [r["mb_per_s"] for r in rows if r["dataset"] == lab and r["impl"] == impl and r["mode"] == mode]
                ys.append(v[0] if v else 0)
            ax.bar([i + k * w for i in range(len(labels))], ys, w, label=f"{impl} {mode}")
        ax.axhline(res["b2"]["memcpy"]["mb_per_s"], color="black", linestyle="--", label="memcpy")
        ax.set_xticks([i + 0.4 - w / 2 for i in range(len(labels))])
        ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("MB/s (median)")
        ax.set_yscale("log")
        ax.set_title("B2: whole-array read throughput")
        ax.legend(fontsize=7)
        fig.tight_layout()
        p = f"{stem}-b2.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        written.append(p)
    return written


def main(argv: list[str]) -> None:
    which = [a for a in argv if a in MODULES] or ALL
    t0 = time.perf_counter()
    date = dt.date.today().isoformat()
    res: dict[str, Any] = {"date": date, "quick": QUICK, "machine": machine()}
    for key in which:
        mod = importlib.import_module(f"bench.{MODULES[key]}")
        print(f"[bench] {key} …", flush=True)
        t = time.perf_counter()
        res[key] = mod.collect()
        print(f"[bench] {key} done in {time.perf_counter() - t:.0f} s", flush=True)
    res["elapsed_s"] = time.perf_counter() - t0
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / (date + ("-quick" if QUICK else ""))
    Path(f"{stem}.json").write_text(json.dumps(res, indent=1))
    Path(f"{stem}.md").write_text(markdown(res))
    pngs = plots(res, stem)
    print(f"[bench] wrote {stem}.json, {stem}.md, {', '.join(pngs)}")


if __name__ == "__main__":
    main(sys.argv[1:])
