"""Decoded chunks cross the boundary without a copy: the numpy view points into Java's Arrow memory, pyarrow's pool does
not grow, Java's allocator holds the bytes while Python does and returns to its baseline after."""

from __future__ import annotations

import gc

import numpy as np
import pyarrow as pa
import pytest
from helpers import assert_same

import zarrjvm
from zarrjvm.compat.cases import Case

BIG = Case("zero-copy-f8", "zarr-v3", dtype="<f8", shape=(1024, 1024), chunks=(512, 512), codec="zstd")
BIG_V2 = Case("zero-copy-u2-v2", "zarr-v2", dtype="<u2", shape=(1024, 1024), chunks=(512, 512), codec="zlib")
BOOL = Case("zero-copy-bool", "zarr-v3", dtype="|b1", shape=(300, 300), chunks=(100, 100), codec="zstd")


def _held_range(*nbytes: int) -> tuple[int, int]:
    """Bounds of what Java's allocator holds for buffers of these sizes: Arrow rounds each allocation up to a power of
    two (below its 16 MiB chunk size) and adds a few bytes of bookkeeping per buffer (measured: 16)."""
    return sum(nbytes), sum(1 << (n - 1).bit_length() for n in nbytes) + 64 * len(nbytes)


def _recording(source):
    """A ``ChunkSource`` (a JPype proxy) in front of ``source``: delegates every call and records the address Java
    reports for the data buffer of each vector the reader hands to zarrjvm's export
    (``getDataBuffer().memoryAddress()``, as the writer side's ``ArrowImport.dataAddress``)."""
    import jpype

    seen: list[int] = []

    @jpype.JImplements("dev.zarrjvm.model.ChunkSource")
    class Recording:
        @jpype.JOverride
        def info(self):
            return source.info()

        @jpype.JOverride
        def readChunk(self, coords, allocator):
            v = source.readChunk(coords, allocator)
            seen.append(int(v.getDataBuffer().memoryAddress()))
            return v

        @jpype.JOverride
        def readRegion(self, offset, shape, allocator):
            v = source.readRegion(offset, shape, allocator)
            seen.append(int(v.getDataBuffer().memoryAddress()))
            return v

        @jpype.JOverride
        def readRawChunk(self, coords):
            return source.readRawChunk(coords)

        @jpype.JOverride
        def allocator(self):
            return source.allocator()

        @jpype.JOverride
        def close(self) -> None:
            source.close()

    return Recording(), seen


@pytest.mark.parametrize("case,backend", [(BIG, "zarr-java"), (BIG_V2, "jzarr"), (BIG_V2, "zarr-java"),
                                          (BOOL, "zarr-java")], ids=lambda x: getattr(x, "name", x))
def test_chunk_and_region_point_at_the_buffer_java_made(written, allocator_baseline, case: Case, backend: str) -> None:
    """The numpy array ``read_chunk`` (and a region read) returns starts at the address Java reports for the data
    buffer of the vector its reader decoded into: the export and the import copied nothing."""
    store, path = written(case)
    with zarrjvm.open_array(store, path, backend=backend) as a:
        proxy, seen = _recording(a._source)
        real, a._source = a._source, proxy
        try:
            chunk = a.read_chunk((1, 0))
            region = a.read_region((3, 5), (200, 100))
        finally:
            a._source = real
        assert len(seen) == 2 and 0 not in seen and seen[0] != seen[1]
        assert chunk.__array_interface__["data"][0] == seen[0]
        assert region.__array_interface__["data"][0] == seen[1]
        expected = case.expected()
        assert_same(chunk, expected[a.chunks[0]:2 * a.chunks[0], :a.chunks[1]])
        assert_same(region, expected[3:203, 5:105])
        del chunk, region
    assert allocator_baseline() == 0


@pytest.mark.parametrize("case,backend", [(BIG, "zarr-java"), (BIG_V2, "jzarr"), (BIG_V2, "zarr-java"),
                                          (BOOL, "zarr-java")], ids=lambda x: getattr(x, "name", x))
def test_chunk_is_a_view_on_java_memory(written, allocator_baseline, case: Case, backend: str) -> None:
    store, path = written(case)
    a = zarrjvm.open_array(store, path, backend=backend)
    nbytes = int(np.prod(a.chunks)) * a.dtype.itemsize
    pool_before = pa.total_allocated_bytes()
    arrow = a.read_chunk_arrow((1, 1))
    chunk = a.read_chunk((1, 1))
    # nothing was allocated by pyarrow: the buffers are Java's
    assert pa.total_allocated_bytes() == pool_before
    assert not chunk.flags.owndata
    assert not chunk.flags.writeable
    # numpy views pyarrow's buffer (nothing copied on the Python side; that this buffer is the one Java decoded into is
    # test_chunk_and_region_point_at_the_buffer_java_made's)
    view = arrow.to_numpy(zero_copy_only=True)
    assert view.__array_interface__["data"][0] == arrow.buffers()[1].address
    # Java's allocator holds the two chunks, and only them, while Python does
    assert _held_range(nbytes, nbytes)[0] <= allocator_baseline() <= _held_range(nbytes, nbytes)[1]
    expected = case.expected()[tuple(slice(c * n, (c + 1) * n) for c, n in zip((1, 1), a.chunks))]
    assert_same(chunk, expected)
    del arrow, chunk, view
    assert allocator_baseline() == 0
    a.close()


def test_many_reads_return_to_baseline(written, allocator_baseline) -> None:
    store, path = written(BIG)
    with zarrjvm.open_array(store, path) as a:
        for _ in range(50):
            for _, c in a.iter_chunks():
                assert c.shape == (512, 512)
        whole = a[...]
        lo, hi = _held_range(whole.nbytes, c.nbytes)  # 50 × 4 chunk reads came back; the last chunk and the whole stay
        assert lo <= allocator_baseline() <= hi
        del whole, c
    assert allocator_baseline() == 0


def test_views_outlive_the_closed_array(written, allocator_baseline) -> None:
    """Closing the array releases the reader; views already handed out stay valid until Python drops them."""
    store, path = written(BIG)
    a = zarrjvm.open_array(store, path)
    chunk = a.read_chunk((0, 0))
    a.close()
    with pytest.raises(zarrjvm.ZarrJvmError, match="closed"):
        a.read_chunk((0, 0))
    assert_same(chunk, BIG.expected()[:512, :512])
    lo, hi = _held_range(chunk.nbytes)
    assert lo <= allocator_baseline() <= hi  # the view holds its Java buffer after the close
    del chunk
    assert allocator_baseline() == 0


def test_region_read_is_one_buffer(written) -> None:
    """A region spanning many chunks is assembled in Java memory once and handed over as one buffer."""
    store, path = written(BIG)
    with zarrjvm.open_array(store, path) as a:
        pool_before = pa.total_allocated_bytes()
        region = a[100:900, 50:1000]
        assert pa.total_allocated_bytes() == pool_before
        assert not region.flags.owndata
        assert region.flags.c_contiguous
        assert_same(region, BIG.expected()[100:900, 50:1000])


def test_bool_is_viewed_not_converted(written) -> None:
    store, path = written(BOOL)
    with zarrjvm.open_array(store, path) as a:
        c = a.read_chunk((0, 0))
        assert c.dtype == np.bool_
        assert not c.flags.owndata
        arrow = a.read_chunk_arrow((0, 0))
        assert arrow.type == pa.uint8()
        assert set(np.unique(arrow.to_numpy())) <= {0, 1}


def test_gc_of_unreferenced_arrays_releases_reader(written, allocator_baseline) -> None:
    store, path = written(BIG)
    for _ in range(20):
        a = zarrjvm.open_array(store, path)
        a.read_chunk((0, 0))
        del a
    gc.collect()
    assert allocator_baseline() == 0
