"""read_chunk_raw: the bytes exactly as stored (None when absent), for plain and sharded arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import zarrjvm
from zarrjvm.compat.cases import Case

V2 = Case("raw-v2-missing", "zarr-v2", dtype="<i4", shape=(30, 20), chunks=(10, 10), codec="zlib", missing=True)
V2_SLASH = Case("raw-v2-slash", "zarr-v2", dtype="<f4", shape=(30, 20), chunks=(10, 10), codec="zlib", separator="/")
V3 = Case("raw-v3", "zarr-v3", dtype="<u2", shape=(30, 20), chunks=(10, 10), codec="zstd", missing=True)
SHARDED = Case("raw-sharded", "zarr-v3", dtype="<f8", shape=(40, 30), chunks=(5, 5), shards=(20, 15), codec="zstd",
               missing=True, fill="nan")


def _key(case: Case, coords: tuple[int, ...]) -> str:
    if case.format == "zarr-v2":
        return (case.separator or ".").join(str(c) for c in coords)
    return "c/" + "/".join(str(c) for c in coords)


@pytest.mark.parametrize("case,backend", [(V2, "zarr-java"), (V2, "jzarr"), (V2_SLASH, "zarr-java"),
                                          (V2_SLASH, "jzarr"), (V3, "zarr-java")], ids=lambda x: getattr(x, "name", x))
def test_raw_chunk_is_the_stored_file(written, case: Case, backend: str) -> None:
    store, path = written(case)
    with zarrjvm.open_array(store, path, backend=backend) as a:
        for idx in np.ndindex(*a.cdata_shape):
            f = Path(store) / _key(case, idx)
            raw = a.read_chunk_raw(idx)
            if f.exists():
                assert raw == f.read_bytes()
            else:
                assert raw is None


def test_raw_inner_chunk_of_a_shard_decodes_to_the_chunk(written) -> None:
    """For sharded arrays a raw chunk is the inner chunk's encoded bytes, located through the shard index."""
    import numcodecs

    store, path = written(SHARDED)
    expected = SHARDED.expected()
    with zarrjvm.open_array(store, path) as a:
        assert a.chunks == (5, 5) and a.shards == (20, 15)
        seen = 0
        for idx in np.ndindex(*a.cdata_shape):
            raw = a.read_chunk_raw(idx)
            box = expected[idx[0] * 5:(idx[0] + 1) * 5, idx[1] * 5:(idx[1] + 1) * 5]
            if raw is None:
                assert np.isnan(box).all()
                continue
            seen += 1
            decoded = np.frombuffer(numcodecs.Zstd().decode(raw), dtype="<f8").reshape(5, 5)
            np.testing.assert_array_equal(decoded, box)
        assert seen == a.cdata_shape[1]  # only the first row of chunks is written


def test_netcdf_has_no_raw_chunks(written) -> None:
    case = Case("raw-nc", "netcdf4", dtype="<f4", shape=(4, 4), chunks=(2, 2), codec="zlib")
    store, path = written(case)
    with zarrjvm.open_array(store, path, backend="netcdf-java") as a:
        with pytest.raises(zarrjvm.UnsupportedError, match="stored bytes"):
            a.read_chunk_raw((0, 0))
