"""Upstream defects behind zarrjvm's hostile-input guards, reproduced on the readers' own APIs (through JPype, without
zarrjvm's adapters): each returns plausible wrong numbers, or wraps a value, where it should fail. zarrjvm refuses
these inputs (``test_hostile.py``); if an upstream release fixes one, its test here fails and the guard can go.
Entries Z11–Z13, J8–J12, N3–N4 and H1 of docs/findings.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import zarrjvm


@pytest.fixture(scope="module")
def jvm():
    import jpype

    zarrjvm.jvm.ensure_started()
    return jpype


def _jpath(jvm, p: Path):
    return jvm.JClass("java.nio.file.Paths").get(str(p))


def _v2(path: Path, dtype: str = "<i4", compressor=None, value: int = 7):
    import zarr

    a = zarr.create_array(str(path), shape=(20, 20), chunks=(10, 10), dtype=dtype, zarr_format=2, filters=None,
                          compressors=compressor, fill_value=0)
    a[:] = value
    return path


def _jzarr_chunk(jvm, store: Path, key: str = "0.0"):
    """jzarr's own per-chunk reader (its whole-array read needs netCDF-Java 5.x, findings J2)."""
    za = jvm.JClass("com.bc.zarr.ZarrArray").open(str(store))
    rw = jvm.JClass("com.bc.zarr.chunk.ChunkReaderWriter").create(
        za.getCompressor(), za.getDataType(), za.getByteOrder(), za.getChunks(), za.getFillValue(),
        jvm.JClass("com.bc.zarr.storage.FileSystemStore")(_jpath(jvm, store)))
    return np.array(list(rw.read(key).copyTo1DJavaArray()))


def test_z7_zarr_java_pads_a_short_chunk_with_zeros(jvm, tmp_path: Path) -> None:
    store = _v2(tmp_path / "z.zarr")
    (store / "0.0").write_bytes((store / "0.0").read_bytes()[:-8])  # two int32 short
    chunk = jvm.JClass("dev.zarr.zarrjava.core.Array").open(_jpath(jvm, store)).readChunk(
        jvm.JArray(jvm.JLong)([0, 0]))
    got = np.array(list(chunk.copyTo1DJavaArray()))
    assert got.size == 100 and list(got[-3:]) == [7, 0, 0]  # no error: the missing bytes read as zeros


def test_z8_zarr_java_calls_a_chunk_checksum_the_sharding_index(jvm, tmp_path: Path) -> None:
    import zarr
    from zarr.codecs import Crc32cCodec

    a = zarr.create_array(str(tmp_path / "c.zarr"), shape=(20, 20), chunks=(10, 10), dtype="<i4", zarr_format=3,
                          compressors=[Crc32cCodec()], fill_value=0)
    a[:] = 7
    f = tmp_path / "c.zarr" / "c" / "0" / "0"
    b = bytearray(f.read_bytes())
    b[5] ^= 1
    f.write_bytes(bytes(b))
    with pytest.raises(Exception, match="The checksum of the sharding index is invalid"):
        jvm.JClass("dev.zarr.zarrjava.core.Array").open(_jpath(jvm, tmp_path / "c.zarr")).readChunk(
            jvm.JArray(jvm.JLong)([0, 0]))


def test_z9_zarr_java_wraps_an_out_of_range_fill_value(jvm, tmp_path: Path) -> None:
    store = _v2(tmp_path / "f.zarr", "<i2")
    meta = json.loads((store / ".zarray").read_text())
    meta["fill_value"] = 70000  # not an int16
    (store / ".zarray").write_text(json.dumps(meta))
    (store / "1.1").unlink()  # absent: reads as the fill value
    a = jvm.JClass("dev.zarr.zarrjava.core.Array").open(_jpath(jvm, store))
    assert int(a.metadata().parsedFillValue()) == 70000 - 65536  # 4464
    assert set(a.readChunk(jvm.JArray(jvm.JLong)([1, 1])).copyTo1DJavaArray()) == {4464}


def test_j4_jzarr_reads_a_damaged_blosc_chunk_as_zeros(jvm, tmp_path: Path) -> None:
    import numcodecs
    import zarr

    store = tmp_path / "b.zarr"
    a = zarr.create_array(str(store), shape=(20, 20), chunks=(10, 10), dtype="<i4", zarr_format=2,
                          compressors=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE))
    a[:] = np.arange(400).reshape(20, 20) // 3 + 1
    b = bytearray((store / "0.0").read_bytes())
    assert b[2] & 0x02 == 0  # really compressed
    for i in range(24, len(b) - 8, 5):
        b[i] ^= 0xA5
    (store / "0.0").write_bytes(bytes(b))
    assert not _jzarr_chunk(jvm, store).any()  # libblosc failed (-1); jzarr ignored it: all zeros


def test_j5_jzarr_ignores_bytes_after_the_chunk(jvm, tmp_path: Path) -> None:
    store = _v2(tmp_path / "l.zarr")
    (store / "0.0").write_bytes((store / "0.0").read_bytes() + b"\x01" * 40)
    got = _jzarr_chunk(jvm, store)
    assert got.size == 100 and set(got) == {7}  # 440 bytes for a 400-byte chunk: no error


def test_j6_jzarr_truncates_shapes_to_32_bits(jvm, tmp_path: Path) -> None:
    store = _v2(tmp_path / "s.zarr")
    meta = json.loads((store / ".zarray").read_text())
    meta["shape"] = [2**40, 20]
    (store / ".zarray").write_text(json.dumps(meta))
    assert list(jvm.JClass("com.bc.zarr.ZarrArray").open(str(store)).getShape()) == [0, 20]


def test_j7_jzarr_reads_a_non_numeric_fill_value_as_zero(jvm, tmp_path: Path) -> None:
    store = _v2(tmp_path / "f.zarr")
    meta = json.loads((store / ".zarray").read_text())
    meta["fill_value"] = "abc"
    (store / ".zarray").write_text(json.dumps(meta))
    assert float(jvm.JClass("com.bc.zarr.ZarrArray").open(str(store)).getFillValue()) == 0.0


def test_j12_jzarr_leaves_each_chunks_zlib_state_to_the_garbage_collector() -> None:
    """jzarr's zlib decompressor passes a new Inflater to an InflaterInputStream, whose close() does not end an inflater
    it was given: each chunk's native zlib state waits for a Java GC. 5,000 chunks in a JVM with a fixed heap hold tens
    of MB of native memory; the JDK's own InflaterInputStream (which ends its inflater) holds none. zarrjvm's checked
    compressor runs the same inflation and ends the inflater (test_resources' jzarr run keeps RSS flat)."""
    import subprocess
    import sys

    script = str(Path(__file__).with_name("j12_workload.py"))
    growth = {w: int(subprocess.run([sys.executable, script, w, "5000"], capture_output=True, text=True, check=True,
                                    timeout=300).stdout.split()[-1]) for w in ("jzarr", "jdk")}
    assert growth["jzarr"] > 40 << 20, growth
    assert growth["jdk"] < 16 << 20, growth


def test_n3_truncated_netcdf3_reads_as_garbage_by_default(jvm, tmp_path: Path) -> None:
    """A NetCDF-3 file shorter than its header says (the tail of the data cut off): netCDF-C (netCDF4-python) reads
    the missing values as zeros, and netCDF-Java, by default, as whatever its read buffer held before (header bytes
    and earlier values): plausible wrong numbers, no error. zarrjvm switches netCDF-Java's own check on (N3header's
    disallowFileTruncation); here it is switched off again to show the default."""
    import netCDF4

    f = tmp_path / "t.nc"
    with netCDF4.Dataset(str(f), "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("x", 100)
        ds.createVariable("v", "i4", ("x",))[:] = np.arange(1, 101)
    f.write_bytes(f.read_bytes()[:-200])  # the last 50 values are gone
    with netCDF4.Dataset(str(f)) as ds:
        ds["v"].set_auto_mask(False)
        assert list(ds["v"][-3:]) == [0, 0, 0]
    n3 = jvm.JClass("ucar.nc2.iosp.netcdf3.N3header")
    with pytest.raises(zarrjvm.ChunkDecodeError, match="truncated"):
        zarrjvm.open_array(f, "v", backend="netcdf-java")
    assert n3.disallowFileTruncation
    n3.disallowFileTruncation = False
    try:
        nc = jvm.JClass("ucar.nc2.NetcdfFile").open(str(f))
        got = np.array(list(nc.findVariable("v").read().copyTo1DJavaArray()))
        nc.close()
    finally:
        n3.disallowFileTruncation = True
    assert list(got[:50]) == list(range(1, 51))  # what is in the file
    assert not np.array_equal(got[50:], np.arange(51, 101))  # what is not: no error, other numbers


def test_n4_netcdf_java_does_not_verify_fletcher32(jvm, tmp_path: Path) -> None:
    """netCDF-Java's H5tiledLayoutBB strips an HDF5 chunk's Fletcher32 checksum unread: a damaged chunk reads as
    wrong numbers, where netCDF-C refuses the file ("HDF error"). zarrjvm refuses such variables unless checks=False."""
    import netCDF4

    f = tmp_path / "f32.nc"
    data = np.arange(400, dtype="<i4").reshape(20, 20)
    with netCDF4.Dataset(str(f), "w") as ds:
        ds.createDimension("x", 20)
        ds.createDimension("y", 20)
        ds.createVariable("v", "i4", ("x", "y"), fletcher32=True, chunksizes=(10, 10))[:] = data
    raw = bytearray(f.read_bytes())
    at = raw.find(data[:10, :10].tobytes())
    assert at > 0
    raw[at + 8] ^= 0x01
    f.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match="HDF error"):
        with netCDF4.Dataset(str(f)) as ds:
            ds["v"][:]
    nc = jvm.JClass("ucar.nc2.NetcdfFile").open(str(f))
    got = np.array(list(nc.findVariable("v").read().copyTo1DJavaArray())).reshape(20, 20)
    nc.close()
    assert int((got != data).sum()) == 1
    with pytest.raises(zarrjvm.UnsupportedError, match="Fletcher32"):
        zarrjvm.open_array(f, "v", backend="netcdf-java")
    with zarrjvm.open_array(f, "v", backend="netcdf-java", checks=False) as a:
        assert int((a[...] != data).sum()) == 1


def test_h1_jhdf_neither_verifies_nor_strips_fletcher32(jvm, tmp_path: Path) -> None:
    """jHDF's Fletcher32 filter returns its input: on jHDF's own API a chunk of a ``fletcher32=True`` dataset comes back
    4 bytes longer than the chunk (its stored checksum still at the end), and a damaged chunk reads as wrong numbers
    where HDF5 (h5py) refuses it. zarrjvm refuses such datasets unless checks=False, then drops the 4 bytes."""
    import h5py
    from helpers import in_thread

    f = tmp_path / "f32.h5"
    data = np.arange(400, dtype="<i4").reshape(20, 20)

    def write() -> None:
        with h5py.File(f, "w") as h:
            h.create_dataset("v", data=data, chunks=(10, 10), fletcher32=True)

    in_thread(write)  # h5py writes on a worker thread once the JVM runs on this one (helpers.in_thread)
    with h5py.File(f, "r") as h:
        assert h["v"].fletcher32 and h["v"][...].tolist() == data.tolist()
    raw = bytearray(f.read_bytes())
    chunk = data[:10, :10].tobytes()
    at = raw.find(chunk)
    assert at > 0 and raw.find(chunk, at + 1) < 0
    stored_checksum = bytes(raw[at + len(chunk):at + len(chunk) + 4])
    raw[at + 8] ^= 0x01  # element [0, 2]: 2 -> 3
    f.write_bytes(bytes(raw))
    damaged = data.copy()
    damaged[0, 2] = 3
    with h5py.File(f, "r") as h, pytest.raises(OSError, match="filter returned failure during read"):
        h["v"][...]

    hdf = jvm.JClass("io.jhdf.HdfFile")(_jpath(jvm, f))
    try:
        ds = hdf.getDatasetByPath("/v")
        assert [str(x.getName()).lower() for x in ds.getFilters()] == ["fletcher32"]
        got_chunk = bytes(ds.getDecompressedChunk(jvm.JArray(jvm.JInt)([0, 0])))
        # the chunk (damaged as written) and then the 4 checksum bytes, unverified and not stripped
        assert len(got_chunk) == len(chunk) + 4
        assert got_chunk == damaged[:10, :10].tobytes() + stored_checksum
        got = np.array([list(row) for row in ds.getData()])
    finally:
        hdf.close()
    assert got.tolist() == damaged.tolist()  # the damaged value, no error

    with pytest.raises(zarrjvm.UnsupportedError, match="jhdf does not verify HDF5 Fletcher32 checksums"):
        zarrjvm.open_array(f, "v", backend="jhdf")
    with zarrjvm.open_array(f, "v", backend="jhdf", checks=False) as a:
        assert a[...].tolist() == damaged.tolist()
