"""Finding J12, on jzarr's own API: decompress one zlib chunk N times with jzarr's zlib compressor (or with the JDK's
``InflaterInputStream`` and its own inflater, for comparison) in a JVM whose heap is fixed and pre-touched, and print
the RSS growth in bytes. ``python j12_workload.py jzarr|jdk N``."""

from __future__ import annotations

import sys
import zlib

import numpy as np

import zarrjvm


def rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    which, n = sys.argv[1], int(sys.argv[2])
    zarrjvm.jvm.start(max_heap="256m", options=["-Xms256m", "-XX:+AlwaysPreTouch"])
    import jpype

    payload = zlib.compress(np.random.default_rng(1).standard_normal(4096).astype("f4").tobytes(), 1)
    data = jpype.JArray(jpype.JByte)(payload)
    bais = jpype.JClass("java.io.ByteArrayInputStream")
    out = jpype.JClass("java.io.ByteArrayOutputStream")(16384)
    jzarr = jpype.JClass("com.bc.zarr.CompressorFactory").create("zlib", jpype.JClass("java.util.HashMap")())
    inflater_stream = jpype.JClass("java.util.zip.InflaterInputStream")

    def with_jzarr() -> None:
        out.reset()
        jzarr.uncompress(bais(data), out)

    def with_jdk() -> None:
        s = inflater_stream(bais(data))
        s.transferTo(out)
        s.close()
        out.reset()

    fn = with_jzarr if which == "jzarr" else with_jdk
    for _ in range(500):
        fn()
    before = rss()
    for _ in range(n):
        fn()
    print(rss() - before)


if __name__ == "__main__":
    main()
