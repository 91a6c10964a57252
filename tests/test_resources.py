"""Long runs leak nothing: 10 000 chunk reads and 1 000 arrays opened and closed, per backend, leave Java's Arrow
memory and its child allocators at their baseline, close every reader (file descriptors), keep the Java heap's live
size (after full collections) and RSS growth bounded.

The long runs happen in a fresh process (``resource_workload.py``) with a fixed, pre-touched JVM heap, so RSS is
steady unless something leaks; in this test process the JVM's default heap grows and shrinks by a few hundred MiB on
its own, which would hide a leak or fake one. The bound is on growth after a warm-up; a leak of the chunks read
(10 000 × 16 KiB = 160 MB) would be far above it.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm

CHUNK_READS = 10_000
OPENS = 1_000
RSS_GROWTH_LIMIT = 64 << 20
#: live Java heap after full GCs (measured growth: 0–45 KiB): anything kept per read (≥ 53 bytes × 10 000) or per
#: open (≥ 530 bytes × 1 000: a reader, a vector) exceeds it
HEAP_GROWTH_LIMIT = 512 << 10
SHAPE = (256, 192)
CHUNKS = (64, 64)  # 16 KiB float32 chunks, a 4x3 grid
WORKLOAD_TIMEOUT_S = 900


def _data() -> np.ndarray:
    return np.random.default_rng(4).standard_normal(SHAPE).astype("<f4")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """name → [store, path, backend, .npy of the expected values]."""
    import netCDF4
    import numcodecs
    import zarr

    root = tmp_path_factory.mktemp("resources")
    np.save(root / "want.npy", _data())
    zarr.create_array(str(root / "v2.zarr"), shape=SHAPE, chunks=CHUNKS, dtype="<f4", zarr_format=2,
                      compressors=numcodecs.Zlib(level=1))[:] = _data()
    zarr.create_array(str(root / "v3.zarr"), shape=SHAPE, chunks=CHUNKS, shards=(128, 192), dtype="<f4",
                      zarr_format=3)[:] = _data()
    with netCDF4.Dataset(str(root / "f.nc"), "w") as ds:
        ds.createDimension("x", SHAPE[0])
        ds.createDimension("y", SHAPE[1])
        ds.createVariable("v", "f4", ("x", "y"), zlib=True, complevel=1, chunksizes=CHUNKS)[:] = _data()
    npy = str(root / "want.npy")
    return {"zarr-java-v2-zlib": [str(root / "v2.zarr"), "", "zarr-java", npy],
            "zarr-java-v3-sharded": [str(root / "v3.zarr"), "", "zarr-java", npy],
            "jzarr-v2-zlib": [str(root / "v2.zarr"), "", "jzarr", npy],
            "netcdf-java-nc4-zlib": [str(root / "f.nc"), "v", "netcdf-java", npy]}


@pytest.fixture(scope="module")
def long_run(stores, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    d = tmp_path_factory.mktemp("workload")
    spec, out = d / "spec.json", d / "out.json"
    spec.write_text(json.dumps({"arrays": stores, "reads": CHUNK_READS, "opens": OPENS}))
    script = Path(__file__).with_name("resource_workload.py")
    proc = subprocess.run([sys.executable, str(script), str(spec), str(out)], capture_output=True, text=True,
                          timeout=WORKLOAD_TIMEOUT_S)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text())


NAMES = ["zarr-java-v2-zlib", "zarr-java-v3-sharded", "jzarr-v2-zlib", "netcdf-java-nc4-zlib"]


@pytest.mark.parametrize("name", NAMES)
def test_10000_chunk_reads(long_run, name: str) -> None:
    r = long_run[name]["reads"]
    before, after = r["before"], r["after"]
    assert r["wrong_chunks"] == 0
    assert after["arrow"] == before["arrow"], f"{after['arrow'] - before['arrow']} Arrow bytes held after the run"
    assert r["peak_held"] <= 2 * 64 * 64 * 4 + 4096, "a dropped chunk's memory was not returned when it was dropped"
    growth = after["rss"] - before["rss"]
    assert growth < RSS_GROWTH_LIMIT, f"RSS grew {growth >> 20} MiB over {CHUNK_READS} chunk reads"
    assert after["fds"] == before["fds"]
    assert after["children"] == before["children"], "the reads left child allocators open"
    heap = after["heap"] - before["heap"]
    assert heap < HEAP_GROWTH_LIMIT, f"the Java heap's live size grew {heap >> 10} KiB over {CHUNK_READS} reads"


@pytest.mark.parametrize("name", NAMES)
def test_1000_arrays_opened_and_closed(long_run, name: str) -> None:
    r = long_run[name]["opens"]
    before, mid, after = r["before"], r["middle"], r["after"]
    assert r["wrong_chunks"] == 0
    assert after["arrow"] == before["arrow"]
    assert after["children"] == before["children"] == mid["children"], "child allocators of closed arrays stay open"
    assert after["fds"] == before["fds"] == mid["fds"], "files of closed readers stay open"
    growth = after["rss"] - before["rss"]
    assert growth < RSS_GROWTH_LIMIT, f"RSS grew {growth >> 20} MiB over {OPENS} opens"
    heap = after["heap"] - before["heap"]
    assert heap < HEAP_GROWTH_LIMIT, f"the Java heap's live size grew {heap >> 10} KiB over {OPENS} opens"


def _children() -> int:
    import jpype

    return int(jpype.JClass("dev.zarrjvm.arrow.ArrowMemory").openChildren())


def test_views_outliving_close_and_arrays_left_to_gc(stores, allocator_baseline) -> None:
    """A chunk view stays valid after its array is closed and frees its memory when dropped; arrays nobody closes
    are released by the garbage collector."""
    store, path, backend, _ = stores["zarr-java-v2-zlib"]
    gc.collect()
    base_children = _children()
    a = zarrjvm.open_array(store, path, backend=backend)
    view = a.read_chunk((1, 1))
    a.close()
    assert allocator_baseline() >= view.nbytes
    assert_same(view, _data()[64:128, 64:128])
    del view
    assert allocator_baseline() == 0
    for _ in range(200):
        zarrjvm.open_array(store, path, backend=backend).read_chunk((0, 0))  # never closed explicitly
    assert allocator_baseline() == 0
    assert _children() == base_children


def test_netcdf_files_are_closed(stores, tmp_path: Path) -> None:
    """A NetCDF file opened and closed 300 times: no descriptor stays open on it."""
    import shutil

    src, path, _, _ = stores["netcdf-java-nc4-zlib"]
    f = tmp_path / "copy.nc"
    shutil.copy(src, f)
    for _ in range(300):
        with zarrjvm.open_array(f, path, backend="netcdf-java") as a:
            a.read_chunk((0, 0))
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    assert str(f) not in targets
