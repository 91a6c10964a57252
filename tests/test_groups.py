"""Groups: member listing, attributes and nested access, against zarr-python's and netCDF4's own view."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm


def _zarr_tree(root: Path, fmt: int) -> Path:
    import numcodecs
    import zarr

    store = root / f"tree_v{fmt}.zarr"
    g = zarr.open_group(str(store), mode="w", zarr_format=fmt, attributes={"title": "tree", "n": 3})
    comp = numcodecs.Zlib() if fmt == 2 else None
    kw = {"compressors": comp} if fmt == 2 else {}
    a = g.create_array("a", shape=(10, 10), chunks=(5, 5), dtype="f8", **kw)
    a[:] = np.arange(100.0).reshape(10, 10)
    b = g.create_array("b", shape=(7,), chunks=(3,), dtype="i2", **kw)
    b[:] = np.arange(7, dtype="i2")
    sub = g.create_group("sub", attributes={"level": 1})
    c = sub.create_array("c", shape=(4, 4), chunks=(2, 2), dtype="u1", **kw)
    c[:] = np.arange(16, dtype="u1").reshape(4, 4)
    sub.create_group("deeper").create_group("deepest")
    return store


@pytest.mark.parametrize("fmt,backend", [(2, "zarr-java"), (2, "jzarr"), (3, "zarr-java")])
def test_zarr_group_members_and_attrs(tmp_path: Path, fmt: int, backend: str) -> None:
    import zarr

    store = _zarr_tree(tmp_path, fmt)
    zg = zarr.open_group(str(store), mode="r")
    with zarrjvm.open_group(store, backend=backend) as g:
        assert sorted(g.array_keys()) == sorted(zg.array_keys())
        assert sorted(g.group_keys()) == sorted(zg.group_keys())
        assert g.attrs == dict(zg.attrs)
        assert set(g) == {"a", "b", "sub"}
        assert len(g) == 3
        assert_same(g["a"][...], zg["a"][...])
        sub = g["sub"]
        assert isinstance(sub, zarrjvm.JvmGroup)
        assert sub.attrs == {"level": 1}
        assert sub.members() == {"c": "array", "deeper": "group"}
        assert_same(g["sub/c"][...], zg["sub/c"][...])
        assert g["sub/deeper"].group_keys() == ["deepest"]
        with pytest.raises(zarrjvm.ArrayNotFoundError, match="no member 'nope'"):
            g["nope"]
        with pytest.raises(zarrjvm.ArrayNotFoundError):
            g["a/b"]
    sub_direct = zarrjvm.open_group(store, "sub", backend=backend)
    assert sub_direct.array_keys() == ["c"]


def test_jzarr_refuses_v3_groups(tmp_path: Path) -> None:
    store = _zarr_tree(tmp_path, 3)
    with pytest.raises(zarrjvm.UnsupportedError, match="v2 only"):
        zarrjvm.open_group(store, backend="jzarr")


def test_array_is_not_a_group(tmp_path: Path) -> None:
    store = _zarr_tree(tmp_path, 3)
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="is an array, not a group"):
        zarrjvm.open_group(store, "a")


def test_netcdf_groups(tmp_path: Path) -> None:
    import netCDF4

    p = tmp_path / "groups.nc"
    with netCDF4.Dataset(p, "w") as ds:
        ds.setncattr("title", "root")
        ds.createDimension("x", 5)
        v = ds.createVariable("top", "i4", ("x",))
        v[:] = np.arange(5)
        g = ds.createGroup("inner")
        g.setncattr("level", 1)
        g.createDimension("y", 3)
        w = g.createVariable("w", "f8", ("y",))
        w[:] = [1.5, 2.5, 3.5]
        g.createGroup("deeper")
    with zarrjvm.open_group(p, backend="netcdf-java") as root:
        assert root.format == "netcdf4"
        assert root.attrs == {"title": "root"}
        assert root.array_keys() == ["top"]
        assert root.group_keys() == ["inner"]
        assert_same(root["top"][...], np.arange(5, dtype="i4"))
        inner = root["inner"]
        assert inner.attrs == {"level": 1}
        assert inner.members() == {"deeper": "group", "w": "array"}
        assert_same(root["inner/w"][...], np.array([1.5, 2.5, 3.5]))
    with zarrjvm.open_array(p, "inner/w", backend="netcdf-java") as a:
        assert_same(a[...], np.array([1.5, 2.5, 3.5]))


def test_dimension_names_as_each_format_gives_them(tmp_path: Path) -> None:
    import netCDF4
    import xarray as xr
    import zarr

    z3 = zarr.create_array(str(tmp_path / "v3.zarr"), shape=(2, 3), dtype="i4", dimension_names=["time", None])
    z3[:] = 1
    ds = xr.Dataset({"t": (("lat", "lon"), np.zeros((2, 3), "f4"))})
    import numcodecs

    ds.to_zarr(tmp_path / "xr2.zarr", zarr_format=2, consolidated=False,
               encoding={"t": {"compressors": [numcodecs.Zlib()]}})
    zarr.create_array(str(tmp_path / "plain2.zarr"), shape=(4,), dtype="i2", zarr_format=2, compressors=None)
    with netCDF4.Dataset(tmp_path / "d.nc", "w") as nc:
        nc.createDimension("y", 2)
        nc.createDimension("x", 3)
        nc.createVariable("v", "f4", ("y", "x"))[:] = 0
    assert zarrjvm.open_array(tmp_path / "v3.zarr").dimension_names == ("time", None)
    assert zarrjvm.open_array(tmp_path / "xr2.zarr", "t", backend="jzarr").dimension_names == ("lat", "lon")
    assert zarrjvm.open_array(tmp_path / "xr2.zarr", "t").dimension_names == ("lat", "lon")
    assert zarrjvm.open_array(tmp_path / "plain2.zarr").dimension_names is None
    with zarrjvm.open_array(tmp_path / "d.nc", "v", backend="netcdf-java") as a:
        assert a.dimension_names == ("y", "x")
        assert a.info["dimension_names"] == ["y", "x"]
    # and `zarrjvm info` prints them (its JSON is the array's info)
    import json
    import subprocess
    import sys

    cases = [("v3.zarr", [], ["time", None]), ("xr2.zarr", ["--path", "t", "--backend", "jzarr"], ["lat", "lon"]),
             ("plain2.zarr", [], None), ("d.nc", ["--path", "v", "--backend", "netcdf-java"], ["y", "x"])]
    for store, args, want in cases:
        r = subprocess.run([sys.executable, "-m", "zarrjvm", "info", str(tmp_path / store), *args],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["dimension_names"] == want, (store, r.stdout)


def test_netcdf_java_prints_nothing_and_says_what_it_skipped(tmp_path: Path) -> None:
    """netCDF-Java prints the variables it skips ("SKIPPING variable with SZIP Filter=…") to stdout; through zarrjvm
    nothing reaches stdout or stderr, and the group's notes say what was skipped."""
    import subprocess
    import sys

    import netCDF4

    if not netCDF4.__has_szip_support__:
        pytest.skip("this netCDF4 build cannot write SZIP")
    f = tmp_path / "sz.nc"
    with netCDF4.Dataset(f, "w") as ds:
        ds.createDimension("x", 100)
        ds.createVariable("sz", "i4", ("x",), compression="szip", szip_coding="nn", szip_pixels_per_block=8)[:] = 1
        ds.createVariable("ok", "i4", ("x",))[:] = np.arange(100)
    code = f"""
import zarrjvm
g = zarrjvm.open_group({str(f)!r}, backend="netcdf-java")
assert g.members() == {{"ok": "array"}}, g.members()
assert len(g.notes) == 1 and "SZIP" in g.notes[0] and g.notes[0].endswith("for variable sz"), g.notes
assert g["ok"][...].tolist() == list(range(100))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (r.stdout, r.stderr) == ("", "")


@pytest.mark.parametrize("fmt,backend", [(2, "zarr-java"), (2, "jzarr"), (3, "zarr-java")])
def test_consolidated_metadata_lists_members_as_zarr_python_does(tmp_path: Path, fmt: int, backend: str) -> None:
    """With consolidated metadata, members are what it lists (as zarr-python and xarray read it); an array added
    without consolidating again is not a member for either, and members read their metadata from it."""
    import zarr

    store = _zarr_tree(tmp_path, fmt)
    zarr.consolidate_metadata(str(store))
    late = zarr.open_group(str(store), mode="a", use_consolidated=False)
    late.create_array("late", shape=(3,), chunks=(3,), dtype="i4")[:] = 1
    zg = zarr.open_group(str(store), mode="r")
    with zarrjvm.open_group(store, backend=backend) as g:
        assert sorted(g.array_keys()) == sorted(zg.array_keys()) == ["a", "b"]
        assert sorted(g.group_keys()) == sorted(zg.group_keys()) == ["sub"]
        assert_same(g["sub/c"][...], zg["sub/c"][...])
        assert g["sub"].attrs == dict(zg["sub"].attrs)


def test_consolidated_metadata_naming_paths_outside_the_store_is_refused(tmp_path: Path) -> None:
    import json

    store = _zarr_tree(tmp_path, 2)
    (store / ".zmetadata").write_text(json.dumps({"zarr_consolidated_format": 1, "metadata": {
        ".zgroup": {"zarr_format": 2}, "../evil/.zarray": {"zarr_format": 2}}}))
    with pytest.raises(zarrjvm.MetadataError, match=r"consolidated metadata lists '\.\./evil'"):
        zarrjvm.open_group(store, backend="zarr-java")
