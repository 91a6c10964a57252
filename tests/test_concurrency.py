"""Many Python threads reading through the JVM at once: every chunk equal to the data written, no deadlock.

JPype releases the GIL during Java calls and attaches each Python thread to the JVM on its first call, so these threads
really run Java in parallel. Every wait is bounded: a deadlock fails the test instead of hanging it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm

THREADS = 8
READS_PER_THREAD = 1000
JOIN_TIMEOUT_S = 300.0
SHAPE = (80, 80)
CHUNKS = (10, 10)
GRID = (SHAPE[0] // CHUNKS[0], SHAPE[1] // CHUNKS[1])
#: one chunk is damaged: every thread that reads it must get the same typed error, and nobody else is disturbed
BAD_CHUNK = (7, 7)


def _data() -> np.ndarray:
    return np.random.default_rng(6).integers(-(2**31), 2**31 - 1, size=SHAPE, dtype=np.int64).astype("<i4")


def _zarr_v2(root: Path) -> tuple[str, str]:
    import numcodecs
    import zarr

    z = zarr.create_array(str(root / "v2.zarr"), shape=SHAPE, chunks=CHUNKS, dtype="<i4", zarr_format=2,
                          compressors=numcodecs.Blosc(cname="zstd", clevel=3), fill_value=0)
    z[:] = _data()
    (root / "v2.zarr" / "7.7").write_bytes(b"\x02\x01\x00\x04garbage, not blosc at all")
    return str(root / "v2.zarr"), ""


def _zarr_v3_sharded(root: Path) -> tuple[str, str]:
    import zarr
    from zarr.codecs import BloscCodec, Crc32cCodec

    z = zarr.create_array(str(root / "v3.zarr"), shape=SHAPE, chunks=CHUNKS, shards=(40, 40), dtype="<i4",
                          zarr_format=3, compressors=[BloscCodec(cname="lz4"), Crc32cCodec()], fill_value=0)
    z[:] = _data()
    return str(root / "v3.zarr"), ""


def _netcdf4(root: Path) -> tuple[str, str]:
    import netCDF4

    with netCDF4.Dataset(str(root / "f.nc"), "w") as ds:
        ds.createDimension("x", SHAPE[0])
        ds.createDimension("y", SHAPE[1])
        v = ds.createVariable("v", "i4", ("x", "y"), zlib=True, chunksizes=CHUNKS)
        v[:] = _data()
    return str(root / "f.nc"), "v"


STORES: dict[str, tuple[str, Callable[[Path], tuple[str, str]]]] = {
    "zarr-java-v2-blosc": ("zarr-java", _zarr_v2),
    "zarr-java-v3-sharded-blosc-crc32c": ("zarr-java", _zarr_v3_sharded),
    "jzarr-v2-blosc": ("jzarr", _zarr_v2),
    "netcdf-java-nc4-zlib": ("netcdf-java", _netcdf4),
}


def _reference(name: str) -> dict[tuple[int, int], np.ndarray | type]:
    """The reference: every chunk of the data written (``_data()``); the damaged one as the error reading it must raise
    (the zarr stores' chunk 7.7 is overwritten with garbage, the others are intact)."""
    data = _data()
    out: dict[tuple[int, int], np.ndarray | type] = {
        c: data[c[0] * CHUNKS[0]:(c[0] + 1) * CHUNKS[0], c[1] * CHUNKS[1]:(c[1] + 1) * CHUNKS[1]]
        for c in np.ndindex(*GRID)}
    if name.startswith(("zarr-java-v2", "jzarr")):
        out[BAD_CHUNK] = zarrjvm.ChunkDecodeError
    return out


def _serial(store: str, path: str, backend: str) -> dict[tuple[int, int], np.ndarray | type]:
    """Every chunk read once, in order, on this thread (copies; the damaged one as its error type)."""
    out: dict[tuple[int, int], np.ndarray | type] = {}
    with zarrjvm.open_array(store, path, backend=backend) as a:
        for coords in np.ndindex(*GRID):
            try:
                out[coords] = np.array(a.read_chunk(coords))
            except zarrjvm.ZarrJvmError as e:
                out[coords] = type(e)
    return out


def _run_threads(work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(i: int) -> None:
        try:
            work(i)
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(i,), name=f"reader-{i}", daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT_S)
    alive = [t.name for t in threads if t.is_alive()]
    assert not alive, f"threads still running after {JOIN_TIMEOUT_S} s (deadlock?): {alive}"
    return errors


def _reader(reference: dict, get_array: Callable[[int], zarrjvm.array.JvmArray], seen: dict[int, dict]) -> Callable:
    def work(i: int) -> None:
        import jpype

        rng = np.random.default_rng(100 + i)
        a = get_array(i)
        coords = [tuple(int(v) for v in rng.integers(0, GRID, size=2)) for _ in range(READS_PER_THREAD)]
        coords[i] = BAD_CHUNK  # every thread meets the damaged chunk at least once
        failures = 0
        for c in coords:
            want = reference[c]
            if isinstance(want, type):
                with pytest.raises(want):
                    a.read_chunk(c)
                failures += 1
            else:
                assert_same(a.read_chunk(c), want)
        jthread = jpype.JClass("java.lang.Thread")
        seen[i] = {"attached": bool(jthread.isAttached()), "java_thread": int(jthread.currentThread().getId()),
                   "python_thread": threading.get_ident(), "failures": failures}

    return work


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str, str]]:
    root = tmp_path_factory.mktemp("concurrency")
    out = {}
    for name, (backend, make) in STORES.items():
        d = root / name
        d.mkdir()
        store, path = make(d)
        out[name] = (store, path, backend)
    return out


@pytest.mark.parametrize("mode", ["shared", "separate"])
@pytest.mark.parametrize("name", list(STORES))
def test_threads_read_the_data_written(stores, name: str, mode: str, allocator_baseline) -> None:
    store, path, backend = stores[name]
    reference = _reference(name)
    expect_bad = name.startswith(("zarr-java-v2", "jzarr"))
    # a serial read on this thread gets the data written too (so a difference below is the threads')
    serial = _serial(store, path, backend)
    assert serial.keys() == reference.keys()
    for c, want in reference.items():
        if isinstance(want, type):
            assert serial[c] is want, (c, serial[c])
        else:
            got = serial[c]
            assert isinstance(got, np.ndarray), (c, got)
            assert_same(got, want)
    shared = zarrjvm.open_array(store, path, backend=backend)
    separate: dict[int, zarrjvm.array.JvmArray] = {}

    def get_array(i: int) -> zarrjvm.array.JvmArray:
        if mode == "shared":
            return shared
        separate[i] = zarrjvm.open_array(store, path, backend=backend)
        return separate[i]

    seen: dict[int, dict] = {}
    try:
        errors = _run_threads(_reader(reference, get_array, seen))
    finally:
        shared.close()
        for a in separate.values():
            a.close()
    assert not errors, errors[0]
    assert len(seen) == THREADS
    # each Python thread was attached to the JVM as its own Java thread
    assert all(s["attached"] for s in seen.values())
    assert len({s["java_thread"] for s in seen.values()}) == THREADS
    assert len({s["python_thread"] for s in seen.values()}) == THREADS
    if expect_bad:
        assert all(s["failures"] >= 1 for s in seen.values())
    assert allocator_baseline() == 0, "Arrow memory left after the threads finished"


def test_close_while_other_threads_read(stores, allocator_baseline) -> None:
    """Closing an array under load: readers get either right data or a typed 'closed' error, never a crash, never
    wrong numbers, and the Arrow memory of reads in flight comes back.

    Event-driven: the closer waits until every reader has read ``BEFORE_CLOSE`` chunks right, and every reader goes on
    reading until it has seen the 'closed' error, so the close always lands while all of them are reading."""
    store, path, backend = stores["zarr-java-v2-blosc"]
    reference = _reference("zarr-java-v2-blosc")
    a = zarrjvm.open_array(store, path, backend=backend)
    before_close = 20
    warmed = threading.Semaphore(0)
    outcomes: dict[int, tuple[int, int]] = {}

    def work(i: int) -> None:
        ok = closed = k = 0
        deadline = time.monotonic() + JOIN_TIMEOUT_S  # bounded even if the closer never closes
        while not closed and time.monotonic() < deadline:
            c = ((i + k) % GRID[0], (3 * k) % GRID[1])
            k += 1
            if c == BAD_CHUNK:
                continue
            try:
                assert_same(a.read_chunk(c), reference[c])
                ok += 1
                if ok == before_close:
                    warmed.release()
            except zarrjvm.ZarrJvmError as e:
                assert "closed" in str(e), str(e)
                closed += 1
        outcomes[i] = (ok, closed)

    def closer() -> None:
        for _ in range(THREADS):
            assert warmed.acquire(timeout=JOIN_TIMEOUT_S), "a reader never got going"
        a.close()

    t = threading.Thread(target=closer, daemon=True)
    t.start()
    errors = _run_threads(work)
    t.join(JOIN_TIMEOUT_S)
    assert not t.is_alive()
    assert not errors, errors[0]
    assert len(outcomes) == THREADS
    # every reader read right before the close and met the 'closed' error after it
    assert all(ok >= before_close and closed == 1 for ok, closed in outcomes.values()), outcomes
    assert allocator_baseline() == 0
    with zarrjvm.open_array(store, path, backend=backend) as again:
        assert_same(again.read_chunk((0, 0)), reference[(0, 0)])


def test_region_reads_from_threads_match(stores) -> None:
    """Region reads (which decode chunks on zarrjvm's Java pool as well) from 8 threads at once."""
    store, path, backend = stores["zarr-java-v3-sharded-blosc-crc32c"]
    want = _data()
    with zarrjvm.open_array(store, path, backend=backend) as a:

        def work(i: int) -> None:
            rng = np.random.default_rng(i)
            for _ in range(50):
                o = [int(v) for v in rng.integers(0, 70, size=2)]
                n = [int(v) for v in rng.integers(1, 81 - max(o), size=2)]
                assert_same(a.read_region(tuple(o), tuple(n)), want[o[0]:o[0] + n[0], o[1]:o[1] + n[1]])

        errors = _run_threads(work)
    assert not errors, errors[0]
