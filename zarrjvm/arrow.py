"""The Python half of the Arrow C Data Interface exchange with the JVM.

Python allocates the two C structs (plain ``ctypes`` structures with the interface's layout), Java fills them
(``Data.exportVector``) and pyarrow imports them: the buffers stay in Java's Arrow memory and are released back to Java
by the struct's release callback — Arrow Java's own, native, code — when the last Python object using them goes away.
Nothing is copied across the boundary, and no Python code runs when memory is released: a release that happens while
an exception is propagating (a temporary view dropped by a failing NumPy call) leaves the exception as it is.

A view can outlive the JVM's normal shutdown at interpreter exit (a module global, say). The stop callback here
(:func:`zarrjvm.jvm.on_stop`) then asks JPype to leave the JVM running to the end of the process, so those late
releases still reach a live JVM.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from . import jvm
from .errors import ChunkDecodeError


class ArrowSchema(ctypes.Structure):
    """``struct ArrowSchema`` of the Arrow C Data Interface."""

    _fields_ = [("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
                ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64), ("children", ctypes.c_void_p),
                ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p), ("private_data", ctypes.c_void_p)]


class ArrowArray(ctypes.Structure):
    """``struct ArrowArray`` of the Arrow C Data Interface."""

    _fields_ = [("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
                ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64), ("buffers", ctypes.c_void_p),
                ("children", ctypes.c_void_p), ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p),
                ("private_data", ctypes.c_void_p)]


def _keep_the_jvm_for_live_views() -> None:
    """At interpreter exit, before JPype shuts the JVM down: if Python still holds Java's Arrow memory (views in module
    globals), the JVM is left running to the end of the process, so those views' releases reach a live JVM."""
    from . import _bridge

    try:
        held = int(_bridge.call(lambda z: z.arrowAllocatedBytes()))
    except Exception:  # the JVM is already going: nothing to decide
        return
    if held:
        import jpype.config

        jpype.config.destroy_jvm = False
        # JPype stops its reference queue only when it destroys the JVM. Left running, its Java thread would take the
        # GIL during Python's finalization, where CPython ends such threads with pthread_exit: JPype's native frames
        # swallow that unwind and glibc aborts the process ("FATAL: exception not rethrown"). Stopped here, before
        # finalization, it releases what Java still holds of Python's objects on this thread.
        try:
            _bridge.stop_reference_queue()
        except Exception:
            pass


jvm.on_stop(_keep_the_jvm_for_live_views)


def arrow_type(dtype: np.dtype, vlen: np.dtype | None = None) -> pa.DataType:
    """The Arrow type Java exports for ``dtype`` as stored (bool travels as uint8, fixed-length byte strings ``S<n>``
    as ``fixed_size_binary(n)``, text (``object``) as ``large_utf8``, variable-length sequences of ``vlen`` (also
    ``object``) as ``large_list`` of it)."""
    if vlen is not None:
        return pa.large_list(pa.field("item", arrow_type(vlen), nullable=False))
    if dtype.kind == "b":
        return pa.uint8()
    if dtype.kind == "S":
        return pa.binary(dtype.itemsize)
    if dtype.kind == "O":
        return pa.large_utf8()
    return pa.from_numpy_dtype(dtype.newbyteorder("="))


def new_structs(with_schema: bool = True) -> tuple[ArrowArray, ArrowSchema | None]:
    """A fresh (zeroed, released) ``struct ArrowArray`` for Java to export into, and a ``struct ArrowSchema`` unless the
    caller knows the type (then no schema crosses: Java gets schema address 0)."""
    return ArrowArray(), (ArrowSchema() if with_schema else None)


def addresses(c_array: ArrowArray, c_schema: ArrowSchema | None) -> tuple[int, int]:
    """The structs' addresses, as Java's ``ArrowArray.wrap`` / ``ArrowSchema.wrap`` take them (0: no schema)."""
    return ctypes.addressof(c_array), (0 if c_schema is None else ctypes.addressof(c_schema))


def import_structs(c_array: ArrowArray, c_schema: ArrowSchema | None, type: pa.DataType | None = None) -> pa.Array:
    """Imports structs Java has filled (on any thread, before this call); pyarrow takes them over (they are marked
    released). Without a schema struct the array is imported as ``type``."""
    array_addr, schema_addr = addresses(c_array, c_schema)
    return pa.Array._import_from_c(array_addr, type if c_schema is None else schema_addr)


def import_from_java(export: Callable[[int, int], None], type: pa.DataType | None = None) -> pa.Array:
    """Calls ``export(array_address, schema_address)`` (a Java export into the structs, through the bridge) and imports
    the result. With ``type`` given, no schema crosses: Java is passed schema address 0 and the array is imported as
    ``type``."""
    c_array, c_schema = new_structs(with_schema=type is None)
    export(*addresses(c_array, c_schema))
    return import_structs(c_array, c_schema, type)


def export_to_java(values: pa.Array, use: Callable[[int, int], Any]) -> Any:
    """Exports ``values`` into fresh structs and calls ``use(array_address, schema_address)`` (Java imports them and
    owns them from then on); if Java did not take them, they are released here. Returns what ``use`` returns."""
    c_array, c_schema = ArrowArray(), ArrowSchema()
    a_addr, s_addr = addresses(c_array, c_schema)
    values._export_to_c(a_addr, s_addr)
    try:
        return use(a_addr, s_addr)
    finally:
        if c_array.release:  # Java failed before importing: the export is still ours to release
            pa.Array._import_from_c(a_addr, s_addr)
        elif c_schema.release:
            pa.DataType._import_from_c(s_addr)


def writable(view: np.ndarray) -> np.ndarray:
    """A writable array over the memory of ``view``, a read-only, C-contiguous view on a buffer Java exported to this
    process (a :func:`to_numpy` result, or a contiguous piece of one); any other read-only array is copied.

    The buffer is this process's alone (Java exported it and released its own reference), so writing into it changes
    nothing anyone else sees; it is read-only only because pyarrow's buffers are immutable. Consumers that own what
    they are handed (xarray's data) get it without a copy; the new array keeps ``view`` and so the buffer alive."""
    if view.flags.writeable:
        return view
    if not view.flags.c_contiguous or view.nbytes == 0:
        return view.copy()
    raw = (ctypes.c_byte * view.nbytes).from_address(view.ctypes.data)
    raw._keep = view  # type: ignore[attr-defined]
    return np.frombuffer(memoryview(raw), dtype=view.dtype).reshape(view.shape)


def to_numpy(arr: pa.Array, shape: Sequence[int], dtype: np.dtype, encoding: str | None = None) -> np.ndarray:
    """A read-only numpy view of ``arr`` (no copy) with the array's shape; bool arrives as uint8 and is viewed as bool.

    ``dtype`` is the array's dtype as stored; the view has the same kind and size in native byte order. Fixed-length
    byte strings (``S<n>``) are a view too; text (``large_utf8``) becomes an object array of ``str`` (a copy: Python
    strings are objects); with ``encoding``, byte strings are decoded into a fresh ``U<n>`` array, as netCDF4-python's
    ``chartostring`` does.
    """
    if arr.null_count:
        raise ChunkDecodeError(f"Java exported {arr.null_count} null elements; decoded chunks never have nulls")
    if dtype.kind == "O":
        if not (pa.types.is_large_string(arr.type) or pa.types.is_large_list(arr.type)):
            raise ChunkDecodeError(f"Java exported {arr.type} for text or vlen sequences")
        if pa.types.is_large_list(arr.type):  # one numpy array per sequence, as h5py and netCDF4-python give them
            out = np.empty(len(arr), dtype=object)
            values = arr.values.to_numpy(zero_copy_only=True)
            offsets = arr.offsets.to_numpy()
            for i in range(len(arr)):
                out[i] = values[offsets[i]:offsets[i + 1]]
            return out.reshape(tuple(shape))
        return arr.to_numpy(zero_copy_only=False).reshape(tuple(shape))
    if dtype.kind == "S":
        if arr.type != pa.binary(dtype.itemsize):
            raise ChunkDecodeError(f"Java exported {arr.type} for dtype {dtype}")
        raw = np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * dtype.itemsize)
        raw = raw.reshape(tuple(shape))
        if encoding is None:
            return raw
        return np.char.decode(raw, encoding).astype(f"U{dtype.itemsize}")
    want = dtype.newbyteorder("=")
    if _numpy_of(arr.type) != (np.dtype(np.uint8) if want.kind == "b" else want):
        raise ChunkDecodeError(f"Java exported {arr.type} for dtype {dtype}")
    # the values buffer straight into numpy: pyarrow's own to_numpy() imports pandas on first use (~0.5 s of a cold
    # start, measured), which a plain view of a primitive buffer does not need
    data = arr.buffers()[1]
    flat = np.frombuffer(data, dtype=want, count=len(arr), offset=arr.offset * want.itemsize) if len(arr) else \
        np.empty(0, want)
    flat.flags.writeable = False
    return flat.reshape(tuple(shape))


def _numpy_of(t: pa.DataType) -> np.dtype | None:
    """The numpy dtype of a primitive Arrow type other than bool, or None."""
    try:
        return np.dtype(t.to_pandas_dtype()) if pa.types.is_primitive(t) and not pa.types.is_boolean(t) else None
    except (NotImplementedError, TypeError):
        return None
