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
    # the numpy data pointer is the address of the Java-side Arrow buffer
    view = arrow.to_numpy(zero_copy_only=True)
    assert view.__array_interface__["data"][0] == arrow.buffers()[1].address
    # Java's allocator holds the chunk(s) while Python does
    held = allocator_baseline()
    assert held >= 2 * nbytes
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
        assert allocator_baseline() >= whole.nbytes
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
    assert allocator_baseline() > 0
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
