"""Load a ≥ 512 MiB float32 Zarr array into Spark and sum it: zarrjvm's DataSource V2 ``zarr`` against the Python path
(zarr-python → pandas → ``spark.createDataFrame`` with Arrow enabled), in one run, one SparkSession, as a ratio.

    .venv/bin/python bench/spark_sum.py [--mib 512] [--chunk-mib 8] [--repeat 3] [--backend zarr-java]
        [--chunks-per-partition N] [--python-arrow-batch N]     # tuned: bigger tasks for both paths

Each path runs once untimed (JIT, class loading, page cache), then ``--repeat`` times, alternating; medians are
compared. Both sums are checked against numpy's (float64) sum of the same data. Writes
``bench/results/spark_sum-<date>.json`` and ``.md``. The input goes to ``build/bench-data`` (ZARRJVM_BENCH_DATA).
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
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DATA = Path(os.environ.get("ZARRJVM_BENCH_DATA", ROOT / "build" / "bench-data"))


def write_input(mib: int, chunk_mib: int) -> tuple[Path, float, tuple[int, int], tuple[int, int]]:
    """A 2-d float32 v3 array of ``mib`` MiB (zarr-python's default codecs: bytes + zstd), chunks of ``chunk_mib`` MiB,
    written once and reused. Returns the path, numpy's float64 sum, the shape and the chunk shape."""
    import zarr

    cols = 8192
    rows = mib * 2**20 // 4 // cols
    crow = max(1, chunk_mib * 2**20 // 4 // 2048)
    shape, chunks = (rows, cols), (crow, 2048)
    path = DATA / f"spark-sum-f4-{mib}mib-{chunk_mib}mib-chunks.zarr"
    meta = path.with_suffix(".json")
    if meta.is_file() and path.is_dir():
        info = json.loads(meta.read_text())
        return path, info["sum"], tuple(info["shape"]), tuple(info["chunks"])  # type: ignore[return-value]
    rng = np.random.default_rng(0)
    z = zarr.create_array(str(path), shape=shape, chunks=chunks, dtype="<f4", overwrite=True)
    total = 0.0
    step = chunks[0] * 4
    for r in range(0, rows, step):
        block = rng.standard_normal((min(step, rows - r), cols), dtype=np.float32)
        z[r:r + block.shape[0]] = block
        total += float(block.astype(np.float64).sum())
    meta.write_text(json.dumps({"sum": total, "shape": shape, "chunks": chunks}))
    return path, total, shape, chunks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mib", type=int, default=512)
    ap.add_argument("--chunk-mib", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backend", default="zarr-java")
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--chunks-per-partition", type=int, default=None,
                    help="the DataSource's chunksPerPartition (default: its default, 1)")
    ap.add_argument("--python-arrow-batch", type=int, default=None,
                    help="spark.sql.execution.arrow.maxRecordsPerBatch for the Python path (default: Spark's, 10000)")
    ap.add_argument("--no-save", action="store_true", help="print only")
    args = ap.parse_args()

    import pandas as pd
    import pyspark
    import zarr
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    import zarrjvm.spark

    DATA.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    path, want, shape, chunks = write_input(args.mib, args.chunk_mib)
    print(f"input {path} shape {shape} chunks {chunks} ready in {time.perf_counter() - t:.1f} s", flush=True)

    spark = (SparkSession.builder.master("local[2]").appName("zarrjvm-bench-spark-sum")
             .config("spark.jars", ",".join(zarrjvm.spark.jars()))
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", args.driver_memory)
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    if args.python_arrow_batch:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.python_arrow_batch))
    arrow_batch = int(spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch"))

    def datasource() -> float:
        if args.chunks_per_partition:
            df = (spark.read.format("zarr").option("backend", args.backend)
                  .option("chunksPerPartition", args.chunks_per_partition).load(str(path)))
        else:
            df = zarrjvm.spark.read_zarr(spark, path, backend=args.backend)
        return float(df.agg(F.sum("value")).collect()[0][0])

    def python_path() -> float:
        a = zarr.open_array(str(path), mode="r")[:]
        pdf = pd.DataFrame({"value": a.reshape(-1)})
        del a
        sdf = spark.createDataFrame(pdf)
        return float(sdf.agg(F.sum("value")).collect()[0][0])

    paths = {"datasource": datasource, "python": python_path}
    samples: dict[str, list[float]] = {k: [] for k in paths}
    sums: dict[str, float] = {}
    for rnd in range(args.repeat + 1):
        for name, fn in paths.items():
            t = time.perf_counter()
            s = fn()
            el = time.perf_counter() - t
            sums[name] = s
            if rnd > 0:
                samples[name].append(el)
            print(f"{'warm-up' if rnd == 0 else f'run {rnd}'} {name}: {el:.2f} s (sum {s:.6g})", flush=True)
    spark.stop()
    for name, s in sums.items():
        if not abs(s - want) <= 1e-6 * max(1.0, abs(want)) + 1e-3 * np.sqrt(np.prod(shape)):
            raise SystemExit(f"{name} summed {s!r}, numpy says {want!r}")

    med = {k: statistics.median(v) for k, v in samples.items()}
    ratio = med["python"] / med["datasource"]
    nbytes = int(np.prod(shape)) * 4
    res: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(["bench/spark_sum.py"] + sys.argv[1:]),
        "input": {"shape": list(shape), "chunks": list(chunks), "dtype": "float32", "bytes": nbytes,
                  "codecs": "bytes+zstd (zarr-python defaults)", "nchunks": int(np.prod([-(-s // c) for s, c in
                                                                                        zip(shape, chunks)]))},
        "spark": {"master": "local[2]", "driver_memory": args.driver_memory, "pyspark": pyspark.__version__,
                  "backend": args.backend, "datasource_chunks_per_partition": args.chunks_per_partition or 1,
                  "python_path_arrow_max_records_per_batch": arrow_batch},
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_avg_at_end": list(os.getloadavg()),
                    "note": "shared with other builds and tests running at the same time"},
        "samples_s": samples,
        "median_s": med,
        "ratio_python_over_datasource": ratio,
        "sum": {"numpy_float64": want, **sums},
    }
    md = "\n".join([
        f"# Spark: load {nbytes / 2**20:.0f} MiB of float32 and sum it — {res['date']}", "",
        f"`{res['command']}`: array {list(shape)} float32, chunks {list(chunks)} ({res['input']['nchunks']} chunks, "
        f"bytes+zstd), Spark {pyspark.__version__} local[2], driver memory {args.driver_memory}. "
        f"Machine: {os.cpu_count()} cores, shared with other jobs (load average at end "
        f"{tuple(round(x, 2) for x in os.getloadavg())}). Medians of {args.repeat} runs after one warm-up each.", "",
        "| path | median (s) | runs (s) |", "|---|---|---|",
        f"| DataSource V2 `zarr` ({args.backend}) | {med['datasource']:.2f} | "
        f"{', '.join(f'{x:.2f}' for x in samples['datasource'])} |",
        f"| zarr-python → pandas → createDataFrame (Arrow) | {med['python']:.2f} | "
        f"{', '.join(f'{x:.2f}' for x in samples['python'])} |", "",
        f"**Ratio (Python path / DataSource): {ratio:.1f}×** (goal ≥ 3×).", "",
        f"The Python path runs with `spark.sql.execution.arrow.maxRecordsPerBatch` {arrow_batch}"
        f"{' (Spark default)' if not args.python_arrow_batch else ''}, one task per batch of rows; the DataSource "
        f"with chunksPerPartition {args.chunks_per_partition or 1}"
        f"{' (its default)' if not args.chunks_per_partition else ''}, and reads only the `value` column.", ""])
    print(md)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = "-tuned" if args.python_arrow_batch or args.chunks_per_partition else ""
        stem = RESULTS / f"spark_sum-{dt.date.today().isoformat()}{suffix}"
        stem.with_suffix(".json").write_text(json.dumps(res, indent=2) + "\n")
        stem.with_suffix(".md").write_text(md)
        print(f"wrote {stem}.json and .md")


if __name__ == "__main__":
    main()
