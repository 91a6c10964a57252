"""The Python half of the Arrow C Data Interface exchange with the JVM.

Python allocates the two C structs, Java fills them (``Data.exportVector``) and Python imports them: the buffers stay in
Java's Arrow memory and are released back to Java (through the struct's release callback) when the last Python object
using them goes away. Nothing is copied across the boundary.

At interpreter exit JPype shuts the JVM down before Python frees module globals, so a view still alive then cannot be
handed back to Java. zarrjvm therefore interposes on each exported array's release callback: while the JVM runs it
forwards to Java's release; once the JVM module's stop callbacks have run (just before JPype's shutdown), it only
marks the struct released — the memory goes away with the process.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from pyarrow.cffi import ffi

from . import jvm
from .errors import ChunkDecodeError

_state: dict[str, Any] = {"alive": True, "java_release": {}, "lock": threading.Lock()}


def _release(c_array: Any, _ffi: Any = ffi, _state: dict[str, Any] = _state) -> None:
    try:
        key = int(_ffi.cast("uintptr_t", c_array.private_data))
        with _state["lock"]:
            java_release = _state["java_release"].pop(key, None)
        if _state["alive"] and java_release is not None:
            java_release(c_array)
        else:
            c_array.release = _ffi.NULL
    except BaseException:  # a release callback must not raise into C
        try:
            c_array.release = _ffi.NULL
        except BaseException:
            pass


_release_cb = ffi.callback("void(struct ArrowArray*)", _release)
# The callback must outlive every array, module teardown included: keep one reference forever.
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_release_cb))


def _jvm_going_down() -> None:
    _state["alive"] = False


jvm.on_stop(_jvm_going_down)


def arrow_type(dtype: np.dtype) -> pa.DataType:
    """The Arrow type Java exports for ``dtype`` (bool travels as uint8)."""
    if dtype.kind == "b":
        return pa.uint8()
    return pa.from_numpy_dtype(dtype.newbyteorder("="))


def new_structs(with_schema: bool = True) -> tuple[Any, Any]:
    """A fresh ``struct ArrowArray*`` for Java to export into, and a ``struct ArrowSchema*`` unless the caller knows
    the type (then no schema crosses: Java gets schema address 0)."""
    return ffi.new("struct ArrowArray*"), (ffi.new("struct ArrowSchema*") if with_schema else None)


def addresses(c_array: Any, c_schema: Any) -> tuple[int, int]:
    """The structs' addresses, as Java's ``ArrowArray.wrap`` / ``ArrowSchema.wrap`` take them (0: no schema)."""
    return int(ffi.cast("uintptr_t", c_array)), (0 if c_schema is None else int(ffi.cast("uintptr_t", c_schema)))


def import_structs(c_array: Any, c_schema: Any, type: pa.DataType | None = None) -> pa.Array:
    """Imports structs Java has filled (on any thread, before this call), routing their release through zarrjvm.
    Without a schema struct the array is imported as ``type``."""
    if c_array.release != ffi.NULL:
        key = int(ffi.cast("uintptr_t", c_array.private_data))
        with _state["lock"]:
            _state["java_release"][key] = c_array.release
        c_array.release = _release_cb
    array_addr, schema_addr = addresses(c_array, c_schema)
    return pa.Array._import_from_c(array_addr, type if c_schema is None else schema_addr)


def import_from_java(export: Callable[[int, int], None], type: pa.DataType | None = None) -> pa.Array:
    """Calls ``export(array_address, schema_address)`` (a Java export into the structs, through the bridge) and imports
    the result. With ``type`` given, no schema crosses: Java is passed schema address 0 and the array is imported as
    ``type``."""
    c_array, c_schema = new_structs(with_schema=type is None)
    export(*addresses(c_array, c_schema))
    return import_structs(c_array, c_schema, type)


def to_numpy(arr: pa.Array, shape: Sequence[int], dtype: np.dtype) -> np.ndarray:
    """A read-only numpy view of ``arr`` (no copy) with the array's shape; bool arrives as uint8 and is viewed as bool.

    ``dtype`` is the array's dtype as stored; the view has the same kind and size in native byte order.
    """
    if arr.null_count:
        raise ChunkDecodeError(f"Java exported {arr.null_count} null elements; decoded chunks never have nulls")
    flat = arr.to_numpy(zero_copy_only=True)
    if dtype.kind == "b":
        flat = flat.view(np.bool_)
    want = dtype.newbyteorder("=")
    if flat.dtype != want:
        raise ChunkDecodeError(f"Java exported {flat.dtype} for dtype {dtype}")
    return flat.reshape(tuple(shape))
