"""Indexing as NumPy and zarr-python spell it, through every Java backend, against NumPy on the peer's values.

Arrays are written by zarr-python (v2, v3, sharded, with absent chunks), netCDF4 and h5py (with unallocated chunks);
Hypothesis draws selections of every kind (basic with any steps, Ellipsis and None; NumPy advanced indexing with
integer and boolean arrays; ``oindex``; ``vindex``; ``blocks``). Each result must equal NumPy's (or zarr-python's, for
``oindex``/``blocks``) on the peer's read, with the same shape, dtype and scalar-ness, and the reader must have read
exactly the chunks that hold selected elements (Java's chunk-read counter; the expectation is NumPy's selection of a
chunk-id array). netCDF-Java reads boxes itself, not chunks: it must have read exactly the boxes the selection is cut
into (one per run of neighbouring chunks along each independent axis, times one per chunk holding points).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import netCDF4
import numcodecs
import numpy as np
import pytest
import zarr
from helpers import assert_same
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zarrjvm
from zarrjvm import indexing

SETTINGS = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _data(shape: tuple[int, ...], dtype: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    return rng.integers(-1000, 1000, size=shape).astype(dtype)


def _write(root: Path) -> dict[str, tuple[str, str, str, np.ndarray, tuple[int, ...]]]:
    """name → (store, path, backend, peer's values, read-grid chunks)."""
    out: dict[str, tuple[str, str, str, np.ndarray, tuple[int, ...]]] = {}

    x = _data((23, 17, 9), "f4", 1)
    z = zarr.create_array(root / "v3.zarr", shape=x.shape, chunks=(5, 4, 3), dtype="f4", fill_value=-1.5)
    z[:10] = x[:10]
    z[15:] = x[15:]  # chunks along [10, 15) on axis 0 stay absent: fill value
    want = z[...]
    out["v3"] = (str(root / "v3.zarr"), "", "zarr-java", want, (5, 4, 3))

    x = _data((31, 13), "i2", 2)
    z = zarr.create_array(root / "v2.zarr", shape=x.shape, chunks=(6, 5), dtype="i2", zarr_format=2,
                          compressors=numcodecs.Zlib(level=1))
    z[:] = x
    out["v2-zarr-java"] = (str(root / "v2.zarr"), "", "zarr-java", x, (6, 5))
    out["v2-jzarr"] = (str(root / "v2.zarr"), "", "jzarr", x, (6, 5))

    x = np.arange(360, dtype="u2").reshape(20, 18)
    z = zarr.create_array(root / "sharded.zarr", shape=x.shape, chunks=(3, 3), shards=(6, 9), dtype="u2")
    z[:] = x
    out["sharded"] = (str(root / "sharded.zarr"), "", "zarr-java", x, (3, 3))

    x = _data((50,), "f8", 4)
    z = zarr.create_array(root / "one.zarr", shape=x.shape, chunks=(7,), dtype="f8")
    z[:] = x
    out["1d"] = (str(root / "one.zarr"), "", "zarr-java", x, (7,))

    x = _data((19, 22), "i4", 5)
    with netCDF4.Dataset(root / "f.nc", "w") as nc:
        nc.createDimension("y", 19)
        nc.createDimension("x", 22)
        v = nc.createVariable("v", "i4", ("y", "x"), chunksizes=(5, 7), zlib=True)
        v[:] = x
    out["netcdf"] = (str(root / "f.nc"), "v", "netcdf-java", x, (5, 7))

    x = _data((13, 16, 9), "f8", 6)
    with h5py.File(root / "f.h5", "w") as h:
        d = h.create_dataset("v", shape=x.shape, chunks=(4, 5, 3), dtype="f8", fillvalue=-2.5, compression="gzip",
                             shuffle=True)
        d[:8] = x[:8]
        d[12:] = x[12:]  # the chunks along [8, 12) on axis 0 are never allocated: fill value
    with h5py.File(root / "f.h5", "r") as h:
        out["jhdf"] = (str(root / "f.h5"), "v", "jhdf", h["v"][...], (4, 5, 3))
    return out


@pytest.fixture(scope="module")
def arrays(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[zarrjvm.JvmArray, np.ndarray, np.ndarray, str]]:
    """name → (the JvmArray, the peer's values, the chunk id of every element, the store)."""
    out = {}
    for name, (store, path, backend, want, chunks) in _write(tmp_path_factory.mktemp("indexing")).items():
        a = zarrjvm.open_array(store, path, backend=backend)
        assert a.chunks == chunks
        grid = tuple(-(-s // c) for s, c in zip(want.shape, chunks))
        ids = np.ravel_multi_index(np.meshgrid(*(np.arange(s) // c for s, c in zip(want.shape, chunks)),
                                               indexing="ij"), grid) if want.ndim else np.zeros((), np.intp)
        out[name] = (a, want, ids, store)
    return out


NAMES = ["v3", "v2-zarr-java", "v2-jzarr", "sharded", "1d", "netcdf", "jhdf"]


# -- strategies ---------------------------------------------------------------------------------------------------
def _slice(n: int) -> st.SearchStrategy[slice]:
    bound = st.one_of(st.none(), st.integers(-n - 3, n + 3))
    step = st.one_of(st.none(), st.integers(-n - 2, n + 2).filter(lambda s: s != 0))
    return st.builds(slice, bound, bound, step)


def _int(n: int) -> st.SearchStrategy[int]:
    return st.integers(-n, n - 1)


def _int_array(n: int, max_dims: int = 1) -> st.SearchStrategy[np.ndarray]:
    shape = st.lists(st.integers(0, 4), min_size=1, max_size=max_dims).map(tuple)
    return shape.flatmap(lambda s: st.lists(st.integers(-n, n - 1), min_size=math.prod(s), max_size=math.prod(s))
                         .map(lambda v: np.array(v, dtype=np.intp).reshape(s)))


def _mask(n: int) -> st.SearchStrategy[np.ndarray]:
    return st.lists(st.booleans(), min_size=n, max_size=n).map(np.array)


@st.composite
def basic_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[Any, ...]:
    key: list[Any] = [draw(st.one_of(_int(n), _slice(n))) for n in shape[:draw(st.integers(0, len(shape)))]]
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), Ellipsis)
    for _ in range(draw(st.integers(0, 2))):
        key.insert(draw(st.integers(0, len(key))), None)
    return tuple(key)


@st.composite
def advanced_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """NumPy advanced indexing: one or more axes get integer arrays (broadcastable) or a boolean mask."""
    key: list[Any] = [draw(st.one_of(_int(n), _slice(n))) for n in shape]
    axes = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    common = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple))
    for d in axes:
        if len(axes) == 1 and draw(st.booleans()):
            key[d] = draw(_mask(shape[d]))
        elif len(axes) == 1:
            key[d] = draw(_int_array(shape[d], max_dims=2))
        else:
            key[d] = draw(st.lists(st.integers(-shape[d], shape[d] - 1), min_size=math.prod(common),
                                   max_size=math.prod(common)).map(lambda v: np.array(v, np.intp).reshape(common)))
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    return tuple(key)


@st.composite
def orthogonal_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[Any, ...]:
    return tuple(draw(st.one_of(_int(n), _slice(n), _int_array(n), _mask(n), _int_array(n).map(list)))
                 for n in shape)


@st.composite
def coordinate_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    if draw(st.booleans()):
        return draw(st.lists(st.booleans(), min_size=math.prod(shape), max_size=math.prod(shape))
                    .map(lambda v: np.array(v).reshape(shape)))
    common = draw(st.lists(st.integers(0, 4), min_size=1, max_size=2).map(tuple))
    return tuple(draw(st.lists(st.integers(-n, n - 1), min_size=math.prod(common), max_size=math.prod(common))
                      .map(lambda v: np.array(v, np.intp).reshape(common))) for n in shape)


def _orthogonal_numpy(x: np.ndarray, key: tuple[Any, ...]) -> Any:
    arrays, index = [], []
    for k, n in zip(key, x.shape):
        if isinstance(k, slice):
            arrays.append(np.arange(n)[k])
            index.append(slice(None))
        elif isinstance(k, (int, np.integer)):
            arrays.append(np.array([k]))
            index.append(0)
        else:
            k = np.asarray(k)
            arrays.append(np.flatnonzero(k) if k.dtype == bool else k.astype(np.intp))
            index.append(slice(None))
    return x[np.ix_(*arrays)][tuple(index)]


def _boxes(sel: indexing.Selection, chunks: tuple[int, ...]) -> int:
    """The boxes a selection is read in: along each independent axis one per run of neighbouring chunks it touches,
    and one per chunk holding points (counted from the positions, not from the plan)."""
    n = 1
    for d, pos in sel.orth.items():
        touched = np.unique(np.asarray(pos, dtype=np.intp) // chunks[d])
        n *= int(touched.size and 1 + np.count_nonzero(np.diff(touched) > 1))
    if sel.point_axes:
        ids = np.stack([p // chunks[d] for d, p in zip(sel.point_axes, sel.points)], axis=-1)
        n *= len(np.unique(ids, axis=0))
    return n


def _check(a: zarrjvm.JvmArray, want: np.ndarray, ids: np.ndarray, read: Callable[[], Any],
           chunk_ids: np.ndarray, sel: indexing.Selection) -> None:
    """``read()`` equals ``want`` (shape, dtype, scalar or array) and read exactly the chunks in ``chunk_ids`` (with
    netCDF-Java, which reads boxes itself and no chunks: exactly the boxes ``sel`` is cut into)."""
    before = a.read_counts()
    got = read()
    after = a.read_counts()
    assert isinstance(got, np.ndarray) == isinstance(want, np.ndarray), (type(got), type(want))
    assert_same(np.asarray(got), np.asarray(want))
    boxes = _boxes(sel, a.chunks) if a.backend == "netcdf-java" else 0
    chunks = 0 if a.backend == "netcdf-java" else len(np.unique(chunk_ids))
    assert (after["chunks"] - before["chunks"], after["boxes"] - before["boxes"]) == (chunks, boxes), "chunks, boxes"


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_numpy_indexing_equals_numpy(arrays: dict, name: str, data: st.DataObject) -> None:
    a, x, ids, _ = arrays[name]
    key = data.draw(st.one_of(basic_keys(x.shape), advanced_keys(x.shape)), label="key")
    try:
        want = x[key]
    except IndexError as e:
        with pytest.raises(IndexError):
            a[key]
        assert "out of bounds" in str(e) or "mismatch" in str(e) or "broadcast" in str(e), e
        return
    _check(a, want, ids, lambda: a[key], ids[key], indexing.numpy_selection(key, a.shape))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_oindex_vindex_blocks_equal_numpy(arrays: dict, name: str, data: st.DataObject) -> None:
    a, x, ids, _ = arrays[name]
    kind = data.draw(st.sampled_from(["oindex", "vindex", "blocks"]), label="kind")
    if kind == "oindex":
        key = data.draw(orthogonal_keys(x.shape), label="key")
        _check(a, _orthogonal_numpy(x, key), ids, lambda: a.oindex[key], _orthogonal_numpy(ids, key),
               indexing.orthogonal_selection(key, a.shape))
    elif kind == "vindex":
        key = data.draw(coordinate_keys(x.shape), label="key")
        _check(a, x[key], ids, lambda: a.vindex[key], ids[key], indexing.coordinate_selection(key, a.shape))
    else:
        grid = a.cdata_shape
        key = tuple(data.draw(st.one_of(st.integers(-g, g - 1), st.builds(slice, st.none() | st.integers(-g, g),
                                                                            st.none() | st.integers(-g, g))))
                    for g in grid)
        box = tuple(_block_slice(k, g, c) for k, g, c in zip(key, grid, a.chunks))
        _check(a, x[box], ids, lambda: a.blocks[key], ids[box], indexing.block_selection(key, a.shape, a.chunks))


def _block_slice(k: Any, nblocks: int, chunk: int) -> slice:
    if isinstance(k, int):
        k %= nblocks
        return slice(k * chunk, (k + 1) * chunk)
    start, stop, _ = k.indices(nblocks)
    return slice(start * chunk, max(start, stop) * chunk)


def test_blocks_equal_zarr_python(arrays: dict) -> None:
    a, _, _, store = arrays["v3"]
    z = zarr.open_array(store, mode="r")
    for key in [(0, 0, 0), (1,), (slice(1, 3), -1), (Ellipsis, slice(None, 2)), (-1, -1, -1)]:
        assert_same(a.blocks[key], z.blocks[key])


@pytest.mark.parametrize("name", ["v3", "netcdf"])
def test_get_async_equals_getitem(arrays: dict, name: str) -> None:
    a, x, _, _ = arrays[name]
    keys = [np.s_[...], np.s_[1, ::3], np.s_[[0, -1], ..., ::-2], np.s_[x > 0] if x.ndim == 2 else np.s_[x[..., 0] > 0]]
    for key in keys:
        got = asyncio.run(a.get_async(key))
        assert_same(got, x[key])


@pytest.mark.parametrize("key,error,match", [
    (np.s_[0, 0, 0, 0], IndexError, "too many indices"),
    (np.s_[..., ...], IndexError, "single ellipsis"),
    (np.s_[1.5], IndexError, "valid indices"),
    (np.s_[[1, 2], [1, 2, 3]], IndexError, "broadcast"),
    (np.s_[23], zarrjvm.OutOfBoundsError, "index 23 is out of bounds for axis 0 with size 23"),
    (np.s_[:, [0, -18]], zarrjvm.OutOfBoundsError, "index -18 is out of bounds for axis 1 with size 17"),
    (np.s_[np.ones((2, 2), bool)], IndexError, "does not match"),
])
def test_bad_selections_are_index_errors_naming_the_cause(arrays: dict, key: Any, error: type, match: str) -> None:
    a, x, _, _ = arrays["v3"]
    with pytest.raises(IndexError):
        x[key]  # NumPy refuses it too
    with pytest.raises(error, match=match):
        a[key]


def test_oindex_vindex_refuse_what_they_do_not_take(arrays: dict) -> None:
    a = arrays["v3"][0]
    with pytest.raises(IndexError, match="one-dimensional"):
        a.oindex[np.zeros((2, 2), int)]
    with pytest.raises(IndexError, match="one integer array per dimension"):
        a.vindex[[1, 2]]
    with pytest.raises(IndexError, match="step 1"):
        a.blocks[::2]
    with pytest.raises(IndexError, match="newaxis"):
        a.oindex[None]
    with pytest.raises(IndexError, match="boolean scalar"):
        a[True]  # NumPy adds an axis for it; zarr-python refuses it, as zarrjvm does
