"""The case generator: one declarative list covering every axis the matrix promises, deterministic source data, and
the declared capability tables that turn cases into `unsupported` cells."""

from __future__ import annotations

import numpy as np
import pytest

from zarrjvm.compat.capabilities import PEER_READERS, WRITERS, java_readers, limitation
from zarrjvm.compat.cases import (
    ALL_CASES,
    CASES_BY_NAME,
    DEFAULT_CASES,
    NETCDF_CASES,
    TEXT_CASES,
    ZARR_CASES,
    Case,
    select,
)
from zarrjvm.compat.javawrite import numpy_to_arrow, write_spec


def test_case_counts_are_exact_and_names_unique() -> None:
    """Exact counts (a case lost or added fails here until this test and the README are updated)."""
    import re
    from pathlib import Path

    assert (len(ZARR_CASES), len(NETCDF_CASES), len(DEFAULT_CASES), len(TEXT_CASES), len(ALL_CASES)) == \
        (186, 65, 16, 11, 278)
    assert ALL_CASES == [*ZARR_CASES, *NETCDF_CASES, *DEFAULT_CASES, *TEXT_CASES]
    assert all(c.kind is not None for c in TEXT_CASES) and not any(c.kind for c in ALL_CASES[:-len(TEXT_CASES)])
    assert all(c.name.startswith(f"default-{c.writer}") for c in DEFAULT_CASES)
    assert all(c.writer is None for c in [*ZARR_CASES, *NETCDF_CASES])
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    stated = re.findall(r"(\d+) cases (?:in `zarrjvm/compat/cases.py` )?\((\d+) Zarr, (\d+) NetCDF", readme)
    assert stated and all(tuple(int(v) for v in t) == (251, 186, 65) for t in stated), stated
    assert len({c.name for c in ALL_CASES}) == len(ALL_CASES)
    assert {c.format for c in ALL_CASES} == {"zarr-v2", "zarr-v3", "netcdf3", "netcdf4"}


@pytest.mark.parametrize("fmt", ["zarr-v2", "zarr-v3"])
def test_every_axis_is_covered(fmt: str) -> None:
    cs = [c for c in ZARR_CASES if c.format == fmt]
    kinds = {np.dtype(c.dtype).kind + str(np.dtype(c.dtype).itemsize) for c in cs}
    assert kinds >= {"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8"}
    assert {c.dtype[0] for c in cs} >= {"<", ">", "|"}  # as spelled: little, big, one byte
    codecs = {part for c in cs for part in c.codec.split("+")}
    assert codecs >= {"none", "gzip", "zstd"}
    assert {f"blosc-{n}-{s}" for n in ("lz4", "zstd", "blosclz") for s in ("noshuffle", "shuffle", "bitshuffle")} \
        <= codecs
    if fmt == "zarr-v2":
        assert "zlib" in codecs
    else:
        assert "crc32c" in codecs
        assert any(c.shards for c in cs) and {c.index_location for c in cs if c.shards} == {"start", "end"}
    assert {c.order for c in cs} == {"C", "F"}
    default = "." if fmt == "zarr-v2" else "/"
    assert {c.separator or default for c in cs} >= {".", "/"}
    assert {c.fill for c in cs} >= {"zero", "nan", "inf", "min", "max"}
    shapes = [(c.shape, c.chunks) for c in cs]
    assert any(len(s) == 0 for s, _ in shapes)  # 0-d
    assert any(len(s) == 1 for s, _ in shapes)  # 1-d
    assert any(len(s) >= 4 for s, _ in shapes)  # ≥ 4-d
    assert any(any(n % k for n, k in zip(s, ch)) for s, ch in shapes if s)  # partial edge chunks
    assert any(all(k > n for n, k in zip(s, ch)) for s, ch in shapes if s)  # chunk larger than the array
    assert any(s and all(k == 1 for k in ch) for s, ch in shapes)  # one-element chunks
    assert any(c.attrs for c in cs) and any(c.group and "/" in c.group for c in cs)  # attributes, nested groups
    assert any(c.missing for c in cs)


def test_expected_is_deterministic_with_extremes_and_fill() -> None:
    c = CASES_BY_NAME["zarr-v2-fill-min-i8-missing"]
    a, b = c.expected(), c.expected()
    assert np.array_equal(a, b)
    info = np.iinfo(np.int64)
    data = c.data()
    assert data.flat[0] == info.min and data.flat[-1] == info.max
    # absent chunks (after the first chunk row) read as the fill value
    assert np.all(a[c.chunks[0]:] == info.min)
    assert np.array_equal(a[: c.chunks[0]], data[: c.chunks[0]])
    f = CASES_BY_NAME["zarr-v3-dtype-f4"].data()
    assert np.isnan(f).any() and np.isinf(f).any()
    assert c.expected().dtype.isnative


def test_select_by_glob() -> None:
    names = [c.name for c in select(["zarr-v2-dtype-*"])]
    assert names and all(n.startswith("zarr-v2-dtype-") for n in names)
    with pytest.raises(KeyError):
        select(["no-such-case-*"])


def test_array_paths() -> None:
    assert CASES_BY_NAME["zarr-v2-dtype-i4"].array_path == ""
    assert CASES_BY_NAME["zarr-v3-nested-groups"].array_path == "g1/g2/arr"
    assert CASES_BY_NAME["netcdf4-group-i4"].array_path == "inner/deeper/v"
    assert CASES_BY_NAME["netcdf3-classic-i4"].array_path == "v"


def test_write_spec_describes_the_written_region() -> None:
    c = CASES_BY_NAME["zarr-v3-sharded-partial-missing"]
    spec = write_spec(c)
    assert spec["region_offset"] == [0, 0]
    assert spec["region_shape"] == [c.chunks[0], c.shape[1]]
    assert spec["shards"] == list(c.shards) and spec["fill"] == "-7"
    assert write_spec(CASES_BY_NAME["zarr-v2-fill-nan-missing"])["fill"] == "NaN"
    assert write_spec(CASES_BY_NAME["zarr-v3-fill-max-u8-missing"])["fill"] == str(2**64 - 1)
    assert write_spec(CASES_BY_NAME["zarr-v2-fill-none"])["fill"] is None
    assert write_spec(CASES_BY_NAME["zarr-v3-0d"])["region_shape"] == []


def test_numpy_to_arrow_shares_the_buffer() -> None:
    for dt in ("|b1", "<i2", "<u8", "<f4"):
        values = Case("x", "zarr-v2", dtype=dt, shape=(6, 5)).data()
        arr = numpy_to_arrow(values)
        assert arr.buffers()[1].address == values.ctypes.data
        assert len(arr) == values.size and arr.null_count == 0
    with pytest.raises(ValueError):
        numpy_to_arrow(np.zeros((4, 4), dtype="<i4")[:, ::2])


def test_declared_capabilities() -> None:
    v3 = CASES_BY_NAME["zarr-v3-dtype-i4"]
    assert limitation(WRITERS["jzarr"], v3, "writer") == "jzarr does not write zarr-v3"
    assert "no dtype b1" in limitation(WRITERS["jzarr"], CASES_BY_NAME["zarr-v2-dtype-b1"], "writer")
    assert "order" in limitation(WRITERS["jzarr"], CASES_BY_NAME["zarr-v2-order-F"], "writer")
    assert "big-endian" in limitation(WRITERS["zarr-java"], CASES_BY_NAME["zarr-v2-bigendian-i4"], "writer")
    assert limitation(WRITERS["zarr-java"], CASES_BY_NAME["zarr-v2-order-F"], "writer") is None  # it claims F
    assert "nested groups" in limitation(WRITERS["tensorstore"], CASES_BY_NAME["zarr-v2-nested-groups"], "writer")
    assert "attributes" in limitation(WRITERS["tensorstore"], CASES_BY_NAME["zarr-v2-attrs"], "writer")
    assert limitation(WRITERS["tensorstore"], CASES_BY_NAME["zarr-v3-attrs"], "writer") is None
    assert "netcdf4" in limitation(WRITERS["netcdf-java"], CASES_BY_NAME["netcdf4-zlib-i4"], "writer")
    assert "u2" in limitation(WRITERS["netcdf-java"], CASES_BY_NAME["netcdf3-cdf5-u2"], "writer")
    assert limitation(PEER_READERS["netcdf4-python"], CASES_BY_NAME["netcdf3-cdf5-u2"]) is None
    assert "0-d" in limitation(java_readers()["zarr-java"], CASES_BY_NAME["zarr-v2-0d"])
    # the Python peers claim every Zarr case
    for c in ZARR_CASES:
        assert limitation(WRITERS["zarr-python"], c, "writer") is None
        assert limitation(PEER_READERS["zarr-python"], c) is None


@pytest.mark.parametrize("writer", ["netcdf4-python", "h5py", "h5netcdf", "xarray"])
def test_netcdf4_filter_cases_are_written_with_the_filters_they_name(tmp_path, writer: str) -> None:
    """Each NetCDF-4 filter case is stored with exactly the HDF5 filters its codec names (shuffle, deflate and its
    level, Fletcher32), whoever writes it — as h5py reads the dataset's creation properties back."""
    import h5py

    from zarrjvm.compat.cases import nc4_filters
    from zarrjvm.compat.implementations import writers

    w = writers()[writer]
    cases = [c for c in NETCDF_CASES if c.format == "netcdf4" and c.codec not in ("none", "zlib")]
    assert len(cases) == 10
    root = tmp_path / writer
    root.mkdir()
    for case in cases:
        store, path, _ = w.write(case, root)
        flt = nc4_filters(case)
        with h5py.File(store, "r") as f:
            ds = f[path]
            assert (ds.shuffle, ds.fletcher32) == (flt["shuffle"], flt["fletcher32"]), case.name
            assert (ds.compression, ds.compression_opts) == (
                ("gzip", flt["level"]) if flt["zlib"] else (None, None)), case.name
            assert ds.chunks == case.chunks, case.name
