"""Every case written by its Python peer (zarr-python 3 / netCDF4), read through every Java backend that reads the
format, compared element-wise with the peer's own read. A reader's declared limitation must surface as
UnsupportedError with the limitation's own message (strict xfail with ``raises=``, message checked by
``helpers.as_declared``): never as wrong numbers, never as another error, never as another refusal."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import as_declared, assert_same

import zarrjvm
from zarrjvm.compat.capabilities import java_reader_limitation, java_reader_limitations, java_readers, known_defect
from zarrjvm.compat.cases import NETCDF_CASES, ZARR_CASES, Case, nc4_filters, peer_read

#: the cases their Python peer writes (a writer's defaults case is written by that writer: the matrix reads those)
ALL_CASES = ZARR_CASES + NETCDF_CASES


def _native_decodes(case: Case, reader: str = "") -> bool:
    """Whether ``decode="native"`` decodes the case's chunks itself (Zarr, no sharding, no filters or transpose, no
    F order; NetCDF-3 numbers, whose stored bytes netCDF-Java copies out for zarrjvm to swap; chunked HDF5 numbers
    read through jhdf with only zlib and shuffle): a reader's decode-time defect then does not apply — a difference
    between the modes, kept as a finding."""
    if case.format == "netcdf3":
        return case.np_dtype.kind in "iuf"
    if case.format == "netcdf4":
        f = nc4_filters(case)
        return reader == "jhdf" and f["chunked"] and not f["fletcher32"] and case.np_dtype.kind in "iuf"
    return (case.format.startswith("zarr") and case.shards is None and case.order == "C"
            and "transpose" not in case.codec)


#: known defects met when opening (metadata), not only when decoding: a metadata refusal, or zarrjvm's guard refusing
#: a variable whose checksums the reader would not verify (the Fletcher32 defects)
_AT_OPEN = ("MetadataError", "UnsupportedError")


def _params(decodes: bool = True, decode: str = "reader") -> list:
    """(case, reader) pairs; ``decodes=False`` for tests that only open (decode-time defects do not apply)."""
    out = []
    for case in ALL_CASES:
        for reader, caps in java_readers().items():
            if case.format not in caps.formats:
                continue
            why = java_reader_limitation(reader, case)
            defect = known_defect(reader, case)
            if defect and decode == "native" and defect.error == "ChunkDecodeError" and _native_decodes(case, reader):
                defect = None  # Z2: zarr-java's ZstdCodec fails after crc32c; the native chain reads it (tested below)
            if why:
                marks = [pytest.mark.xfail(strict=True, raises=zarrjvm.UnsupportedError, reason=why)]
            elif defect and (decodes or defect.error in _AT_OPEN):
                marks = [pytest.mark.xfail(strict=True, raises=getattr(zarrjvm, defect.error), reason=defect.reason)]
            else:
                marks = []
            out.append(pytest.param(case, reader, id=f"{case.name}-{reader}", marks=marks))
    return out


PARAMS = _params()
NATIVE_PARAMS = _params(decode="native")
OPEN_PARAMS = _params(decodes=False)


def _expected(case: Case, reader: str, decodes: bool = True, decode: str = "reader") -> as_declared:
    """The body's guard: the declared limitation or known defect its xfail expects, message included."""
    defect = known_defect(reader, case)
    if defect and not decodes and defect.error not in _AT_OPEN:
        defect = None
    if defect and decode == "native" and defect.error == "ChunkDecodeError" and _native_decodes(case, reader):
        defect = None
    return as_declared(java_reader_limitations(reader, case), defect)


def test_peer_reads_what_was_written(written) -> None:
    """The peers themselves round-trip every case (so a failure below is about the Java side)."""
    for case in ALL_CASES:
        if case.name == "netcdf3-cdf5-u2":
            continue
        store, path = written(case)
        assert_same(peer_read(case, store, path), case.expected())


@pytest.mark.parametrize("case,reader", PARAMS)
def test_whole_array_equals_peer(written, case: Case, reader: str) -> None:
    """The reader exactly as a Java user gets it: its own codec objects decode."""
    store, path = written(case)
    with _expected(case, reader), zarrjvm.open_array(store, path, backend=reader, decode="reader") as a:
        assert a.decoding.startswith("reader: ")
        got = a[...]
        assert a.shape == case.shape
        assert a.dtype == case.np_dtype or (
            case.format == "netcdf4" and a.dtype.newbyteorder("=") == case.np_dtype.newbyteorder("="))
    assert_same(got, peer_read(case, store, path))


@pytest.mark.parametrize("case,reader", NATIVE_PARAMS)
def test_native_decode_equals_peer(written, case: Case, reader: str) -> None:
    """``decode="native"`` (the default) on every case: the same values as the peer, so the same as the reader's own
    decoding wherever that one is right; native wherever the chain allows."""
    store, path = written(case)
    with _expected(case, reader, decode="native"), zarrjvm.open_array(store, path, backend=reader) as a:
        got = a[...]
        # every codec of the cases has a native decoder (zstd, zlib, gzip, blosc, crc32c, none)
        assert a.decoding.startswith("native: ") == _native_decodes(case, reader), a.decoding
    assert_same(got, peer_read(case, store, path))


@pytest.mark.parametrize("case,reader", NATIVE_PARAMS)
def test_chunks_equal_peer_blocks(written, case: Case, reader: str) -> None:
    """read_chunk(c) equals the peer's read of chunk c's box (edge chunks clipped), for every chunk (default
    decoding)."""
    store, path = written(case)
    expected = peer_read(case, store, path)
    with _expected(case, reader, decode="native"), zarrjvm.open_array(store, path, backend=reader) as a:
        assert a.nchunks == int(np.prod(a.cdata_shape))
        for coords, chunk in a.iter_chunks():
            box = tuple(slice(c * n, min((c + 1) * n, s)) for c, n, s in zip(coords, a.chunks, a.shape))
            assert_same(chunk, expected[box])
            assert not chunk.flags.owndata


@pytest.mark.parametrize("case,reader", OPEN_PARAMS)
def test_metadata_matches_peer(written, case: Case, reader: str) -> None:
    store, path = written(case)
    with _expected(case, reader, decodes=False), zarrjvm.open_array(store, path, backend=reader) as a:
        if case.format.startswith("zarr"):
            import zarr

            z = zarr.open_array(store, mode="r", path=path or None)
            assert a.chunks == tuple(z.chunks)
            assert a.shards == (None if z.shards is None else tuple(z.shards))
            assert a.attrs == dict(z.attrs)
            zf = z.fill_value
            if zf is None:
                assert a.fill_value is None
            else:
                assert_same(np.asarray(a.fill_value), np.asarray(zf, dtype=a.dtype.newbyteorder("=")))
            assert a.order == (z.order if case.format == "zarr-v2" else "C")
        else:
            import netCDF4

            with netCDF4.Dataset(store) as nc:
                var = nc[path]
                want = {k: var.getncattr(k) for k in var.ncattrs()}
                chunking = var.chunking()
                unlimited = [d.isunlimited() for d in var.get_dims()]
                shape = var.shape
            # the chunk geometry is netCDF4's: HDF5's chunk shape; a contiguous or NetCDF-3 variable is one chunk,
            # except that each record of a record variable is one
            if isinstance(chunking, list):
                assert a.chunks == tuple(chunking)
            else:
                assert chunking in (None, "contiguous")
                assert a.chunks == tuple(1 if u else n for u, n in zip(unlimited, shape))
            # netCDF4-python's attributes exactly: names, values and NumPy types (float32(0.5), int64 arrays, str)
            assert sorted(a.attrs) == sorted(want)
            for k, v in want.items():
                assert type(a.attrs[k]) is type(v) and np.asarray(a.attrs[k]).dtype == np.asarray(v).dtype, k
                assert_same(np.asarray(a.attrs[k]), np.asarray(v))
            if case.fill not in ("zero", "none"):
                assert_same(np.asarray(a.fill_value), np.asarray(case.fill_scalar()))
        assert a.format == case.format
        assert a.ndim == len(case.shape)
        assert a.size == int(np.prod(case.shape))


REGION_CASES = [c for c in ALL_CASES if len(c.shape) >= 2 and c.name in {
    "zarr-v2-dtype-f4", "zarr-v3-dtype-u2", "zarr-v3-sharded-partial-missing", "zarr-v2-4d-partial",
    "netcdf4-zlib-i4", "netcdf3-classic-f8", "zarr-v3-order-F-transpose", "zarr-v2-fill-nan-missing",
}]


@pytest.mark.parametrize("case", REGION_CASES, ids=lambda c: c.name)
def test_regions_and_indexing_equal_numpy(written, case: Case) -> None:
    """Basic numpy indexing (ints, negative ints, slices with steps, Ellipsis) against the peer's full read."""
    store, path = written(case)
    full = peer_read(case, store, path)
    reader = "netcdf-java" if case.format.startswith("netcdf") else "zarr-java"
    rng = np.random.default_rng(case.seed())
    with zarrjvm.open_array(store, path, backend=reader) as a:
        keys = [
            (slice(None),),
            (0,),
            (-1,),
            (Ellipsis, 1),
            (slice(1, -1), slice(None, None, 3)),
            (slice(None, None, -2),),
            (slice(5, 2),),
        ]
        for _ in range(20):
            key = []
            for n in case.shape:
                lo = int(rng.integers(0, n))
                hi = int(rng.integers(lo, n + 1))
                key.append(slice(lo, hi, int(rng.choice([1, 1, 2, 3]))))
            keys.append(tuple(key))
        for key in keys:
            assert_same(a[key], full[key])
        with pytest.raises(IndexError):
            a[case.shape[0]]
        with pytest.raises(IndexError):
            a[(0,) * (len(case.shape) + 1)]
