"""Assertions shared by the tests."""

from __future__ import annotations

import numpy as np


def assert_same(actual: np.ndarray, expected: np.ndarray) -> None:
    """Element-wise equality, NaN equal to NaN, with the first differing index in the message."""
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    assert actual.dtype.newbyteorder("=") == expected.dtype.newbyteorder("="), \
        f"dtype {actual.dtype} != {expected.dtype}"
    if expected.dtype.kind == "f":
        same = (actual == expected) | (np.isnan(actual) & np.isnan(expected))
    else:
        same = actual == expected
    if not np.all(same):
        idx = tuple(int(i) for i in np.argwhere(~same)[0])
        raise AssertionError(
            f"{int((~same).sum())} of {same.size} elements differ; first at {idx}: {actual[idx]!r} != {expected[idx]!r}"
        )
