"""Pickling and dask: arrays and groups travel to other processes as how they were opened, and reopen there.

Every read in another process is compared element-wise with zarr-python's or netCDF4's read in this one. dask's
threaded, processes (spawned workers, each starting its own JVM) and ``distributed.LocalCluster`` (worker processes)
schedulers must give what a serial read gives.
"""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import netCDF4
import numcodecs
import numpy as np
import pytest
import zarr
from helpers import assert_same
from remote_servers import RangeHTTPServer

import zarrjvm


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pickle")
    z = zarr.create_array(root / "v3.zarr", shape=(60, 45), chunks=(16, 10), dtype="f8")
    z[:] = np.random.default_rng(1).standard_normal((60, 45))
    g = zarr.open_group(root / "grp.zarr", mode="w", zarr_format=2)
    g.create_group("sub").create_array("b", shape=(30,), chunks=(7,), dtype="i4",
                                       compressors=numcodecs.Zlib())[:] = np.arange(30) * 3
    with netCDF4.Dataset(root / "f.nc", "w") as nc:
        grp = nc.createGroup("g1")
        grp.createDimension("t", 12)
        grp.createVariable("v", "f4", ("t",))[:] = np.linspace(0, 1, 12, dtype="f4")
    return root


def _peer(stores: Path, which: str) -> np.ndarray:
    if which == "v3":
        return zarr.open_array(stores / "v3.zarr", mode="r")[...]
    if which == "member":
        return zarr.open_group(stores / "grp.zarr", mode="r")["sub/b"][...]
    with netCDF4.Dataset(stores / "f.nc") as nc:
        return nc["g1"]["v"][...].data


def _opened(stores: Path, which: str) -> zarrjvm.JvmArray:
    if which == "v3":
        return zarrjvm.open_array(stores / "v3.zarr", backend="zarr-java")
    if which == "member":
        return zarrjvm.open_group(str(stores / "grp.zarr"), backend="jzarr")["sub"]["b"]  # type: ignore[index]
    return zarrjvm.open_group(stores / "f.nc", backend="netcdf-java")["g1/v"]  # type: ignore[return-value]


def read_in_child(blob: bytes) -> tuple[np.ndarray, str, dict]:
    """Runs in a spawned process: unpickles (which starts this process's JVM) and reads."""
    a = pickle.loads(blob)
    return np.array(a[...]), a.backend, dict(a.attrs)


@pytest.mark.parametrize("which", ["v3", "member", "netcdf"])
def test_arrays_pickle_and_reopen_here_and_in_a_spawned_process(stores: Path, which: str) -> None:
    a = _opened(stores, which)
    want = _peer(stores, which)
    b = pickle.loads(pickle.dumps(a))
    assert (b.shape, b.dtype, b.backend, b.path, b.attrs) == (a.shape, a.dtype, a.backend, a.path, a.attrs)
    assert_same(b[...], want)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        got, backend, attrs = pool.submit(read_in_child, pickle.dumps(a)).result(timeout=120)
    assert_same(got, want)
    assert backend == a.backend and attrs == a.attrs


def _headers(srv: RangeHTTPServer, name: str) -> set[str | None]:
    return {{k.lower(): v for k, v in h.items()}.get(name) for _, _, _, h in srv.log()}


def test_a_remote_array_pickles_with_its_storage_options(stores: Path) -> None:
    """Over HTTP, the unpickled array (here and in a spawned process) reopens the URL with the storage options it was
    opened with: every request it sends carries the header they set."""
    want = _peer(stores, "v3")
    with RangeHTTPServer(stores) as srv:
        a = zarrjvm.open_array(f"{srv.url}/v3.zarr", backend="zarr-java",
                               storage_options={"headers": {"X-Zarrjvm-Token": "t0k3n"}})
        blob = pickle.dumps(a)
        a.close()
        srv.reset()
        b = pickle.loads(blob)
        assert (b.shape, b.chunks, b.backend) == ((60, 45), (16, 10), "zarr-java")
        assert_same(b[...], want)
        assert srv.requests >= 1 + 4 * 5 and _headers(srv, "x-zarrjvm-token") == {"t0k3n"}  # metadata, 20 chunks
        srv.reset()
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            got, backend, _ = pool.submit(read_in_child, blob).result(timeout=120)
        assert_same(got, want)
        assert backend == "zarr-java"
        assert srv.requests >= 1 + 4 * 5 and _headers(srv, "x-zarrjvm-token") == {"t0k3n"}
        b.close()


def test_groups_pickle_with_their_options(stores: Path) -> None:
    g = zarrjvm.open_group(stores / "grp.zarr", backend="jzarr", checks=False)
    h = pickle.loads(pickle.dumps(g))
    assert h.members() == g.members() and h.backend == "jzarr" and h._origin.checks is False
    sub = pickle.loads(pickle.dumps(g["sub"]))
    assert sub.members() == {"b": "array"}
    assert_same(sub["b"][...], _peer(stores, "member"))


def test_dask_tokens_are_deterministic_and_tell_arrays_apart(stores: Path) -> None:
    from dask.base import tokenize

    a = _opened(stores, "v3")
    assert tokenize(a) == tokenize(_opened(stores, "v3")) == tokenize(pickle.loads(pickle.dumps(a)))
    assert tokenize(a) != tokenize(_opened(stores, "member"))
    assert tokenize(a) != tokenize(zarrjvm.open_array(stores / "v3.zarr", backend="zarr-java", direct=False))


def _in_forked_child(a: zarrjvm.JvmArray, q: multiprocessing.Queue) -> None:
    try:
        a[0]
        q.put("read")
    except zarrjvm.ResourceError as e:
        q.put(str(e))


def test_a_forked_child_gets_a_clear_error_not_a_hang(stores: Path) -> None:
    a = _opened(stores, "v3")
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_in_forked_child, args=(a, q))
    p.start()
    message = q.get(timeout=60)
    p.join(60)
    assert "does not survive fork()" in message and "spawn" in message
    assert_same(a[...], _peer(stores, "v3"))  # the parent's JVM is untouched


@pytest.fixture(scope="module")
def cluster() -> object:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as c, Client(c) as client:
        yield client


@pytest.mark.parametrize("scheduler", ["threads", "processes", "distributed"])
def test_dask_schedulers_equal_a_serial_read(stores: Path, scheduler: str, request: pytest.FixtureRequest) -> None:
    import dask
    import dask.array as da

    a = _opened(stores, "v3")
    x = da.from_array(a, chunks=a.chunks, asarray=True)
    serial = a[...]
    if scheduler == "distributed":
        client = request.getfixturevalue("cluster")
        got = client.compute(x).result(timeout=120)
        mean = client.compute(x.mean()).result(timeout=120)
    else:
        with dask.config.set(scheduler=scheduler, num_workers=2):
            got, mean = dask.compute(x, x.mean())
    assert_same(np.asarray(got), serial)
    assert_same(np.asarray(got), _peer(stores, "v3"))
    assert mean == pytest.approx(float(serial.mean()), rel=1e-12)


@pytest.mark.filterwarnings("ignore:Failed to open Zarr store with consolidated metadata")
@pytest.mark.parametrize("scheduler", ["threads", "processes", "distributed"])
@pytest.mark.parametrize("name,backend", [("cf.nc", "netcdf-java"), ("cf.zarr", "zarr-java")])
def test_xarray_chunks_compute_equal_on_every_scheduler(stores: Path, scheduler: str, name: str, backend: str,
                                                        request: pytest.FixtureRequest) -> None:
    import dask
    import xarray as xr

    if not (stores / name).exists():
        ds = xr.Dataset({"v": (("t", "y", "x"), np.random.default_rng(3).standard_normal((8, 30, 20)).astype("f4"),
                               {"units": "K"})}, coords={"t": np.arange(8)})
        enc = {"v": {"chunksizes": (2, 10, 10)} if name.endswith(".nc") else {"chunks": (2, 10, 10)}}
        (ds.to_netcdf if name.endswith(".nc") else ds.to_zarr)(stores / name, encoding=enc)
    got = xr.open_dataset(stores / name, engine="zarrjvm", backend=backend, chunks={})
    assert got["v"].chunks == ((2,) * 4, (10,) * 3, (10,) * 2)  # the storage chunks
    want = xr.open_dataset(stores / name, engine="netcdf4" if name.endswith(".nc") else "zarr")
    reduced = got["v"].mean(("t", "y")) + got["v"].max()
    if scheduler == "distributed":
        result = request.getfixturevalue("cluster").compute(reduced).result(timeout=120)
    else:
        with dask.config.set(scheduler=scheduler, num_workers=2):
            result = reduced.compute()
    xr.testing.assert_allclose(result, want["v"].mean(("t", "y")) + want["v"].max(), rtol=1e-6)
