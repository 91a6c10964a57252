"""Java writers fed from numpy through the Arrow C Data Interface: no copy across the boundary, nothing leaked, the
library's own metadata, values equal to the source data when read back by the Python peers."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm
from zarrjvm.compat.cases import CASES_BY_NAME, peer_read
from zarrjvm.compat.javawrite import write_java


def _central_only() -> bool:
    return not zarrjvm.jvm.build_info()["ma2_unsigned_types"]


@pytest.mark.parametrize("writer,case", [
    ("zarr-java", "zarr-v2-dtype-f8"), ("zarr-java", "zarr-v2-dtype-b1"), ("zarr-java", "zarr-v2-dtype-u2"),
    ("zarr-java", "zarr-v3-dtype-u8"), ("zarr-java", "zarr-v3-bigendian-i8"),
    ("zarr-java", "zarr-v3-order-F-transpose"), ("zarr-java", "zarr-v3-codec-blosc-zstd-bitshuffle-i4"),
    ("zarr-java", "zarr-v3-fill-min-i8-missing"), ("zarr-java", "zarr-v2-nested-groups"),
    ("zarr-java", "zarr-v3-4d-partial"), ("zarr-java", "zarr-v3-0d"),
    ("jzarr", "zarr-v2-dtype-i8"), ("jzarr", "zarr-v2-bigendian-f4"), ("jzarr", "zarr-v2-fill-nan-missing"),
    ("jzarr", "zarr-v2-codec-blosc-blosclz-noshuffle-i4"), ("jzarr", "zarr-v2-5d"),
    ("jzarr", "zarr-v2-separator-slash"),
    ("netcdf-java", "netcdf3-classic-i2"), ("netcdf-java", "netcdf3-64bit-offset-f8"),
    ("netcdf-java", "netcdf3-record-f4"), ("netcdf-java", "netcdf3-fill-i4"),
    ("jhdf", "netcdf4-contiguous-f8"), ("jhdf", "netcdf4-contiguous-i2"),
], ids=lambda v: v)
def test_java_writer_round_trip_zero_copy(tmp_path: Path, allocator_baseline, writer: str, case: str) -> None:
    c = CASES_BY_NAME[case]
    store = tmp_path / (f"{case}.nc" if c.format.startswith("netcdf") else f"{case}.zarr")
    out = write_java(writer, c, store)
    # Java saw the elements at numpy's own address: nothing was copied across the boundary
    assert out["data_address"] == out["numpy_address"] != 0
    assert_same(peer_read(c, str(store), c.array_path), c.expected())
    gc.collect()
    assert allocator_baseline() == 0
    shimmed = bool(out["notes"])
    if writer in ("netcdf-java", "jhdf") or c.np_dtype.kind in "fb" and writer == "zarr-java":
        assert not shimmed  # these paths link on cdm 4.5.5 as they are
    elif _central_only():
        assert shimmed and "shim" in out["notes"][0]


def test_library_metadata_is_the_librarys(tmp_path: Path) -> None:
    """zarr-java and jzarr write their own metadata documents (their spelling, not zarrjvm's)."""
    write_java("zarr-java", CASES_BY_NAME["zarr-v3-attrs"], tmp_path / "zj.zarr")
    meta = json.loads((tmp_path / "zj.zarr" / "zarr.json").read_text())
    assert "storage_transformers" in meta  # zarr-java's ArrayMetadata always writes it
    write_java("jzarr", CASES_BY_NAME["zarr-v2-attrs"], tmp_path / "jz.zarr")
    zarray = json.loads((tmp_path / "jz.zarr" / ".zarray").read_text())
    assert zarray["dtype"] == "<f4" and zarray["compressor"]["id"] == "zlib"
    assert json.loads((tmp_path / "jz.zarr" / ".zattrs").read_text())["title"] == "zarrjvm"


def test_as_is_writes_fail_typed_on_central_only_and_jvm_stays_usable(tmp_path: Path, allocator_baseline) -> None:
    if not _central_only():
        pytest.xfail("netCDF-Java 5.x build: the write paths link as they are")
    for writer, case in (("zarr-java", "zarr-v2-dtype-i2"), ("zarr-java", "zarr-v3-sharded-f4"),
                         ("jzarr", "zarr-v2-dtype-f4")):
        with pytest.raises(zarrjvm.UnsupportedError) as ei:
            write_java(writer, CASES_BY_NAME[case], tmp_path / f"{writer}-{case}.zarr", shims=False)
        assert ei.value.java_class in ("java.lang.NoSuchMethodError", "java.lang.NoSuchFieldError")
        assert "writer needs a part of ucar.ma2" in str(ei.value)
    # the import was released on the failure path too, and the JVM still writes
    gc.collect()
    assert allocator_baseline() == 0
    write_java("zarr-java", CASES_BY_NAME["zarr-v2-dtype-f4"], tmp_path / "after.zarr")
    assert_same(peer_read(CASES_BY_NAME["zarr-v2-dtype-f4"], str(tmp_path / "after.zarr"), ""),
                CASES_BY_NAME["zarr-v2-dtype-f4"].expected())


def test_unknown_writer_and_undeclared_codec_are_refused(tmp_path: Path, allocator_baseline) -> None:
    with pytest.raises(zarrjvm.UnsupportedError, match="no Java writer"):
        write_java("no-such-writer", CASES_BY_NAME["zarr-v2-dtype-f4"], tmp_path / "x.zarr")
    with pytest.raises(zarrjvm.UnsupportedError, match="no Zarr v2 compressor 'gzip'"):
        write_java("jzarr", CASES_BY_NAME["zarr-v2-codec-gzip-f4"], tmp_path / "y.zarr")
    gc.collect()
    assert allocator_baseline() == 0


def test_written_values_include_extremes(tmp_path: Path) -> None:
    """uint64 max survives numpy → Arrow → Java → zarr-java (signed storage, bit for bit), fill value included."""
    c = CASES_BY_NAME["zarr-v3-fill-max-u8-missing"]
    write_java("zarr-java", c, tmp_path / "u8.zarr")
    got = peer_read(c, str(tmp_path / "u8.zarr"), "")
    assert got.dtype == np.uint64 and got.max() == np.iinfo(np.uint64).max
    assert_same(got, c.expected())


def test_jhdf_writes_groups_and_attributes(tmp_path: Path) -> None:
    """jHDF's writer (WritableHdfFile): nested groups and number, string and list attributes, as h5py reads them."""
    import dataclasses

    import h5py

    c = dataclasses.replace(CASES_BY_NAME["netcdf4-contiguous-f8"], group="inner/deeper",
                            attrs={"units": "m s-1", "scale": 0.5, "count": 3, "levels": [1, 2.5], "names": ["a", "b"]})
    write_java("jhdf", c, tmp_path / "g.h5")
    with h5py.File(tmp_path / "g.h5", "r") as h:
        ds = h["inner/deeper/v"]
        assert_same(ds[()], c.expected())
        got = {k: ds.attrs[k] for k in ds.attrs}
    def text(x: object) -> str:  # jHDF writes fixed-length byte strings: h5py hands them out as bytes
        return x.decode() if isinstance(x, bytes) else str(x)

    assert text(got["units"]) == "m s-1" and got["scale"] == 0.5 and got["count"] == 3
    assert got["levels"].tolist() == [1.0, 2.5] and [text(x) for x in got["names"]] == ["a", "b"]


@pytest.mark.parametrize("case", ["netcdf4-zlib-f4", "netcdf4-fill-i4-missing", "netcdf4-zlib-u2",
                                  "netcdf4-1d-unlimited-i4", "zarr-v2-dtype-f4"])
def test_jhdf_writer_refuses_what_it_declares_it_cannot(tmp_path: Path, case: str) -> None:
    from zarrjvm.compat.capabilities import WRITERS, limitation

    c = CASES_BY_NAME[case]
    assert limitation(WRITERS["jhdf"], c, "writer") is not None
    with pytest.raises(zarrjvm.UnsupportedError, match="jHDF"):
        write_java("jhdf", c, tmp_path / "x.h5")
