"""Inputs the readers misread without failing, measured with zarrjvm's guards off (``checks=False``).

These are why the adapters refuse them by default (UnsupportedError): without the guard a user gets plausible wrong
numbers. If an upstream release fixes one, its test here fails and the guard can go.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm
from zarrjvm.compat.cases import Case

F_ORDER = Case("defect-order-F", "zarr-v2", dtype="<i4", shape=(20, 30), chunks=(10, 15), codec="zlib", order="F")


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_v2_order_F_is_read_as_C(written, backend: str) -> None:
    store, path = written(F_ORDER)
    expected = F_ORDER.expected()
    with pytest.raises(zarrjvm.UnsupportedError, match="ignores the v2 'order' field"):
        zarrjvm.open_array(store, path, backend=backend)
    with zarrjvm.open_array(store, path, backend=backend, checks=False) as a:
        got = a[...]
        assert not np.array_equal(got, expected)
        # precisely: each chunk's F-ordered bytes are taken as C order
        for (i, j), chunk in a.iter_chunks():
            want = expected[i * 10:(i + 1) * 10, j * 15:(j + 1) * 15]
            assert_same(chunk, want.flatten(order="F").reshape(want.shape))


def test_jzarr_ignores_filters(tmp_path) -> None:
    import numcodecs
    import zarr

    data = np.arange(200, dtype="<i4").reshape(10, 20) * 3
    z = zarr.create_array(str(tmp_path / "delta.zarr"), shape=data.shape, chunks=(5, 10), dtype="<i4", zarr_format=2,
                          filters=[numcodecs.Delta(dtype="<i4")], compressors=numcodecs.Zlib())
    z[:] = data
    with pytest.raises(zarrjvm.UnsupportedError, match="ignores v2 'filters'"):
        zarrjvm.open_array(tmp_path / "delta.zarr", backend="jzarr")
    with zarrjvm.open_array(tmp_path / "delta.zarr", backend="jzarr", checks=False) as a:
        got = a[...]
    assert not np.array_equal(got, data)
    # the delta-encoded values come back as they are stored
    assert_same(got[:5, :10], numcodecs.Delta(dtype="<i4").encode(data[:5, :10].copy()).reshape(5, 10))
    # zarr-java fails loudly on the unknown filter id instead
    with pytest.raises(zarrjvm.UnsupportedError, match="delta"):
        zarrjvm.open_array(tmp_path / "delta.zarr", backend="zarr-java")
