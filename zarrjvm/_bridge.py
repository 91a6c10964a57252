"""The one module that knows zarrjvm's Java classes by name, and the one way Python calls into them.

Everything else in zarrjvm calls Java through here: :func:`call` runs a call on the bridge façade
(``dev.zarrjvm.bridge.ZarrJvm``) and turns any Java exception into the matching :class:`zarrjvm.ZarrJvmError`
(:func:`zarrjvm.errors.from_java`) with a short Python traceback; the Java exception and its stack stay on the error.
The JVM is started (lazily, with :data:`zarrjvm.config`) by the first lookup.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from . import jvm
from .errors import ZarrJvmError, from_java

T = TypeVar("T")

FACADE = "dev.zarrjvm.bridge.ZarrJvm"
ASYNC_READS = "dev.zarrjvm.bridge.AsyncReads"
READER_OPTIONS = "dev.zarrjvm.backend.ReaderOptions"
CHUNK_SOURCE = "dev.zarrjvm.model.ChunkSource"
PYTHON_BYTE_STORE = "dev.zarrjvm.store.PythonByteStore"
PYTHON_BYTE_SOURCE = "dev.zarrjvm.store.PythonByteStore$Source"
STORE_EXCEPTION = "dev.zarrjvm.errors.StoreException"
COMPAT_WRITERS = "dev.zarrjvm.compat.Writers"
#: JPype's own: the Java thread that lets go of Python objects Java no longer references
JPYPE_REFERENCE_QUEUE = "org.jpype.ref.JPypeReferenceQueue"


@functools.cache
def jclass(name: str) -> Any:
    """The Java class ``name`` (zarrjvm's own, or a JDK class), starting the JVM if needed."""
    jvm.ensure_started()
    import jpype

    return jpype.JClass(name)


def unreachable() -> str | None:
    """Why the bridge's classes cannot be loaded in the running JVM (one another library started), or None."""
    import jpype

    try:
        jpype.JClass(FACADE)
    except Exception as e:
        return str(e)
    return None


def facade() -> Any:
    """The bridge façade class ``dev.zarrjvm.bridge.ZarrJvm``."""
    return jclass(FACADE)


def call(f: Callable[[Any], T]) -> T:
    """``f(facade)``, with a Java exception raised as its :class:`ZarrJvmError` (the Java one kept as
    ``error.java_exception``, not chained into the traceback)."""
    jvm.check_usable()
    z = facade()
    import jpype

    try:
        return f(z)
    except jpype.JException as e:
        err = from_java(e)
    raise err


def java_call(f: Callable[[], T]) -> T:
    """``f()`` (any call on a Java object), with Java exceptions translated as in :func:`call`."""
    jvm.check_usable()
    import jpype

    try:
        return f()
    except jpype.JException as e:
        err = from_java(e)
    raise err


def classify(throwable: Any) -> Any:
    """Java's classification of a throwable that is not zarrjvm's own (a ``ZarrJvmException``)."""
    return facade().classify(throwable)


def long_array(values: Sequence[int]) -> Any:
    import jpype

    return jpype.JArray(jpype.JLong)([int(v) for v in values])


def int_array(values: Sequence[int]) -> Any:
    import jpype

    return jpype.JArray(jpype.JInt)([int(v) for v in values])


def stop_reference_queue() -> None:
    """Stops JPype's reference-queue thread (which takes the GIL to release Python objects) and releases what it still
    holds, on this thread. JPype does this itself only when it destroys the JVM."""
    jclass(JPYPE_REFERENCE_QUEUE).getInstance().stop()


def reader_options(checks: bool, shims: bool, direct: bool, zarr_format: int = 0, decode: str = "native") -> Any:
    """Java's ``ReaderOptions`` record (``zarr_format`` 0: either)."""
    return jclass(READER_OPTIONS)(checks, shims, direct, zarr_format, decode)


def storage_options(options: dict[str, Any]) -> Any:
    """Java's ``StorageOptions`` for the user's dict (crossing as JSON, parsed once by Java)."""
    if not options:
        return _no_storage_options()
    text = json.dumps(options)
    return call(lambda z: z.storageOptions(text))


@functools.cache
def _no_storage_options() -> Any:
    return jclass("dev.zarrjvm.store.StorageOptions").none()


@functools.cache
def java_schemes() -> frozenset[str]:
    """The URL schemes Java opens itself (Java's ``Stores.SCHEMES``); other URLs go through fsspec."""
    return frozenset(str(s) for s in jclass("dev.zarrjvm.store.Stores").SCHEMES)


def is_array(node: Any) -> bool:
    """Whether a node Java opened is an array (``ChunkSource``), not a group."""
    return bool(isinstance(node, jclass(CHUNK_SOURCE)))


def async_reads() -> Any:
    """``dev.zarrjvm.bridge.AsyncReads``."""
    return jclass(ASYNC_READS)


def read_state() -> Any:
    """The enum ``AsyncReads.State``."""
    return jclass(ASYNC_READS + "$State")


def python_byte_store(source: Any) -> Any:
    """A Java ``PythonByteStore`` over ``source`` (an implementation of :data:`PYTHON_BYTE_SOURCE`)."""
    return java_call(lambda: jclass(PYTHON_BYTE_STORE)(source))


def store_exception(message: str) -> Any:
    """A Java ``StoreException`` to raise from Python code Java calls (the fsspec bridge)."""
    return jclass(STORE_EXCEPTION)(message)


def configure_pools(read: int | None, io: int, async_: int) -> None:
    """Sets Java's pool widths; ``read=None`` is one thread per core."""
    if read is None:
        read = int(jclass("java.lang.Runtime").getRuntime().availableProcessors())
    call(lambda z: z.configurePools(read, io, async_))


def close(resource: Any) -> None:
    """Closes a Java reader, group or store from a finaliser: only while the JVM runs, never raising."""
    import jpype

    if jpype.isJVMStarted() and not jvm.stopping() and jvm.usable():
        try:
            facade().close(resource)
        except Exception:
            pass


@functools.cache
def compat_writers() -> Any:
    """The compatibility matrix's Java writers (``dev.zarrjvm.compat.Writers``), loaded from ``_jars/compat`` on their
    own class loader: the readers' classpath never carries them."""
    jars = sorted(Path(jvm.jars_dir(), "compat").glob("zarrjvm-compat-*.jar"))
    if not jars:
        raise ZarrJvmError(f"zarrjvm's compat jar is missing from {jvm.jars_dir() / 'compat'}: build it with "
                           "`make setup` (or install a built wheel)")
    import jpype

    urls = jpype.JArray(jclass("java.net.URL"))([jclass("java.io.File")(str(j)).toURI().toURL() for j in jars])
    loader = jclass("java.net.URLClassLoader")(urls, facade().class_.getClassLoader())
    return jpype.JClass(COMPAT_WRITERS, loader=loader)
