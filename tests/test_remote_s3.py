"""S3 stores against moto's S3 in server mode on 127.0.0.1 (started here, one bucket filled from zarr-python's writes).

Reads are compared element-wise with zarr-python's read of the same files; requests are counted by zarrjvm's store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr
from helpers import assert_same
from remote_servers import moto_s3, within
from test_remote_http import CASES, write_stores

import zarrjvm

LIMIT = 60


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("s3-stores")
    write_stores(root)
    return root


@pytest.fixture(scope="module")
def s3(stores: Path) -> Iterator[dict[str, Any]]:
    with moto_s3(stores, "zarr-bucket", prefix="data/v1") as s:
        yield s


@pytest.mark.parametrize("backend,name", CASES)
def test_s3_reads_equal_zarr_python(s3: dict[str, Any], stores: Path, backend: str, name: str) -> None:
    want = zarr.open_array(stores / name, mode="r")
    a = within(LIMIT, lambda: zarrjvm.open_array(f"s3://zarr-bucket/data/v1/{name}", backend=backend,
                                                 storage_options=s3["storage_options"]))
    assert a.shape == want.shape and a.dtype == want.dtype
    assert_same(within(LIMIT, lambda: a[...]), want[...])
    assert_same(within(LIMIT, lambda: a[::4, 2:7]), want[::4, 2:7])
    assert a.attrs == dict(want.attrs)


def test_s3_path_inside_the_bucket_prefix(s3: dict[str, Any], stores: Path) -> None:
    """The store is the prefix; the array is a path inside it (as zarr-python's store + path)."""
    a = within(LIMIT, lambda: zarrjvm.open_array("s3://zarr-bucket/data/v1", path="grp/sub/b", backend="jzarr",
                                                 storage_options=s3["storage_options"]))
    assert_same(within(LIMIT, lambda: a[...]), np.full(5, 0.5))


def test_s3_requests_are_counted(s3: dict[str, Any]) -> None:
    a = within(LIMIT, lambda: zarrjvm.open_array("s3://zarr-bucket/data/v1/v2.zarr",
                                                 storage_options=s3["storage_options"]))
    opened = a.store_stats()
    assert opened is not None and opened["requests"] > 0 and opened["store"] == "s3://zarr-bucket/data/v1/v2.zarr"
    within(LIMIT, lambda: a[...])
    after = a.store_stats()
    assert after is not None
    assert after["requests"] - opened["requests"] == a.nchunks  # one GetObject per chunk, no retries on loopback
    chunk_bytes = sum(len(a.read_chunk_raw(c) or b"") for c in np.ndindex(*a.cdata_shape))
    assert after["bytes"] - opened["bytes"] == chunk_bytes


def test_s3_group_lists_with_list_objects(s3: dict[str, Any], stores: Path) -> None:
    g = within(LIMIT, lambda: zarrjvm.open_group("s3://zarr-bucket/data/v1/grp", backend="zarr-java",
                                                 storage_options=s3["storage_options"]))
    assert g.members() == {"a": "array", "sub": "group"}
    assert g.attrs == {"title": "remote"}
    assert_same(within(LIMIT, lambda: g["a"][...]), zarr.open_array(stores / "grp" / "a")[...])


def test_s3_sharded_reads_use_ranges(s3: dict[str, Any], stores: Path) -> None:
    a = within(LIMIT, lambda: zarrjvm.open_array("s3://zarr-bucket/data/v1/sharded.zarr",
                                                 storage_options=s3["storage_options"]))
    before = a.store_stats()
    assert before is not None
    got = within(LIMIT, lambda: a.read_chunk((3, 5)))
    assert_same(got, zarr.open_array(stores / "sharded.zarr")[15:20, 25:30])
    after = a.store_stats()
    assert after is not None
    shard_file = (stores / "sharded.zarr" / "c" / "1" / "2").stat().st_size
    index = 4 * 16 + 4  # 2×2 inner chunks of (offset, length), then its crc32c
    inner = len(a.read_chunk_raw((3, 5)) or b"")
    # two ranged GetObjects: the shard's index and the one inner chunk, not the whole shard
    assert after["requests"] - before["requests"] == 2
    assert after["bytes"] - before["bytes"] == index + inner < shard_file


def test_s3_client_kwargs_spelling_and_env_free_credentials(s3: dict[str, Any], stores: Path) -> None:
    so = {"client_kwargs": {"endpoint_url": s3["endpoint_url"], "region_name": "us-east-1"},
          "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    a = within(LIMIT, lambda: zarrjvm.open_array("s3://zarr-bucket/data/v1/v3.zarr", storage_options=so))
    assert_same(within(LIMIT, lambda: a[...]), zarr.open_array(stores / "v3.zarr")[...])


def test_s3_missing_bucket_key_and_bad_options(s3: dict[str, Any]) -> None:
    so = s3["storage_options"]
    with pytest.raises(zarrjvm.ArrayNotFoundError):
        within(LIMIT, lambda: zarrjvm.open_array("s3://zarr-bucket/data/v1/none.zarr", storage_options=so))
    with pytest.raises(zarrjvm.ArrayNotFoundError, match=r"no Zarr array at '/' in s3://no-such-bucket/v2\.zarr"):
        within(LIMIT, lambda: zarrjvm.open_array("s3://no-such-bucket/v2.zarr", storage_options=so))
    with pytest.raises(zarrjvm.StoreError, match="unknown s3 storage option 'endpoint'"):
        zarrjvm.open_array("s3://zarr-bucket/data/v1/v2.zarr", storage_options={**so, "endpoint": "x"})
    with pytest.raises(zarrjvm.StoreError, match="both 'key' and 'secret'"):
        zarrjvm.open_array("s3://zarr-bucket/data/v1/v2.zarr", storage_options={"endpoint_url": so["endpoint_url"],
                                                                                 "key": "testing"})
    with pytest.raises(zarrjvm.StoreError, match="inside the store"):
        zarrjvm.open_array("s3://zarr-bucket/data/v1/grp", path="../v2.zarr", storage_options=so)


def test_s3_async_reads(s3: dict[str, Any], stores: Path) -> None:
    import asyncio

    want = zarr.open_array(stores / "v3.zarr")[...]

    async def main() -> None:
        a = await zarrjvm.open_array_async("s3://zarr-bucket/data/v1/v3.zarr", storage_options=s3["storage_options"])
        coords = list(np.ndindex(*a.cdata_shape))
        chunks = await asyncio.gather(*(a.read_chunk_async(c) for c in coords))
        for c, got in zip(coords, chunks):
            assert_same(got, want[c[0] * 10:(c[0] + 1) * 10, c[1] * 8:(c[1] + 1) * 8])
        assert_same(await a.get_async((slice(1, 30), 5)), want[1:30, 5])

    asyncio.run(asyncio.wait_for(main(), LIMIT))
