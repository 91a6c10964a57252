"""xarray's ``engine="zarrjvm"`` against xarray's own engines, on files xarray writes with its defaults.

A CF-conventions dataset (packed ``scale_factor``/``add_offset`` with ``_FillValue``, a float ``_FillValue`` with
missing values, times on a ``noleap`` calendar, a timedelta, an unsigned byte variable, coordinates and an auxiliary
coordinate) is written by xarray to NetCDF-4, NetCDF-4 classic, NetCDF-3 (classic and 64-bit offset), Zarr v2 and
Zarr v3, and as a hierarchy of groups (DataTree) to NetCDF-4 and Zarr. Every Java backend that reads the format must
open it *identical* (``xr.testing.assert_identical``) to the netcdf4 or zarr engine, decoded and with
``decode_cf=False``.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from remote_servers import RangeHTTPServer, within

import zarrjvm
from zarrjvm.xarray_backend import ZarrJvmBackendArray, ZarrJvmBackendEntrypoint

pytestmark = pytest.mark.filterwarnings("ignore:Failed to open Zarr store with consolidated metadata")


def cf_dataset(with_int64: bool = True) -> tuple[xr.Dataset, dict[str, Any]]:
    rng = np.random.default_rng(0)
    time = pd.date_range("2000-01-01", periods=6, freq="6h")
    lat = np.linspace(-60, 60, 9)
    lon = np.linspace(0, 350, 12)
    temp = (280 + 10 * rng.standard_normal((6, 9, 12))).astype("f4")
    temp[0, 0, :3] = np.nan
    ds = xr.Dataset(
        {
            "temp": (("time", "lat", "lon"), temp, {"units": "K", "long_name": "air temperature"}),
            "packed": (("time", "lat", "lon"), np.where(np.isnan(temp), np.nan, temp.astype("f8"))),
            "flag": (("lat", "lon"), rng.integers(0, 250, (9, 12)).astype("u1")),
            "count": (("lat",), np.arange(9, dtype="i4"), {"valid_range": np.array([0, 100], "i4")}),
            "surf": (("lat", "lon"), rng.standard_normal((9, 12)), {"coordinates": "elev"}),
        },
        coords={"time": time, "lat": ("lat", lat, {"units": "degrees_north"}), "lon": lon,
                "elev": (("lat", "lon"), rng.standard_normal((9, 12)), {"units": "m"})},
        attrs={"title": "zarrjvm CF sample", "version": np.int32(3), "scale": np.float32(0.5)},
    )
    encoding: dict[str, Any] = {
        "packed": {"dtype": "i2", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32767},
        "temp": {"_FillValue": -9999.0},
        "time": {"units": "hours since 2000-01-01", "calendar": "noleap"},
    }
    if with_int64:
        ds["wait"] = ("time", pd.to_timedelta(np.arange(6), unit="h"))
    else:  # the classic data model has no unsigned or 64-bit types: xarray stores flag as signed + _Unsigned
        encoding["flag"] = {"dtype": "i1", "_FillValue": np.uint8(255)}
    return ds, encoding


def tree() -> xr.DataTree:
    ds, _ = cf_dataset()
    child = xr.Dataset({"inner": (("lat",), np.arange(9.0) * 2, {"units": "m"})}, attrs={"level": "one"})
    grandchild = xr.Dataset({"deep": (("x",), np.arange(4, dtype="i2"))})
    return xr.DataTree.from_dict({"/": ds.drop_vars("wait"), "/child": child, "/child/grand": grandchild})


NETCDF = ["NETCDF4", "NETCDF4_CLASSIC", "NETCDF3_CLASSIC", "NETCDF3_64BIT"]
FILES = [(f"{f}.nc", "netcdf4", ["netcdf-java", "jhdf"] if f.startswith("NETCDF4") else ["netcdf-java"])
         for f in NETCDF] + [
    ("v2.zarr", "zarr", ["zarr-java", "jzarr"]), ("v3.zarr", "zarr", ["zarr-java"])]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xarray")
    for fmt in NETCDF:
        ds, enc = cf_dataset(with_int64=fmt == "NETCDF4")
        if fmt.startswith("NETCDF4"):
            enc["temp"]["chunksizes"] = (2, 3, 4)
        ds.to_netcdf(root / f"{fmt}.nc", format=fmt, encoding=enc)
    for zf in (2, 3):
        ds, enc = cf_dataset()
        enc["temp"]["chunks"] = (2, 3, 4)
        ds.to_zarr(root / f"v{zf}.zarr", zarr_format=zf, encoding=enc)  # xarray's defaults (consolidated too)
    tree().to_netcdf(root / "tree.nc")
    tree().to_zarr(root / "tree.zarr")
    tree().to_zarr(root / "tree-v2.zarr", zarr_format=2)
    return root


CASES = [(name, engine, backend) for name, engine, backends in FILES for backend in backends]


@pytest.mark.parametrize("decode_cf", [True, False])
@pytest.mark.parametrize("name,engine,backend", CASES)
def test_open_dataset_identical_to_xarrays_engine(written: Path, name: str, engine: str, backend: str,
                                                   decode_cf: bool) -> None:
    want = xr.open_dataset(written / name, engine=engine, decode_cf=decode_cf)
    got = xr.open_dataset(written / name, engine="zarrjvm", backend=backend, decode_cf=decode_cf)
    xr.testing.assert_identical(got, want)
    assert got["temp"].encoding["preferred_chunks"] == want["temp"].encoding.get("preferred_chunks",
                                                                                   got["temp"].encoding["preferred_chunks"])


@pytest.mark.parametrize("name,engine,backend", CASES)
def test_decoding_options_pass_through(written: Path, name: str, engine: str, backend: str) -> None:
    cftime = xr.coders.CFDatetimeCoder(use_cftime=True)
    for kwargs in ({"mask_and_scale": False}, {"decode_times": False}, {"decode_timedelta": False},
                   {"decode_times": cftime}, {"decode_coords": False}, {"drop_variables": ["packed", "surf"]}):
        want = xr.open_dataset(written / name, engine=engine, **kwargs)
        got = xr.open_dataset(written / name, engine="zarrjvm", backend=backend, **kwargs)
        xr.testing.assert_identical(got, want)


@pytest.mark.parametrize("decode_cf", [True, False])
@pytest.mark.parametrize("name,engine,backend", [("tree.nc", "netcdf4", "netcdf-java"), ("tree.nc", "netcdf4", "jhdf"),
                                                 ("tree.zarr", "zarr", "zarr-java"),  # v3: xarray's default
                                                 ("tree-v2.zarr", "zarr", "zarr-java"),
                                                 ("tree-v2.zarr", "zarr", "jzarr")])
def test_open_datatree_and_groups_identical(written: Path, name: str, engine: str, backend: str,
                                            decode_cf: bool) -> None:
    xr.testing.assert_identical(
        xr.open_datatree(written / name, engine="zarrjvm", backend=backend, decode_cf=decode_cf),
        xr.open_datatree(written / name, engine=engine, decode_cf=decode_cf))
    got = xr.open_groups(written / name, engine="zarrjvm", backend=backend, decode_cf=decode_cf)
    want = xr.open_groups(written / name, engine=engine, decode_cf=decode_cf)
    assert sorted(got) == sorted(want) == ["/", "/child", "/child/grand"]
    for k in want:
        xr.testing.assert_identical(got[k], want[k])
    sub = xr.open_dataset(written / name, engine="zarrjvm", backend=backend, group="child/grand", decode_cf=decode_cf)
    xr.testing.assert_identical(sub, xr.open_dataset(written / name, engine=engine, group="child/grand",
                                                     decode_cf=decode_cf))


def test_backend_is_chosen_from_the_location_and_guess_can_open(written: Path) -> None:
    entry = ZarrJvmBackendEntrypoint()
    for name in ["NETCDF4.nc", "NETCDF3_CLASSIC.nc", "v2.zarr", "v3.zarr", "x.h5", "s3://b/d.zarr", "http://h/f.nc"]:
        assert entry.guess_can_open(str(written / name) if "://" not in name else name), name
    assert not entry.guess_can_open(str(written / "tree.txt"))
    xr.testing.assert_identical(xr.open_dataset(written / "NETCDF3_CLASSIC.nc", engine="zarrjvm"),
                                xr.open_dataset(written / "NETCDF3_CLASSIC.nc", engine="netcdf4"))
    with pytest.raises(TypeError, match="unexpected keyword argument 'compression'.*backend"):
        xr.open_dataset(written / "v3.zarr", engine="zarrjvm", compression=1)


def _jvm_array(da: xr.DataArray) -> zarrjvm.JvmArray:
    """The JvmArray under xarray's lazy wrappers (nothing is read to find it)."""
    x: Any = da.variable._data
    while not isinstance(x, ZarrJvmBackendArray):
        x = x.array
    return x._array


@pytest.mark.parametrize("name,backend", [("v3.zarr", "zarr-java"), ("v2.zarr", "jzarr")])
def test_lazy_selections_read_exactly_the_chunks_they_need(written: Path, name: str, backend: str) -> None:
    ds = xr.open_dataset(written / name, engine="zarrjvm", backend=backend)
    want = xr.open_dataset(written / name, engine="zarr")
    a = _jvm_array(ds["temp"])
    assert a.read_counts()["chunks"] == 0  # opening read metadata only
    chunks = a.chunks
    ids = xr.DataArray(np.ravel_multi_index(np.meshgrid(*(np.arange(n) // c for n, c in zip(a.shape, chunks)),
                                                        indexing="ij"), a.cdata_shape), dims=ds["temp"].dims)
    points = {"time": xr.DataArray([1, 4], dims="p"), "lat": xr.DataArray([0, 8], dims="p")}
    for sel in ({"time": 0}, {"time": [0, 5], "lon": [0, 11]}, {"lat": slice(None, None, 4)}, points):
        before = a.read_counts()["chunks"]
        xr.testing.assert_identical(ds["temp"].isel(sel).load(), want["temp"].isel(sel).load())
        assert a.read_counts()["chunks"] - before == np.unique(ids.isel(sel).values).size, sel


def test_dataset_data_is_writable_like_other_engines_and_not_copied(written: Path) -> None:
    import gc

    gc.collect()
    before = zarrjvm.jvm.arrow_allocated_bytes()
    ds = xr.open_dataset(written / "v3.zarr", engine="zarrjvm", decode_cf=False).load()
    v = ds["surf"].values  # float64, no decoding: the array the engine handed over, in Java's memory
    assert zarrjvm.jvm.arrow_allocated_bytes() - before >= v.nbytes
    v[0, 0] = 1.0  # as with the netcdf4 and zarr engines, loaded data is the user's to change
    assert ds["surf"].values[0, 0] == 1.0
    xr.testing.assert_identical(ds.drop_vars("surf"), xr.open_dataset(written / "v3.zarr", engine="zarr",
                                                                       decode_cf=False).drop_vars("surf").load())
    del ds, v
    gc.collect()
    assert zarrjvm.jvm.arrow_allocated_bytes() == before  # released when xarray lets go


def test_chunks_follow_storage_and_a_dataset_pickles(written: Path) -> None:
    ds = xr.open_dataset(written / "v3.zarr", engine="zarrjvm", chunks={})
    z = xr.open_dataset(written / "v3.zarr", engine="zarr", chunks={})
    assert ds["temp"].chunks == z["temp"].chunks
    back = pickle.loads(pickle.dumps(ds))
    xr.testing.assert_identical(back.load(), z.load())


def test_chunks_of_a_sharded_array_are_its_shards(tmp_path: Path) -> None:
    ds = xr.Dataset({"v": (("y", "x"), np.arange(360, dtype="u2").reshape(20, 18))})
    ds.to_zarr(tmp_path / "sharded.zarr", zarr_format=3, encoding={"v": {"chunks": (3, 3), "shards": (6, 9)}})
    got = xr.open_dataset(tmp_path / "sharded.zarr", engine="zarrjvm", chunks={})
    want = xr.open_dataset(tmp_path / "sharded.zarr", engine="zarr", chunks={})
    # a dask chunk per shard, clipped at the edges (xarray's zarr engine prefers the inner chunks instead, (3, 3):
    # with it, every dask task reads one inner chunk of a shard)
    assert got["v"].chunks == ((6, 6, 6, 2), (9, 9))
    assert got["v"].encoding["preferred_chunks"] == {"y": 6, "x": 9}
    stored = {"chunks": (3, 3), "shards": (6, 9)}
    assert {k: got["v"].encoding[k] for k in stored} == {k: want["v"].encoding[k] for k in stored} == stored
    xr.testing.assert_identical(got.load(), want.load())
    xr.testing.assert_identical(got.load(), ds)


def test_unreadable_variable_names_itself_and_drop_variables_opens_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "compound.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("n", 3)
        pair = nc.createCompoundType(np.dtype([("a", "i4"), ("b", "f8")]), "pair_t")
        nested = nc.createCompoundType(np.dtype([("p", pair.dtype), ("c", "u2")]), "nested_t")  # not handed over
        nc.createVariable("name", nested, ("n",))[:] = np.array([((1, 2.0), 3)] * 3, nested.dtype)
        nc.createVariable("value", "f4", ("n",))[:] = [1.0, 2.0, 3.0]
    with pytest.raises(zarrjvm.UnsupportedError, match=r"variable 'name'.*drop_variables=\['name'\]"):
        xr.open_dataset(path, engine="zarrjvm")
    xr.testing.assert_identical(xr.open_dataset(path, engine="zarrjvm", drop_variables="name"),
                                xr.open_dataset(path, engine="netcdf4", drop_variables="name"))


@pytest.fixture(scope="module")
def http(written: Path) -> Iterator[RangeHTTPServer]:
    with RangeHTTPServer(written, max_requests=2000) as srv:
        yield srv


def test_opening_over_http_reads_metadata_only_and_isel_the_needed_chunks(http: RangeHTTPServer,
                                                                           written: Path) -> None:
    ds = within(60, lambda: xr.open_dataset(f"{http.url}/v3.zarr", engine="zarrjvm", cache=False))
    paths = [p for (_, p, _, _) in http.log()]
    # the root's metadata (v3, and the checks for conflicting v2 documents); members come from its consolidated
    # metadata; the only data read is what xarray loads itself to index the dimension coordinates
    meta = [p for p in paths if p.rsplit("/", 1)[1] in ("zarr.json", ".zarray", ".zgroup")]
    assert meta == ["/v3.zarr/zarr.json", "/v3.zarr/.zarray", "/v3.zarr/.zgroup"], paths
    assert {p.split("/")[2] for p in paths if p not in meta} == {"time", "lat", "lon"}, paths
    want = xr.open_dataset(written / "v3.zarr", engine="zarr")
    xr.testing.assert_identical(ds, want)
    chunk = want["temp"].encoding["chunks"]
    before = len(http.log())
    got = within(60, lambda: ds["temp"].isel(time=slice(0, chunk[0]), lat=0).load())
    xr.testing.assert_identical(got, want["temp"].isel(time=slice(0, chunk[0]), lat=0))
    fetched = sorted(p for (_, p, _, _) in http.log()[before:] if p.startswith("/v3.zarr/temp/"))
    # one chunk along time and lat, every chunk along lon; each once
    assert fetched == [f"/v3.zarr/temp/c/0/0/{i}" for i in range(-(-want.sizes["lon"] // chunk[2]))]
