"""The Python half of feeding a Java writer: numpy → pyarrow (no copy) → Arrow C Data Interface → Java.

Python exports a pyarrow array that wraps the numpy buffer into two C structs it owns; Java imports it
(``Data.importVector``) without copying and hands it to zarr-java, jzarr or netCDF-Java (``dev.zarrjvm.compat``, the
compat jar, loaded on its own class loader). Java releases the import when it is done, which drops pyarrow's reference
to the numpy buffer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from .. import _bridge
from ..arrow import export_to_java
from .cases import Case

_ARROW_TYPES = {
    "b1": pa.uint8(), "i1": pa.int8(), "i2": pa.int16(), "i4": pa.int32(), "i8": pa.int64(),
    "u1": pa.uint8(), "u2": pa.uint16(), "u4": pa.uint32(), "u8": pa.uint64(), "f4": pa.float32(), "f8": pa.float64(),
}


def numpy_to_arrow(values: np.ndarray) -> pa.Array:
    """A flat pyarrow array over ``values``' own buffer (C order, native byte order; bool as uint8). No copy."""
    if not values.flags.c_contiguous or not values.dtype.isnative:
        raise ValueError("numpy_to_arrow needs a C-contiguous array in native byte order")
    kind = f"{values.dtype.kind}{values.dtype.itemsize}"
    flat = values.reshape(-1)
    if values.dtype.kind == "b":
        flat = flat.view(np.uint8)
    return pa.Array.from_buffers(_ARROW_TYPES[kind], flat.size, [None, pa.py_buffer(flat)], null_count=0)


def _fill_text(case: Case) -> str | None:
    f = case.fill_scalar()
    if f is None:
        return None
    if case.np_dtype.kind == "b":
        return "1" if bool(f) else "0"
    if case.np_dtype.kind == "f":
        v = float(f)
        if np.isnan(v):
            return "NaN"
        if np.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return repr(v)
    return str(int(f))


def write_spec(case: Case) -> dict[str, Any]:
    """The JSON document ``dev.zarrjvm.compat.WriteSpec`` reads: the case, plus the region the data covers."""
    region = case.written_region()
    offset = [s.start or 0 for s in region]
    shape = [len(range(*s.indices(n))) for s, n in zip(region, case.shape)]
    return {
        "format": case.format, "path": case.array_path, "dtype": case.np_dtype.str, "shape": list(case.shape),
        "chunks": list(case.chunks), "codec": case.codec, "order": case.order, "separator": case.separator,
        "fill": _fill_text(case), "shards": None if case.shards is None else list(case.shards),
        "index_location": case.index_location, "attrs": case.attrs, "variant": case.variant,
        "unlimited": case.unlimited, "region_offset": offset, "region_shape": shape,
    }


def write_java(writer: str, case: Case, store: str | Path, *, shims: bool = True) -> dict[str, Any]:
    """Writes ``case`` with the Java library ``writer`` at ``store``. Returns Java's answer: ``notes`` (shims used) and
    ``data_address`` (where Java saw the elements), plus ``numpy_address`` (the numpy buffer's address): equal when
    nothing was copied across the boundary."""
    values = np.ascontiguousarray(case.data()[case.written_region()])
    arr = numpy_to_arrow(values)
    writers = _bridge.compat_writers()
    spec = json.dumps(write_spec(case))
    out = json.loads(str(export_to_java(arr, lambda a, s: _bridge.java_call(
        lambda: writers.write(writer, str(store), spec, a, s, shims)))))
    out["numpy_address"] = int(values.ctypes.data) if values.size else 0
    return out
