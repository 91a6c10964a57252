"""NumPy's protocols on JvmArray, and errors that keep their type: a NumPy error raised while a temporary view on
Java's memory is being released (a failing call on ``a[0:3, 0:3]``) is the same error, of the same type, as on a
plain NumPy array — releasing Java memory never touches Python's pending exception."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm

DATA = np.arange(100, dtype="<f4").reshape(10, 10)


@pytest.fixture(scope="module")
def arr(tmp_path_factory: pytest.TempPathFactory) -> zarrjvm.JvmArray:
    import zarr

    d = tmp_path_factory.mktemp("np")
    z = zarr.create_array(str(d / "a.zarr"), shape=DATA.shape, chunks=(5, 5), dtype="<f4", zarr_format=3)
    z[:] = DATA
    return zarrjvm.open_array(d / "a.zarr")


@pytest.fixture(scope="module")
def scalar(tmp_path_factory: pytest.TempPathFactory) -> zarrjvm.JvmArray:
    import zarr

    d = tmp_path_factory.mktemp("np0")
    z = zarr.create_array(str(d / "s.zarr"), shape=(), dtype="<i8", zarr_format=3)
    z[()] = 42
    return zarrjvm.open_array(d / "s.zarr")


#: NumPy errors, each applied to a temporary view (it dies while the error propagates) and to a plain array
FAILING: dict[str, Callable[[np.ndarray], Any]] = {
    "reshape to the wrong size": lambda v: v.reshape(7),
    "float index": lambda v: v[1.5],
    "index out of bounds": lambda v: v[99, 0],
    "too many indices": lambda v: v[0, 0, 0],
    "assign into a read-only view": lambda v: v.__setitem__((0, 0), 5),
    "in-place add on a read-only view": lambda v: v.__iadd__(1),
    "unknown dtype": lambda v: v.astype("not-a-dtype"),
    "ufunc on a string": lambda v: np.add(v, "x"),
    "broadcast mismatch": lambda v: v + np.ones(7),
    "axis out of range": lambda v: v.sum(axis=5),
    "boolean mask of the wrong shape": lambda v: v[np.ones(4, dtype=bool)],
}


def _error(f: Callable[[], Any]) -> tuple[type, str]:
    """The type and message of what ``f()`` raises (its traceback, holding frames and their views, is let go)."""
    try:
        f()
    except BaseException as e:
        return type(e), str(e)
    raise AssertionError("no error")


@pytest.mark.parametrize("name", list(FAILING))
@pytest.mark.parametrize("view", ["region", "chunk"])
def test_numpy_errors_keep_their_type(arr: zarrjvm.JvmArray, allocator_baseline, name: str, view: str) -> None:
    op = FAILING[name]
    if view == "region":
        got = _error(lambda: op(arr[0:3, 0:3]))  # the view is a temporary: released while the error propagates
        want = _error(lambda: op(_readonly(DATA[0:3, 0:3])))
    else:
        got = _error(lambda: op(arr.read_chunk((0, 0))))
        want = _error(lambda: op(_readonly(DATA[:5, :5])))
    assert got == want, f"{got} (NumPy: {want})"
    gc.collect()
    assert allocator_baseline() == 0, "the temporary view's Java memory was returned"


def _readonly(a: np.ndarray) -> np.ndarray:
    v = a.copy()
    v.flags.writeable = False
    return v


def test_array_protocol_copies_when_asked(arr: zarrjvm.JvmArray) -> None:
    copied = np.array(arr)  # NumPy 2 passes copy=True
    assert copied.flags.writeable and copied.flags.owndata
    assert_same(copied, DATA)
    copied[0, 0] = -1  # a copy: Java's memory is untouched
    assert arr[0, 0] == 0
    also = np.copy(arr)
    assert also.flags.writeable and also.flags.owndata
    view = np.asarray(arr)  # copy=None: the view on Java's memory, no copy
    assert not view.flags.writeable
    assert_same(view, DATA)
    same = np.array(arr, copy=False)
    assert not same.flags.writeable
    with pytest.raises(ValueError, match="needs a copy"):
        np.array(arr, dtype="f8", copy=False)
    assert_same(np.asarray(arr, dtype="f8"), DATA.astype("f8"))


def test_sizes_as_numpy_has_them(arr: zarrjvm.JvmArray, scalar: zarrjvm.JvmArray) -> None:
    assert (arr.itemsize, arr.nbytes, len(arr)) == (DATA.itemsize, DATA.nbytes, len(DATA))
    assert (scalar.itemsize, scalar.nbytes, scalar.size, scalar.ndim) == (8, 8, 1, 0)
    with pytest.raises(TypeError, match="len\\(\\) of unsized object"):
        len(scalar)
    with pytest.raises(TypeError, match="len\\(\\) of unsized object"):
        len(np.array(1))


def test_0d_arrays_behave_like_numpys(scalar: zarrjvm.JvmArray, arr: zarrjvm.JvmArray) -> None:
    ref = np.array(42, dtype="<i8")
    got = scalar[()]
    assert type(got) is type(ref[()]) and got == 42  # a NumPy scalar, as ref[()]
    assert scalar[...].shape == () and scalar[...].ndim == 0
    assert float(scalar) == 42.0 and int(scalar) == 42 and complex(scalar) == 42
    assert arr[()].shape == DATA.shape  # a[()] on an n-d array is the whole array, as in NumPy
    with pytest.raises(TypeError, match="only arrays of one element"):
        float(arr)


def test_read_chunk_with_the_wrong_rank_says_so(arr: zarrjvm.JvmArray) -> None:
    with pytest.raises(zarrjvm.OutOfBoundsError, match=r"have 1 value\(s\), but .* has 2 dimension\(s\)"):
        arr.read_chunk(0)
