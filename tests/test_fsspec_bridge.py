"""The fsspec bridge: whatever filesystem Python can reach, the Java readers read (through a JPype proxy store)."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from pathlib import Path
from typing import Any

import fsspec
import numcodecs
import numpy as np
import pytest
import zarr
from fsspec import AbstractFileSystem
from helpers import assert_same

import zarrjvm


def copy_into(fs: AbstractFileSystem, local: Path, root: str) -> None:
    for p in sorted(local.rglob("*")):
        if p.is_file():
            fs.pipe_file(f"{root}/{p.relative_to(local).as_posix()}", p.read_bytes())


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fsspec")
    z = zarr.create_array(root / "v3.zarr", shape=(64, 48), chunks=(8, 8), dtype="<f4")
    z[...] = np.random.default_rng(7).standard_normal((64, 48)).astype("f4")
    z = zarr.create_array(root / "v2.zarr", shape=(50, 20), chunks=(10, 7), dtype="<u1", zarr_format=2,
                          compressors=numcodecs.Zlib(), fill_value=9)
    z[:30] = (np.arange(600) % 251).astype("u1").reshape(30, 20)
    return root


@pytest.fixture
def memfs(written: Path) -> AbstractFileSystem:
    fs = fsspec.filesystem("memory")
    fs.store.clear()
    fs.pseudo_dirs.clear()
    fs.pseudo_dirs.append("")
    copy_into(fs, written, "/bridge")
    return fs


@pytest.mark.parametrize("backend,name", [("zarr-java", "v3.zarr"), ("zarr-java", "v2.zarr"), ("jzarr", "v2.zarr")])
def test_every_fsspec_form_reads_like_zarr_python(memfs: AbstractFileSystem, written: Path, backend: str,
                                                  name: str) -> None:
    want = zarr.open_array(written / name, mode="r")[...]
    forms: list[tuple[Any, str | None]] = [
        (f"memory://bridge/{name}", None),  # any fsspec URL
        (fsspec.get_mapper(f"memory://bridge/{name}"), None),  # a mapper
        (memfs, f"bridge/{name}"),  # a filesystem and the path inside it
        (zarr.storage.FsspecStore.from_url(f"memory://bridge/{name}", read_only=True), None),  # zarr's async store
    ]
    for store, path in forms:
        a = zarrjvm.open_array(store, path, backend=backend)
        assert_same(a[...], want)
        stats = a.store_stats()
        assert stats is not None and stats["requests"] > 0 and stats["store"].startswith("fsspec memory://")


class CountingFS(AbstractFileSystem):
    """A custom fsspec filesystem over a dict: counts its reads, and refuses one key (to test error translation)."""

    protocol = "counting"
    cachable = False

    def __init__(self, files: dict[str, bytes], refuse: str | None = None, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.files = files
        self.refuse = refuse
        self.reads = 0
        self.threads: set[str] = set()
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        #: when set, each read waits here until that many reads are inside at once (a serial caller breaks it)
        self.rendezvous: threading.Barrier | None = None
        #: every call that would change the filesystem, and every path asked for (to see where reads went)
        self.writes: list[tuple[str, str]] = []
        self.asked: list[str] = []

    def _write(self, what: str, path: str, *a: Any, **kw: Any) -> None:
        self.writes.append((what, path))
        raise PermissionError(f"read-only test filesystem: {what} {path}")

    def pipe_file(self, path: str, *a: Any, **kw: Any) -> None:
        self._write("pipe_file", path)

    def rm_file(self, path: str, *a: Any, **kw: Any) -> None:
        self._write("rm_file", path)

    def rm(self, path: Any, *a: Any, **kw: Any) -> None:
        self._write("rm", str(path))

    def mkdir(self, path: str, *a: Any, **kw: Any) -> None:
        self._write("mkdir", path)

    def makedirs(self, path: str, *a: Any, **kw: Any) -> None:
        self._write("makedirs", path)

    def touch(self, path: str, *a: Any, **kw: Any) -> None:
        self._write("touch", path)

    def mv(self, path1: Any, path2: Any, *a: Any, **kw: Any) -> None:
        self._write("mv", f"{path1} -> {path2}")

    def ls(self, path: str, detail: bool = True, **kw: Any) -> list[Any]:
        path = self._strip_protocol(path).strip("/")
        if path in self.files:
            out = [{"name": path, "size": len(self.files[path]), "type": "file"}]
        else:
            pre = f"{path}/" if path else ""
            names = {k[len(pre):].split("/")[0] for k in self.files if k.startswith(pre)}
            if not names:
                raise FileNotFoundError(path)
            out = []
            for n in sorted(names):
                full = pre + n
                out.append({"name": full, "size": len(self.files.get(full, b"")),
                            "type": "file" if full in self.files else "directory"})
        return out if detail else [e["name"] for e in out]

    def info(self, path: str, **kw: Any) -> dict[str, Any]:
        path = self._strip_protocol(path).strip("/")
        self.asked.append(path)
        if path in self.files:
            return {"name": path, "size": len(self.files[path]), "type": "file"}
        if any(k.startswith(path + "/") for k in self.files):
            return {"name": path, "size": 0, "type": "directory"}
        raise FileNotFoundError(path)

    def _open(self, path: str, mode: str = "rb", **kw: Any) -> io.BytesIO:
        path = self._strip_protocol(path).strip("/")
        self.asked.append(path)
        if mode != "rb":
            self._write(f"open({mode!r})", path)
        with self.lock:
            self.reads += 1
            self.threads.add(threading.current_thread().name)
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            time.sleep(self.delay)  # a slow remote filesystem (sleeping releases the GIL, as network I/O does)
            if self.rendezvous is not None:
                try:
                    self.rendezvous.wait()
                except threading.BrokenBarrierError:
                    pass  # the barrier served its purpose (or timed out: max_active tells)
        finally:
            with self.lock:
                self.active -= 1
        if path == self.refuse:
            raise PermissionError(f"no access to {path}")
        if path not in self.files:
            raise FileNotFoundError(path)
        return io.BytesIO(self.files[path])


def counting_fs(local: Path, refuse: str | None = None, delay: float = 0.0) -> CountingFS:
    files = {p.relative_to(local).as_posix(): p.read_bytes() for p in sorted(local.rglob("*")) if p.is_file()}
    return CountingFS(files, refuse, delay)


def test_custom_filesystem_is_read_from_java_threads_in_parallel(written: Path) -> None:
    """Event-driven: every chunk read waits in the filesystem until 8 reads are inside it at once; a serial caller
    could never get there (the barrier would time out and max_active stay at 1)."""
    fs = counting_fs(written)
    a = zarrjvm.open_array(fs, "v3.zarr", backend="zarr-java")
    fs.reads = 0
    fs.threads.clear()
    fs.max_active = 0
    together = 8
    fs.rendezvous = threading.Barrier(together, timeout=60)
    opened = a.store_stats()
    assert opened is not None
    assert_same(a[...], zarr.open_array(written / "v3.zarr")[...])
    assert a.nchunks == 48 and a.nchunks % together == 0  # every read meets 7 others (no straggler waits alone)
    assert fs.reads == a.nchunks  # one read per chunk, each a call from Java into Python
    assert not fs.rendezvous.broken, "the reads never overlapped 8 at a time"
    assert fs.max_active >= together
    # Java's io pool threads, each attached to Python by JPype for its calls
    assert len(fs.threads - {"MainThread"}) >= together, fs.threads
    stats = a.store_stats()
    assert stats is not None and stats["requests"] - opened["requests"] == a.nchunks
    assert stats["max_in_flight"] >= together


def test_python_errors_become_store_errors_and_absent_keys_fill(written: Path) -> None:
    fs = counting_fs(written, refuse="v2.zarr/1.1")
    a = zarrjvm.open_array(fs, "v2.zarr", backend="jzarr")
    with pytest.raises(zarrjvm.StoreError, match="PermissionError: no access to v2.zarr/1.1"):
        a[...]
    assert_same(a[30:, :], np.full((20, 20), 9, dtype="u1"))  # chunks never written: absent in the dict, fill
    assert_same(a.read_chunk((0, 0)), zarr.open_array(written / "v2.zarr")[:10, :7])


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_bridge_reads_never_write_and_keys_stay_in_the_store(written: Path, backend: str) -> None:
    """Reading through the bridge calls no writing method of the filesystem, and paths that would leave the store's
    root are refused before the filesystem is asked for anything (every path it is asked for is under v2.zarr)."""
    fs = counting_fs(written)
    fs.files["secret/.zarray"] = fs.files["v2.zarr/.zarray"]  # an array outside the store, reachable only by '..'
    with zarrjvm.open_array(fs, "v2.zarr", backend=backend) as a:
        assert_same(a[...], zarr.open_array(written / "v2.zarr")[...])
        list(a.iter_chunks())
        a.read_chunk_raw((0, 0))
        assert isinstance(a.attrs, dict)
    assert fs.writes == []
    assert fs.asked and all(p == "v2.zarr" or p.startswith("v2.zarr/") for p in fs.asked), sorted(set(fs.asked))
    fs.asked.clear()
    for path in ("../secret", "v2.zarr/../../secret", "/secret"):  # each names a path outside the filesystem's root
        with pytest.raises(zarrjvm.StoreError, match="relative to the store|inside the store"):
            zarrjvm.open_array(fs, path, backend=backend)
    assert fs.asked == [], fs.asked


def test_async_reads_through_the_bridge(written: Path) -> None:
    fs = counting_fs(written)
    want = zarr.open_array(written / "v3.zarr")[...]

    async def main() -> list[np.ndarray]:
        a = await zarrjvm.open_array_async(fs, "v3.zarr")
        return await asyncio.wait_for(
            asyncio.gather(*(a.read_chunk_async((i // 6, i % 6)) for i in range(48))), timeout=120)

    chunks = asyncio.run(main())
    for i, c in enumerate(chunks):
        r, k = divmod(i, 6)
        assert_same(c, want[r * 8:(r + 1) * 8, k * 8:(k + 1) * 8])


def test_fsspec_group_listing(memfs: AbstractFileSystem) -> None:
    zarr.open_group(zarr.storage.FsspecStore.from_url("memory://bridge", read_only=False), mode="a")
    g = zarrjvm.open_group("memory://bridge")
    assert g.members() == {"v2.zarr": "array", "v3.zarr": "array"}


def test_netcdf_backend_refuses_an_fsspec_directory_and_objects_refuse_options(memfs: AbstractFileSystem) -> None:
    # a NetCDF file is the store itself (fsspec URL or filesystem rooted at the file): a directory is not one
    with pytest.raises(zarrjvm.StoreError, match="is a directory, not a file"):
        zarrjvm.open_array(memfs, "x.nc", backend="netcdf-java")
    with pytest.raises(zarrjvm.InvalidArgumentError, match="already configured"):
        zarrjvm.open_array(memfs, "bridge/v3.zarr", storage_options={"anon": True})
    with pytest.raises(TypeError, match="unsupported store"):
        zarrjvm.open_array(object())
