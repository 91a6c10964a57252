"""Zip stores: zarr-python's ZipStore layout (and zips made by other tools), read by the Java readers."""

from __future__ import annotations

import gc
import os
import shutil
import warnings
import zipfile
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr
from helpers import assert_same

import zarrjvm


def zipstore(path: Path, **kw: object) -> zarr.Array:
    """An array written by zarr-python into a ZipStore (closed again, so the zip is complete)."""
    store = zarr.storage.ZipStore(path, mode="w")
    z = zarr.create_array(store, **kw)  # type: ignore[arg-type]
    z[...] = np.arange(z.size).reshape(z.shape).astype(z.dtype) * 3 + 1
    want = z[...]
    store.close()
    return want


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_zipstore_v2_equals_zarr_python(tmp_path: Path, backend: str) -> None:
    want = zipstore(tmp_path / "a.zip", shape=(45, 31), chunks=(10, 8), dtype="<i4", zarr_format=2,
                    compressors=numcodecs.Zlib())
    peer = zarr.open_array(zarr.storage.ZipStore(tmp_path / "a.zip", mode="r"), mode="r")[...]
    assert_same(want, peer)
    a = zarrjvm.open_array(tmp_path / "a.zip", backend=backend)
    assert_same(a[...], peer)
    assert_same(a[7:40:3, -5:], peer[7:40:3, -5:])
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert a.read_chunk_raw((1, 2)) == zf.read("1.2")


def test_zipstore_v3_sharded_and_zip_url(tmp_path: Path) -> None:
    want = zipstore(tmp_path / "s.zip", shape=(40, 36), chunks=(5, 6), shards=(10, 12), dtype="<f8")
    for store in (tmp_path / "s.zip", f"zip://{tmp_path / 's.zip'}"):
        a = zarrjvm.open_array(store, backend="zarr-java")
        assert a.store_stats() is None  # a local file: nothing to count
        assert_same(a[...], want)


def test_deflated_zip_of_a_directory_store(tmp_path: Path) -> None:
    """A zip made with `zip -r` style compression: every entry deflated, directory entries present."""
    z = zarr.create_array(tmp_path / "d.zarr", shape=(30, 30), chunks=(5, 5), shards=(10, 10), dtype="u2")
    z[...] = (np.arange(900) * 11 % 65536).astype("u2").reshape(30, 30)
    with zipfile.ZipFile(tmp_path / "d.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for root, dirs, files in os.walk(tmp_path / "d.zarr"):
            for d in dirs:
                zf.write(Path(root) / d, (Path(root) / d).relative_to(tmp_path).as_posix() + "/")
            for f in files:
                zf.write(Path(root) / f, (Path(root) / f).relative_to(tmp_path).as_posix())
    # shard index and inner chunks: ranges of deflated entries
    g = zarrjvm.open_array(tmp_path / "d.zip", path="d.zarr")
    assert_same(g[...], z[...])


def test_duplicate_entries_read_as_the_last_like_zarr_python(tmp_path: Path) -> None:
    zipstore(tmp_path / "dup.zip", shape=(4, 4), chunks=(2, 2), dtype="<i2", zarr_format=2,
             compressors=numcodecs.Zlib())
    other = zarr.create_array(tmp_path / "o.zarr", shape=(4, 4), chunks=(2, 2), dtype="<i2", zarr_format=2,
                              compressors=numcodecs.Zlib())
    other[...] = -7
    with warnings.catch_warnings(), zipfile.ZipFile(tmp_path / "dup.zip", "a") as zf:
        warnings.simplefilter("ignore")  # "Duplicate name"
        zf.writestr("1.0", (tmp_path / "o.zarr" / "1.0").read_bytes())
    peer = zarr.open_array(zarr.storage.ZipStore(tmp_path / "dup.zip", mode="r"), mode="r")[...]
    assert (peer[2:, :2] == -7).all()
    for backend in ("zarr-java", "jzarr"):
        assert_same(zarrjvm.open_array(tmp_path / "dup.zip", backend=backend)[...], peer)


def test_group_in_a_zip(tmp_path: Path) -> None:
    store = zarr.storage.ZipStore(tmp_path / "g.zip", mode="w")
    g = zarr.open_group(store, mode="w", zarr_format=2)
    g.create_array("x", shape=(3,), chunks=(2,), dtype="i8", compressors=numcodecs.Zlib())[:] = [5, 6, 7]
    g.create_group("inner").create_array("y", shape=(2,), chunks=(2,), dtype="f4", compressors=None)[:] = 1.5
    store.close()
    jg = zarrjvm.open_group(tmp_path / "g.zip", backend="jzarr")
    assert jg.members() == {"inner": "group", "x": "array"}
    assert_same(jg["x"][...], np.array([5, 6, 7]))
    assert_same(jg["inner/y"][...], np.array([1.5, 1.5], dtype="f4"))


def _open_fds(path: Path) -> int:
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            n += os.readlink(f"/proc/self/fd/{fd}") == str(path)
        except OSError:
            pass
    return n


def test_zip_file_is_closed_when_its_last_array_is_gone(tmp_path: Path) -> None:
    zipstore(tmp_path / "c.zip", shape=(6,), chunks=(3,), dtype="<i8", zarr_format=2, compressors=None)
    before = _open_fds(tmp_path / "c.zip")
    a = zarrjvm.open_array(tmp_path / "c.zip")
    view = a[...]
    assert _open_fds(tmp_path / "c.zip") == before + 1
    a.close()
    gc.collect()
    assert _open_fds(tmp_path / "c.zip") == before
    assert_same(view, np.arange(6) * 3 + 1)  # views handed out stay valid


def test_not_a_zip_and_missing_zip(tmp_path: Path) -> None:
    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    with pytest.raises(zarrjvm.StoreError):
        zarrjvm.open_array(tmp_path / "junk.zip")
    with pytest.raises(zarrjvm.ArrayNotFoundError):
        zarrjvm.open_array(f"zip://{tmp_path / 'none.zip'}")
    shutil.copy(tmp_path / "junk.zip", tmp_path / "junk.bin")
    with pytest.raises(zarrjvm.StoreError):
        zarrjvm.open_array(f"zip://{tmp_path / 'junk.bin'}")


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_zip_reads_never_write_and_keys_stay_in_the_zip(tmp_path: Path, backend: str) -> None:
    """The zip's bytes, size, times and inode are unchanged by reads, nothing is created next to it, and paths that
    would leave the zip's root (or name an entry outside the array by '..') are refused before any entry is read."""
    import hashlib

    want = zipstore(tmp_path / "a.zip", shape=(20, 20), chunks=(10, 10), dtype="<i4", zarr_format=2,
                    compressors=numcodecs.Zlib())
    with zipfile.ZipFile(tmp_path / "a.zip", "a") as zf:  # an array beside the root one, reachable only by '..'
        zf.writestr("../escape/.zarray", zf.read(".zarray"))

    def state() -> tuple:
        st = (tmp_path / "a.zip").stat()
        return (sorted(os.listdir(tmp_path)), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
                hashlib.sha256((tmp_path / "a.zip").read_bytes()).hexdigest())

    before = state()
    with zarrjvm.open_array(tmp_path / "a.zip", backend=backend) as a:
        assert_same(a[...], want)
        list(a.iter_chunks())
        a.read_chunk_raw((0, 0))
    for path in ("../escape", "x/../../escape", "/escape"):
        with pytest.raises(zarrjvm.StoreError, match="relative to the store|inside the store"):
            zarrjvm.open_array(tmp_path / "a.zip", path, backend=backend)
    gc.collect()
    assert state() == before
