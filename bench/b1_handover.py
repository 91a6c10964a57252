"""B1 hand-over: a decoded buffer already in Java memory, handed to Python as a numpy array.

zarrjvm's path (Arrow C Data export + pyarrow import + numpy view) versus JPype's own conversion of a Java float[]
(``np.asarray(JArray)``) versus a byte[] through py4j (what pyspark users get), with numpy's memcpy of the same bytes
as the reference. Sizes 64 KiB … 256 MiB. Target: zarrjvm's hand-over does not grow with size (≤ 0.1 ms).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .common import QUICK, ROOT, measure, mib, ratio

SIZES = [2**16, 2**18, 2**20, 2**22, 2**24, 2**26, 2**28]
CLASSES = ROOT / "build" / "bench-classes"


def compile_helper() -> Path:
    import zarrjvm

    CLASSES.mkdir(parents=True, exist_ok=True)
    src = Path(__file__).resolve().parent / "java" / "HandOver.java"
    out = CLASSES / "HandOver.class"
    if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
        cp = ":".join(zarrjvm.jvm.classpath())
        subprocess.run(["javac", "-nowarn", "-d", str(CLASSES), "-cp", cp, str(src)], check=True)
    return CLASSES


def _repeat(nbytes: int, fast: bool) -> int:
    if QUICK:
        return 3
    if fast:
        return 50 if nbytes <= 2**24 else 20
    return 7 if nbytes <= 2**24 else 3


def run_zarrjvm_and_jpype(sizes: list[int]) -> list[dict[str, Any]]:
    import jpype
    import pyarrow as pa

    import zarrjvm
    from zarrjvm.arrow import import_from_java, to_numpy

    zarrjvm.jvm.start(extra_classpath=[compile_helper()], max_heap="3g")
    HandOver = jpype.JClass("HandOver")
    rows = []
    f4 = np.dtype("<f4")
    pa_f4 = pa.float32()
    for nbytes in sizes:
        n = nbytes // 4
        h = HandOver(n)

        def arrow_path() -> None:
            arr = import_from_java(lambda a, s: h.export(a, s), pa_f4)
            view = to_numpy(arr, (n,), f4)
            assert view.shape == (n,)
            del view, arr

        heap = h.heapArray()

        def jpype_path() -> None:
            out = np.asarray(heap)
            assert out.shape == (n,)

        src = np.ones(nbytes, dtype=np.uint8)
        dst = np.empty_like(src)

        def memcpy() -> None:
            np.copyto(dst, src)

        first = to_numpy(import_from_java(lambda a, s: h.export(a, s)), (n,), f4)
        assert first[1] == 0.5 and first[-1] == (n - 1) * 0.5
        del first
        row = {"bytes": nbytes, "zarrjvm_arrow": measure(arrow_path, _repeat(nbytes, True), warmup=3),
               "jpype_asarray": measure(jpype_path, _repeat(nbytes, False)),
               "memcpy": measure(memcpy, _repeat(nbytes, True))}
        h.close()
        gc.collect()
        rows.append(row)
    assert zarrjvm.jvm.arrow_allocated_bytes() == 0
    return rows


def run_py4j(sizes: list[int]) -> list[dict[str, Any]]:
    """py4j in this process's own gateway JVM (the way pyspark talks to its JVM)."""
    import glob

    import pyspark
    from py4j.java_gateway import GatewayParameters, JavaGateway, launch_gateway

    import zarrjvm

    py4j_jar = glob.glob(str(Path(pyspark.__file__).parent / "jars" / "py4j-*.jar"))[0]
    cp = ":".join([*zarrjvm.jvm.classpath(), str(compile_helper()), py4j_jar])
    port = launch_gateway(classpath=cp, die_on_exit=True, javaopts=["-Xmx3g",
                                                                    "--add-opens=java.base/java.nio=ALL-UNNAMED"])
    gw = JavaGateway(gateway_parameters=GatewayParameters(port=port, auto_convert=True))
    rows = []
    try:
        for nbytes in sizes:
            h = gw.jvm.HandOver(nbytes // 4)

            def py4j_path() -> None:
                b = h.bytes()
                assert len(b) == nbytes

            rows.append({"bytes": nbytes, "py4j_bytes": measure(py4j_path, 3 if nbytes <= 2**24 else 1, warmup=1)})
            h.close()
    finally:
        gw.shutdown()
    return rows


def main() -> None:
    sizes = SIZES[:4] if QUICK else SIZES
    which = sys.argv[1] if len(sys.argv) > 1 else "jpype"
    rows = run_zarrjvm_and_jpype(sizes) if which == "jpype" else run_py4j(sizes)
    print(json.dumps(rows))


def collect() -> dict[str, Any]:
    """Runs both halves in fresh processes and merges them into one table with ratios."""
    from .common import run_worker

    a = run_worker("b1_handover", ["jpype"])
    b = run_worker("b1_handover", ["py4j"])
    rows = []
    for ra, rb in zip(a, b):
        row = {**ra, **rb}
        row["size"] = mib(row["bytes"])
        row["jpype_over_zarrjvm"] = ratio(row["zarrjvm_arrow"], row["jpype_asarray"])
        row["py4j_over_zarrjvm"] = ratio(row["zarrjvm_arrow"], row["py4j_bytes"])
        row["memcpy_over_zarrjvm"] = ratio(row["zarrjvm_arrow"], row["memcpy"])
        rows.append(row)
    worst = max(r["zarrjvm_arrow"]["median_s"] for r in rows)
    return {"rows": rows, "target_s": 1e-4, "worst_zarrjvm_median_s": worst, "target_met": worst <= 1e-4}


if __name__ == "__main__":
    main()
