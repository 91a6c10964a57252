"""Sum a float32 array in Spark with the DataSource ``zarr`` at its **default** options, against Spark's own parquet
reader on the same values and zarrjvm's in-process read (``zarrjvm.open_array(...)[...]`` then numpy), in one run.

    .venv/bin/python bench/spark_sum.py [--repeat 3] [--cases 1mib,8mib,10k] [--no-http] [--no-save]

Cases (zarr-python's default codecs, bytes + zstd; parquet written by pyarrow with zstd, one column):

- ``1mib``: 256 MiB, shape (8192, 8192), chunks (256, 1024) = 1 MiB → 256 chunks;
- ``8mib``: 256 MiB, shape (8192, 8192), chunks (1024, 2048) = 8 MiB → 32 chunks;
- ``10k``: 10⁴ chunks of 40 KB, shape (20000, 5000), chunks (100, 100) → 400 MB.

Each path runs once untimed (JIT, class loading, page cache), then ``--repeat`` times, alternating; medians are
compared. Every sum is checked against numpy's float64 sum of the data. HTTP: the same array served by a loopback
HTTP server (tests/remote_servers.py), one query with default options, requests counted (driver metadata included)
per chunk. Writes ``bench/results/spark_sum-<date>.{json,md,png}``; inputs go to ``build/bench-data``
(ZARRJVM_BENCH_DATA).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DATA = Path(os.environ.get("ZARRJVM_BENCH_DATA", ROOT / "build" / "bench-data"))

CASES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "1mib": ((8192, 8192), (256, 1024)),
    "8mib": ((8192, 8192), (1024, 2048)),
    "10k": ((20000, 5000), (100, 100)),
}


def write_inputs(name: str) -> dict[str, Any]:
    """The case's Zarr array and a parquet file of the same values (row-major), written once and reused."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zarr

    shape, chunks = CASES[name]
    base = DATA / f"spark-sum-{name}-{shape[0]}x{shape[1]}-{chunks[0]}x{chunks[1]}"
    zpath, ppath, meta = base.with_suffix(".zarr"), base.with_suffix(".parquet"), base.with_suffix(".json")
    if meta.is_file() and zpath.is_dir() and ppath.is_file():
        info = json.loads(meta.read_text())
        return {"zarr": zpath, "parquet": ppath, "sum": info["sum"], "shape": shape, "chunks": chunks}
    rng = np.random.default_rng(0)
    z = zarr.create_array(str(zpath), shape=shape, chunks=chunks, dtype="<f4", overwrite=True)
    total = 0.0
    step = chunks[0] * max(1, 4096 // chunks[0])
    writer = None
    for r in range(0, shape[0], step):
        block = rng.standard_normal((min(step, shape[0] - r), shape[1]), dtype=np.float32)
        z[r:r + block.shape[0]] = block
        total += float(block.astype(np.float64).sum())
        table = pa.table({"value": block.reshape(-1)})
        if writer is None:
            writer = pq.ParquetWriter(str(ppath), table.schema, compression="zstd")
        writer.write_table(table, row_group_size=1 << 20)
    assert writer is not None
    writer.close()
    meta.write_text(json.dumps({"sum": total}))
    return {"zarr": zpath, "parquet": ppath, "sum": total, "shape": shape, "chunks": chunks}


def http_requests_per_chunk(spark: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    """One default query over a loopback HTTP server: requests (planning on the driver + tasks) per chunk."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pyspark.sql import functions as F
    from remote_servers import RangeHTTPServer

    import zarrjvm.spark

    nchunks = int(np.prod([-(-s // c) for s, c in zip(inputs["shape"], inputs["chunks"])]))
    zpath: Path = inputs["zarr"]
    with RangeHTTPServer(zpath.parent, max_requests=4 * nchunks + 1000) as srv:
        t = time.perf_counter()
        df = zarrjvm.spark.read_zarr(spark, f"{srv.url}/{zpath.name}")
        planned = srv.requests
        s = float(df.agg(F.sum("value")).collect()[0][0])
        el = time.perf_counter() - t
        total = srv.requests
    return {"chunks": nchunks, "requests": total, "requests_planning": planned, "per_chunk": total / nchunks,
            "seconds": el, "sum": s, "partitions": df.rdd.getNumPartitions()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default="1mib,8mib,10k")
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--no-http", action="store_true", help="skip the HTTP request count")
    ap.add_argument("--no-save", action="store_true", help="print only")
    args = ap.parse_args()

    import pyspark
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    import zarrjvm
    import zarrjvm.spark

    DATA.mkdir(parents=True, exist_ok=True)
    names = [c.strip() for c in args.cases.split(",") if c.strip()]
    inputs = {}
    for name in names:
        t = time.perf_counter()
        inputs[name] = write_inputs(name)
        print(f"input {name}: {inputs[name]['zarr'].name} ready in {time.perf_counter() - t:.1f} s", flush=True)

    b = SparkSession.builder.master("local[2]").appName("zarrjvm-bench-spark-sum")
    for k, v in zarrjvm.spark.spark_conf().items():
        b = b.config(k, v)
    spark = (b.config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.memory", args.driver_memory)
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")

    results: dict[str, Any] = {}
    for name in names:
        inp = inputs[name]

        def datasource(inp: dict[str, Any] = inp) -> float:
            return float(zarrjvm.spark.read_zarr(spark, inp["zarr"]).agg(F.sum("value")).collect()[0][0])

        def parquet(inp: dict[str, Any] = inp) -> float:
            return float(spark.read.parquet(str(inp["parquet"])).agg(F.sum("value")).collect()[0][0])

        def in_process(inp: dict[str, Any] = inp) -> float:
            a = zarrjvm.open_array(str(inp["zarr"]))[...]
            return float(a.sum(dtype=np.float64))

        paths: dict[str, Callable[[], float]] = {"datasource": datasource, "parquet": parquet,
                                                 "zarrjvm_in_process": in_process}
        samples: dict[str, list[float]] = {k: [] for k in paths}
        sums: dict[str, float] = {}
        for rnd in range(args.repeat + 1):
            for pname, fn in paths.items():
                t = time.perf_counter()
                s = fn()
                el = time.perf_counter() - t
                sums[pname] = s
                if rnd > 0:
                    samples[pname].append(el)
                print(f"{name} {'warm-up' if rnd == 0 else f'run {rnd}'} {pname}: {el:.2f} s (sum {s:.6g})",
                      flush=True)
        want = inp["sum"]
        n = int(np.prod(inp["shape"]))
        for pname, s in sums.items():
            if not abs(s - want) <= 1e-6 * max(1.0, abs(want)) + 1e-3 * np.sqrt(n):
                raise SystemExit(f"{name}: {pname} summed {s!r}, numpy says {want!r}")
        df = zarrjvm.spark.read_zarr(spark, inp["zarr"])
        med = {k: statistics.median(v) for k, v in samples.items()}
        results[name] = {
            "shape": list(inp["shape"]), "chunks": list(inp["chunks"]), "bytes": n * 4,
            "nchunks": int(np.prod([-(-s // c) for s, c in zip(inp["shape"], inp["chunks"])])),
            "datasource_partitions": df.rdd.getNumPartitions(),
            "parquet_partitions": spark.read.parquet(str(inp["parquet"])).rdd.getNumPartitions(),
            "parquet_bytes": inp["parquet"].stat().st_size,
            "samples_s": samples, "median_s": med,
            "ratio_datasource_over_parquet": med["datasource"] / med["parquet"],
            "ratio_datasource_over_in_process": med["datasource"] / med["zarrjvm_in_process"],
            "sum": {"numpy_float64": want, **sums},
        }
        if not args.no_http:
            results[name]["http"] = http_requests_per_chunk(spark, inp)
            print(f"{name} http: {results[name]['http']}", flush=True)
    spark.stop()

    date = dt.datetime.now().isoformat(timespec="seconds")
    res: dict[str, Any] = {
        "date": date, "command": " ".join(["bench/spark_sum.py"] + sys.argv[1:]),
        "spark": {"master": "local[2]", "driver_memory": args.driver_memory, "pyspark": pyspark.__version__,
                  "datasource_options": "defaults (maxPartitionBytes from spark.sql.files.maxPartitionBytes)"},
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_avg_at_end": list(os.getloadavg()),
                    "note": "shared with other builds and tests running at the same time"},
        "cases": results,
    }
    lines = [
        f"# Spark: sum a float32 array with default options — {date}", "",
        f"`{res['command']}`: Spark {pyspark.__version__} `local[2]`, driver memory {args.driver_memory}, "
        f"{os.cpu_count()} cores shared with other jobs (load average at end "
        f"{tuple(round(x, 2) for x in os.getloadavg())}). Zarr: zarr-python defaults (bytes + zstd); parquet: pyarrow, "
        f"zstd, row groups of 2^20 values. Medians of {args.repeat} runs after one warm-up each, paths alternating.",
        "", "| case | chunks | DataSource `zarr` (s) | Spark parquet (s) | zarrjvm in-process (s) | zarr / parquet | "
            "zarr / in-process | partitions zarr / parquet | HTTP requests per chunk |",
        "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        m = r["median_s"]
        http = r.get("http")
        lines.append(
            f"| {name}: {r['shape']} in {r['chunks']} | {r['nchunks']} × {r['bytes'] // r['nchunks'] / 1024:.0f} KiB | "
            f"{m['datasource']:.2f} | {m['parquet']:.2f} | {m['zarrjvm_in_process']:.2f} | "
            f"**{r['ratio_datasource_over_parquet']:.2f}×** | {r['ratio_datasource_over_in_process']:.2f}× | "
            f"{r['datasource_partitions']} / {r['parquet_partitions']} | "
            f"{'' if http is None else format(http['per_chunk'], '.3f')} |")
    lines += ["", "Runs (s): " + "; ".join(
        f"{name} " + ", ".join(f"{k} {'/'.join(f'{x:.2f}' for x in v)}" for k, v in r["samples_s"].items())
        for name, r in results.items()), "",
        "Goal (issue 15): defaults within 1.2× of parquet for every chunk size; ≤ 1.1 HTTP requests per chunk "
        "(planning included).", ""]
    md = "\n".join(lines)
    print(md)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stem = RESULTS / f"spark_sum-{dt.date.today().isoformat()}"
        stem.with_suffix(".json").write_text(json.dumps(res, indent=2) + "\n")
        stem.with_suffix(".md").write_text(md)
        try:
            plot(results, stem.with_suffix(".png"))
        except ImportError:
            pass
        print(f"wrote {stem}.json, .md and .png")


def plot(results: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results)
    paths = ["datasource", "parquet", "zarrjvm_in_process"]
    labels = {"datasource": "DataSource zarr (defaults)", "parquet": "Spark parquet", "zarrjvm_in_process":
              "zarrjvm in-process"}
    fig, ax = plt.subplots(figsize=(7, 3.5))
    w = 0.26
    for k, p in enumerate(paths):
        ax.bar([i + (k - 1) * w for i in range(len(names))], [results[n]["median_s"][p] for n in names], w,
               label=labels[p])
    ax.set_xticks(range(len(names)), [f"{n}\n{results[n]['nchunks']} chunks" for n in names])
    ax.set_ylabel("median seconds (sum)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
