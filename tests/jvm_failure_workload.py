"""The reads of ``test_jvm_failures.py``, run in a fresh process whose JVM has a small heap (``-Xmx64m``).

``python jvm_failure_workload.py spec.json out.json`` — spec: ``{"cases": [{"name", "store", "path", "backend",
"read": "chunk"|"region", "stack": bytes or 0}], "good": [store, path, backend], "good_values": {"dtype", "shape",
"values" (flat)}}`` — ``good_values`` is the data written to the good array. For every case: the read's outcome (error
class, Java class, message), then whether a read of the good array right after, in the same process, returns the data
written, and whether Java's Arrow memory is back at its baseline.
"""

from __future__ import annotations

import gc
import json
import sys
import threading

import numpy as np

import zarrjvm

HEAP = "64m"


def attempt(case: dict) -> dict:
    out: dict = {}

    def read() -> None:
        try:
            with zarrjvm.open_array(case["store"], case["path"], backend=case["backend"],
                                    **case.get("options", {})) as a:
                if case["read"] == "chunk":
                    r = a.read_chunk((0,) * a.ndim)
                else:
                    r = a[...]
                out["data_shape"] = list(r.shape)
                out["all_written_value"] = bool(np.all(r == case["value"])) if "value" in case else None
        except zarrjvm.ZarrJvmError as e:
            out.update(error=type(e).__name__, java_class=e.java_class, message=str(e)[:500])
        except BaseException as e:  # anything that is not a zarrjvm error is a failure of the test
            out.update(error=f"not a zarrjvm error: {type(e).__name__}", message=str(e)[:500])

    if case.get("stack"):
        old = threading.stack_size(case["stack"])
        try:
            t = threading.Thread(target=read, daemon=True)
            t.start()
        finally:
            threading.stack_size(old)
        t.join(300)
        out["finished"] = not t.is_alive()
    else:
        read()
        out["finished"] = True
    return out


def main() -> None:
    spec = json.loads(open(sys.argv[1]).read())
    zarrjvm.jvm.start(max_heap=HEAP)
    gstore, gpath, gbackend = spec["good"]
    gv = spec["good_values"]
    want = np.array(gv["values"], dtype=gv["dtype"]).reshape(gv["shape"])  # the data written, not a read of it
    results: dict = {}
    with zarrjvm.open_array(gstore, gpath, backend=gbackend) as g:
        results["first_read_ok"] = bool(np.array_equal(g[...], want))
    gc.collect()
    baseline = zarrjvm.jvm.arrow_allocated_bytes()
    for case in spec["cases"]:
        r = attempt(case)
        with zarrjvm.open_array(gstore, gpath, backend=gbackend) as g:
            r["next_read_ok"] = bool(np.array_equal(g[...], want))
        gc.collect()
        r["arrow_above_baseline"] = zarrjvm.jvm.arrow_allocated_bytes() - baseline
        results[case["name"]] = r
    with open(sys.argv[2], "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
