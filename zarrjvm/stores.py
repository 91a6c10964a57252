"""What the ``store`` argument of :func:`zarrjvm.open_array` becomes for the Java readers.

- a local directory (a path, or ``file://``): handed to the backend as a path, as always;
- a ``.zip`` file (or ``zip://path``), ``http(s)://`` and ``s3://bucket/prefix`` URLs: opened by zarrjvm's Java side
  (``ZipByteStore``, ``HttpByteStore``, ``S3ByteStore``) with ``storage_options``;
- any other URL (``memory://``, ...) and fsspec objects (a mapper, a filesystem, or zarr-python's ``FsspecStore``): read
  through fsspec in this process, by a JPype proxy the Java readers call as their store (the fsspec bridge).

Stores opened here are kept by a :class:`StoreHandle` that every array and group reading them holds; the store is
closed when the last of them is gone. Remote stores count their requests (:meth:`StoreHandle.stats`).
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _jvm

#: URL schemes zarrjvm's Java side opens itself; other schemes go through fsspec.
JAVA_SCHEMES = ("file", "zip", "http", "https", "s3")


_close_java_store = _jvm.close_quietly


class StoreHandle:
    """A store opened for the Java readers (zip, HTTP, S3 or fsspec); closed when the last array using it is gone."""

    def __init__(self, java_store: Any, keepalive: Any = None) -> None:
        self._java = java_store
        self._keepalive = keepalive  # the Python object a bridged store calls into
        self.description: str = str(java_store.describe())
        self._finalizer = weakref.finalize(self, _close_java_store, java_store)

    def stats(self) -> dict[str, Any] | None:
        """Requests the store sent, bytes received and the most requests in flight at once (None for local stores)."""
        s = self._java.stats()
        if s is None:
            return None
        return {
            "store": self.description,
            "requests": int(s.requests()),
            "bytes": int(s.bytes()),
            "max_in_flight": int(s.maxInFlight()),
        }

    def close(self) -> None:
        self._finalizer()

    def __repr__(self) -> str:
        return f"<StoreHandle {self.description}>"


@dataclass
class Resolved:
    """How to open a store argument: a plain location, or a store to open / already opened on the Java side."""

    location: str
    #: the storage options as JSON, for a store the Java side opens (``own_store``)
    storage_options_json: str
    #: a Java ByteStore built here (fsspec bridge), or None
    java_store: Any = None
    #: open the store on the Java side from ``location`` (zip, http, s3)
    own_store: bool = False
    keepalive: Any = None

    def handle(self, opened_store: Any) -> StoreHandle | None:
        """The handle for the store Java returned with the reader (None for plain locations)."""
        return None if opened_store is None else StoreHandle(opened_store, self.keepalive)


def _scheme(s: str) -> str | None:
    i = s.find("://")
    return s[:i].lower() if i > 0 else None


def resolve(store: Any, storage_options: Mapping[str, Any] | None, backend: str) -> Resolved:
    """Decides how the Java side opens ``store`` (see the module doc)."""
    so = dict(storage_options or {})
    so_json = json.dumps(so)
    if isinstance(store, (str, os.PathLike)):
        s = os.fspath(store)
        scheme = _scheme(s)
        if backend == "netcdf-java" or scheme in ("http", "https", "s3", "zip"):
            # netCDF-Java opens local files itself; the Java stores take the URL as it is
            return Resolved(s if scheme else os.path.abspath(s), so_json, own_store=backend != "netcdf-java")
        if scheme in (None, "file"):
            path = s[len("file://"):] if scheme == "file" else s
            path = os.path.abspath(path)
            # directories (and paths that do not exist: the backend says so) go as a path; files are zip stores
            return Resolved(path, so_json, own_store=os.path.isfile(path))
        return _fsspec_url(s, so)
    if backend == "netcdf-java":
        from .errors import UnsupportedError

        raise UnsupportedError(f"netcdf-java reads local files only, not {type(store).__name__} stores")
    fs, root = _fsspec_parts(store)
    if so:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError("storage_options apply to URLs; an fsspec object is already configured")
    return _bridge(fs, root)


def _fsspec_url(url: str, storage_options: dict[str, Any]) -> Resolved:
    try:
        import fsspec
    except ImportError:
        from .errors import UnsupportedError

        raise UnsupportedError(
            f"'{_scheme(url)}://' stores are read through fsspec, which is not installed (pip install fsspec)"
        ) from None
    fs, root = fsspec.core.url_to_fs(url, **storage_options)
    return _bridge(fs, root)


def _fsspec_parts(store: Any) -> tuple[Any, str]:
    """(filesystem, root path) of an fsspec mapper, filesystem, or zarr-python FsspecStore."""
    try:
        from fsspec import AbstractFileSystem
        from fsspec.mapping import FSMap
    except ImportError:
        raise TypeError(f"unsupported store {store!r}: pass a path or URL (fsspec is not installed)") from None
    if isinstance(store, FSMap):
        return store.fs, store.root
    if isinstance(store, AbstractFileSystem):
        return store, ""
    fs, path = getattr(store, "fs", None), getattr(store, "path", None)
    if isinstance(fs, AbstractFileSystem) and isinstance(path, str):  # zarr.storage.FsspecStore
        return _sync_twin(fs), path
    raise TypeError(
        f"unsupported store {store!r}: pass a path or URL, an fsspec mapper or filesystem, or a zarr FsspecStore"
    )


def _sync_twin(fs: Any) -> Any:
    """The blocking form of an asynchronous fsspec filesystem (zarr-python's FsspecStore holds async ones)."""
    if not getattr(fs, "asynchronous", False):
        return fs
    wrapped = getattr(fs, "sync_fs", None)  # fsspec's AsyncFileSystemWrapper around a blocking filesystem
    if wrapped is not None:
        return wrapped
    return type(fs)(**{**fs.storage_options, "asynchronous": False})


def _bridge(fs: Any, root: str) -> Resolved:
    import jpype

    _jvm.ensure_started()
    source = _source_class()(fs, root.rstrip("/"))
    java_store = jpype.JClass("dev.zarrjvm.store.PythonByteStore")(source)
    return Resolved(str(java_store.describe()), "{}", java_store=java_store, keepalive=source)


_SOURCE_CLASS: list[type] = []


def _source_class() -> type:
    """The fsspec bridge: a Python class implementing Java's ``PythonByteStore.Source`` (defined once the JVM runs)."""
    if _SOURCE_CLASS:
        return _SOURCE_CLASS[0]
    import jpype

    store_exception = jpype.JClass("dev.zarrjvm.errors.StoreException")
    jbytes = jpype.JArray(jpype.JByte)
    jstrings = jpype.JArray(jpype.JString)

    @jpype.JImplements("dev.zarrjvm.store.PythonByteStore$Source")
    class FsspecSource:
        """Called by Java reader threads (JPype takes the GIL for each call); Python errors become StoreExceptions."""

        def __init__(self, fs: Any, root: str) -> None:
            self.fs = fs
            self.root = root

        def _path(self, key: str) -> str:
            return f"{self.root}/{key}" if self.root else key

        def _fail(self, what: str, key: str, e: BaseException) -> Any:
            return store_exception(f"fsspec {type(self.fs).__name__} {what} '{self._path(key)}': {type(e).__name__}: {e}")

        @jpype.JOverride
        def get(self, key: str) -> Any:
            try:
                return jbytes(self.fs.cat_file(self._path(str(key))))
            except FileNotFoundError:
                return None
            except Exception as e:
                raise self._fail("cannot read", key, e) from None

        @jpype.JOverride
        def getRange(self, key: str, start: int, end: int) -> Any:  # noqa: N802 (Java's name)
            path = self._path(str(key))
            start, end = int(start), int(end)
            try:
                if start < 0 or end < 0:  # suffix or open end: fsspec would silently clip, so check the size
                    size = int(self.fs.size(path))
                    s = size + start if start < 0 else start
                    e = size if end < 0 else end
                    if s < 0 or e > size or s > e:
                        raise self._fail("cannot read", key, IndexError(f"range [{start}, {end}) of {size} bytes"))
                    start, end = s, e
                return jbytes(self.fs.cat_file(path, start=start, end=end))
            except FileNotFoundError:
                return None
            except jpype.JException:
                raise
            except Exception as e:
                raise self._fail("cannot read", key, e) from None

        @jpype.JOverride
        def size(self, key: str) -> int:
            try:
                return int(self.fs.size(self._path(str(key))))
            except FileNotFoundError:
                return -1
            except Exception as e:
                raise self._fail("cannot stat", key, e) from None

        @jpype.JOverride
        def exists(self, key: str) -> bool:
            try:
                return bool(self.fs.exists(self._path(str(key))))
            except Exception as e:
                raise self._fail("cannot check", key, e) from None

        @jpype.JOverride
        def list(self, prefix: str) -> Any:
            p = str(prefix).rstrip("/")
            path = self._path(p) if p else (self.root or "")
            try:
                entries = self.fs.ls(path, detail=True)
                itself = self.fs._strip_protocol(path).rstrip("/")
            except FileNotFoundError:
                return jstrings([])
            except Exception as e:
                raise self._fail("cannot list", p, e) from None
            # ls of a file lists the file itself: a file has no children
            names = {n.rsplit("/", 1)[-1] for n in (str(e["name"]).rstrip("/") for e in entries) if n != itself}
            names.discard("")
            return jstrings(sorted(names))

        @jpype.JOverride
        def describe(self) -> str:
            protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
            return f"fsspec {protocol}://{self.root}"

    _SOURCE_CLASS.append(FsspecSource)
    return FsspecSource
