"""HTTP stores against a real server on 127.0.0.1 (Python's http.server with Range support, tests/remote_servers.py).

Every array is written by zarr-python into a directory the server serves, and every read is compared element-wise
with zarr-python's read of that directory. Both sides count requests; they must agree.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr
from helpers import assert_same
from remote_servers import RangeHTTPServer, within

import zarrjvm

LIMIT = 60  # seconds any one network read may take before the test fails


def write_stores(root: Path) -> None:
    """The arrays the remote tests read (shared with test_remote_s3 and test_async)."""
    data = np.arange(40 * 30, dtype="i2").reshape(40, 30) * 3 - 500
    z = zarr.create_array(root / "v2.zarr", shape=(40, 30), chunks=(10, 10), dtype="i2", zarr_format=2,
                          compressors=numcodecs.Zlib(level=1), attributes={"units": "K"})
    z[:] = data
    z = zarr.create_array(root / "v3.zarr", shape=(37, 23), chunks=(10, 8), dtype="f4")  # zstd, zarr-python's default
    z[:] = np.linspace(-1, 1, 37 * 23, dtype="f4").reshape(37, 23)
    z = zarr.create_array(root / "sharded.zarr", shape=(40, 30), chunks=(5, 5), shards=(10, 10), dtype="u2")
    z[:] = (np.arange(1200) * 7 % 65536).astype("u2").reshape(40, 30)
    z = zarr.create_array(root / "missing.zarr", shape=(30, 30), chunks=(10, 10), dtype="i4", zarr_format=2,
                          compressors=numcodecs.Zlib(), fill_value=7)
    z[0:10, 0:10] = 1
    z[20:30, 10:20] = 2  # the other seven chunks are absent: 404, read as the fill value
    z = zarr.create_array(root / "big.zarr", shape=(1000, 1000), chunks=(100, 100), dtype="f4", zarr_format=2,
                          compressors=numcodecs.Zlib(level=1))
    z[:] = np.random.default_rng(7).standard_normal((1000, 1000)).astype("f4")
    g = zarr.open_group(root / "grp", mode="w", zarr_format=2, attributes={"title": "remote"})
    g.create_array("a", shape=(6,), chunks=(4,), dtype="i8", compressors=numcodecs.Zlib())[:] = np.arange(6)
    g.create_group("sub").create_array("b", shape=(5,), chunks=(5,), dtype="f8", compressors=None)[:] = 0.5


CASES = [("zarr-java", "v2.zarr"), ("jzarr", "v2.zarr"), ("zarr-java", "v3.zarr"), ("zarr-java", "sharded.zarr"),
         ("zarr-java", "missing.zarr"), ("jzarr", "missing.zarr")]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("http-stores")
    write_stores(root)
    return root


@pytest.fixture(scope="module")
def server(stores: Path) -> Iterator[RangeHTTPServer]:
    with RangeHTTPServer(stores, max_requests=5000) as srv:
        yield srv
        assert not srv.overflow, "more requests than the test's bound"


@pytest.fixture
def srv(server: RangeHTTPServer) -> Iterator[RangeHTTPServer]:
    server.reset(delay=0.0)
    yield server
    # reading never writes: whatever a test did, the server only ever saw GET and HEAD
    methods = {m for m, _, _, _ in server.log()}
    assert methods <= {"GET", "HEAD"}, methods


@pytest.mark.parametrize("backend,name", CASES)
def test_http_reads_equal_zarr_python(srv: RangeHTTPServer, stores: Path, backend: str, name: str) -> None:
    want = zarr.open_array(stores / name, mode="r")
    a = within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/{name}", backend=backend))
    assert a.shape == want.shape and a.dtype == want.dtype
    assert_same(within(LIMIT, lambda: a[...]), want[...])
    assert_same(within(LIMIT, lambda: a[3:-2:3, 1:]), want[3:-2:3, 1:])
    box = tuple(slice(c, c + c) for c in a.chunks)  # chunk (1, 1) of zarrjvm's (inner) chunk grid
    assert_same(within(LIMIT, lambda: a.read_chunk((1, 1))), want[box])
    assert a.attrs == dict(want.attrs)


def test_http_raw_chunk_is_the_served_file(srv: RangeHTTPServer, stores: Path) -> None:
    a = zarrjvm.open_array(f"{srv.url}/v2.zarr", backend="zarr-java")
    assert within(LIMIT, lambda: a.read_chunk_raw((2, 1))) == (stores / "v2.zarr" / "2.1").read_bytes()
    assert within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/missing.zarr").read_chunk_raw((1, 1))) is None


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_http_requests_are_counted_on_both_sides(srv: RangeHTTPServer, backend: str) -> None:
    a = within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/v2.zarr", backend=backend))
    opened = a.store_stats()
    assert opened is not None and opened["requests"] == srv.requests > 0  # the metadata reads
    before = srv.requests
    within(LIMIT, lambda: a[...])
    stats = a.store_stats()
    assert stats is not None
    # one GET per chunk, counted the same by the client and the server
    assert stats["requests"] - opened["requests"] == srv.requests - before == a.nchunks == 12
    chunk_bytes = sum(len(a.read_chunk_raw(c) or b"") for c in np.ndindex(*a.cdata_shape))
    assert stats["bytes"] - opened["bytes"] == chunk_bytes


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_http_selections_fetch_only_the_chunks_they_touch(srv: RangeHTTPServer, stores: Path, backend: str) -> None:
    """Opening reads metadata only; a strided, an orthogonal and a coordinate selection each fetch exactly the chunks
    holding selected elements, once each (100 chunks of 100×100)."""
    want = zarr.open_array(stores / "big.zarr", mode="r")
    before = srv.requests
    a = within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/big.zarr", backend=backend))
    metadata = srv.requests - before
    assert metadata == 3, srv.log()[-metadata:]  # zarr.json (absent), .zarray, .zattrs: no chunk
    assert [p.rsplit("/", 1)[-1] for (_, p, _, _) in srv.log()[-metadata:]] == ["zarr.json", ".zarray", ".zattrs"]
    cases = [
        (lambda: a[::999, ::999], want[::999, ::999], 4),
        (lambda: a.oindex[[5, 950, 7], 420:480], want.oindex[[5, 950, 7], 420:480], 2),
        (lambda: a.vindex[[0, 500, 999, 501], [0, 500, 999, 599]], want.vindex[[0, 500, 999, 501], [0, 500, 999, 599]],
         3),
        (lambda: a[[10, 990], 5], want.oindex[[10, 990], 5], 2),
    ]
    for read, expected, chunks in cases:
        before = srv.requests
        assert_same(within(LIMIT, read), expected)
        assert srv.requests - before == chunks


def test_http_region_chunks_are_fetched_in_parallel(srv: RangeHTTPServer, stores: Path) -> None:
    """The server holds every request (its gate closed): a whole-array read of 12 chunks has all 12 requests in flight
    at once (the io pool is wider), which only a parallel fetch can do; then they are let go and the data is right."""
    a = zarrjvm.open_array(f"{srv.url}/sharded.zarr", backend="zarr-java")
    b = zarrjvm.open_array(f"{srv.url}/v2.zarr", backend="zarr-java")
    io_threads = int(zarrjvm.jvm.build_info()["io_threads"])
    assert b.nchunks == 12 < io_threads
    srv.reset()
    srv.hold()
    out: dict[str, object] = {}
    t = threading.Thread(target=lambda: out.update(v=b[...]), daemon=True)
    t.start()
    try:
        all_at_once = srv.wait_for(lambda: srv.stats.active == 12, LIMIT)
    finally:
        srv.release()
    t.join(LIMIT)
    assert all_at_once, f"only {srv.max_active} of 12 chunk requests were in flight together"
    assert srv.max_active == 12 and srv.requests == 12
    assert_same(out["v"], zarr.open_array(stores / "v2.zarr")[...])
    stats = b.store_stats()
    assert stats is not None and stats["max_in_flight"] == 12
    assert_same(within(LIMIT, lambda: a[...]), zarr.open_array(stores / "sharded.zarr")[...])


def test_http_shard_index_is_read_with_a_suffix_range(srv: RangeHTTPServer, stores: Path) -> None:
    a = zarrjvm.open_array(f"{srv.url}/sharded.zarr", backend="zarr-java")
    assert_same(within(LIMIT, lambda: a[10:20, 10:20]), zarr.open_array(stores / "sharded.zarr")[10:20, 10:20])
    ranges = [r for (_, path, r, _) in srv.log() if path.startswith("/sharded.zarr/c/")]
    assert any(r is not None and r.startswith("bytes=-") for r in ranges), ranges
    assert any(r is not None and re.fullmatch(r"bytes=\d+-\d+", r) for r in ranges), ranges


def test_http_each_shard_index_is_fetched_once(srv: RangeHTTPServer, stores: Path) -> None:
    """Inner chunks of one shard are fetched in parallel; their shard's index is read once, not once per chunk."""
    from collections import Counter

    a = zarrjvm.open_array(f"{srv.url}/sharded.zarr", backend="zarr-java")
    before = len(srv.log())
    assert_same(within(LIMIT, lambda: a[...]), zarr.open_array(stores / "sharded.zarr")[...])
    suffix = Counter(path for (_, path, r, _) in srv.log()[before:] if r is not None and r.startswith("bytes=-"))
    shards = sorted(p.relative_to(stores).as_posix() for p in (stores / "sharded.zarr" / "c").rglob("*") if p.is_file())
    assert sorted(k.lstrip("/") for k in suffix) == shards
    assert set(suffix.values()) == {1}


def test_http_group_lists_from_the_server_index(srv: RangeHTTPServer, stores: Path) -> None:
    g = within(LIMIT, lambda: zarrjvm.open_group(f"{srv.url}/grp", backend="jzarr"))
    want = zarr.open_group(stores / "grp", mode="r")
    assert g.members() == {"a": "array", "sub": "group"} == {k: ("array" if isinstance(v, zarr.Array) else "group")
                                                             for k, v in want.members()}
    assert g.attrs == {"title": "remote"}
    assert_same(within(LIMIT, lambda: g["sub/b"][...]), want["sub/b"][...])


def test_http_headers_option_is_sent_with_every_request(srv: RangeHTTPServer) -> None:
    a = within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"headers": {"X-Token": "t1"}}))
    within(LIMIT, lambda: a[:15])
    log = srv.log()
    assert log and all(h.get("X-Token") == "t1" for (_, _, _, h) in log)


def _requests_for(srv: RangeHTTPServer, path: str) -> int:
    return sum(1 for (_, p, _, _) in srv.log() if p == path)


def test_http_server_error_is_a_store_error_and_the_next_read_works(srv: RangeHTTPServer, stores: Path) -> None:
    a = zarrjvm.open_array(f"{srv.url}/v2.zarr", backend="zarr-java", storage_options={"retry_backoff": 0.01})
    srv.fail("/v2.zarr/1.2", 500)
    with pytest.raises(zarrjvm.StoreError, match=r"HTTP 500 \(4 attempts\)"):
        within(LIMIT, lambda: a[...])
    assert _requests_for(srv, "/v2.zarr/1.2") == 4  # the first try and the default 3 retries
    srv.reset()
    assert_same(within(LIMIT, lambda: a[...]), zarr.open_array(stores / "v2.zarr")[...])


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_http_transient_failures_are_retried(srv: RangeHTTPServer, stores: Path, backend: str) -> None:
    a = zarrjvm.open_array(f"{srv.url}/v2.zarr", backend=backend, storage_options={"retry_backoff": 0.01})
    srv.reset()
    srv.fail("/v2.zarr/1.2", 503, times=2)
    srv.fail("/v2.zarr/0.0", 429, times=1)
    before = a.store_stats()["requests"]
    assert_same(within(LIMIT, lambda: a[...]), zarr.open_array(stores / "v2.zarr")[...])
    assert _requests_for(srv, "/v2.zarr/1.2") == 3 and _requests_for(srv, "/v2.zarr/0.0") == 2
    assert a.store_stats()["requests"] - before == a.nchunks + 3  # each retry is a request on the wire


def test_http_retry_waits_double_from_the_backoff(srv: RangeHTTPServer, stores: Path) -> None:
    """Three 503s, retry_backoff 0.2 s: the attempts are at least 0.2, 0.4 and 0.8 s apart (measured on the server)."""
    a = zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"retry_backoff": 0.2, "retries": 3})
    srv.reset()
    srv.fail("/v2.zarr/1.2", 503, times=3)
    assert_same(within(LIMIT, lambda: a.read_chunk((1, 2))), zarr.open_array(stores / "v2.zarr")[10:20, 20:30])
    t = srv.arrivals("/v2.zarr/1.2")
    assert len(t) == 4
    gaps = [b - a for a, b in zip(t, t[1:])]
    assert all(g >= w for g, w in zip(gaps, [0.2, 0.4, 0.8])), gaps


def test_http_retry_after_is_honoured_and_capped_at_5_s(srv: RangeHTTPServer, stores: Path) -> None:
    """A 429 with ``Retry-After: 1`` is retried after at least 1 s (not the 10 ms backoff); ``Retry-After: 3600`` after
    the 5 s cap, not an hour; doubling from the largest backoff allowed (5 s) stays at 5 s."""
    want = zarr.open_array(stores / "v2.zarr")
    a = zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"retry_backoff": 0.01, "retries": 1})
    srv.reset()
    srv.fail("/v2.zarr/0.1", 429, times=1, retry_after="1")
    srv.fail("/v2.zarr/0.2", 503, times=1, retry_after="3600")
    assert_same(within(LIMIT, lambda: a.read_chunk((0, 1))), want[0:10, 10:20])
    assert_same(within(LIMIT, lambda: a.read_chunk((0, 2))), want[0:10, 20:30])
    with pytest.raises(zarrjvm.StoreError, match=r"'retry_backoff' seconds in \[0, 5\]"):
        zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"retry_backoff": 60})
    slow = zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"retry_backoff": 5, "retries": 2})
    srv.fail("/v2.zarr/1.0", 503, times=2)
    assert_same(within(LIMIT, lambda: slow.read_chunk((1, 0))), want[10:20, 0:10])
    (a1, b1), (a2, b2), (a3, b3, c3) = (srv.arrivals(p) for p in ("/v2.zarr/0.1", "/v2.zarr/0.2", "/v2.zarr/1.0"))
    assert 1.0 <= b1 - a1 < 5.0, b1 - a1
    assert 5.0 <= b2 - a2 < 9.0, b2 - a2  # capped: an hour would end the test by LIMIT
    assert 5.0 <= b3 - a3 < 9.0 and 5.0 <= c3 - b3 < 9.0, (b3 - a3, c3 - b3)  # 5 s, then 5 s (not 10)


def test_http_retries_option_and_final_answers(srv: RangeHTTPServer, stores: Path) -> None:
    a = zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"retries": 0})
    srv.reset()
    srv.fail("/v2.zarr/1.2", 503, times=1)
    with pytest.raises(zarrjvm.StoreError, match=r"HTTP 503$|HTTP 503 \[") as e:
        within(LIMIT, lambda: a.read_chunk((1, 2)))
    assert "attempts" not in str(e.value) and _requests_for(srv, "/v2.zarr/1.2") == 1
    assert_same(within(LIMIT, lambda: a.read_chunk((1, 2))), zarr.open_array(stores / "v2.zarr")[10:20, 20:30])
    # 404 is an answer, not a failure: the chunk is absent (fill value) after one request, whatever the retries
    m = zarrjvm.open_array(f"{srv.url}/missing.zarr", storage_options={"retries": 5})
    srv.reset()
    assert (within(LIMIT, lambda: m.read_chunk((2, 2))) == 7).all()
    assert _requests_for(srv, "/missing.zarr/2.2") == 1
    for bad in ({"retries": -1}, {"retries": 1.5}, {"retry_backoff": -0.1}, {"retries": "3"}):
        with pytest.raises(zarrjvm.StoreError, match="retr"):
            zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options=bad)


def test_http_timeout_option_bounds_a_slow_server(srv: RangeHTTPServer) -> None:
    """A server that never answers (its gate stays closed until the read gave up): the 0.3 s timeout ends each of the
    two attempts; the read fails with a typed error instead of hanging."""
    a = zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"timeout": 0.3, "retries": 1, "retry_backoff": 0})
    srv.reset()
    srv.hold()
    try:
        t0 = time.monotonic()
        with pytest.raises(zarrjvm.StoreError, match=r"(?i)(timed out|timeout).*\(2 attempts\)"):
            within(LIMIT, lambda: a.read_chunk((0, 0)))
        took = time.monotonic() - t0
    finally:
        srv.release()
    assert _requests_for(srv, "/v2.zarr/0.0") == 2
    assert took >= 0.6  # two attempts, each given up after its 0.3 s


def test_http_missing_array_and_bad_options(srv: RangeHTTPServer) -> None:
    with pytest.raises(zarrjvm.ArrayNotFoundError):
        within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/nothing.zarr"))
    with pytest.raises(zarrjvm.StoreError, match="unknown http storage option 'heders'"):
        zarrjvm.open_array(f"{srv.url}/v2.zarr", storage_options={"heders": {}})
    with pytest.raises(zarrjvm.StoreError, match="query"):
        zarrjvm.open_array(f"{srv.url}/v2.zarr?x=1")


def test_http_paths_cannot_leave_the_url(srv: RangeHTTPServer) -> None:
    before = srv.requests
    with pytest.raises(zarrjvm.StoreError, match="inside the store"):
        zarrjvm.open_array(f"{srv.url}/grp", path="../v2.zarr")
    assert srv.requests == before  # refused before any request
