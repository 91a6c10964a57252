"""asyncio over Java futures: results equal the synchronous reads and zarr-python's, thousands of reads in flight on a
bounded Java pool, cancellation releases Java work and Arrow memory, and the event loop is never blocked."""

from __future__ import annotations

import asyncio
import gc
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
    """Waits (bounded) until Java reports no read in flight, then returns the Arrow bytes above the baseline."""
    deadline = time.monotonic() + 30
    while (_async.in_flight() or _async._pending) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _async.in_flight() == 0 and not _async._pending
    return above()


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

    read_pool = jpype.JClass("dev.zarrjvm.runtime.Pools")  # the async pool never ran more threads than its bound
    assert 1 <= int(read_pool.asyncLargestPoolSize()) <= int(read_pool.asyncThreads()) == 32
    a.close()
    assert settle(allocator_baseline) == 0


def test_thousands_in_flight_then_cancelled_release_java_work_and_memory(
        server: RangeHTTPServer, allocator_baseline: Callable[[], int]) -> None:
    """2000 reads of a slow remote store: Java holds them (32 running, the rest queued); cancelling them all ends the
    queued ones without a request, and every byte goes back."""
    a = zarrjvm.open_array(f"{server.url}/v2.zarr")
    server.reset(delay=0.02)

    async def main() -> tuple[int, int]:
        tasks = [asyncio.ensure_future(a.read_chunk_async((i % 4, i % 3))) for i in range(2000)]
        await asyncio.sleep(0.3)
        in_flight = _async.in_flight()
        for t in tasks:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        done = [r for r in results if isinstance(r, np.ndarray)]
        assert all(isinstance(r, (np.ndarray, asyncio.CancelledError)) for r in results)
        return in_flight, len(done)

    in_flight, done = asyncio.run(asyncio.wait_for(main(), LIMIT))
    assert in_flight >= 1000  # thousands in flight: Java queued them
    assert settle(allocator_baseline) == 0
    # the cancelled reads never reached the server (each made request costs >= 20 ms on 32 threads)
    assert server.requests < 1000, server.requests
    assert done < 1000
    server.reset(delay=0.0)


def test_cancelled_after_export_is_imported_and_dropped(local: tuple[Path, np.ndarray],
                                                        allocator_baseline: Callable[[], int]) -> None:
    a = zarrjvm.open_array(local[0])
    before = _async.dropped_after_export

    async def main() -> None:
        tasks = [asyncio.ensure_future(a.read_chunk_async((i % 10, i % 10))) for i in range(200)]
        await asyncio.sleep(0)  # submitted
        deadline = time.monotonic() + 30
        while _async.in_flight() and time.monotonic() < deadline:  # block the loop until Java exported them all
            time.sleep(0.01)
        for t in tasks:
            t.cancel()  # their results are exported in Java but not yet imported here
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(asyncio.wait_for(main(), LIMIT))
    assert _async.dropped_after_export - before == 200
    gc.collect()
    assert settle(allocator_baseline) == 0


def test_event_loop_runs_while_java_reads(server: RangeHTTPServer) -> None:
    a = zarrjvm.open_array(f"{server.url}/v2.zarr")
    server.reset(delay=0.1)
    ticks = 0

    async def ticker(stop: asyncio.Event) -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    async def main() -> None:
        stop = asyncio.Event()
        t = asyncio.ensure_future(ticker(stop))
        await asyncio.gather(*(a.read_chunk_async((i % 4, i % 3)) for i in range(64)))
        stop.set()
        await t

    asyncio.run(asyncio.wait_for(main(), LIMIT))
    server.reset(delay=0.0)
    assert ticks >= 5  # 64 reads of >= 100 ms each on 32 threads take >= 200 ms, during which the loop kept ticking


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
        b = zarrjvm.open_array(f"{server.url}/sharded.zarr")
        assert_same(await a.get_async((slice(3, 37), slice(None, None, 2))), b[3:37, ::2])
        stats = a.store_stats()
        assert stats is not None and stats["requests"] > 0

    asyncio.run(asyncio.wait_for(main(), LIMIT))
