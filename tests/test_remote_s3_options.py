"""The S3 storage options the README lists, checked on the requests the AWS SDK actually sends.

The endpoint is the loopback HTTP server of ``remote_servers.py`` serving ``<bucket>/<key>`` files: with path-style
addressing a GetObject is ``GET /<bucket>/<key>`` with an optional Range, which it answers like S3, and it logs every
request's method, path and headers, which moto does not show. So each option is seen where it acts: ``anon`` (no
Authorization header), ``key``/``secret``/``token`` and ``region`` (the SigV4 credential scope and the session-token
header), the SDK's default credential chain (Java system properties), ``path_style`` (false: the bucket becomes a host
name), ``timeout`` (against a server that holds every request), and reads only ever GET or HEAD. xarray's
``engine="zarrjvm"`` hands its ``storage_options`` to the same store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numcodecs
import numpy as np
import pytest
import zarr
from helpers import assert_same
from remote_servers import RangeHTTPServer, within

import zarrjvm

LIMIT = 60
URL = "s3://zarr-bucket/data/a.zarr"
DATA = (np.arange(400, dtype="i2").reshape(20, 20) * 7 - 300)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RangeHTTPServer]:
    root = tmp_path_factory.mktemp("s3-static")
    (root / "zarr-bucket" / "data").mkdir(parents=True)
    z = zarr.create_array(root / "zarr-bucket" / "data" / "a.zarr", shape=(20, 20), chunks=(10, 10), dtype="i2",
                          zarr_format=2, compressors=numcodecs.Zlib())
    z[:] = DATA
    with RangeHTTPServer(root, max_requests=2000) as srv:
        yield srv


@pytest.fixture
def srv(server: RangeHTTPServer) -> RangeHTTPServer:
    server.reset()
    return server


def _read(srv: RangeHTTPServer, **options: Any) -> np.ndarray:
    def run() -> np.ndarray:
        with zarrjvm.open_array(URL, storage_options={"endpoint_url": srv.url, **options}) as a:
            return np.array(a[...])

    return within(LIMIT, run)


def _auth(srv: RangeHTTPServer) -> set[str | None]:
    return {h.get("Authorization") for _, _, _, h in srv.log()}


def test_anon_sends_unsigned_requests(srv: RangeHTTPServer) -> None:
    assert_same(_read(srv, anon=True), DATA)
    assert srv.requests >= 5  # metadata and four chunks
    assert _auth(srv) == {None}
    assert all("X-Amz-Security-Token" not in h for _, _, _, h in srv.log())


def test_key_secret_token_and_region_sign_every_request(srv: RangeHTTPServer) -> None:
    assert_same(_read(srv, key="AKIDEXAMPLE", secret="s3cr3t", token="SESSION-TOKEN", region="eu-west-3"), DATA)
    auth = _auth(srv)
    assert len(auth) >= 1 and all(
        a is not None and re.match(r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/eu-west-3/s3/aws4_request, ", a)
        for a in auth), auth
    assert {h.get("X-Amz-Security-Token") for _, _, _, h in srv.log()} == {"SESSION-TOKEN"}


def test_boto_names_and_default_region(srv: RangeHTTPServer) -> None:
    assert_same(_read(srv, aws_access_key_id="AKIDBOTO", aws_secret_access_key="x"), DATA)
    # no region given: AWS_REGION / AWS_DEFAULT_REGION, else us-east-1 (this process sets neither)
    import os

    want = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    assert all(a is not None and "Credential=AKIDBOTO/" in a and f"/{want}/s3/" in a for a in _auth(srv))
    assert {h.get("X-Amz-Security-Token") for _, _, _, h in srv.log()} == {None}


def test_without_credentials_the_sdk_default_chain_is_used(srv: RangeHTTPServer) -> None:
    """No key, no anon: the SDK's default provider chain answers; its first link is Java's system properties."""
    import jpype

    zarrjvm.jvm.ensure_started()
    system = jpype.JClass("java.lang.System")
    system.setProperty("aws.accessKeyId", "AKIDFROMCHAIN")
    system.setProperty("aws.secretAccessKey", "chain-secret")
    try:
        assert_same(_read(srv), DATA)
    finally:
        system.clearProperty("aws.accessKeyId")
        system.clearProperty("aws.secretAccessKey")
    assert all(a is not None and "Credential=AKIDFROMCHAIN/" in a for a in _auth(srv)), _auth(srv)


def test_path_style_is_the_default_with_an_endpoint_and_false_makes_the_bucket_a_host(srv: RangeHTTPServer) -> None:
    endpoint = srv.url.replace("127.0.0.1", "localhost")  # an IP endpoint would keep path style whatever is asked
    with zarrjvm.open_array(URL, storage_options={"endpoint_url": endpoint, "anon": True}) as a:
        assert_same(within(LIMIT, lambda: a[...]), DATA)
    assert all(p.startswith("/zarr-bucket/data/a.zarr/") for _, p, _, _ in srv.log())
    srv.reset()
    # virtual-hosted style: the SDK asks for zarr-bucket.localhost, which does not resolve here; nothing reaches us
    with pytest.raises(zarrjvm.StoreError, match="UnresolvedAddressException"):
        within(LIMIT, lambda: zarrjvm.open_array(URL, storage_options={"endpoint_url": endpoint, "anon": True,
                                                                       "path_style": False}))
    assert srv.requests == 0


def test_timeout_ends_requests_a_server_never_answers(srv: RangeHTTPServer) -> None:
    a = within(LIMIT, lambda: zarrjvm.open_array(URL, storage_options={"endpoint_url": srv.url, "anon": True,
                                                                       "timeout": 0.5}))
    srv.reset()
    srv.hold()
    try:
        with pytest.raises(zarrjvm.StoreError, match=r"(?i)timed out|timeout"):
            within(LIMIT, lambda: a.read_chunk((1, 1)))
    finally:
        srv.release()
    assert srv.requests >= 1 and all(p == "/zarr-bucket/data/a.zarr/1.1" for _, p, _, _ in srv.log())
    assert_same(within(LIMIT, lambda: a.read_chunk((1, 1))), DATA[10:, 10:])  # the store works again after
    a.close()


def test_reads_only_get_or_head_and_keys_stay_in_the_prefix(srv: RangeHTTPServer) -> None:
    with zarrjvm.open_array(URL, storage_options={"endpoint_url": srv.url, "anon": True}) as a:
        within(LIMIT, lambda: (a[...], list(a.iter_chunks()), a.read_chunk_raw((0, 0)), a.attrs))
    methods = {m for m, _, _, _ in srv.log()}
    assert methods <= {"GET", "HEAD"}, methods
    assert all(p.startswith("/zarr-bucket/data/a.zarr/") for _, p, _, _ in srv.log())
    srv.reset()
    for path in ("../a.zarr", "x/../../a.zarr", "/etc"):
        with pytest.raises(zarrjvm.StoreError, match="relative to the store|inside the store"):
            zarrjvm.open_array("s3://zarr-bucket/data", path=path, storage_options={"endpoint_url": srv.url,
                                                                                  "anon": True})
    assert srv.requests == 0  # refused before any request



@pytest.mark.filterwarnings("ignore:Failed to open Zarr store with consolidated metadata",
                            "ignore:Consolidated metadata is currently not part")
@pytest.mark.parametrize("zarr_format,backend", [(2, "zarr-java"), (2, "jzarr"), (3, "zarr-java")])
def test_xarray_engine_passes_storage_options_to_the_store(tmp_path_factory: pytest.TempPathFactory,
                                                           zarr_format: int, backend: str) -> None:
    import xarray as xr

    root = tmp_path_factory.mktemp("s3-xarray")
    local = root / "xr-bucket" / "ds.zarr"
    ds = xr.Dataset({"v": (("y", "x"), DATA, {"units": "m"}), "w": (("x",), np.linspace(0, 1, 20))},
                    coords={"x": np.arange(20) * 2}, attrs={"title": "over s3"})
    ds.to_zarr(local, zarr_format=zarr_format, encoding={"v": {"chunks": (10, 10)}})
    want = xr.open_dataset(local, engine="zarr").load()
    with RangeHTTPServer(root, max_requests=2000) as s3:
        options = {"endpoint_url": s3.url, "key": "AKIDXARRAY", "secret": "s", "region": "ap-south-1"}
        got = within(LIMIT, lambda: xr.open_dataset("s3://xr-bucket/ds.zarr", engine="zarrjvm", backend=backend,
                                                    storage_options=options).load())
        xr.testing.assert_identical(got, want)
        assert s3.requests >= 4 and all(p.startswith("/xr-bucket/ds.zarr/") for _, p, _, _ in s3.log())
        auth = _auth(s3)
        assert all(a is not None and "Credential=AKIDXARRAY/" in a and "/ap-south-1/s3/" in a for a in auth), auth
