"""NetCDF-3, NetCDF-4 and HDF5 files read over HTTP (loopback server), S3 (moto) and fsspec by netCDF-Java and jhdf.

The files are written by netCDF4-python and h5py into a directory the servers serve; every read is compared
element-wise with netCDF4-python's or h5py's read of the same local file. Java reads a remote file through zarrjvm's
own store (range requests, a block cache): the tests bound the requests and bytes a read costs against the file size.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h5py
import netCDF4
import numpy as np
import pytest
from helpers import assert_same, in_thread
from remote_servers import RangeHTTPServer, moto_s3, within

import zarrjvm
from zarrjvm.errors import ArrayNotFoundError, UnsupportedError

LIMIT = 60
BOTH = ["netcdf-java", "jhdf"]
BIG_SHAPE = (1500, 1000)  # float32, random: 6 MB that zlib cannot shrink much, 60 chunks of 100 KB



def _write_nc4(f: Path) -> None:
    rng = np.random.default_rng(3)
    with netCDF4.Dataset(f, "w", format="NETCDF4") as ds:
        ds.createDimension("y", BIG_SHAPE[0])
        ds.createDimension("x", BIG_SHAPE[1])
        ds.createDimension("t", 12)
        big = ds.createVariable("big", "f4", ("y", "x"), zlib=True, complevel=1, chunksizes=(100, 250))
        big[:] = rng.standard_normal(BIG_SHAPE).astype("f4")
        small = ds.createVariable("small", "i2", ("t",))
        small[:] = np.arange(12, dtype="i2") * 7 - 30
        small.units = "K"
        u = ds.createVariable("flags", "u1", ("t",), zlib=True)
        u[:] = np.arange(12, dtype="u1") * 20
        g = ds.createGroup("grp")
        g.createVariable("v", "f8", ("t",))[:] = np.linspace(0, 1, 12)


def _write_nc3(f: Path) -> None:
    with netCDF4.Dataset(f, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("t", None)
        ds.createDimension("x", 50)
        v = ds.createVariable("temp", "f4", ("t", "x"))
        v[0:7, :] = np.arange(7 * 50, dtype="f4").reshape(7, 50) / 4
        ds.createVariable("count", "i4", ("x",))[:] = np.arange(50) * 3


def _write_h5(f: Path, latest: bool) -> None:
    rng = np.random.default_rng(5)
    # v112 bounds: superblock 3 (netCDF-Java 4.5.5 refuses it; jhdf reads it). "latest" in HDF5 2.0 writes data layout
    # messages of version 5, which jHDF 0.10.0 does not read either.
    with h5py.File(f, "w", libver=("v112", "v112") if latest else "earliest") as h:
        h.create_dataset("gzip", data=np.arange(300 * 40, dtype="<i4").reshape(300, 40), chunks=(64, 16),
                         compression="gzip", shuffle=True)
        h.create_dataset("contiguous", data=rng.standard_normal(5000).astype("<f8"))
        h.create_group("g").create_dataset("u2", data=(np.arange(90) * 701 % 65536).astype("<u2").reshape(9, 10))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("remote-netcdf")
    _write_nc4(root / "data.nc")
    _write_nc3(root / "classic.nc")
    in_thread(lambda: _write_h5(root / "plain.h5", latest=False))
    in_thread(lambda: _write_h5(root / "latest.h5", latest=True))
    with zipfile.ZipFile(root / "archive.zip", "w") as z:
        z.write(root / "data.nc", "inner/data.nc")
    return root


@pytest.fixture(scope="module")
def server(files: Path) -> Iterator[RangeHTTPServer]:
    with RangeHTTPServer(files, max_requests=5000) as srv:
        yield srv
        assert not srv.overflow, "more requests than the test's bound"


@pytest.fixture
def srv(server: RangeHTTPServer) -> Iterator[RangeHTTPServer]:
    server.reset(delay=0.0)
    yield server
    methods = {m for m, _, _, _ in server.log()}
    assert methods <= {"GET", "HEAD"}, methods  # reading never writes


@pytest.fixture(scope="module")
def s3(files: Path) -> Iterator[dict[str, Any]]:
    with moto_s3(files, "nc-bucket", prefix="data") as s:
        yield s


def _netcdf4(f: Path, name: str) -> np.ndarray:
    with netCDF4.Dataset(f) as ds:
        ds.set_auto_maskandscale(False)
        return np.asarray(ds[name][...])


def _h5py(f: Path, name: str) -> np.ndarray:
    out: list[np.ndarray] = []
    in_thread(lambda: out.append(_h5py_read(f, name)))
    return out[0]


def _h5py_read(f: Path, name: str) -> np.ndarray:
    with h5py.File(f, "r") as h:
        return np.asarray(h[name][()])


NC4_VARS = ["big", "small", "flags", "grp/v"]


@pytest.mark.parametrize("backend", BOTH)
@pytest.mark.parametrize("name", NC4_VARS)
def test_http_netcdf4_equals_netcdf4_python(srv: RangeHTTPServer, files: Path, backend: str, name: str) -> None:
    want = _netcdf4(files / "data.nc", name)
    with within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/data.nc", name, backend=backend)) as a:
        assert a.shape == want.shape and a.dtype == want.dtype
        assert_same(within(LIMIT, lambda: a[...]), want)
        if a.ndim == 2:
            assert_same(within(LIMIT, lambda: a[130:170:3, 240:260]), want[130:170:3, 240:260])
        stats = a.store_stats()
        assert stats is not None and stats["requests"] > 0 and stats["store"] == f"{srv.url}/data.nc"


@pytest.mark.parametrize("backend", BOTH)
def test_http_one_small_variable_does_not_fetch_the_file(srv: RangeHTTPServer, files: Path, backend: str) -> None:
    """Opening the file and reading a 24-byte variable costs a few block reads, not the 5.5 MB file."""
    size = (files / "data.nc").stat().st_size
    assert size > 5_000_000
    with within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/data.nc", "small", backend=backend)) as a:
        assert_same(within(LIMIT, lambda: a[...]), _netcdf4(files / "data.nc", "small"))
        stats = a.store_stats()
        assert stats is not None
        assert stats["requests"] == srv.requests  # both sides count the same requests
        assert stats["requests"] <= 4, stats  # the first block (with the size), then the variable's header and data
        assert stats["bytes"] < size / 5, (stats, size)


@pytest.mark.parametrize("backend", BOTH)
def test_http_one_chunk_fetches_about_one_chunk(srv: RangeHTTPServer, files: Path, backend: str) -> None:
    """Parts of two 100x250 chunks of a 15x4-chunk variable: the read fetches those, not the variable."""
    size = (files / "data.nc").stat().st_size
    want = _netcdf4(files / "data.nc", "big")
    with within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/data.nc", "big", backend=backend)) as a:
        opened = a.store_stats()
        assert opened is not None
        assert_same(within(LIMIT, lambda: a[210:290, 510:740]), want[210:290, 510:740])
        after = a.store_stats()
        assert after is not None
        got = after["bytes"] - opened["bytes"]
        assert 0 < got < size / 6, (got, size)  # 2 of 60 chunks (~100 KB compressed each) and their blocks
        assert after["requests"] - opened["requests"] <= 6


def test_http_netcdf3_with_netcdf_java(srv: RangeHTTPServer, files: Path) -> None:
    for name in ("temp", "count"):
        want = _netcdf4(files / "classic.nc", name)
        with within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/classic.nc", name, backend="netcdf-java")) as a:
            # NetCDF-3 is big-endian on disk; zarrjvm says so, netCDF4-python hands out native order
            assert a.shape == want.shape and a.dtype == want.dtype.newbyteorder(">")
            assert_same(within(LIMIT, lambda: a[...]), want)
    with pytest.raises(UnsupportedError, match="NetCDF-3"):
        zarrjvm.open_array(f"{srv.url}/classic.nc", "temp", backend="jhdf")


@pytest.mark.parametrize("backend,fname", [("jhdf", "plain.h5"), ("jhdf", "latest.h5"), ("netcdf-java", "plain.h5")])
@pytest.mark.parametrize("name", ["gzip", "contiguous", "g/u2"])
def test_http_hdf5_equals_h5py(srv: RangeHTTPServer, files: Path, backend: str, fname: str, name: str) -> None:
    want = _h5py(files / fname, name)
    with within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/{fname}", name, backend=backend)) as a:
        assert a.shape == want.shape and a.dtype == want.dtype
        assert_same(within(LIMIT, lambda: a[...]), want)


def test_http_superblock_3_refused_by_netcdf_java_with_its_cause(srv: RangeHTTPServer) -> None:
    with pytest.raises(UnsupportedError, match="superblock version 3.*try backend='jhdf'"):
        zarrjvm.open_array(f"{srv.url}/latest.h5", "gzip", backend="netcdf-java")


@pytest.mark.parametrize("backend", BOTH)
def test_http_group_members_share_one_open_file(srv: RangeHTTPServer, files: Path, backend: str) -> None:
    g = within(LIMIT, lambda: zarrjvm.open_group(f"{srv.url}/data.nc", backend=backend))
    try:
        for name in ("small", "flags"):
            assert_same(within(LIMIT, lambda: g[name][...]), _netcdf4(files / "data.nc", name))
        assert_same(within(LIMIT, lambda: g["grp"]["v"][...]), _netcdf4(files / "data.nc", "grp/v"))
        stats = g["small"].store_stats()  # members share the group's store
        assert stats is not None and stats["requests"] == srv.requests
        # the file is opened once: one request for its first block, which also tells its size (no HEAD)
        assert sum(1 for _, _, rng, _ in srv.log() if (rng or "").startswith("bytes=0-")) == 1
        assert not any(m == "HEAD" for m, _, _, _ in srv.log())
    finally:
        g.close()


@pytest.mark.parametrize("backend", BOTH)
def test_http_missing_file_is_array_not_found(srv: RangeHTTPServer, backend: str) -> None:
    with pytest.raises(ArrayNotFoundError, match="no file .*/nope.nc"):
        zarrjvm.open_array(f"{srv.url}/nope.nc", "small", backend=backend)
    with pytest.raises(ArrayNotFoundError, match="no variable 'nope'|no dataset 'nope'"):
        zarrjvm.open_array(f"{srv.url}/data.nc", "nope", backend=backend)


@pytest.mark.parametrize("backend", BOTH)
def test_s3_netcdf4_equals_netcdf4_python(s3: dict[str, Any], files: Path, backend: str) -> None:
    so = s3["storage_options"]
    for name in ("big", "small", "grp/v"):
        want = _netcdf4(files / "data.nc", name)
        with within(LIMIT, lambda: zarrjvm.open_array("s3://nc-bucket/data/data.nc", name, backend=backend,
                                                      storage_options=so)) as a:
            assert a.shape == want.shape and a.dtype == want.dtype
            assert_same(within(LIMIT, lambda: a[...]), want)
            stats = a.store_stats()
            assert stats is not None and stats["store"] == "s3://nc-bucket/data/data.nc"
            if name == "small":  # the first block (with the size: no HeadObject), the variable's header and data
                assert 0 < stats["requests"] <= 4 and stats["bytes"] < (files / "data.nc").stat().st_size / 5


def test_s3_hdf5_latest_with_jhdf(s3: dict[str, Any], files: Path) -> None:
    with within(LIMIT, lambda: zarrjvm.open_array("s3://nc-bucket/data/latest.h5", "gzip", backend="jhdf",
                                                  storage_options=s3["storage_options"])) as a:
        assert_same(within(LIMIT, lambda: a[...]), _h5py(files / "latest.h5", "gzip"))


@pytest.mark.parametrize("backend", BOTH)
def test_s3_missing_file_is_array_not_found(s3: dict[str, Any], backend: str) -> None:
    with pytest.raises(ArrayNotFoundError, match="no file s3://nc-bucket/data/nope.nc"):
        zarrjvm.open_array("s3://nc-bucket/data/nope.nc", "small", backend=backend,
                           storage_options=s3["storage_options"])


@pytest.mark.parametrize("backend", BOTH)
def test_fsspec_zip_member_and_memory_file(files: Path, backend: str) -> None:
    """A file inside a zip (fsspec's chained URL) and one in fsspec's memory filesystem, read through the bridge."""
    import fsspec

    want = _netcdf4(files / "data.nc", "big")
    url = f"zip://inner/data.nc::file://{files / 'archive.zip'}"
    with zarrjvm.open_array(url, "big", backend=backend) as a:
        assert_same(a[...], want)
        stats = a.store_stats()
        assert stats is not None and stats["requests"] > 0
    fs = fsspec.filesystem("memory")
    fs.pipe(f"/remote-netcdf-{backend}/data.nc", (files / "data.nc").read_bytes())
    try:
        with zarrjvm.open_array(f"memory://remote-netcdf-{backend}/data.nc", "grp/v", backend=backend) as a:
            assert_same(a[...], _netcdf4(files / "data.nc", "grp/v"))
    finally:
        fs.rm(f"/remote-netcdf-{backend}", recursive=True)


@pytest.mark.parametrize("backend", BOTH)
def test_zip_archive_itself_is_refused_with_the_fsspec_form(files: Path, backend: str) -> None:
    with pytest.raises(UnsupportedError, match="zip archive .*zip://member"):
        zarrjvm.open_array(f"zip://{files / 'archive.zip'}", "big", backend=backend)


@pytest.mark.parametrize("backend", BOTH)
def test_local_files_keep_the_direct_path(files: Path, backend: str) -> None:
    with zarrjvm.open_array(files / "data.nc", "small", backend=backend) as a:
        assert a.store_stats() is None  # read by the library itself, not through a store
        assert_same(a[...], _netcdf4(files / "data.nc", "small"))


@pytest.mark.parametrize("backend", BOTH)
def test_http_server_failure_is_a_store_error_not_damage(srv: RangeHTTPServer, backend: str) -> None:
    """A server that fails while the header is read: the HTTP status is the cause, not a damaged file."""
    srv.fail("/data.nc", 503)
    with pytest.raises(zarrjvm.StoreError, match="HTTP 503") as e:
        zarrjvm.open_array(f"{srv.url}/data.nc", "small", backend=backend, storage_options={"retries": 0})
    assert "damaged" not in str(e.value)
    srv.reset()
    with zarrjvm.open_array(f"{srv.url}/data.nc", "small", backend=backend) as a:  # the next open works
        assert a.shape == (12,)


def test_http_xarray_engine_reads_a_remote_netcdf4(srv: RangeHTTPServer, files: Path) -> None:
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(f"{srv.url}/data.nc", engine="zarrjvm") as ds, \
            xr.open_dataset(files / "data.nc", engine="netcdf4", mask_and_scale=False) as want:
        got = ds.load()
        for name in ("big", "small", "flags"):
            assert_same(got[name].values, want[name].values)


@pytest.mark.parametrize("backend", BOTH)
def test_http_empty_file_is_refused_by_name(srv: RangeHTTPServer, files: Path, backend: str) -> None:
    (files / "empty.nc").write_bytes(b"")
    with pytest.raises(zarrjvm.MetadataError, match="empty"):
        zarrjvm.open_array(f"{srv.url}/empty.nc", "x", backend=backend)


def test_http_jhdf_fetches_a_remote_files_chunks_in_parallel(srv: RangeHTTPServer, files: Path) -> None:
    """jhdf reads a remote file's chunks on the io pool: with 10 ms per request, requests overlap."""
    srv.reset(delay=0.01)
    with within(LIMIT, lambda: zarrjvm.open_array(f"{srv.url}/data.nc", "big", backend="jhdf")) as a:
        assert_same(within(LIMIT, lambda: a[...]), _netcdf4(files / "data.nc", "big"))
        stats = a.store_stats()
        assert stats is not None and stats["max_in_flight"] > 1 and srv.max_active > 1, stats
        assert stats["bytes"] <= (files / "data.nc").stat().st_size  # no block fetched twice
