"""Assertions shared by the tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

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


#: how each declared limitation of a Java reader (``capabilities.limitation``'s reason) reads in the error Java raises:
#: (pattern on the reason, pattern the UnsupportedError's message must match, built from the reason's groups)
_LIMIT_MESSAGES: list[tuple[str, str]] = [
    (r"^(\S+) has no dtype (\w\d)$", r"{0} \S+ has no dtype [<>|]{1} \(it reads \["),
    (r"^(\S+) has no Zarr v2 codec '(\w+)'$", r"{0} \S+ has no Zarr v2 codec '{1}' \(it reads \["),
    (r"^(\S+) has no big-endian Zarr v2 dtypes$", r"{0} \S+ has no big-endian Zarr v2 dtypes \(>\w\d in "),
    (r"^(\S+) ignores the v2 'order' field \('F' would read transposed\)$",
     r"{0} \S+ ignores the v2 'order' field: F-order chunks would be read transposed"),
    (r"^(zarr-java) cannot read 0-d Zarr v2 arrays$", r"{0} \S+ derives the chunk key '' for 0-d Zarr v2 arrays"),
    (r"^(jzarr) cannot read 0-d Zarr v2 arrays$", r"{0} \S+ cannot read 0-d arrays \(no chunk key for them\)"),
    (r"^(netcdf-java) does not read NetCDF-3 variant '64bit_data'$",
     r"{0} \(.*\) cannot read CDF-5 \(NETCDF3_64BIT_DATA\) files"),
]


def declared_limit_message(why: str | Sequence[str]) -> str:
    """The regex an UnsupportedError's message must match to be the declared limitation ``why`` — or any of them, for
    a case with several (``capabilities.java_reader_limitations``) — and not some other refusal, such as a
    Central-only link failure. A reason with no entry here is an error: add its message."""
    import re

    reasons = [why] if isinstance(why, str) else list(why)
    out = []
    for r in reasons:
        for reason, message in _LIMIT_MESSAGES:
            m = re.match(reason, r)
            if m:
                out.append(message.format(*(re.escape(g) for g in m.groups())))
                break
        else:
            raise AssertionError(f"no message pattern for the declared limitation {r!r}: add one to "
                                 "helpers._LIMIT_MESSAGES")
    return "|".join(f"(?:{p})" for p in out)


class as_declared:
    """``with as_declared(why, defect): read()`` — the body of a strict ``xfail(raises=...)`` test: an error of the
    expected class that is not the declared limitation ``why`` (one reason, or all of a case's: any of them may be the
    one the reader meets first; an UnsupportedError whose message matches none) or
    not the known upstream ``defect`` (``Defect.matches``: class and message) becomes an AssertionError, so the xfail
    does not swallow it; the expected one propagates. Both None: the body runs unchanged."""

    def __init__(self, why: str | Sequence[str] | None, defect: Any = None) -> None:
        self.pattern = declared_limit_message(why) if why else None
        self.defect = None if why else defect

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, value: BaseException | None, tb: object) -> bool:
        import re

        import zarrjvm

        if value is None:
            return False
        if self.pattern is not None and isinstance(value, zarrjvm.UnsupportedError) \
                and not re.search(self.pattern, str(value)):
            raise AssertionError(f"UnsupportedError, but not the declared limitation /{self.pattern}/: {value}") \
                from value
        d = self.defect
        if d is not None and type(value).__name__ == d.error and not d.matches(value):
            raise AssertionError(f"{type(value).__name__}, but not the known defect {d.id}: {value}") from value
        return False


def in_thread(fn: Callable[[], None]) -> None:
    """Runs ``fn`` on a new thread and re-raises what it raised. h5py (and netCDF-C) write there: h5py's LZF compressor
    segfaults on the main thread of a process whose JVM has started there (measured: a core dump in lzf_compress, and a
    5-line script; likely the JVM's stack guard zone in the main thread's stack against LZF's large stack frame), on
    another thread it does not (docs/findings.md X1)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as e:  # re-raised on the caller's thread
            failure.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if failure:
        raise failure[0]
