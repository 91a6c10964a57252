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

from . import _async, _bridge, stores
from .arrow import arrow_type, import_from_java, to_numpy
from .config import config
from .errors import InvalidArgumentError, OutOfBoundsError

#: The reader options of open_array / open_group / open_array_async, with zarrjvm.config's key for each default.
READER_OPTIONS = {"checks": "reader.checks", "shims": "reader.shims", "direct": "reader.direct"}
_OPEN_KEYWORDS = ("backend", *READER_OPTIONS, "storage_options")


def _fill_value(bits: str | None, dtype: np.dtype) -> Any:
    if bits is None:
        return None
    raw = int(bits).to_bytes(8, "little")[: dtype.itemsize]
    return np.frombuffer(raw, dtype=dtype.newbyteorder("<"))[0].astype(dtype.newbyteorder("="))


class JvmArray:
    """An array read by a Java backend (zarr-java, jzarr or netcdf-java).

    Indexing returns numpy arrays; :meth:`read_chunk` returns a read-only numpy view on the decoded chunk in Java's
    Arrow memory (no copy across the boundary). Use it as a context manager, or call :meth:`close`, to release the
    reader early; it is also released when garbage collected.
    """

    def __init__(self, source: Any, backend: str, store: stores.StoreHandle | None = None) -> None:
        try:
            info = json.loads(str(_bridge.java_call(lambda: source.info().toJson())))
        except BaseException:
            _bridge.close(source)  # the reader is open: do not leave it to the garbage collector
            raise
        self._source = source
        #: the store this array reads (shared with its group; closed when its last reader is gone)
        self._store = store
        self._lock = threading.Lock()
        self._closed = False
        self._finalizer = weakref.finalize(self, _bridge.close, source)
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
        #: each dimension's name where the format gives them (Zarr v3 ``dimension_names``, v2 ``_ARRAY_DIMENSIONS``,
        #: NetCDF dimensions), else None
        self.dimension_names: tuple[str | None, ...] | None = (
            None if info["dimension_names"] is None else tuple(info["dimension_names"]))

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

    @property
    def itemsize(self) -> int:
        """Bytes per element, as NumPy's ``itemsize``."""
        return int(self.dtype.itemsize)

    @property
    def nbytes(self) -> int:
        """Bytes of the whole array decoded (elements × item size), as NumPy's ``nbytes``; nothing is read."""
        return self.size * self.itemsize

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")  # NumPy's words for a 0-d array
        return self.shape[0]

    def __repr__(self) -> str:
        return (
            f"<JvmArray {self.backend} {self.format} '{self.path}' shape={self.shape} chunks={self.chunks} "
            f"dtype={self.dtype}>"
        )

    # -- reading --------------------------------------------------------------------------------------------------
    def _check_open(self) -> Any:
        if self._closed:
            raise InvalidArgumentError(f"{self!r} is closed")
        return self._source

    def _chunk_coords(self, coords: Any) -> list[int]:
        if isinstance(coords, (int, np.integer)):
            coords = (coords,)
        c = [int(v) for v in coords]
        grid = self.cdata_shape
        if len(c) != len(grid):
            raise OutOfBoundsError(f"chunk coordinates {tuple(c)} have {len(c)} value(s), but {self!r} has "
                                   f"{len(grid)} dimension(s): give one chunk index per dimension (grid {grid})")
        if any(not 0 <= v < n for v, n in zip(c, grid)):
            raise OutOfBoundsError(f"chunk {tuple(c)} is outside the chunk grid {grid} of {self!r}")
        return c

    def _chunk_box(self, c: list[int]) -> tuple[list[int], list[int]]:
        origin = [v * n for v, n in zip(c, self.chunks)]
        shape = [min(n, s - o) for n, s, o in zip(self.chunks, self.shape, origin)]
        return origin, shape

    def read_chunk_arrow(self, coords: Any) -> pa.Array:
        """The decoded chunk as a flat pyarrow array in C order, clipped to the array bounds (no copy)."""
        c = self._chunk_coords(coords)
        source = self._check_open()
        jc = _bridge.long_array(c)
        return import_from_java(lambda a, s: _bridge.call(lambda z: z.exportChunk(source, jc, a, s)), self._pa_type)

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
        jc = _bridge.long_array(c)
        raw = _bridge.call(lambda z: z.readRawChunk(source, jc))
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
        jo, js = _bridge.long_array(offset), _bridge.int_array(shape)
        arr = import_from_java(lambda a, s: _bridge.call(lambda z: z.exportRegion(source, jo, js, a, s)), self._pa_type)
        return to_numpy(arr, shape, self.dtype)

    def _check_region(self, offset: tuple[int, ...], shape: tuple[int, ...]) -> None:
        if len(offset) != self.ndim or len(shape) != self.ndim:
            raise OutOfBoundsError(f"region rank must be {self.ndim}")
        for o, n, s in zip(offset, shape, self.shape):
            if o < 0 or n < 0 or o + n > s:
                raise OutOfBoundsError(
                    f"region {tuple(offset)}+{tuple(shape)} is outside the array shape {self.shape}")

    def __getitem__(self, key: Any) -> Any:
        offset, shape, post = _normalize_selection(key, self.shape)
        region = self.read_region(tuple(offset), tuple(shape))
        if isinstance(key, tuple) and key == ():
            return region[()]  # as NumPy: a scalar for a 0-d array, the whole array otherwise
        return region[post] if post else region

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """NumPy's array protocol (NumPy 2 semantics): ``copy=True`` (``np.array(a)``, ``np.copy(a)``) gives a fresh,
        writable array; ``copy=None`` (``np.asarray(a)``) the read-only view on Java's memory when no conversion is
        needed; ``copy=False`` that view, or ``ValueError`` when the dtype asked for needs a copy."""
        view = self[...]
        want = view.dtype if dtype is None else np.dtype(dtype)
        if copy is False and want != view.dtype:
            raise ValueError(f"converting {self!r} to {want} needs a copy (copy=False)")
        if copy:
            return np.array(view, dtype=want, copy=True)
        return view if want == view.dtype else view.astype(want)

    def _scalar(self) -> Any:
        if self.size != 1:
            raise TypeError(f"only arrays of one element convert to Python scalars; {self!r} has {self.size}")
        # NumPy converts only 0-d arrays without a warning; one element of any shape is read the same way here
        return self[...].reshape(())[()]

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __complex__(self) -> complex:
        return complex(self._scalar())

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
        jc = _bridge.long_array(c)
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
        jo, js = _bridge.long_array(offset), _bridge.int_array(shape)
        reads = _async.async_reads()
        return await _async.submit(lambda rid, a, s: reads.exportRegion(rid, source, jo, js, a, s),
                                   lambda arr: to_numpy(arr, shape, self.dtype), self._pa_type)

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
                raise OutOfBoundsError(f"index {i} is out of bounds for axis with size {n}")
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
                end = last + 1 if step > 0 else (last - 1 if last >= 1 else None)
                post.append(slice(first, end, step))
                trivial = False
        else:
            raise IndexError(
                f"unsupported index {k!r}: use integers, slices and Ellipsis (read a region and index the numpy result "
                "for fancy indexing)"
            )
    return offset, box, (() if trivial else tuple(post))


class JvmGroup(Mapping[str, Any]):
    """A group read by a Java backend: ``group[name]`` gives a :class:`JvmArray` or a nested :class:`JvmGroup`
    (``group["sub/deeper/a"]`` resolves the path in one call). The group and every member opened from it share one
    open store (and, for NetCDF, one open file); members are read with the options the group was opened with."""

    def __init__(self, source: Any, backend: str, store: stores.StoreHandle | None = None) -> None:
        try:
            info = json.loads(str(_bridge.java_call(lambda: source.info().toJson())))
        except BaseException:
            _bridge.close(source)
            raise
        self._source = source
        self._store = store  # shared with every member opened from here
        self._closed = False
        self._finalizer = weakref.finalize(self, _bridge.close, source)
        self.backend = backend
        self.path: str = info["path"]
        self.format: str = info["format"]
        self.attrs: dict[str, Any] = info["attributes"]
        self._arrays: list[str] = list(info["arrays"])
        self._groups: list[str] = list(info["groups"])
        #: what the reader said about the group (e.g. netCDF-Java's variables it skipped while parsing the file)
        self.notes: list[str] = list(info["notes"])

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
        if self._closed:
            raise InvalidArgumentError(f"{self!r} is closed")
        source = self._source
        node = _bridge.call(lambda z: z.openMember(source, name))
        if _bridge.is_array(node):
            return JvmArray(node, self.backend, self._store)
        return JvmGroup(node, self.backend, self._store)

    def __iter__(self) -> Iterator[str]:
        return iter(self.members())

    def __len__(self) -> int:
        return len(self._arrays) + len(self._groups)

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<JvmGroup {self.backend} {self.format} '{self.path or '/'}'{state} members={list(self.members())}>"

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Releases the group (members already opened stay usable; the store closes with the last of them)."""
        self._closed = True
        self._finalizer()

    def __enter__(self) -> JvmGroup:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _open_options(function: str, options: Mapping[str, Any]) -> tuple[str, Any, dict[str, Any]]:
    """The backend, Java's ReaderOptions and the storage options of an ``open_*`` call, defaults from
    :data:`zarrjvm.config`. An unknown or mistyped option is a ``TypeError`` naming the valid ones."""
    unknown = [k for k in options if k not in _OPEN_KEYWORDS]
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r} "
                        f"(valid: {', '.join(_OPEN_KEYWORDS)})")
    backend = options.get("backend")
    backend = config.get("backend") if backend is None else backend
    if not isinstance(backend, str):
        raise TypeError(f"{function}() backend must be a string, got {backend!r}")
    flags = {}
    for name, key in READER_OPTIONS.items():
        v = options.get(name)
        if v is not None and not isinstance(v, (bool, np.bool_)):
            raise TypeError(f"{function}() {name} must be True or False, got {v!r}")
        flags[name] = bool(config.get(key) if v is None else v)
    so = options.get("storage_options")
    if so is not None and not isinstance(so, Mapping):
        raise TypeError(f"{function}() storage_options must be a dict, got {type(so).__name__}")
    return backend, _bridge.reader_options(flags["checks"], flags["shims"], flags["direct"]), dict(so or {})


def _open(function: str, group: bool, store: Any, path: str | None, options: Mapping[str, Any]) -> Any:
    """Java's ``OpenedArray`` / ``OpenedGroup`` (the reader and its store) and the handle for that store."""
    backend, reader_options, so = _open_options(function, options)
    loc = stores.resolve(store, so)
    p = path or ""
    if loc.url is not None:
        args: tuple[Any, ...] = (loc.url, loc.storage_options, backend, p, reader_options)
    else:
        args = (loc.java_store, backend, p, reader_options)
    opened = _bridge.call(lambda z: (z.openGroup if group else z.openArray)(*args))
    return backend, opened, loc.handle(opened.store())


def open_array(store: Any, path: str | None = None, **options: Any) -> JvmArray:
    """Opens the array at ``path`` inside ``store`` with a Java backend.

    ``store`` is a directory, a ``.zip`` file (zarr-python's ZipStore), a NetCDF/HDF5 file, an ``http(s)://`` or
    ``s3://bucket/prefix`` URL (with ``storage_options={...}``), any other fsspec URL, an fsspec mapper or
    filesystem, or a zarr-python ``FsspecStore``. Options (defaults from :data:`zarrjvm.config`):

    - ``backend``: ``"zarr-java"`` (Zarr v2 and v3), ``"jzarr"`` (Zarr v2) or ``"netcdf-java"`` (NetCDF-3/4; ``path``
      is the variable name) — :func:`zarrjvm.backends` lists them;
    - ``checks=False`` lets through inputs the reader is known to misread (to measure upstream behaviour),
      ``shims=False`` disables the Central-only ucar.ma2 workarounds, ``direct=False`` reads through the reader's full
      pipeline;
    - ``storage_options`` configures remote stores (README: Async and remote stores).
    """
    backend, opened, handle = _open("open_array", False, store, path, options)
    return JvmArray(opened.array(), backend, handle)


async def open_array_async(store: Any, path: str | None = None, **options: Any) -> JvmArray:
    """:func:`open_array` on Java's async pool: the metadata reads (remote round trips) do not block the event loop."""
    backend, reader_options, so = _open_options("open_array_async", options)
    loc = stores.resolve(store, so)
    reads = _async.async_reads()
    p = path or ""

    def finish(opened: Any) -> JvmArray:
        return JvmArray(opened.array(), backend, loc.handle(opened.store()))

    if loc.url is not None:
        return await _async.submit(
            lambda rid, a, s: reads.openArray(rid, loc.url, loc.storage_options, backend, p, reader_options), finish)
    return await _async.submit(lambda rid, a, s: reads.openArray(rid, loc.java_store, backend, p, reader_options),
                               finish)


def open_group(store: Any, path: str | None = None, **options: Any) -> JvmGroup:
    """Opens the group at ``path`` (the root by default) inside ``store``, with the options of :func:`open_array`."""
    backend, opened, handle = _open("open_group", True, store, path, options)
    return JvmGroup(opened.group(), backend, handle)
