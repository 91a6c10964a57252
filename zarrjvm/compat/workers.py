"""Implementations that cannot run in this process: one persistent worker process per implementation.

zarr-python 2 cannot share a virtual environment with zarr-python 3, and zarrita is JavaScript, so each runs as a
worker (:class:`Worker`) started on first use and kept for the whole run (never a process per read): requests and
replies are JSON lines over its stdin/stdout, arrays pass as files in a temporary directory of the worker's (``.npy``
for Python, raw C-order bytes for node), every call is bounded by a timeout, and :func:`stop_all` ends every worker
(the matrix calls it at the end of a run; ``atexit`` too).

An implementation whose environment is missing (no ``.venv-zarr2``, no node or no ``npm ci``) is *unavailable*, not
failing: :meth:`WorkerImplementation.unavailable` says why (None when available) and its ``write``/``read`` raise
:class:`WorkerUnavailable`. ``make setup`` builds both environments.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .capabilities import Caps
from .cases import Case, fill_json
from .implementations import Reader, ReadResult, Writer, _store_name

#: seconds a single request may take (a write or read of one case) before the worker is killed
TIMEOUT_S = float(os.environ.get("ZARRJVM_WORKER_TIMEOUT", "60"))
_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]


class WorkerUnavailable(RuntimeError):
    """The implementation's environment is not there (the reason says which part and how ``make setup`` makes it)."""


class WorkerError(RuntimeError):
    """The implementation raised: ``kind`` is its exception's class (e.g. ``ValueError``, ``UnknownCodecError``)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind


class WorkerTimeout(TimeoutError):
    """A request took longer than the timeout; the worker was killed (the next request starts a new one)."""


class Worker:
    """One persistent process speaking JSON lines. ``argv`` gives its command line or raises
    :class:`WorkerUnavailable`."""

    def __init__(self, name: str, argv: Callable[[], list[str]], timeout: float = TIMEOUT_S) -> None:
        self.name = name
        self._argv = argv
        self.timeout = timeout
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: Any = None
        self._ids = itertools.count()
        self._files = itertools.count()
        self._lock = threading.Lock()
        self.tmp: Path | None = None
        self.hello: dict[str, Any] = {}

    def unavailable(self) -> str | None:
        try:
            self._argv()
        except WorkerUnavailable as e:
            return str(e)
        return None

    def _start(self) -> None:
        argv = self._argv()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"zarrjvm-{self.name}-"))
        self._stderr = open(self.tmp / "stderr.log", "w+")  # lives as long as the process
        self._lines = queue.Queue()
        self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                      text=True, bufsize=1, cwd=str(self.tmp))
        out = self._proc.stdout
        assert out is not None
        lines = self._lines

        def pump() -> None:
            for line in out:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, name=f"zarrjvm-worker-{self.name}", daemon=True).start()
        self.hello = self._exchange({"op": "hello"})

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read()[-2000:].strip()

    def _exchange(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        request = {"id": next(self._ids), **request}
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            tail = self._stderr_tail()
            self.stop()
            raise RuntimeError(f"the {self.name} worker has exited: {e}; {tail}") from None
        try:
            line = self._lines.get(timeout=self.timeout)
        except queue.Empty:
            self.stop(kill=True)
            raise WorkerTimeout(f"the {self.name} worker took more than {self.timeout:g} s for {request['op']}; "
                                "killed") from None
        if line is None:
            tail = self._stderr_tail()
            self.stop()
            raise RuntimeError(f"the {self.name} worker exited during {request['op']}: {tail}")
        reply: dict[str, Any] = json.loads(line)
        if reply.get("id") != request["id"]:
            self.stop()
            raise RuntimeError(f"the {self.name} worker answered request {reply.get('id')} to {request['id']}")
        if not reply.get("ok"):
            raise WorkerError(str(reply.get("error_type", "Error")), str(reply.get("error", "")))
        return reply

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        """Sends one request (starting the worker if needed) and returns its reply; raises :class:`WorkerError` for
        the implementation's own exception, :class:`WorkerTimeout` past the timeout."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self.stop()
                self._start()
            return self._exchange(request)

    def scratch(self, name: str) -> Path:
        """A new path for an array file exchanged with the worker (in its temporary directory); ``name`` gives its
        suffix."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self.stop()
                self._start()
        assert self.tmp is not None
        return self.tmp / f"{next(self._files)}{Path(name).suffix}"

    def stop(self, kill: bool = False) -> None:
        """Ends the process: closing its stdin ends it (killed when ``kill`` or when it does not end in 5 s)."""
        proc, self._proc = self._proc, None
        if proc is not None and kill:
            proc.kill()
            proc.wait()
        elif proc is not None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


_WORKERS: dict[str, Worker] = {}


def worker(name: str) -> Worker:
    """The one worker of implementation ``name`` (created on first use, started on its first request)."""
    if name not in _WORKERS:
        _WORKERS[name] = Worker(name, _ARGV[name])
    return _WORKERS[name]


def stop_all() -> None:
    """Stops every worker started so far (the end of a matrix run)."""
    for w in _WORKERS.values():
        w.stop()


atexit.register(stop_all)


# -- the environments ------------------------------------------------------------------------------------------------
def _zarr2_argv() -> list[str]:
    py = Path(os.environ.get("ZARRJVM_ZARR2_PYTHON", _REPO / ".venv-zarr2" / "bin" / "python"))
    if not py.exists():
        raise WorkerUnavailable(f"zarr-python 2 needs its own environment ({py} is missing: `make setup` creates it "
                                "from requirements-zarr2.txt, or set ZARRJVM_ZARR2_PYTHON)")
    # -I: isolated, so this repository's zarrjvm (and zarr 3) never shadows the worker's own packages
    return [str(py), "-I", str(_HERE / "_workers" / "zarr2_worker.py")]


def _zarrita_argv() -> list[str]:
    where = Path(os.environ.get("ZARRJVM_ZARRITA_DIR", _HERE / "_workers" / "zarrita"))
    node = shutil.which("node")
    if node is None:
        raise WorkerUnavailable("zarrita needs node (not on PATH)")
    if not (where / "node_modules" / "zarrita" / "package.json").exists():
        raise WorkerUnavailable(f"zarrita is not installed in {where} (`make setup` runs npm ci there)")
    return [node, str(where / "worker.mjs")]


_ARGV: dict[str, Callable[[], list[str]]] = {"zarr-python-2": _zarr2_argv, "zarrita": _zarrita_argv}


# -- implementations -------------------------------------------------------------------------------------------------
class WorkerImplementation:
    """Mixin of the worker-backed implementations: availability and the version the worker reports."""

    name: str

    def unavailable(self) -> str | None:
        """Why this implementation cannot run here (its environment is missing), or None."""
        return worker(self.name).unavailable()

    @property
    def version(self) -> str:
        why = self.unavailable()
        if why:
            return "unavailable"
        w = worker(self.name)
        if not w.hello:
            w.call({"op": "hello"})
        return str(w.hello.get("version", "unknown"))

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        why = self.unavailable()
        if why:
            raise WorkerUnavailable(why)
        return worker(self.name).call(request)


def _region(case: Case) -> list[list[int]]:
    return [[s.start or 0, n if s.stop is None else min(s.stop, n)] for s, n in zip(case.written_region(), case.shape)]



# zarr-python 2 -------------------------------------------------------------------------------------------------------
_ALL_KINDS = frozenset({"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8"})

ZARR2_CAPS = Caps(
    name="zarr-python-2", library="zarr 2 (own environment, persistent worker)", formats=frozenset({"zarr-v2"}),
    dtypes=_ALL_KINDS, v2_codecs=frozenset({"zlib", "gzip", "zstd", "blosc", "lz4", "bz2", "lzma"}),
    v2_orders=frozenset({"C", "F"}), attrs_formats=frozenset({"zarr-v2"}),
    kinds=frozenset({"zarr-v2:bytes", "zarr-v2:unicode", "zarr-v2:string"}),
    source="zarr 2.18 docs: zarr.open_array/open_group, Array.attrs, numcodecs Zlib/GZip/Zstd/Blosc/LZ4/BZ2/LZMA; "
           "string arrays ('S', 'U' dtypes; object dtype with object_codec=VLenUTF8)",
)


def _numcodecs_config(codec: str) -> dict[str, Any] | None:
    """The numcodecs configuration (``get_config()`` form) of a case's v2 compressor, as :mod:`.cases` spells it."""
    if codec == "none":
        return None
    if codec in ("zlib", "gzip"):
        return {"id": codec, "level": 5}
    if codec == "lz4":
        return {"id": "lz4", "acceleration": 1}
    if codec == "bz2":
        return {"id": "bz2", "level": 5}
    if codec == "lzma":
        return {"id": "lzma", "format": 1, "check": -1, "preset": None, "filters": None}
    if codec == "zstd":
        return {"id": "zstd", "level": 3}
    if codec.startswith("blosc-"):
        _, cname, shuffle = codec.split("-")
        return {"id": "blosc", "cname": cname, "clevel": 5,
                "shuffle": {"noshuffle": 0, "shuffle": 1, "bitshuffle": 2}[shuffle]}
    raise ValueError(f"codec {codec!r} has no Zarr v2 spelling")


class Zarr2Writer(WorkerImplementation, Writer):
    """zarr-python 2's ``zarr.open_array(store, mode="w", ...)`` (under ``zarr.open_group`` for nested groups)."""

    name = "zarr-python-2"
    caps = ZARR2_CAPS

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        store = _store_name(case, root)
        data = worker(self.name).scratch(f"w-{case.name}.npy")
        np.save(data, case.data()[case.written_region()] if case.shape else case.data())
        fill = fill_json(case) if case.kind is None else _text_fill_json(case)
        self._call({"op": "write", "store": str(store), "group": case.group, "data": str(data),
                    "region": _region(case), "shape": list(case.shape), "chunks": list(case.chunks),
                    "dtype": case.dtype, "compressor": _numcodecs_config(case.codec), "order": case.order,
                    "separator": case.separator, "fill_value": fill, "attrs": case.attrs, "kind": case.kind})
        data.unlink(missing_ok=True)
        return str(store), case.array_path, []


class Zarr2Reader(WorkerImplementation, Reader):
    """zarr-python 2's ``zarr.open_array(store, mode="r", path=...)`` (through the groups for nested groups)."""

    name = "zarr-python-2"
    caps = ZARR2_CAPS

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        out = worker(self.name).scratch(f"r-{case.name}.npy")
        reply = self._call({"op": "read", "store": store, "path": path, "group": bool(case.group), "out": str(out)})
        values = np.load(out, allow_pickle=case.kind is not None)  # strings: an object array the worker wrote
        out.unlink(missing_ok=True)
        return ReadResult(values, np.dtype(reply["dtype"]), reply.get("attrs"))


def _text_fill_json(case: Case) -> str:
    """A text case's fill value in JSON: the string, or bytes as latin-1 text (one character per byte)."""
    f = case.fill_scalar()
    return f.decode("latin-1") if isinstance(f, bytes) else str(f)


# zarrita ----------------------------------------------------------------------------------------------------------
#: zarrita's data_type names → numpy (its TypedArrays are in the platform's byte order)
_ZARRITA_DTYPES = {"bool": "|b1", "int8": "|i1", "int16": "=i2", "int32": "=i4", "int64": "=i8", "uint8": "|u1",
                   "uint16": "=u2", "uint32": "=u4", "uint64": "=u8", "float32": "=f4", "float64": "=f8"}
_V3_NAMES = {"b1": "bool", "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64", "u1": "uint8", "u2": "uint16",
             "u4": "uint32", "u8": "uint64", "f4": "float32", "f8": "float64"}

ZARRITA_READER_CAPS = Caps(
    name="zarrita", library="zarrita (JavaScript, node, persistent worker)",
    formats=frozenset({"zarr-v2", "zarr-v3"}), dtypes=_ALL_KINDS,
    v2_codecs=frozenset({"zlib", "gzip", "zstd", "blosc"}),
    v3_codecs=frozenset({"bytes", "transpose", "blosc", "gzip", "zstd", "crc32c", "sharding_indexed"}),
    v2_orders=frozenset({"C", "F"}), sharding=True,
    kinds=frozenset({"zarr-v2:bytes", "zarr-v2:unicode", "zarr-v2:string", "zarr-v3:string"}),
    notes=("text: v2 '|S<n>' (ByteStringArray), '<U<n>' (UnicodeStringArray), '|O' with vlen-utf8 and v3 'string' "
           "(arrays of JS strings); no v3 null_terminated_bytes or fixed_length_utf32 (metadata.ts data types)",),
    source="zarrita 0.7.5 src: codecs.ts registry (blosc, zstd, gzip, zlib, transpose, bytes, crc32c, sharding), "
           "util.ts v2→v3 (order F as transpose, numcodecs compressors), open.ts",
)
ZARRITA_WRITER_CAPS = Caps(
    name="zarrita", library="zarrita (JavaScript, node, persistent worker)", formats=frozenset({"zarr-v3"}),
    dtypes=_ALL_KINDS - {"i8", "u8"}, v3_codecs=frozenset({"bytes", "transpose", "zstd", "blosc"}),
    attrs_formats=frozenset({"zarr-v3"}),
    notes=("zarr.create writes Zarr v3 only; the matrix gives it the case's codecs in v3 JSON form",
           "gzip, zlib and crc32c have no encoder (codecs/*.ts: unimplementedEncode); no sharded writes",
           "int64/uint64: a fill value is a bigint, which create's jsonEncodeObject (JSON.stringify) cannot encode",
           "no text kinds: it writes v3 only, where its vlen-utf8 codec has no encoder (codecs/vlen-utf8.ts: "
           "unimplementedEncode) and its data types have no fixed-length bytes"),
    source="zarrita 0.7.5 src: create.ts (v3 arrays and groups, codecs as metadata), util.ts jsonEncodeObject, "
           "codecs/*.ts encode, indexing/set.ts",
)


def _zarrita_codecs(case: Case) -> list[dict[str, Any]]:
    """The case's v3 codec list (bytes first) as JSON metadata, spelled as :mod:`.implementations` spells it for
    tensorstore (one spelling of the spec)."""
    from .implementations import _ts_v3_codecs

    return _ts_v3_codecs(case)


class ZarritaWriter(WorkerImplementation, Writer):
    """zarrita's ``zarr.create(root.resolve(path), {...})`` and ``zarr.set`` on a ``FileSystemStore``."""

    name = "zarrita"
    caps = ZARRITA_WRITER_CAPS

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        store = _store_name(case, root)
        data = worker(self.name).scratch(f"w-{case.name}.bin")
        region = case.data()[case.written_region()] if case.shape else case.data()
        np.ascontiguousarray(region, dtype=case.np_dtype.newbyteorder("=")).tofile(data)
        dt = case.np_dtype
        self._call({"op": "write", "store": str(store), "path": case.array_path, "group": case.group,
                    "data": str(data), "region": _region(case), "shape": list(case.shape),
                    "chunks": list(case.chunks), "dtype": _V3_NAMES[f"{dt.kind}{dt.itemsize}"],
                    "codecs": _zarrita_codecs(case), "fill_value": fill_json(case), "separator": case.separator,
                    "attrs": case.attrs})
        data.unlink(missing_ok=True)
        return str(store), case.array_path, []


class ZarritaReader(WorkerImplementation, Reader):
    """zarrita's ``zarr.open(root(FileSystemStore).resolve(path), {kind: "array"})`` and ``zarr.get``."""

    name = "zarrita"
    caps = ZARRITA_READER_CAPS

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        out = worker(self.name).scratch(f"r-{case.name}.bin")
        reply = self._call({"op": "read", "store": store, "path": path, "out": str(out)})
        if reply.get("json"):  # strings: a JSON list (zarrita's Array of JS strings)
            dtype = np.dtype(object)
            flat = np.empty(int(np.prod(reply["shape"])), dtype=object)
            flat[:] = json.loads(out.read_text(encoding="utf-8"))
        else:  # numbers, and v2 '|S<n>' / '<U<n>' (zarrita's Byte/UnicodeStringArray buffers) as numpy reads them
            name = reply["dtype"]
            dtype = np.dtype(_ZARRITA_DTYPES[name] if name in _ZARRITA_DTYPES else
                             f"{'<' if name.startswith('v2:U') else '|'}{name[3:]}")
            flat = np.fromfile(out, dtype=dtype)
        out.unlink(missing_ok=True)
        shape, stride = tuple(reply["shape"]), reply["stride"]
        if reply.get("json"):  # C-ordered (zarrita's default); as_strided has no object arrays
            values = flat.reshape(shape)
        elif shape:
            values = np.lib.stride_tricks.as_strided(flat, shape, [s * dtype.itemsize for s in stride]).copy()
        else:
            values = flat.reshape(())
        return ReadResult(values, dtype, reply.get("attrs"))
