"""zarrjvm: Java's Zarr and NetCDF readers (zarr-java, jzarr, netCDF-Java) in-process from Python.

Decoded chunks cross from the JVM zero-copy through the Arrow C Data Interface::

    import zarrjvm
    a = zarrjvm.open_array("data.zarr", backend="zarr-java")
    a[10:20, ...]               # numpy
    a.read_chunk((0, 1))        # read-only numpy view on Java's Arrow memory
"""

from __future__ import annotations

from . import jvm
from ._version import __version__
from .array import JvmArray, JvmGroup, open_array, open_array_async, open_group
from .backends import BackendInfo, backends
from .config import config
from .errors import (
    ArrayNotFoundError,
    ChunkDecodeError,
    InternalError,
    InvalidArgumentError,
    JavaNotFoundError,
    MetadataError,
    OutOfBoundsError,
    ResourceError,
    StoreError,
    UnsupportedError,
    ZarrJvmError,
)

__all__ = [
    "ArrayNotFoundError",
    "BackendInfo",
    "ChunkDecodeError",
    "InternalError",
    "InvalidArgumentError",
    "JavaNotFoundError",
    "JvmArray",
    "JvmGroup",
    "MetadataError",
    "OutOfBoundsError",
    "ResourceError",
    "StoreError",
    "UnsupportedError",
    "ZarrJvmError",
    "__version__",
    "backends",
    "config",
    "jvm",
    "open_array",
    "open_array_async",
    "open_group",
]
