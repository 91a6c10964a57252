"""Judging one cell of the matrix: ``pass``, ``fail`` (values differ: where and what), ``error`` (what was raised) or
``unsupported`` (declared by a capability table; decided before anything runs).

Values are compared element-wise with the writer's source data (:meth:`Case.expected`): same shape, same kind and
width of dtype, equal values with NaN equal to NaN. Attributes are compared when the case has some and the reader hands
them out for the format.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .cases import Case

PASS, FAIL, ERROR, UNSUPPORTED = "pass", "fail", "error", "unsupported"
STATUSES = (PASS, FAIL, ERROR, UNSUPPORTED)

#: Java link failures against netCDF-Java 5.x-only members of ``ucar.ma2`` (the Central-only cdm 4.5.5 lacks them).
_CENTRAL_ONLY = re.compile(r"(NoSuchMethodError|NoSuchFieldError)\b.*?(ucar\.ma2|\b(UBYTE|USHORT|UINT|ULONG)\b)", re.S)


def _scalar(v: Any) -> Any:
    """A JSON-friendly spelling of one element (NaN and infinities as strings)."""
    if isinstance(v, (np.floating, float)):
        f = float(v)
        if np.isnan(f):
            return "NaN"
        if np.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer, int)):
        return int(v)
    return repr(v)


def compare_values(got: np.ndarray, expected: np.ndarray) -> dict[str, Any] | None:
    """None when equal; otherwise what differs: shape, dtype, or the first differing index with both values."""
    got = np.asarray(got)
    if got.shape != expected.shape:
        return {"reason": "shape", "expected": list(expected.shape), "got": list(got.shape)}
    gk, ek = (got.dtype.kind, got.dtype.itemsize), (expected.dtype.kind, expected.dtype.itemsize)
    if gk != ek:
        return {"reason": "dtype", "expected": expected.dtype.str, "got": got.dtype.str}
    if expected.dtype.kind == "f":
        same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    else:
        same = got == expected
    if bool(np.all(same)):
        return None
    bad = ~np.asarray(same)
    idx = tuple(int(i) for i in np.argwhere(bad)[0]) if got.ndim else ()
    return {
        "reason": "values", "index": list(idx), "expected": _scalar(expected[idx]), "got": _scalar(got[idx]),
        "n_differ": int(bad.sum()), "n": int(expected.size),
    }


def compare_kind(got: np.ndarray, expected: np.ndarray, kind: str) -> dict[str, Any] | None:
    """:func:`compare_values` for text and variable-length data (:data:`.cases.TEXT_KINDS`), element-wise whatever
    container the reader uses (numpy ``StringDType``, object, ``U``/``S``): strings equal as Python ``str``, bytes and
    char as ``bytes``, enum values as integers, compound per field, vlen per element with numpy equality (same base
    kind and width)."""
    got = np.asarray(got)
    if got.shape != expected.shape:
        return {"reason": "shape", "expected": list(expected.shape), "got": list(got.shape)}
    if kind == "enum":
        return compare_values(got, expected)
    if kind == "compound":
        names = list(expected.dtype.names or ())
        if list(got.dtype.names or ()) != names:
            return {"reason": "fields", "expected": names, "got": list(got.dtype.names or ())}
        for name in names:
            diff = compare_values(got[name], expected[name])
            if diff is not None:
                return {**diff, "field": name}
        return None
    want_type: type = str if kind in ("string", "unicode") else bytes if kind in ("bytes", "char") else np.ndarray
    g, w = got.reshape(-1), expected.reshape(-1)
    bad = [i for i in range(w.size) if not _element_equal(g[i], w[i], want_type)]
    if not bad:
        return None
    i = bad[0]
    idx = [int(x) for x in np.unravel_index(i, expected.shape)] if expected.ndim else []
    return {"reason": "values", "index": idx, "expected": _element(w[i]), "got": _element(g[i]),
            "got_type": type(g[i]).__name__, "n_differ": len(bad), "n": int(w.size)}


def _element_equal(got: Any, want: Any, want_type: type) -> bool:
    if want_type is np.ndarray:
        if not isinstance(got, np.ndarray):
            return False
        gk, wk = (got.dtype.kind, got.dtype.itemsize), (want.dtype.kind, want.dtype.itemsize)
        return gk == wk and got.shape == want.shape and bool(np.array_equal(got, want))
    return isinstance(got, want_type) and want_type(got) == want_type(want)


def _element(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return [_scalar(x) for x in v.tolist()]
    return v.item() if isinstance(v, np.generic) and not isinstance(v, (np.bytes_, np.str_)) else repr(v)


def compare_attrs(got: dict[str, Any] | None, expected: dict[str, Any]) -> dict[str, Any] | None:
    """None when every expected attribute is there with an equal value (extra attributes are allowed)."""
    if not expected or got is None:
        return None
    for k, v in expected.items():
        if k not in got:
            return {"reason": "attrs", "key": k, "expected": v, "got": "<missing>"}
        if not _attr_equal(got[k], v):
            return {"reason": "attrs", "key": k, "expected": v, "got": _jsonable(got[k])}
    return None


def _attr_equal(a: Any, b: Any) -> bool:
    if isinstance(b, (list, tuple)):
        a_list = list(a) if isinstance(a, (list, tuple, np.ndarray)) else [a]
        return len(a_list) == len(b) and all(_attr_equal(x, y) for x, y in zip(a_list, b))
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and all(_attr_equal(a[k], b[k]) for k in b)
    if isinstance(b, float) or isinstance(a, float):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return bool(a == b)


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (np.generic, float)):
        return _scalar(v)
    return v


def judge(case: Case, got_values: np.ndarray, got_attrs: dict[str, Any] | None,
          expected: np.ndarray | None = None) -> tuple[str, dict[str, Any]]:
    """``(status, detail)`` of a finished read: pass, or fail with what differs."""
    want = case.expected() if expected is None else expected
    diff = compare_values(got_values, want) if case.kind is None else compare_kind(got_values, want, case.kind)
    if diff is None:
        diff = compare_attrs(got_attrs, case.attrs)
    if diff is None:
        detail: dict[str, Any] = {}
        if case.attrs and got_attrs is None:
            detail["attrs_checked"] = False
        return PASS, detail
    return FAIL, diff


def error_detail(exc: BaseException, stage: str) -> dict[str, Any]:
    """What an ``error`` cell records: the exception's class and message, the Java cause when there is one, the stage
    (``write`` or ``read``) and whether it is a link failure against the Central-only ``ucar.ma2``."""
    java_class = getattr(exc, "java_class", None)
    java_message = getattr(exc, "java_message", None)
    message = str(exc)
    detail: dict[str, Any] = {
        "stage": stage, "exception": type(exc).__name__, "message": message[:1500],
    }
    if java_class:
        detail["java_class"] = java_class
        detail["java_message"] = (java_message or "")[:600]
    text = f"{java_class or ''}: {java_message or ''} {message}"
    if _CENTRAL_ONLY.search(text):
        detail["central_only"] = True
        detail["label"] = ("Central-only: links against a netCDF-Java 5.x member of ucar.ma2 that edu.ucar:cdm:4.5.5 "
                           "lacks (not a defect of the library on 5.x)")
    return detail


def is_central_only(detail: dict[str, Any]) -> bool:
    return bool(detail.get("central_only"))
