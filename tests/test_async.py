"""asyncio over Java futures: results equal the synchronous reads and zarr-python's, thousands of reads in flight on a
bounded Java pool, cancellation releases Java work and Arrow memory, and the event loop is never blocked."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr
from helpers import assert_same
from remote_servers import RangeHTTPServer
from test_remote_http import write_stores

import zarrjvm
from zarrjvm import _async

LIMIT = 180
#: what write_stores wrote to v2.zarr and sharded.zarr
DATA_V2 = (np.arange(40 * 30, dtype="i2").reshape(40, 30) * 3 - 500)
DATA_SHARDED = (np.arange(1200) * 7 % 65536).astype("u2").reshape(40, 30)


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    root = tmp_path_factory.mktemp("async")
    data = np.random.default_rng(3).integers(-1000, 1000, size=(100, 120)).astype("<i4")
    z = zarr.create_array(root / "a.zarr", shape=data.shape, chunks=(10, 12), dtype="<i4")
    z[...] = data
    return root / "a.zarr", data


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RangeHTTPServer]:
    root = tmp_path_factory.mktemp("async-http")
    write_stores(root)
    with RangeHTTPServer(root, max_requests=20_000) as srv:
        yield srv
        assert not srv.overflow


def chunk_of(data: np.ndarray, chunks: tuple[int, ...], c: tuple[int, ...]) -> np.ndarray:
    return data[tuple(slice(i * n, (i + 1) * n) for i, n in zip(c, chunks))]


def settle(above: Callable[[], int]) -> int:
    """Waits (woken as each read is settled, no polling) until every read submitted is settled in Python, then returns
    the Arrow bytes above the baseline."""
    with _async._settled:
        assert _async._settled.wait_for(lambda: not _async._pending, LIMIT), len(_async._pending)
    assert _async.in_flight() == 0
    return above()


@contextlib.contextmanager
def pump_starved() -> Iterator[None]:
    """No id of a finished read reaches Python until the block ends, as when the pump thread is starved (of the GIL,
    of a core) on a loaded machine: the pump is stopped, and a thread that only waits stands in its place, so that
    submissions do not start a new one."""
    _async._stop.set()
    for t in _async._pump:
        t.join(LIMIT)
    assert not any(t.is_alive() for t in _async._pump)
    go = threading.Event()
    stand_in = threading.Thread(target=go.wait, name="starved-pump", daemon=True)
    stand_in.start()
    _async._pump[:] = [stand_in]
    try:
        yield
    finally:
        go.set()
        stand_in.join(LIMIT)
        _async._ensure_pump()


def test_async_reads_equal_sync_and_zarr_python(local: tuple[Path, np.ndarray]) -> None:
    path, data = local

    async def main() -> None:
        a = await zarrjvm.open_array_async(path)
        assert a.shape == data.shape and a.chunks == (10, 12)
        coords = list(np.ndindex(*a.cdata_shape))
        chunks = await asyncio.gather(*(a.read_chunk_async(c) for c in coords))
        for c, got in zip(coords, chunks):
            assert_same(got, chunk_of(data, a.chunks, c))
            assert_same(got, a.read_chunk(c))
        for sel in [(slice(None),), (slice(5, 95, 3), slice(-30, None)), (7,), (Ellipsis, 119), (slice(50, 50),)]:
            assert_same(await a.get_async(sel), data[sel])
            assert_same(await a.get_async(sel), a[sel])
        arr = await a.read_chunk_arrow_async((2, 3))
        assert arr.to_numpy(zero_copy_only=True).tolist() == chunk_of(data, a.chunks, (2, 3)).ravel().tolist()

    asyncio.run(asyncio.wait_for(main(), LIMIT))


def test_async_errors_arrive_typed(local: tuple[Path, np.ndarray], tmp_path: Path) -> None:
    bad = zarr.create_array(tmp_path / "bad.zarr", shape=(20,), chunks=(10,), dtype="<i8", zarr_format=2,
                            compressors=numcodecs.Zlib())
    bad[...] = np.arange(20)
    (tmp_path / "bad.zarr" / "1").write_bytes(b"not zlib at all")

    async def main() -> None:
        with pytest.raises(zarrjvm.ArrayNotFoundError):
            await zarrjvm.open_array_async(tmp_path / "nothing.zarr")
        b = await zarrjvm.open_array_async(tmp_path / "bad.zarr", backend="jzarr")
        assert_same(await b.read_chunk_async(0), np.arange(10))
        with pytest.raises(zarrjvm.ChunkDecodeError) as e:
            await b.read_chunk_async(1)
        assert e.value.java_class is not None
        with pytest.raises(IndexError):
            await b.read_chunk_async(5)
        b.close()
        with pytest.raises(zarrjvm.ZarrJvmError, match="closed"):
            await b.get_async(...)

    asyncio.run(asyncio.wait_for(main(), LIMIT))


def test_five_thousand_reads_in_flight_on_a_bounded_pool(local: tuple[Path, np.ndarray],
                                                         allocator_baseline: Callable[[], int]) -> None:
    path, data = local
    a = zarrjvm.open_array(path)
    grid = a.cdata_shape
    coords = [(i % grid[0], (i * 7) % grid[1]) for i in range(5000)]

    async def main() -> None:
        results = await asyncio.gather(*(a.read_chunk_async(c) for c in coords))
        for c, got in zip(coords, results):
            assert_same(got, chunk_of(data, a.chunks, c))

    asyncio.run(asyncio.wait_for(main(), LIMIT))
    import jpype

    # the async pool ran exactly its bound of threads (a ThreadPoolExecutor adds a thread per submission up to its core
    # size, so 5000 submissions reach it) and never more
    read_pool = jpype.JClass("dev.zarrjvm.runtime.Pools")
    assert int(read_pool.asyncLargestPoolSize()) == int(read_pool.asyncThreads()) == zarrjvm.config.get("threads.async")
    a.close()
    assert settle(allocator_baseline) == 0


def test_thousands_in_flight_then_cancelled_release_java_work_and_memory(
        server: RangeHTTPServer, allocator_baseline: Callable[[], int]) -> None:
    """2000 reads of a remote store whose server holds every request: Java holds them all, exactly its async pool's
    width running (each blocked at the server), the rest queued; cancelling them all ends the queued ones without a
    request, and every byte goes back.

    Event-driven: no read can finish while the server's gate is closed, so the counts in flight and at the server are
    exact; the test waits for the server to hold one request per pool thread before it cancels."""
    import jpype

    width = zarrjvm.config.get("threads.async")
    assert int(jpype.JClass("dev.zarrjvm.runtime.Pools").asyncThreads()) == width
    a = zarrjvm.open_array(f"{server.url}/v2.zarr")
    server.reset()
    server.hold()
    n = 2000

    async def main() -> tuple[int, list]:
        tasks = [asyncio.ensure_future(a.read_chunk_async((i % 4, i % 3))) for i in range(n)]
        await asyncio.sleep(0)  # each task ran up to its submission to Java
        arrived = await asyncio.to_thread(server.wait_for, lambda: server.stats.active == width, LIMIT)
        assert arrived, f"{server.active} requests held at the server, not {width}"
        in_flight = _async.in_flight()
        for t in tasks:
            t.cancel()
        # every task is over once its cancellation reached Java (the task calls the Java cancel before it ends); only
        # then may the held requests finish and the pool's threads look at the queue
        await asyncio.wait(tasks)
        server.release()
        return in_flight, await asyncio.gather(*tasks, return_exceptions=True)

    try:
        in_flight, results = asyncio.run(asyncio.wait_for(main(), LIMIT))
    finally:
        server.release()
    assert in_flight == n  # all of them in Java at once, none finished (the server held every request)
    assert all(isinstance(r, asyncio.CancelledError) for r in results), {type(r) for r in results}
    assert settle(allocator_baseline) == 0
    # only the reads running on the async pool reached the server, one request each; the queued ones were dropped
    # without a request
    assert server.requests == width, server.requests
    a.close()


def test_cancelled_after_export_is_imported_and_dropped(local: tuple[Path, np.ndarray],
                                                        allocator_baseline: Callable[[], int]) -> None:
    """200 reads exported by Java while the loop is blocked, then cancelled before any result reached the loop: each is
    imported and dropped exactly once by the time its cancelled task is over, whether the pump has already handed its
    id to the loop or not (starved, as on a loaded machine: it hands them over only after the loop is closed, when a
    callback on the loop would never run), and every byte goes back."""
    import jpype

    seconds = jpype.JClass("java.util.concurrent.TimeUnit").SECONDS
    a = zarrjvm.open_array(local[0])
    coords = [(i % 10, i % 10) for i in range(200)]

    async def main() -> None:
        tasks = [asyncio.ensure_future(a.read_chunk_async(c)) for c in coords]
        await asyncio.sleep(0)  # each task ran up to its submission to Java
        assert len(_async._pending) == len(tasks)
        for p in list(_async._pending.values()):  # blocks the loop until Java exported every one (its future is done)
            p.java.future().get(LIMIT, seconds)
        for t in tasks:
            t.cancel()  # their results are exported in Java but not yet imported here
        await asyncio.gather(*tasks, return_exceptions=True)

    for starved in (False, True):
        before = _async.dropped_after_export
        with pump_starved() if starved else contextlib.nullcontext():
            asyncio.run(asyncio.wait_for(main(), LIMIT))
            assert _async.dropped_after_export - before == len(coords), starved
            assert not _async._pending and _async.in_flight() == 0
            assert allocator_baseline() == 0
    assert settle(allocator_baseline) == 0
    # the array still reads what was written
    assert_same(a.read_chunk((3, 4)), chunk_of(local[1], a.chunks, (3, 4)))
    a.close()


def test_event_loop_runs_while_java_reads(server: RangeHTTPServer) -> None:
    """64 reads held by the server (its gate closed): the loop keeps ticking while all of them are in flight, and the
    server lets them go only after the loop ticked ``TICKS`` times. A read that blocked the loop would never let that
    happen (the test would time out); the longest gap between ticks is measured too."""
    a = zarrjvm.open_array(f"{server.url}/v2.zarr")
    server.reset()
    server.hold()
    ticks = 20
    stamps: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            stamps.append(time.perf_counter())
            await asyncio.sleep(0.005)

    async def main() -> int:
        stop = asyncio.Event()
        t = asyncio.ensure_future(ticker(stop))
        reads = [asyncio.ensure_future(a.read_chunk_async((i % 4, i % 3))) for i in range(64)]
        await asyncio.sleep(0)
        first = len(stamps)
        while len(stamps) - first < ticks:  # the loop ticks while the reads are held in Java
            await asyncio.sleep(0.005)
        held = _async.in_flight()
        server.release()
        got = await asyncio.gather(*reads)
        for i, g in enumerate(got):
            c = (i % 4, i % 3)
            assert_same(g, DATA_V2[c[0] * 10:c[0] * 10 + 10, c[1] * 10:c[1] * 10 + 10])
        stop.set()
        await t
        return held

    try:
        held = asyncio.run(asyncio.wait_for(main(), LIMIT))
    finally:
        server.release()
    assert held == 64  # all still in flight after the loop ticked 20 times: none had finished, none blocked the loop
    longest = max(b - a for a, b in zip(stamps, stamps[1:]))
    assert longest < 1.0, f"the event loop stalled for {longest:.3f} s"  # ticks are 5 ms apart when nothing blocks


def test_loops_in_several_threads(local: tuple[Path, np.ndarray]) -> None:
    path, data = local
    a = zarrjvm.open_array(path)
    errors: list[BaseException] = []

    def run(row: int) -> None:
        async def main() -> None:
            for c in range(a.cdata_shape[1]):
                assert_same(await a.read_chunk_async((row, c)), chunk_of(data, a.chunks, (row, c)))
            assert_same(await a.get_async(slice(row * 10, row * 10 + 10)), data[row * 10:row * 10 + 10])

        try:
            asyncio.run(asyncio.wait_for(main(), LIMIT))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(r,)) for r in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(LIMIT)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors


def test_async_open_and_region_over_http_sharded(server: RangeHTTPServer) -> None:
    async def main() -> None:
        a = await zarrjvm.open_array_async(f"{server.url}/sharded.zarr")
        assert_same(await a.get_async((slice(3, 37), slice(None, None, 2))), DATA_SHARDED[3:37, ::2])
        stats = a.store_stats()
        assert stats is not None and stats["requests"] > 0

    asyncio.run(asyncio.wait_for(main(), LIMIT))


def test_a_read_waiting_on_a_loop_closed_without_running_it_is_released(local: tuple[Path, np.ndarray],
                                                                        allocator_baseline: Callable[[], int]) -> None:
    """A loop run by hand and closed while a read's result waits on it: the pump handed the read to the loop (its
    callback scheduled), the loop never ran again, and nobody cancelled the task (``asyncio.run`` would have). The
    pump finds the read on a closed loop and releases it: every byte goes back, and the array still reads."""
    import jpype

    seconds = jpype.JClass("java.util.concurrent.TimeUnit").SECONDS
    a = zarrjvm.open_array(local[0])
    loop = asyncio.new_event_loop()
    with pump_starved():  # the read cannot reach the loop (and be settled there) while the loop still runs
        task = loop.create_task(a.read_chunk_async((3, 4)))
        loop.run_until_complete(asyncio.sleep(0))  # the task ran up to its submission to Java
        (p,) = _async._pending.values()
        p.java.future().get(LIMIT, seconds)  # exported in Java
    # the pump is back: it hands the read to the loop, which no longer runs
    deadline = time.monotonic() + LIMIT
    while not loop._ready and time.monotonic() < deadline:  # asyncio's queue of callbacks to run: the pump's is there
        time.sleep(0.01)
    assert loop._ready, "the pump did not hand the read to its loop"
    loop.close()
    assert settle(allocator_baseline) == 0
    assert not task.done()  # never ran again: its result was released without it
    del task
    assert_same(a.read_chunk((3, 4)), chunk_of(local[1], a.chunks, (3, 4)))
    a.close()
