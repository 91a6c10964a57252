"""Reading never writes, and never touches a path outside the store.

The test watches the filesystem with Linux inotify while every backend reads (whole arrays, chunks, raw chunks,
groups, attributes) and while hostile paths try to leave the store: no write event (modify, attribute change,
close-after-write, create, delete, move) anywhere in the test's directory, and no open or access of anything outside
the store. The store is also made read-only (for a non-root user any write attempt then fails; root ignores modes,
which is why inotify watches for write *attempts* too: an open for writing shows as close-after-write), and a
snapshot of every path's (size, mtime, inode, mode) is compared before and after.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm

IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x40, 0x80, 0x100, 0x200, 0x400, 0x800
WRITES = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | \
    IN_DELETE_SELF | IN_MOVE_SELF
TOUCHES = IN_ACCESS | IN_OPEN | IN_CLOSE_NOWRITE
NAMES = {IN_ACCESS: "access", IN_MODIFY: "modify", IN_ATTRIB: "attrib", IN_CLOSE_WRITE: "close-write",
         IN_CLOSE_NOWRITE: "close", IN_OPEN: "open", IN_MOVED_FROM: "moved-from", IN_MOVED_TO: "moved-to",
         IN_CREATE: "create", IN_DELETE: "delete", IN_DELETE_SELF: "delete-self", IN_MOVE_SELF: "move-self"}


class Inotify:
    """Linux inotify through libc: watches directories (each one, it is not recursive) and reports events."""

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.dirs: dict[int, Path] = {}

    def watch(self, directory: Path, mask: int) -> None:
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(directory), mask)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {directory}")
        self.dirs[wd] = directory

    def events(self) -> list[tuple[Path, list[str]]]:
        out = []
        while True:
            try:
                buf = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return out
            i = 0
            while i < len(buf):
                wd, mask, _cookie, n = struct.unpack_from("iIII", buf, i)
                name = buf[i + 16:i + 16 + n].rstrip(b"\0").decode()
                i += 16 + n
                where = self.dirs.get(wd, Path("?"))
                out.append((where / name if name else where, [v for k, v in NAMES.items() if mask & k]))

    def close(self) -> None:
        os.close(self.fd)


def snapshot(root: Path) -> dict[str, tuple[int, int, int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            out[str(p.relative_to(root))] = (st.st_size if not stat.S_ISDIR(st.st_mode) else 0, st.st_mtime_ns,
                                            st.st_ino, st.st_mode)
    return out


def chmod_tree(root: Path, files: int, dirs: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            p = Path(dirpath) / name
            if not p.is_symlink():
                p.chmod(files)
        for name in dirnames:
            p = Path(dirpath) / name
            if not p.is_symlink():
                p.chmod(dirs)
    root.chmod(dirs)


def _values(shape: tuple[int, ...]) -> np.ndarray:
    return (np.arange(int(np.prod(shape))).reshape(shape) % 251).astype("<i4")


# -- the stores ------------------------------------------------------------------------------------------------------
def zarr_group(store: Path, fmt: int) -> None:
    import numcodecs
    import zarr
    from zarr.codecs import ZstdCodec

    g = zarr.open_group(str(store), mode="w", zarr_format=fmt)
    g.attrs["title"] = "never writes"
    kw = {"compressors": numcodecs.Zlib()} if fmt == 2 else {"compressors": [ZstdCodec()], "shards": (20, 20)}
    a = g.create_array("a", shape=(40, 30), chunks=(10, 10), dtype="<i4", fill_value=-1, **kw)
    a[:20] = _values((20, 30))  # the rest stays absent: fill values
    a.attrs["units"] = "m"
    g.create_group("sub")


def netcdf_file(store: Path, fmt: str) -> None:
    import netCDF4

    store.mkdir()
    with netCDF4.Dataset(str(store / "f.nc"), "w", format=fmt) as ds:
        ds.createDimension("x", 40)
        ds.createDimension("y", 30)
        kw = {"zlib": True, "chunksizes": (10, 10)} if fmt == "NETCDF4" else {}
        ds.createVariable("a", "i4", ("x", "y"), **kw)[:20] = _values((20, 30))


def read_zarr(store: Path, backend: str) -> None:
    with zarrjvm.open_array(store, "a", backend=backend) as a:
        want = np.full((40, 30), -1, dtype="<i4")
        want[:20] = _values((20, 30))
        assert_same(a[...], want)
        for _ in a.iter_chunks():
            pass
        assert a.read_chunk_raw((0, 0)) is not None
        assert a.read_chunk_raw((3, 2)) is None
        assert a.attrs == {"units": "m"}
    g = zarrjvm.open_group(store, backend=backend)
    assert g.members() == {"a": "array", "sub": "group"}
    assert g.attrs == {"title": "never writes"}
    g.close()


def read_netcdf(store: Path, backend: str) -> None:
    with zarrjvm.open_array(store / "f.nc", "a", backend=backend) as a:
        got = a[...]
        assert_same(got[:20], _values((20, 30)))
        for _ in a.iter_chunks():
            pass
    zarrjvm.open_group(store / "f.nc", backend=backend).close()


CASES: dict[str, tuple[str, Callable[[Path], None], Callable[[Path, str], None]]] = {
    "zarr-v2-zarr-java": ("zarr-java", lambda s: zarr_group(s, 2), read_zarr),
    "zarr-v2-jzarr": ("jzarr", lambda s: zarr_group(s, 2), read_zarr),
    "zarr-v3-sharded-zarr-java": ("zarr-java", lambda s: zarr_group(s, 3), read_zarr),
    "netcdf3-netcdf-java": ("netcdf-java", lambda s: netcdf_file(s, "NETCDF3_CLASSIC"), read_netcdf),
    "netcdf4-netcdf-java": ("netcdf-java", lambda s: netcdf_file(s, "NETCDF4"), read_netcdf),
}


def _escape_attempts(store: Path, backend: str) -> None:
    """Paths that would leave the store: each refused, and (checked by the watch) nothing outside is opened."""
    if backend == "netcdf-java":
        with pytest.raises(zarrjvm.ArrayNotFoundError):
            zarrjvm.open_array(store / "f.nc", "../../outside/secret", backend=backend)
        return
    for path in ("../outside", "a/../../outside", "/" + str(store.parent / "outside")):
        with pytest.raises(zarrjvm.StoreError):
            zarrjvm.open_array(store, path, backend=backend)
    for link in ("sub/escape", "sub/escape-array"):
        with pytest.raises(zarrjvm.StoreError, match="outside the store"):
            zarrjvm.open_array(store, link, backend=backend)


@pytest.fixture
def area(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    chmod_tree(tmp_path, 0o644, 0o755)  # let pytest clean up


@pytest.mark.parametrize("name", list(CASES))
def test_reading_never_writes_nor_leaves_the_store(area: Path, name: str) -> None:
    backend, make, read = CASES[name]
    store = area / "store"
    make(store)
    outside = area / "outside"
    zarr_group(outside, 2)  # a valid array outside: following a link would read it
    if backend != "netcdf-java":
        os.symlink(outside, store / "sub" / "escape", target_is_directory=True)
        os.symlink(outside / "a", store / "sub" / "escape-array", target_is_directory=True)
    read(store, backend)  # warm-up: codec libraries load once per process (outside this area)
    chmod_tree(store, 0o444, 0o555)
    before = snapshot(area)
    watch = Inotify()
    try:
        for d in [area, *(p for p in area.rglob("*") if p.is_dir() and not p.is_symlink())]:
            watch.watch(d, WRITES | TOUCHES)
        read(store, backend)
        _escape_attempts(store, backend)
        events = watch.events()
    finally:
        watch.close()
    writes = [(str(p), e) for p, e in events if any(n in e for n in ("modify", "attrib", "close-write", "create",
                                                                        "delete", "moved-from", "moved-to",
                                                                        "delete-self", "move-self"))]
    assert not writes, f"writes during reads: {writes[:10]}"
    outside_touches = [(str(p), e) for p, e in events if p == area / "outside" or outside in p.parents]
    assert not outside_touches, f"paths outside the store were opened: {outside_touches[:10]}"
    assert any(store in p.parents for p, _ in events), "the watch saw the reads inside the store"
    assert snapshot(area) == before


def test_jvm_writes_only_its_codec_libraries(tmp_path: Path) -> None:
    """In a fresh process with its own HOME and java.io.tmpdir, reading every backend writes nothing next to the
    stores; the only files created anywhere are the native codec libraries the JVM unpacks into java.io.tmpdir on
    first use (zarr-java's blosc through JNI, jzarr's through JNA), once per process, and the class-data sharing
    archive in HOME's cache (written when the JVM exits; nothing at all in HOME with ZARRJVM_CDS=0)."""
    home, jtmp, stores = tmp_path / "home", tmp_path / "jtmp", tmp_path / "stores"
    for d in (home, jtmp, stores):
        d.mkdir()
    zarr_group(stores / "v2", 2)
    zarr_group(stores / "v3", 3)
    netcdf_file(stores / "nc4", "NETCDF4")
    before = snapshot(stores)
    code = (
        "import json, os, sys, zarrjvm\n"
        "jtmp, stores = sys.argv[1], sys.argv[2]\n"
        "zarrjvm.jvm.start(options=[f'-Djava.io.tmpdir={jtmp}'])\n"
        "seen = set()\n"
        "for backend, store, path in (('zarr-java', 'v2', 'a'), ('jzarr', 'v2', 'a'), ('zarr-java', 'v3', 'a'),\n"
        "                             ('netcdf-java', 'nc4/f.nc', 'a')):\n"
        "    with zarrjvm.open_array(os.path.join(stores, store), path, backend=backend) as a:\n"
        "        a[...]\n"
        "    seen |= set(os.listdir(jtmp))\n"
        "print(json.dumps(sorted(seen)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "ZARRJVM_CDS")}
    env["HOME"] = str(home)
    proc = subprocess.run([sys.executable, "-c", code, str(jtmp), str(stores)], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    created = json.loads(proc.stdout.strip().splitlines()[-1])
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    # the archive, and what it was made from (which lets a later install forget it once those jars are gone)
    assert len(written) == 2 and re.fullmatch(r"\.cache/zarrjvm/cds-\w+\.\d+\.jsa", written[0]), written
    assert written[1] == written[0].rsplit(".", 2)[0] + ".paths", written
    shutil.rmtree(home / ".cache")
    off = subprocess.run([sys.executable, "-c", code, str(jtmp), str(stores)], capture_output=True, text=True,
                         env=dict(env, ZARRJVM_CDS="0"), timeout=300)
    assert off.returncode == 0, off.stderr[-3000:]
    assert os.listdir(home) == [], "the JVM or a reader wrote into HOME"
    assert snapshot(stores) == before
    native = ("jna", "jnilib-", "libbloscjni", "libzstd-jni", "libblosc")
    assert created, "measured: the codec libraries are unpacked into java.io.tmpdir"
    assert all(n.startswith(native) for n in created), f"unexpected files in java.io.tmpdir: {created}"
    shutil.rmtree(jtmp, ignore_errors=True)


def test_the_watch_sees_writes_and_reads(tmp_path: Path) -> None:
    """The detector itself: a write and a read in a watched directory are reported (so silence above means none)."""
    (tmp_path / "x").write_bytes(b"1")
    w = Inotify()
    try:
        w.watch(tmp_path, WRITES | TOUCHES)
        (tmp_path / "x").read_bytes()
        with open(tmp_path / "y", "wb") as f:
            f.write(b"2")
        events = {(p.name, n) for p, e in w.events() for n in e}
    finally:
        w.close()
    assert {("x", "open"), ("x", "access"), ("y", "create"), ("y", "modify"), ("y", "close-write")} <= events
