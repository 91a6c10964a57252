"""What the ``store`` argument of :func:`zarrjvm.open_array` is handed to Java as — decided once, here.

- a string or path that Java opens itself (a local path, or a URL of one of Java's schemes: ``file``, ``zip``,
  ``http(s)``, ``s3`` — Java's ``Stores.SCHEMES``, asked once, not repeated here) goes to Java as it is, local paths
  made absolute; Java then decides what it is (a directory, a zip file by its bytes, a NetCDF/HDF5 file);
- any other URL (``memory://``, ...) and fsspec objects (a mapper, a filesystem, or zarr-python's ``FsspecStore``) are
  read through fsspec in this process, by a JPype proxy the Java readers call as their store (the fsspec bridge).

The Java store an open returns is kept by a :class:`StoreHandle` that every array and group reading it holds; the
store is closed when the last of them is gone. Remote stores count their requests (:meth:`StoreHandle.stats`).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _bridge
from .errors import InvalidArgumentError, UnsupportedError


class StoreHandle:
    """A store Java opened for the readers; closed when the last array or group using it is gone."""

    def __init__(self, java_store: Any, keepalive: Any = None) -> None:
        self._java = java_store
        self._keepalive = keepalive  # the Python object a bridged store calls into
        self.description: str = str(java_store.describe())
        self._finalizer = weakref.finalize(self, _bridge.close, java_store)

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


@dataclass(frozen=True)
class Location:
    """What Java opens: a location string with its storage options, or a Java store built here (fsspec bridge)."""

    #: a local path (absolute) or a URL Java opens itself; None for a bridged store
    url: str | None
    #: Java's StorageOptions for ``url``
    storage_options: Any = None
    #: a Java ByteStore built here (the fsspec bridge), or None
    java_store: Any = None
    #: the Python object the bridged store calls into
    keepalive: Any = None

    def describe(self) -> str:
        return self.url if self.url is not None else str(self.java_store.describe())

    def handle(self, opened_store: Any) -> StoreHandle:
        """The handle for the store Java opened (or was given) with the reader."""
        return StoreHandle(opened_store, self.keepalive)


def _scheme(s: str) -> str | None:
    i = s.find("://")
    return s[:i].lower() if i > 0 else None


def portable(store: Any) -> Any:
    """``store`` as another process can open it too: local paths made absolute (and ``str``), the rest as given."""
    if isinstance(store, os.PathLike):
        store = os.fspath(store)
    if isinstance(store, str) and _scheme(store) is None:
        return os.path.abspath(store)
    return store


def resolve(store: Any, storage_options: Mapping[str, Any] | None) -> Location:
    """How Java opens ``store`` (see the module doc)."""
    so = dict(storage_options or {})
    if isinstance(store, (str, os.PathLike)):
        s = os.fspath(store)
        if isinstance(s, bytes):
            raise TypeError(f"store paths are str, not bytes: {store!r}")
        scheme = _scheme(s)
        # a chained URL ("zip://member.nc::file:///archive.zip", "simplecache::s3://...") is fsspec's to read
        if "::" not in s and (scheme is None or scheme in _bridge.java_schemes()):
            # a local path is made absolute here: Java's working directory is the one the process started in
            return Location(s if scheme else os.path.abspath(s), storage_options=_bridge.storage_options(so))
        return _fsspec_url(s, so)
    fs, root = _fsspec_parts(store)
    if so:
        raise InvalidArgumentError("storage_options apply to URLs; an fsspec object is already configured")
    return _bridge_store(fs, root)


def _fsspec_url(url: str, storage_options: dict[str, Any]) -> Location:
    try:
        import fsspec
    except ImportError:
        raise UnsupportedError(
            f"'{_scheme(url)}://' stores are read through fsspec, which is not installed (pip install fsspec)"
        ) from None
    fs, root = fsspec.core.url_to_fs(url, **storage_options)
    return _bridge_store(fs, root)


def _fsspec_parts(store: Any) -> tuple[Any, str]:
    """(filesystem, root path) of an fsspec mapper, filesystem, or zarr-python FsspecStore."""
    try:
        from fsspec import AbstractFileSystem
        from fsspec.mapping import FSMap
    except ImportError:
        raise TypeError(f"unsupported store {store!r}: pass a path or URL (fsspec is not installed)") from None
    if isinstance(store, FSMap):
        return store.fs, str(store.root)
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


def _bridge_store(fs: Any, root: str) -> Location:
    source = _source_class()(fs, root.rstrip("/"))
    return Location(None, java_store=_bridge.python_byte_store(source), keepalive=source)


_SOURCE_CLASS: list[type] = []


def _source_class() -> type:
    """The fsspec bridge: a Python class implementing Java's ``PythonByteStore.Source`` (defined once the JVM runs)."""
    if _SOURCE_CLASS:
        return _SOURCE_CLASS[0]
    _bridge.jclass(_bridge.PYTHON_BYTE_SOURCE)  # starts the JVM, which JImplements needs
    import jpype

    jbytes = jpype.JArray(jpype.JByte)
    jstrings = jpype.JArray(jpype.JString)

    @jpype.JImplements(_bridge.PYTHON_BYTE_SOURCE)
    class FsspecSource:
        """Called by Java reader threads (JPype takes the GIL for each call); Python errors become StoreExceptions."""

        def __init__(self, fs: Any, root: str) -> None:
            self.fs = fs
            self.root = root

        def _path(self, key: str) -> str:
            # the empty key is the root itself: a NetCDF/HDF5 file given as the store (Java's StoreFile reads it)
            return f"{self.root}/{key}" if self.root and key else (key or self.root)

        def _fail(self, what: str, key: str, e: BaseException) -> Any:
            return _bridge.store_exception(
                f"fsspec {type(self.fs).__name__} {what} '{self._path(key)}': {type(e).__name__}: {e}")

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
            """Bytes [start, end), absolute offsets Java resolved and checks (suffixes resolved by Java)."""
            try:
                return jbytes(self.fs.cat_file(self._path(str(key)), start=int(start), end=int(end)))
            except FileNotFoundError:
                return None
            except Exception as e:
                raise self._fail("cannot read", key, e) from None

        @jpype.JOverride
        def size(self, key: str) -> int:
            try:
                info = self.fs.info(self._path(str(key)))
            except FileNotFoundError:
                return -1
            except Exception as e:
                raise self._fail("cannot stat", key, e) from None
            if info.get("type") == "directory":  # a NetCDF/HDF5 file asked of a directory
                raise self._fail("cannot read", key, IsADirectoryError("it is a directory, not a file"))
            return int(info["size"])

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
