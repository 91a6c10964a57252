"""A Java OutOfMemoryError or StackOverflowError inside a read becomes a Python ResourceError; the JVM stays up and
the next read in the same process works.

Both are provoked by real inputs, in a fresh process whose JVM heap is 64 MiB (``jvm_failure_workload.py``):
OutOfMemoryError by chunks that decompress to 128 MiB (zlib makes a constant chunk tiny on disk), StackOverflowError
by a NetCDF-4 file with 12 000 nested groups, which netCDF-Java's HDF5 reader descends recursively (read on a Python
thread with a 512 KiB stack, so the overflow happens at the same depth on every machine).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BIG = (4096, 4096)  # float64: 128 MiB decoded, twice the heap
NESTING = 12_000
TIMEOUT_S = 600


def _write_deep_netcdf(path: Path) -> None:
    """Written in a separate process: netCDF-C recurses through the groups when it closes the file, and in this
    process the JVM has put its stack guard pages on the main thread (measured: a segfault at 5 000 levels)."""
    code = (
        "import netCDF4, sys\n"
        "with netCDF4.Dataset(sys.argv[1], 'w') as ds:\n"
        "    g = ds\n"
        f"    for _ in range({NESTING}):\n"
        "        g = g.createGroup('g')\n"
        "    g.createDimension('x', 3)\n"
        "    g.createVariable('v', 'i4', ('x',))[:] = [1, 2, 3]\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=TIMEOUT_S)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    import netCDF4
    import numcodecs
    import zarr
    from zarr.codecs import GzipCodec

    root = tmp_path_factory.mktemp("jvm-failures")
    z2 = zarr.create_array(str(root / "big-v2.zarr"), shape=(BIG[0], 2 * BIG[1]), chunks=BIG, dtype="<f8",
                           zarr_format=2, compressors=numcodecs.Zlib(level=1), fill_value=0)
    z2[:] = 1.5
    z3 = zarr.create_array(str(root / "big-v3.zarr"), shape=BIG, chunks=BIG, dtype="<f8", zarr_format=3,
                           compressors=[GzipCodec(level=1)], fill_value=0)
    z3[:] = 1.5
    with netCDF4.Dataset(str(root / "big.nc"), "w") as ds:
        ds.createDimension("x", BIG[0])
        ds.createDimension("y", BIG[1])
        ds.createVariable("v", "f8", ("x", "y"), zlib=True, complevel=1, chunksizes=(1024, 1024))[:] = 1.5
    _write_deep_netcdf(root / "deep.nc")
    good = zarr.create_array(str(root / "good.zarr"), shape=(64, 64), chunks=(8, 8), dtype="<i4", zarr_format=2,
                             compressors=numcodecs.Zlib())
    good_values = np.arange(64 * 64, dtype="<i4").reshape(64, 64)
    good[:] = good_values
    deep_path = "/".join(["g"] * NESTING) + "/v"
    reader = {"decode": "reader"}  # the readers' codecs decode into Java heap arrays: 64 MiB of heap cannot hold one
    cases = [
        {"name": "oom-zarr-java-v2-chunk", "store": str(root / "big-v2.zarr"), "path": "", "backend": "zarr-java",
         "read": "chunk", "options": reader},
        {"name": "oom-zarr-java-v2-region-on-the-pool", "store": str(root / "big-v2.zarr"), "path": "",
         "backend": "zarr-java", "read": "region", "options": reader},
        {"name": "oom-zarr-java-v3-chunk", "store": str(root / "big-v3.zarr"), "path": "", "backend": "zarr-java",
         "read": "chunk", "options": reader},
        {"name": "oom-jzarr-chunk", "store": str(root / "big-v2.zarr"), "path": "", "backend": "jzarr",
         "read": "chunk", "options": reader},
        # decode="native" (the default) decodes on off-heap memory: the same reads fit in the same small heap
        {"name": "native-zarr-java-v2-region", "store": str(root / "big-v2.zarr"), "path": "",
         "backend": "zarr-java", "read": "region", "value": 1.5},
        {"name": "native-zarr-java-v3-chunk", "store": str(root / "big-v3.zarr"), "path": "", "backend": "zarr-java",
         "read": "chunk", "value": 1.5},
        {"name": "native-jzarr-region", "store": str(root / "big-v2.zarr"), "path": "", "backend": "jzarr",
         "read": "region", "value": 1.5},
        {"name": "oom-netcdf-java-region", "store": str(root / "big.nc"), "path": "v", "backend": "netcdf-java",
         "read": "region"},
        {"name": "stack-overflow-netcdf-java-nested-groups", "store": str(root / "deep.nc"), "path": deep_path,
         "backend": "netcdf-java", "read": "region", "stack": 512 * 1024},
    ]
    spec, out = root / "spec.json", root / "out.json"
    spec.write_text(json.dumps({"cases": cases, "good": [str(root / "good.zarr"), "", "zarr-java"],
                                "good_values": {"dtype": "<i4", "shape": [64, 64],
                                                "values": good_values.ravel().tolist()}}))
    script = Path(__file__).with_name("jvm_failure_workload.py")
    proc = subprocess.run([sys.executable, str(script), str(spec), str(out)], capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    assert proc.returncode == 0, f"the process died (rc {proc.returncode}): {proc.stderr[-4000:]}"
    results = json.loads(out.read_text())
    assert results.pop("first_read_ok") is True, "the good array did not read back as written before any failure"
    assert sorted(results) == sorted(c["name"] for c in cases)
    return results


OOM = ["oom-zarr-java-v2-chunk", "oom-zarr-java-v2-region-on-the-pool", "oom-zarr-java-v3-chunk", "oom-jzarr-chunk",
       "oom-netcdf-java-region"]


@pytest.mark.parametrize("name", OOM)
def test_out_of_memory_is_a_resource_error(outcomes, name: str) -> None:
    r = outcomes[name]
    assert r["finished"]
    assert r.get("error") == "ResourceError", r
    assert r["java_class"] == "java.lang.OutOfMemoryError", r
    assert "OutOfMemoryError" in r["message"] and "the JVM stays usable" in r["message"]
    assert r["next_read_ok"], "the next read in the same process failed"
    assert r["arrow_above_baseline"] == 0, "the failed read left Arrow memory allocated"


@pytest.mark.parametrize("name", ["native-zarr-java-v2-region", "native-zarr-java-v3-chunk", "native-jzarr-region"])
def test_native_decoding_needs_no_heap_for_chunks(outcomes, name: str) -> None:
    """The chunks that exhaust a 64 MiB heap through the readers' codecs read whole with decode="native"."""
    r = outcomes[name]
    assert r["finished"] and "error" not in r, r
    assert r["all_written_value"] is True, r
    assert r["arrow_above_baseline"] == 0


def test_stack_overflow_is_a_resource_error(outcomes) -> None:
    r = outcomes["stack-overflow-netcdf-java-nested-groups"]
    assert r["finished"], "the read did not finish"
    assert r.get("error") == "ResourceError", r
    assert r["java_class"] == "java.lang.StackOverflowError", r
    assert r["next_read_ok"]
    assert r["arrow_above_baseline"] == 0
