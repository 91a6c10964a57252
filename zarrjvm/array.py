"""Arrays and groups read by a Java backend, handed over as numpy views on Java's Arrow memory."""

from __future__ import annotations

import json
import math
import threading
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from . import _async, _jvm, stores
from .arrow import arrow_type, import_from_java, to_numpy
from .errors import ArrayNotFoundError, ZarrJvmError, java_errors

DEFAULT_BACKEND = "zarr-java"


def _options_json(options: Mapping[str, Any]) -> str:
    return json.dumps(dict(options))


def _fill_value(bits: str | None, dtype: np.dtype) -> Any:
    if bits is None:
        return None
    raw = int(bits).to_bytes(8, "little")[: dtype.itemsize]
    return np.frombuffer(raw, dtype=dtype.newbyteorder("<"))[0].astype(dtype.newbyteorder("="))


_close_source = _jvm.close_quietly


class JvmArray:
    """An array read by a Java backend (zarr-java, jzarr or netcdf-java).

    Indexing returns numpy arrays; :meth:`read_chunk` returns a read-only numpy view on the decoded chunk in Java's
    Arrow memory (no copy across the boundary). Use it as a context manager, or call :meth:`close`, to release the
    reader early; it is also released when garbage collected.
    """

    def __init__(self, source: Any, backend: str, store: stores.StoreHandle | None = None) -> None:
        try:
            with java_errors():
                info = json.loads(str(source.info().toJson()))
        except BaseException:
            _close_source(source)  # the reader is open: do not leave it to the garbage collector
            raise
        self._source = source
        #: the zip / HTTP / S3 / fsspec store this array reads (closed when its last reader is gone); None for a path
        self._store = store
        self._lock = threading.Lock()
        self._closed = False
        self._finalizer = weakref.finalize(self, _close_source, source)
        self.info: dict[str, Any] = info
        self.backend: str = backend
        self.path: str = info["path"]
        #: ``zarr-v2``, ``zarr-v3``, ``netcdf3`` or ``netcdf4``
        self.format: str = info["format"]
        self.shape: tuple[int, ...] = tuple(int(v) for v in info["shape"])
        self.chunks: tuple[int, ...] = tuple(int(v) for v in info["chunks"])
        self.shards: tuple[int, ...] | None = None if info["shards"] is None else tuple(info["shards"])
        #: dtype as stored, including unsigned types and byte order; data handed out is in native byte order
        self.dtype: np.dtype = np.dtype(info["dtype"])
        self._pa_type = arrow_type(self.dtype)
        self.fill_value: Any = _fill_value(info["fill_bits"], self.dtype)
        self.order: str = info["order"]
        self.attrs: dict[str, Any] = info["attributes"]
        self.codecs: list[str] = info["codecs"]
        #: what the bridge did to let the reader read this array (e.g. a signed twin); empty when nothing
        self.notes: list[str] = info["notes"]

    # -- geometry -------------------------------------------------------------------------------------------------
    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def cdata_shape(self) -> tuple[int, ...]:
        """Number of chunks along each dimension."""
        return tuple(-(-s // c) for s, c in zip(self.shape, self.chunks))

    @property
    def nchunks(self) -> int:
        return math.prod(self.cdata_shape)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __repr__(self) -> str:
        return (
            f"<JvmArray {self.backend} {self.format} '{self.path}' shape={self.shape} chunks={self.chunks} "
            f"dtype={self.dtype}>"
        )

    # -- reading --------------------------------------------------------------------------------------------------
    def _check_open(self) -> Any:
        if self._closed:
            raise ZarrJvmError(f"{self!r} is closed")
        return self._source

    def _chunk_coords(self, coords: Any) -> list[int]:
        if isinstance(coords, (int, np.integer)):
            coords = (coords,)
        c = [int(v) for v in coords]
        grid = self.cdata_shape
        if len(c) != len(grid) or any(not 0 <= v < n for v, n in zip(c, grid)):
            raise IndexError(f"chunk {tuple(c)} is outside the chunk grid {grid}")
        return c

    def _chunk_box(self, c: list[int]) -> tuple[list[int], list[int]]:
        origin = [v * n for v, n in zip(c, self.chunks)]
        shape = [min(n, s - o) for n, s, o in zip(self.chunks, self.shape, origin)]
        return origin, shape

    def read_chunk_arrow(self, coords: Any) -> pa.Array:
        """The decoded chunk as a flat pyarrow array in C order, clipped to the array bounds (no copy)."""
        c = self._chunk_coords(coords)
        source = self._check_open()
        import jpype

        jc = jpype.JArray(jpype.JLong)(c)
        return import_from_java(lambda a, s: _jvm.facade().exportChunk(source, jc, a, s), self._pa_type)

    def read_chunk(self, coords: Any) -> np.ndarray:
        """The decoded chunk at chunk coordinates ``coords`` as a read-only numpy view on Java memory.

        Edge chunks are clipped to the array bounds; chunks absent from the store read as the fill value.
        """
        c = self._chunk_coords(coords)
        _, shape = self._chunk_box(c)
        return to_numpy(self.read_chunk_arrow(c), shape, self.dtype)

    def read_chunk_raw(self, coords: Any) -> bytes | None:
        """The chunk's bytes as stored (still encoded), or None when the chunk is absent."""
        c = self._chunk_coords(coords)
        source = self._check_open()
        import jpype

        with java_errors():
            raw = source.readRawChunk(jpype.JArray(jpype.JLong)(c))
        return None if raw is None else bytes(memoryview(raw))

    def iter_chunks(self) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
        """Yields ``(chunk_coords, chunk)`` for every chunk in C order."""
        for idx in np.ndindex(*self.cdata_shape):
            yield tuple(int(v) for v in idx), self.read_chunk(idx)

    def read_region(self, offset: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray:
        """The box ``[offset, offset + shape)`` as a read-only numpy view (one boundary crossing)."""
        source = self._check_open()
        self._check_region(offset, shape)
        if math.prod(shape) == 0:
            return np.empty(tuple(shape), dtype=self.dtype.newbyteorder("="))
        jo, js = _java_box(offset, shape)
        arr = import_from_java(lambda a, s: _jvm.facade().exportRegion(source, jo, js, a, s), self._pa_type)
        return to_numpy(arr, shape, self.dtype)

    def _check_region(self, offset: tuple[int, ...], shape: tuple[int, ...]) -> None:
        if len(offset) != self.ndim or len(shape) != self.ndim:
            raise IndexError(f"region rank must be {self.ndim}")
        for o, n, s in zip(offset, shape, self.shape):
            if o < 0 or n < 0 or o + n > s:
                raise IndexError(f"region {tuple(offset)}+{tuple(shape)} is outside the array shape {self.shape}")

    def __getitem__(self, key: Any) -> np.ndarray:
        offset, shape, post = _normalize_selection(key, self.shape)
        region = self.read_region(offset, shape)
        return region[post] if post else region

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self[...]
        return a.astype(dtype) if dtype is not None else a

    # -- asyncio and remote stores (zarrjvm._async, zarrjvm.stores) ---------------------------------------------------
    def store_stats(self) -> dict[str, Any] | None:
        """Requests sent to the store, bytes received and the most requests in flight at once, counted by the Java
        store since it was opened (shared by every array of one ``open_group``); None for local directories."""
        store = self._store
        return None if store is None else store.stats()

    async def read_chunk_arrow_async(self, coords: Any) -> pa.Array:
        """Like :meth:`read_chunk_arrow`, read on Java's async pool while the event loop runs on."""
        c = self._chunk_coords(coords)
        source = self._check_open()
        import jpype

        jc = jpype.JArray(jpype.JLong)(c)
        reads = _async.async_reads()
        return await _async.submit(lambda rid, a, s: reads.exportChunk(rid, source, jc, a, s), lambda arr: arr,
                                   self._pa_type)

    async def read_chunk_async(self, coords: Any) -> np.ndarray:
        """Like :meth:`read_chunk`, awaitable: thousands may be in flight; cancelling releases the Java work."""
        c = self._chunk_coords(coords)
        _, shape = self._chunk_box(c)
        return to_numpy(await self.read_chunk_arrow_async(c), shape, self.dtype)

    async def read_region_async(self, offset: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray:
        """Like :meth:`read_region`, awaitable (the region's chunks are fetched and decoded in parallel in Java)."""
        source = self._check_open()
        self._check_region(offset, shape)
        if math.prod(shape) == 0:
            return np.empty(tuple(shape), dtype=self.dtype.newbyteorder("="))
        jo, js = _java_box(offset, shape)
        reads = _async.async_reads()
        return await _async.submit(
            lambda rid, a, s: reads.exportRegion(rid, source, jo, js, a, s), lambda arr: to_numpy(arr, shape, self.dtype),
            self._pa_type,
        )

    async def get_async(self, selection: Any) -> np.ndarray:
        """``await a.get_async(sel)`` is ``a[sel]`` without blocking the event loop."""
        offset, shape, post = _normalize_selection(selection, self.shape)
        region = await self.read_region_async(tuple(offset), tuple(shape))
        return region[post] if post else region

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def close(self) -> None:
        """Releases the reader (open files). Views already handed out stay valid."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._finalizer()
                self._store = None

    def __enter__(self) -> JvmArray:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _java_box(offset: Any, shape: Any) -> tuple[Any, Any]:
    """A region's offset (long[]) and shape (int[]) as the Java side takes them."""
    import jpype

    return jpype.JArray(jpype.JLong)([int(v) for v in offset]), jpype.JArray(jpype.JInt)([int(v) for v in shape])


def _normalize_selection(key: Any, shape: tuple[int, ...]) -> tuple[list[int], list[int], tuple[Any, ...]]:
    """Turns a basic numpy selection into the bounding box to read and the numpy indexing to apply to it.

    Supports ints (negative too), slices with any step, Ellipsis and missing trailing dimensions.
    """
    if not isinstance(key, tuple):
        key = (key,)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    n_real = sum(1 for k in key if k is not Ellipsis)
    if n_real > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, but {n_real} were indexed")
    expanded: list[Any] = []
    for k in key:
        if k is Ellipsis:
            expanded.extend([slice(None)] * (len(shape) - n_real))
        else:
            expanded.append(k)
    expanded.extend([slice(None)] * (len(shape) - len(expanded)))
    offset: list[int] = []
    box: list[int] = []
    post: list[Any] = []
    trivial = True
    for k, n in zip(expanded, shape):
        if isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
            i = int(k)
            if i < -n or i >= n:
                raise IndexError(f"index {i} is out of bounds for axis with size {n}")
            i %= n
            offset.append(i)
            box.append(1)
            post.append(0)
            trivial = False
        elif isinstance(k, slice):
            start, stop, step = k.indices(n)
            idx = range(start, stop, step)
            if len(idx) == 0:
                offset.append(0)
                box.append(0)
                post.append(slice(None))
                continue
            lo, hi = min(idx[0], idx[-1]), max(idx[0], idx[-1])
            offset.append(lo)
            box.append(hi - lo + 1)
            if step == 1:
                post.append(slice(None))
            else:
                # the same positions, relative to the box just read
                first, last = idx[0] - lo, idx[-1] - lo
                stop = last + 1 if step > 0 else (last - 1 if last >= 1 else None)
                post.append(slice(first, stop, step))
                trivial = False
        else:
            raise IndexError(
                f"unsupported index {k!r}: use integers, slices and Ellipsis (read a region and index the numpy result "
                "for fancy indexing)"
            )
    return offset, box, (() if trivial else tuple(post))


class JvmGroup(Mapping[str, Any]):
    """A group read by a Java backend: ``group[name]`` gives a :class:`JvmArray` or a nested :class:`JvmGroup`."""

    def __init__(self, source: Any, backend: str, store: stores.StoreHandle | None = None) -> None:
        try:
            with java_errors():
                info = json.loads(str(source.infoJson()))
        except BaseException:
            _close_source(source)
            raise
        self._source = source
        self._store = store  # shared with every member opened from here
        self._finalizer = weakref.finalize(self, _close_source, source)
        self.backend = backend
        self.path: str = info["path"]
        self.format: str = info["format"]
        self.attrs: dict[str, Any] = info["attributes"]
        self._arrays: list[str] = list(info["arrays"])
        self._groups: list[str] = list(info["groups"])

    def array_keys(self) -> list[str]:
        return list(self._arrays)

    def group_keys(self) -> list[str]:
        return list(self._groups)

    def members(self) -> dict[str, str]:
        """Member name → ``"array"`` or ``"group"``."""
        out = {n: "array" for n in self._arrays}
        out.update({n: "group" for n in self._groups})
        return dict(sorted(out.items()))

    def __getitem__(self, name: str) -> JvmArray | JvmGroup:
        head, _, rest = name.strip("/").partition("/")
        if head in self._groups:
            with java_errors():
                g = JvmGroup(self._source.openGroup(head), self.backend, self._store)
            return g[rest] if rest else g
        if head in self._arrays and not rest:
            with java_errors():
                return JvmArray(self._source.openArray(head), self.backend, self._store)
        raise ArrayNotFoundError(f"no member '{name}' in group '{self.path or '/'}' (members: {list(self.members())})")

    def __iter__(self) -> Iterator[str]:
        return iter(self.members())

    def __len__(self) -> int:
        return len(self._arrays) + len(self._groups)

    def __repr__(self) -> str:
        return f"<JvmGroup {self.backend} {self.format} '{self.path or '/'}' members={list(self.members())}>"

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> JvmGroup:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _resolve(store: Any, backend: str, options: Mapping[str, Any]) -> tuple[stores.Resolved, str]:
    """How the Java side opens ``store`` (:mod:`zarrjvm.stores`), and the reader options as JSON."""
    opts = dict(options)
    r = stores.resolve(store, opts.pop("storage_options", None), backend)
    if not r.own_store and r.java_store is None and r.storage_options_json != "{}":
        opts["storage_options"] = json.loads(r.storage_options_json)  # a plain location: the backend opens it
    return r, _options_json(opts)


def _open(group: bool, store: Any, path: str | None, backend: str, options: Mapping[str, Any]) -> Any:
    """Java's ``Opening.Opened`` (the reader and its store) and the handle for that store."""
    import jpype

    _jvm.ensure_started()
    r, opts = _resolve(store, backend, options)
    with java_errors():
        opened = jpype.JClass("dev.zarrjvm.Opening").open(
            group, backend, r.location, r.storage_options_json, r.java_store, r.own_store, path or "", opts
        )
    return opened, r.handle(opened.store())


def open_array(
    store: Any,
    path: str | None = None,
    *,
    backend: str = DEFAULT_BACKEND,
    **options: Any,
) -> JvmArray:
    """Opens the array at ``path`` inside ``store`` with a Java backend.

    ``store`` is a directory, a ``.zip`` file (zarr-python's ZipStore), an ``http(s)://`` or ``s3://bucket/prefix``
    URL (with ``storage_options={...}``), any other fsspec URL, an fsspec mapper or filesystem, or a zarr-python
    ``FsspecStore``; for netcdf-java, a local file. ``backend`` is ``"zarr-java"`` (Zarr v2 and v3), ``"jzarr"``
    (Zarr v2) or ``"netcdf-java"`` (NetCDF-3/4; ``path`` is the variable name). Reader options: ``checks=False`` lets
    through inputs the reader is known to misread (to measure upstream behaviour), ``shims=False`` disables the
    Central-only ucar.ma2 workarounds, ``storage_options`` configures remote stores (README: Async and remote stores).
    """
    opened, handle = _open(False, store, path, backend, options)
    return JvmArray(opened.array(), backend, handle)


async def open_array_async(
    store: Any,
    path: str | None = None,
    *,
    backend: str = DEFAULT_BACKEND,
    **options: Any,
) -> JvmArray:
    """:func:`open_array` on Java's async pool: the metadata reads (remote round trips) do not block the event loop."""
    r, opts = _resolve(store, backend, options)
    reads = _async.async_reads()
    so, js, own, p = r.storage_options_json, r.java_store, r.own_store, path or ""

    def finish(opened: Any) -> JvmArray:
        return JvmArray(opened.array(), backend, r.handle(opened.store()))

    return await _async.submit(lambda rid, a, s: reads.openArray(rid, backend, r.location, so, js, own, p, opts), finish)


def open_group(store: Any, path: str | None = None, *, backend: str = DEFAULT_BACKEND, **options: Any) -> JvmGroup:
    """Opens the group at ``path`` (the root by default) inside ``store`` (as for :func:`open_array`)."""
    opened, handle = _open(True, store, path, backend, options)
    return JvmGroup(opened.group(), backend, handle)
