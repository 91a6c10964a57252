"""HDF5 chunks stored with some filters skipped (the per-chunk filter mask), as ``H5Dwrite_chunk`` / h5py's
``write_direct_chunk`` and optional filters leave them. h5py and netCDF-Java honour the mask; jHDF 0.10.0 ignores it
and decodes every chunk as if all filters had run (finding H5): a chunk whose shuffle was skipped comes back as
wrong numbers, one stored raw fails to inflate. zarrjvm's jhdf backend honours the mask with ``decode="native"`` and
refuses such chunks with ``decode="reader"`` unless ``checks=False``.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same, in_thread

import zarrjvm

DATA = np.arange(64 * 64, dtype="<i4").reshape(64, 64)
#: chunk coordinates -> the filter mask it is written with (bit 0: shuffle skipped, bit 1: deflate skipped), and the
#: value added to DATA in it
MASKED = {(0, 1): (0b01, 2_000_000), (1, 1): (0b11, 1_000_000)}


@pytest.fixture(scope="module")
def masked(tmp_path_factory) -> tuple[Path, np.ndarray]:
    """A shuffle+gzip dataset written by h5py whose chunks (0, 1) and (1, 1) are stored with filters skipped, and what
    h5py reads from it."""
    import h5py

    f = tmp_path_factory.mktemp("mask") / "masked.h5"

    def write() -> None:
        with h5py.File(f, "w") as h:
            d = h.create_dataset("r", data=DATA, chunks=(32, 32), compression="gzip", shuffle=True)
            for (i, j), (mask, add) in MASKED.items():
                block = np.ascontiguousarray(DATA[32 * i:32 * (i + 1), 32 * j:32 * (j + 1)] + add).tobytes()
                d.id.write_direct_chunk((32 * i, 32 * j), block if mask & 0b10 else zlib.compress(block),
                                        filter_mask=mask)

    in_thread(write)
    with h5py.File(f, "r") as h:
        want = h["r"][()]
        assert [h["r"].id.get_chunk_info_by_coord((32 * i, 32 * j)).filter_mask for i, j in MASKED] == [1, 3]
    expected = DATA.copy()
    for (i, j), (_, add) in MASKED.items():
        expected[32 * i:32 * (i + 1), 32 * j:32 * (j + 1)] += add
    assert_same(want, expected)  # h5py honours the mask
    return f, want


def test_native_decoding_honours_the_filter_mask(masked) -> None:
    f, want = masked
    with zarrjvm.open_array(f, "r", backend="jhdf") as a:
        assert re.match(r"native: zlib \(libdeflate 1\.\d+\) \+ HDF5 byte shuffle", a.decoding), a.decoding
        assert_same(a[...], want)
        for coords, chunk in a.iter_chunks():
            assert_same(chunk, want[32 * coords[0]:32 * (coords[0] + 1), 32 * coords[1]:32 * (coords[1] + 1)])


def test_netcdf_java_honours_the_filter_mask(masked) -> None:
    f, want = masked
    with zarrjvm.open_array(f, "r", backend="netcdf-java") as a:
        assert_same(a[...], want)


def test_reader_decoding_refuses_masked_chunks_and_reads_the_others(masked) -> None:
    f, want = masked
    with zarrjvm.open_array(f, "r", backend="jhdf", decode="reader") as a:
        assert a.decoding == "reader: jhdf"
        assert_same(a.read_chunk((0, 0)), want[:32, :32])
        assert_same(a.read_chunk((1, 0)), want[32:, :32])
        for coords in MASKED:
            with pytest.raises(zarrjvm.UnsupportedError,
                               match=rf"chunk \[{coords[0]}, {coords[1]}\] .* stored with some of its filters skipped"):
                a.read_chunk(coords)


def test_h5_jhdf_ignores_the_filter_mask_upstream(masked) -> None:
    """Finding H5 on jHDF's own API: the chunk whose shuffle was skipped is unshuffled anyway (wrong numbers, no
    error); the chunk stored raw is inflated anyway (fails). If a jHDF release honours the mask, this fails and the
    reader-mode guard can go."""
    import jpype

    f, want = masked
    zarrjvm.jvm.ensure_started()
    hdf = jpype.JClass("io.jhdf.HdfFile")(jpype.JClass("java.nio.file.Paths").get(str(f)))
    try:
        d = hdf.getDatasetByPath("r")
        got = np.frombuffer(bytes(d.getDecompressedChunk(jpype.JArray(jpype.JInt)([0, 32]))), "<i4").reshape(32, 32)
        assert int((got != want[:32, 32:]).sum()) > 1000  # unshuffled bytes that were never shuffled
        assert_same(np.frombuffer(bytes(d.getDecompressedChunk(jpype.JArray(jpype.JInt)([0, 0]))), "<i4")
                    .reshape(32, 32), want[:32, :32])
        with pytest.raises(jpype.JException, match="Inflating failed"):
            d.getDecompressedChunk(jpype.JArray(jpype.JInt)([32, 32]))
    finally:
        hdf.close()
    with zarrjvm.open_array(f, "r", backend="jhdf", decode="reader", checks=False) as a:
        assert int((a.read_chunk((0, 1)) != want[:32, 32:]).sum()) > 1000


@pytest.mark.parametrize("dtype", ["|i1", "<u2", ">i2", "<i4", ">f4", "<u8", "<f8", ">i8"])
@pytest.mark.parametrize("shuffle,gzip", [(True, True), (True, False), (False, True)])
def test_native_filters_equal_h5py_for_every_dtype(tmp_path: Path, dtype: str, shuffle: bool, gzip: bool) -> None:
    """decode="native" runs HDF5's shuffle and deflate on every element size (edge chunks, an unwritten chunk, both
    byte orders) and gives h5py's values; decode="reader" (jHDF's filters) gives the same."""
    import h5py

    f = tmp_path / "filters.h5"
    rng = np.random.default_rng(5)
    want = (rng.normal(size=(45, 37)) * 1000).astype(dtype)

    def write() -> None:
        with h5py.File(f, "w") as h:
            d = h.create_dataset("v", shape=want.shape, dtype=dtype, chunks=(16, 10), shuffle=shuffle,
                                 compression="gzip" if gzip else None, fillvalue=np.zeros((), dtype)[()])
            d[:, :30] = want[:, :30]  # the chunks of the last column of chunks stay unwritten

    in_thread(write)
    with h5py.File(f, "r") as h:
        peer = h["v"][()]
    with zarrjvm.open_array(f, "v", backend="jhdf") as a, \
            zarrjvm.open_array(f, "v", backend="jhdf", decode="reader") as b:
        assert a.decoding.startswith("native: "), a.decoding
        assert_same(a[...], peer)
        assert_same(b[...], peer)
        assert_same(a[3:44:5, 7:], peer[3:44:5, 7:])
