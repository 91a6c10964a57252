"""``direct=False``: the readers' full pipeline (their ``ucar.ma2.Array`` and its copy) instead of zarrjvm placing the
decompressed bytes straight into Arrow memory. Both paths must give the peer's values, and the path taken is seen in
what it costs the Java heap: the direct path of an uncompressed chunk allocates no heap array at all, and the pipeline
allocates at least one chunk's bytes more than the direct path for every codec (README, "Zero copy")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numcodecs
import numpy as np
import pytest
import zarr
from helpers import as_declared, assert_same

import zarrjvm
from zarrjvm.compat.capabilities import java_reader_limitation, java_reader_limitations, known_defect
from zarrjvm.compat.cases import ZARR_CASES, Case

SHAPE, CHUNKS = (512, 512), (256, 256)
CHUNK_BYTES = 256 * 256 * 4
DATA = (np.arange(512 * 512, dtype="<f4").reshape(SHAPE) * 0.25 - 1000)
COMPRESSORS = {"none": None, "zlib": numcodecs.Zlib(), "blosc": numcodecs.Blosc(cname="lz4")}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("direct")
    for name, comp in COMPRESSORS.items():
        z = zarr.create_array(str(root / f"{name}.zarr"), shape=SHAPE, chunks=CHUNKS, dtype="<f4", zarr_format=2,
                              compressors=comp)
        z[:] = DATA
    return root


def _heap_allocated_by(fn: Any) -> int:
    """Bytes this thread allocated on the Java heap during ``fn()`` (a chunk read runs on the calling thread); the
    smallest of three runs, after a warm-up."""
    import jpype

    mx = jpype.JClass("java.lang.management.ManagementFactory").getThreadMXBean()
    tid = jpype.JClass("java.lang.Thread").currentThread().getId()
    fn()
    out = []
    for _ in range(3):
        before = int(mx.getThreadAllocatedBytes(tid))
        fn()
        out.append(int(mx.getThreadAllocatedBytes(tid)) - before)
    return min(out)


@pytest.mark.parametrize("codec", list(COMPRESSORS))
@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_pipeline_reads_the_same_values_and_costs_a_heap_copy(stores: Path, backend: str, codec: str) -> None:
    store = stores / f"{codec}.zarr"
    cost: dict[Any, int] = {}
    for direct in (True, False):  # the readers' own decoding (decode="reader"), where direct= applies
        with zarrjvm.open_array(store, backend=backend, direct=direct, decode="reader") as a:
            assert_same(a[...], DATA)
            assert_same(a.read_chunk((1, 0)), DATA[256:, :256])
            assert_same(a[100:400:3, 7:511], DATA[100:400:3, 7:511])
            cost[direct] = _heap_allocated_by(lambda a=a: a.read_chunk((1, 1)))
    with zarrjvm.open_array(store, backend=backend) as a:  # decode="native", the default
        assert a.decoding.startswith("native: "), a.decoding
        assert_same(a[...], DATA)
        assert_same(a[100:400:3, 7:511], DATA[100:400:3, 7:511])
        cost["native"] = _heap_allocated_by(lambda a=a: a.read_chunk((1, 1)))
    assert cost[False] - cost[True] >= CHUNK_BYTES, cost  # the pipeline's ucar.ma2.Array (and its copy)
    if codec == "none":
        assert cost[True] < CHUNK_BYTES // 8, cost  # read from the file into Arrow memory: no heap array
    else:
        assert cost[True] >= CHUNK_BYTES, cost  # the reader's decompressor returns a heap array
    assert cost["native"] < CHUNK_BYTES // 8, cost  # every codec decodes off-heap: no heap array


def _cases() -> list[Any]:
    out = []
    for case in ZARR_CASES:
        if "-dtype-" not in case.name and "order-F" not in case.name and "sharded" not in case.name:
            continue
        for backend in ("zarr-java", "jzarr"):
            if backend == "jzarr" and case.format != "zarr-v2":
                continue
            why, defect = java_reader_limitation(backend, case), known_defect(backend, case)
            error = zarrjvm.UnsupportedError if why else (getattr(zarrjvm, defect.error) if defect else None)
            marks = [pytest.mark.xfail(strict=True, raises=error, reason=why or defect.reason)] if error else []
            out.append(pytest.param(case, backend, id=f"{case.name}-{backend}", marks=marks))
    return out


@pytest.mark.parametrize("case,backend", _cases())
def test_every_dtype_order_and_sharding_through_the_pipeline(written: Any, case: Case, backend: str) -> None:
    store, path = written(case)
    with as_declared(java_reader_limitations(backend, case), known_defect(backend, case)), \
            zarrjvm.open_array(store, path, backend=backend, direct=False, decode="reader") as a:
        assert_same(a[...], case.expected())
        for coords, chunk in a.iter_chunks():
            box = tuple(slice(c * n, min((c + 1) * n, s)) for c, n, s in zip(coords, a.chunks, a.shape))
            assert_same(chunk, case.expected()[box])


@pytest.mark.parametrize("decode", ["native", "reader"])
def test_a_checksummed_chunk_without_its_checksum_is_refused_on_every_path(tmp_path: Path, decode: str) -> None:
    """A v3 chunk of ``bytes`` + ``crc32c`` whose four checksum bytes are gone is exactly the element bytes long. The
    native chain took such a chunk as uncompressed data, unchecked, where it was not contiguous in the region read
    (a whole-array read of (4, 8) in (4, 4) chunks); both modes now refuse it there and in a chunk read, as zarr-python
    does (its "Stored and computed checksum do not match")."""
    from zarr.codecs import BytesCodec, Crc32cCodec

    z = zarr.create_array(str(tmp_path / "a.zarr"), shape=(4, 8), chunks=(4, 4), dtype="<i4",
                          serializer=BytesCodec(), compressors=[Crc32cCodec()], fill_value=0)
    z[:] = np.arange(32, dtype="<i4").reshape(4, 8)
    chunk = tmp_path / "a.zarr" / "c" / "0" / "0"
    chunk.write_bytes(chunk.read_bytes()[:-4])
    with pytest.raises(ValueError, match="checksum"):
        zarr.open_array(str(tmp_path / "a.zarr"), mode="r")[...]
    with zarrjvm.open_array(tmp_path / "a.zarr", decode=decode) as a:
        assert a.decoding.startswith(decode)
        for read in (lambda: a[...], lambda: a.read_chunk((0, 0)), lambda: a[:, :4]):
            with pytest.raises(zarrjvm.ChunkDecodeError):
                read()
        assert_same(a[:, 4:], np.arange(32, dtype="<i4").reshape(4, 8)[:, 4:])  # the intact chunk still reads


def test_an_uncompressed_chunk_is_read_straight_into_its_place(tmp_path: Path) -> None:
    """``decode="native"``, no codec: a chunk contiguous in the region read goes from the file into the region's Arrow
    memory, with no scratch copy (the source's allocator never holds more than the output); a chunk of another size is
    still refused by the size check."""
    data = np.random.default_rng(5).normal(size=(256, 64)).astype("<f4")
    z = zarr.create_array(str(tmp_path / "a.zarr"), shape=(512, 64), chunks=(256, 64), dtype="<f4", compressors=None,
                          fill_value=0)
    z[:256] = data
    for read, want in ((lambda a: a.read_chunk((0, 0)), data),
                       (lambda a: a[...], np.concatenate([data, np.zeros_like(data)]))):
        with zarrjvm.open_array(tmp_path / "a.zarr", decode="native") as a:
            got = read(a)
            assert_same(got, want)
            # the output and a few KiB: a scratch copy of the stored chunk would add its 64 KiB
            assert int(a._check_open().allocator().getPeakMemoryAllocation()) < want.nbytes + data.nbytes
            del got
    (tmp_path / "a.zarr" / "c" / "0" / "0").write_bytes(data.tobytes()[:-4])
    with zarrjvm.open_array(tmp_path / "a.zarr", decode="native") as a, pytest.raises(zarrjvm.ChunkDecodeError):
        a.read_chunk((0, 0))
