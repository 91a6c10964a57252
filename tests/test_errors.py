"""Bad input gives a typed zarrjvm error that names the cause and keeps the Java class; the JVM stays usable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import assert_same

import zarrjvm
from zarrjvm.compat.cases import Case

GOOD = Case("errors-good", "zarr-v2", dtype="<i4", shape=(20, 20), chunks=(10, 10), codec="zlib")


@pytest.fixture
def good(written) -> tuple[str, str]:
    return written(GOOD)


def _still_works(good: tuple[str, str]) -> None:
    with zarrjvm.open_array(*good) as a:
        assert_same(a[...], GOOD.expected())


def _copy_store(src: str, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_missing_store(tmp_path: Path, good, backend: str) -> None:
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="does not exist"):
        zarrjvm.open_array(tmp_path / "nope.zarr", backend=backend)
    _still_works(good)


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_missing_array_path(good, backend: str) -> None:
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="no Zarr array at 'missing'"):
        zarrjvm.open_array(good[0], "missing", backend=backend)
    _still_works(good)


def test_missing_netcdf_file_and_variable(tmp_path: Path, written) -> None:
    case = Case("errors-nc", "netcdf4", dtype="<f4", shape=(4, 4), chunks=(2, 2), codec="zlib")
    store, path = written(case)
    with pytest.raises(zarrjvm.ArrayNotFoundError):
        zarrjvm.open_array(tmp_path / "none.nc", "v", backend="netcdf-java")
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="no variable 'nothere'") as info:
        zarrjvm.open_array(store, "nothere", backend="netcdf-java")
    import netCDF4

    with netCDF4.Dataset(store) as ds:
        names = sorted(ds.variables)
    assert names and f"(variables: [{', '.join(names)}])" in str(info.value), "the message lists what the file holds"
    with zarrjvm.open_array(store, path, backend="netcdf-java") as a:
        assert_same(a[...], case.expected())


def test_not_a_netcdf_file(tmp_path: Path) -> None:
    p = tmp_path / "garbage.nc"
    p.write_bytes(b"this is not netcdf" * 10)
    with pytest.raises(zarrjvm.MetadataError, match="cannot read"):
        zarrjvm.open_array(p, "v", backend="netcdf-java")


def test_unknown_backend(good) -> None:
    # a ValueError (InvalidArgumentError) listing the backends there are
    with pytest.raises(zarrjvm.InvalidArgumentError, match="unknown backend 'tensorflow' \\(known: zarr-java, jzarr, "
                       "netcdf-java, jhdf\\)"):
        zarrjvm.open_array(good[0], backend="tensorflow")


def test_unknown_option(good) -> None:
    # a TypeError naming the valid options, as Python's own for an unexpected keyword
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'chek' \(valid: backend, checks, shims, direct, "
                                        r"decode, zarr_format, storage_options\)"):
        zarrjvm.open_array(good[0], chek=False)
    with pytest.raises(TypeError, match="checks must be True or False, got 'no'"):
        zarrjvm.open_array(good[0], checks="no")


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_malformed_metadata(tmp_path: Path, good, backend: str) -> None:
    store = _copy_store(good[0], tmp_path / "bad.zarr")
    (store / ".zarray").write_text("{ not json")
    with pytest.raises(zarrjvm.MetadataError, match="not valid JSON") as ei:
        zarrjvm.open_array(store, backend=backend)
    assert ei.value.java_class and "Json" in ei.value.java_class
    _still_works(good)


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_corrupted_chunk_is_an_error(tmp_path: Path, good, backend: str) -> None:
    store = _copy_store(good[0], tmp_path / "corrupt.zarr")
    (store / "0.1").write_bytes(b"\x78\x9c garbage, not zlib")
    with zarrjvm.open_array(store, backend=backend) as a:
        assert_same(a.read_chunk((0, 0)), GOOD.expected()[:10, :10])
        with pytest.raises(zarrjvm.ChunkDecodeError) as ei:
            a.read_chunk((0, 1))
        assert ei.value.java_class
        with pytest.raises(zarrjvm.ChunkDecodeError):
            a[...]
        assert_same(a.read_chunk((1, 1)), GOOD.expected()[10:, 10:])
    _still_works(good)


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_directory_where_chunk_should_be(tmp_path: Path, good, backend: str) -> None:
    """zarr-java's own FilesystemStore would read this as an absent chunk (fill value); zarrjvm's store refuses."""
    store = _copy_store(good[0], tmp_path / "dir.zarr")
    os.remove(store / "1.0")
    (store / "1.0").mkdir()
    with zarrjvm.open_array(store, backend=backend) as a:
        with pytest.raises(zarrjvm.StoreError, match="is a directory"):
            a.read_chunk((1, 0))


@pytest.mark.parametrize("path", ["../outside", "/etc", "a/../../b", "a//b", "./a"])
def test_paths_cannot_leave_the_store(good, path: str) -> None:
    with pytest.raises(zarrjvm.StoreError, match="inside the store|relative to the store"):
        zarrjvm.open_array(good[0], path)


def test_symlink_out_of_the_store(tmp_path: Path, good) -> None:
    outside = _copy_store(good[0], tmp_path / "outside.zarr")
    store = tmp_path / "store.zarr"
    store.mkdir()
    (store / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(zarrjvm.StoreError, match="outside the store"):
        zarrjvm.open_array(store, "link")


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_group_listing_leaves_out_links_out_of_the_store(tmp_path: Path, backend: str) -> None:
    import zarr

    outside = tmp_path / "outside.zarr"
    zarr.open_group(str(outside), mode="w", zarr_format=2).create_array("a", shape=(4,), dtype="i4")
    store = tmp_path / "g.zarr"
    g = zarr.open_group(str(store), mode="w", zarr_format=2)
    g.create_array("inside", shape=(3,), dtype="i4")[:] = [1, 2, 3]
    (store / "escape").symlink_to(outside / "a", target_is_directory=True)
    (store / "dangling").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    with zarrjvm.open_group(store, backend=backend) as jg:
        assert sorted(jg) == ["inside"]
        assert jg["inside"][:].tolist() == [1, 2, 3]
        with pytest.raises(zarrjvm.ArrayNotFoundError, match="no member 'escape'"):
            jg["escape"]
    with pytest.raises(zarrjvm.StoreError, match="outside the store"):
        zarrjvm.open_array(store, "escape", backend=backend)


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_group_is_not_an_array(tmp_path: Path, backend: str) -> None:
    import zarr

    zarr.open_group(str(tmp_path / "g.zarr"), mode="w", zarr_format=2).create_group("sub")
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="is a group, not an array"):
        zarrjvm.open_array(tmp_path / "g.zarr", "sub", backend=backend)


def test_out_of_range_chunk_and_region(good) -> None:
    with zarrjvm.open_array(*good) as a:
        with pytest.raises(IndexError):
            a.read_chunk((2, 0))
        with pytest.raises(IndexError):
            a.read_chunk((0,))
        with pytest.raises(IndexError):
            a.read_region((15, 0), (10, 5))
        with pytest.raises(IndexError):
            a[20]
        with pytest.raises(IndexError):
            a[[1, 20]]  # integer arrays are indices (NumPy semantics); 20 is out of bounds
        # the Java side checks too (a caller bypassing Python's checks gets a typed error)
        import jpype

        with pytest.raises(zarrjvm.OutOfBoundsError, match="outside the chunk grid") as ei:
            zarrjvm._bridge.java_call(lambda: a._source.readChunk(jpype.JArray(jpype.JLong)([5, 5]), None))
        assert isinstance(ei.value, IndexError)


def _tree_state(root: Path) -> dict[str, tuple]:
    """Every path under ``root``: its kind, size, mtime, ctime (which no user can set back: any write, chmod or rename
    moves it) and inode, and a file's SHA-256."""
    import hashlib

    out: dict[str, tuple] = {}
    for p in sorted([root, *root.rglob("*")]):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
        out[str(p.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest)
    return out


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_reading_never_writes(tmp_path: Path, good, backend: str) -> None:
    """No chmod (root would ignore it): every path's contents, size, times and inode are the same after the reads,
    and no file was added or removed anywhere under the store (inotify's view: test_never_writes.py)."""
    store = _copy_store(good[0], tmp_path / "ro.zarr")
    before = _tree_state(store)
    with zarrjvm.open_array(store, backend=backend) as a:
        assert_same(a[...], GOOD.expected())
        assert len(list(a.iter_chunks())) == 4
        assert a.read_chunk_raw((0, 0)) == (store / "0.0").read_bytes()
        assert isinstance(a.attrs, dict)
    assert _tree_state(store) == before
    # the comparison sees a change: touching one chunk file's metadata alone moves its ctime
    os.utime(store / "0.0", ns=(before["0.0"][2], before["0.0"][2]))
    assert _tree_state(store)["0.0"][3] != before["0.0"][3]


def test_error_keeps_java_class_and_message(tmp_path: Path, good) -> None:
    store = _copy_store(good[0], tmp_path / "unknown-codec.zarr")
    meta = json.loads((store / ".zarray").read_text())
    meta["compressor"] = {"id": "lzma"}
    (store / ".zarray").write_text(json.dumps(meta))
    with pytest.raises(zarrjvm.UnsupportedError) as ei:
        zarrjvm.open_array(store)
    assert "lzma" in str(ei.value)
    assert ei.value.java_class == "dev.zarrjvm.errors.UnsupportedException"
    assert isinstance(ei.value, zarrjvm.ZarrJvmError)


def test_many_errors_then_reads(good, tmp_path: Path, allocator_baseline) -> None:
    import jpype

    children = int(jpype.JClass("dev.zarrjvm.bridge.ZarrJvm").arrowOpenAllocators())
    for i in range(200):
        with pytest.raises(zarrjvm.ArrayNotFoundError):
            zarrjvm.open_array(tmp_path / f"missing{i}")
    _still_works(good)
    # 200 failed opens left no Arrow memory and no reader's child allocator behind
    assert allocator_baseline() == 0
    assert int(jpype.JClass("dev.zarrjvm.bridge.ZarrJvm").arrowOpenAllocators()) == children


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_errors_name_a_root_array_as_slash(tmp_path: Path, backend: str) -> None:
    import zarr

    store = tmp_path / "root.zarr"
    zarr.create_array(str(store), shape=(4,), chunks=(4,), dtype="<i4", zarr_format=2,
                      compressors=None)[:] = [1, 2, 3, 4]
    (store / "0").write_bytes(b"\x00" * 3)  # an uncompressed chunk of the wrong size
    with zarrjvm.open_array(store, backend=backend) as a:
        with pytest.raises(zarrjvm.ChunkDecodeError) as e:
            a.read_chunk((0,))
    message = str(e.value)
    assert " of  " not in message and "'' " not in message, message
    if backend == "zarr-java":  # jzarr's message names the chunk's key instead
        assert "chunk [0] of / with zarr-java" in message, message
