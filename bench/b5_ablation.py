"""B5 before/after: each speed-up of zarrjvm measured against the same read without it, in the same run.

- hand-over without a schema (Python knows the type) vs exporting and importing a schema per chunk;
- direct decode (zarr-java's decompressors → Arrow memory) vs zarr-java's full pipeline through a ucar.ma2 heap array;
- uncompressed chunks read from the file into scratch Arrow memory vs through a heap array and zarr-java's pipeline;
- chunks decoded in parallel in Java vs sequentially;
- a region in one boundary crossing (assembled in Java memory once) vs one crossing per chunk, assembled in Python.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np

from .common import QUICK, measure, ratio, run_worker


def _dataset(codec: str = "zstd") -> Any:
    from .b2_throughput import datasets, ensure

    ds = [d for d in datasets() if d.fmt == 3 and d.codec == codec][0]
    ensure(ds)
    return ds


def worker(kind: str, path: str) -> dict[str, Any]:
    import zarrjvm

    repeat = 3 if QUICK else 7
    if kind == "direct":
        on = zarrjvm.open_array(path)
        off = zarrjvm.open_array(path, direct=False)
        assert np.array_equal(on[...], off[...])
        return {"after": measure(lambda: on[...], repeat), "before": measure(lambda: off[...], repeat)}
    if kind == "parallel":  # this process runs with the default pool; "sequential" runs with readThreads=0
        a = zarrjvm.open_array(path)
        return {"t": measure(lambda: a[...], repeat)}
    if kind == "crossings":
        a = zarrjvm.open_array(path)
        rows, cols = a.cdata_shape

        def per_chunk() -> np.ndarray:
            out = np.empty(a.shape, dtype=a.dtype)
            for i in range(rows):
                for j in range(cols):
                    c = a.read_chunk((i, j))
                    out[i * a.chunks[0]:i * a.chunks[0] + c.shape[0], j * a.chunks[1]:j * a.chunks[1] + c.shape[1]] = c
            return out

        assert np.array_equal(per_chunk(), a[...])
        return {"after": measure(lambda: a[...], repeat), "before": measure(per_chunk, repeat)}
    if kind == "schema":
        import pyarrow as pa

        from zarrjvm.arrow import import_from_java, to_numpy

        from .b1_handover import compile_helper

        zarrjvm.jvm.start(extra_classpath=[compile_helper()])
        import jpype

        h = jpype.JClass("HandOver")(2**18)
        f4 = np.dtype("<f4")

        def with_schema() -> None:
            to_numpy(import_from_java(lambda a_, s: h.export(a_, s)), (2**18,), f4)

        def without() -> None:
            to_numpy(import_from_java(lambda a_, s: h.export(a_, s), pa.float32()), (2**18,), f4)

        r = {"after": measure(without, 200, warmup=20), "before": measure(with_schema, 200, warmup=20)}
        h.close()
        return r
    raise ValueError(kind)


def collect() -> dict[str, Any]:
    ds = _dataset()
    out: dict[str, Any] = {"dataset": ds.name}
    for kind in ("schema", "direct", "crossings"):
        r = run_worker("b5_ablation", ["worker", kind, str(ds.path)])
        r["speedup"] = ratio(r["after"], r["before"])
        out[kind] = r
    none = _dataset("none")
    r = run_worker("b5_ablation", ["worker", "direct", str(none.path)])
    r["speedup"] = ratio(r["after"], r["before"])
    out["direct_none"] = r
    par = run_worker("b5_ablation", ["worker", "parallel", str(ds.path)])["t"]
    seq = run_worker("b5_ablation", ["worker", "parallel", str(ds.path)],
                     env={"ZARRJVM_JVM_OPTIONS": "-Dzarrjvm.readThreads=0"})["t"]
    out["parallel"] = {"after": par, "before": seq, "speedup": ratio(par, seq)}
    return out


def main() -> None:
    print(json.dumps(worker(sys.argv[2], sys.argv[3])))


if __name__ == "__main__":
    main()
