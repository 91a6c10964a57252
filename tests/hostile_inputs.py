"""Builders of hostile inputs: good stores written by the Python peers, then damaged in one precise way.

Each builder writes into a fresh directory and returns ``(store, path)`` for :func:`zarrjvm.open_array`. The damage is
done on the bytes as stored, so the readers see exactly what a corrupted disk, a cut download or a hostile writer
would leave behind.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

SHAPE = (20, 20)
CHUNKS = (10, 10)
#: v2 compressors and v3 codec chains the cases damage (names as in the case ids)
V2_CODECS = ("none", "zlib", "blosc")
V3_CODECS = ("bytes", "gzip", "zstd", "blosc", "crc32c")


def values(dtype: str = "<i4") -> np.ndarray:
    """The array every good store holds: runs of equal values, so every compressor really compresses."""
    return (np.arange(int(np.prod(SHAPE))).reshape(SHAPE) // 3).astype(dtype)


def chunk00(dtype: str = "<i4") -> np.ndarray:
    return values(dtype)[: CHUNKS[0], : CHUNKS[1]]


# -- good stores ---------------------------------------------------------------------------------------------------
def v2_compressor(codec: str) -> Any:
    import numcodecs

    return {"none": None, "zlib": numcodecs.Zlib(level=5),
            "blosc": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)}[codec]


def v3_codecs(codec: str, dtype: str = "<i4") -> list[Any]:
    from zarr.codecs import BloscCodec, Crc32cCodec, GzipCodec, ZstdCodec

    return {"bytes": [], "gzip": [GzipCodec(level=5)], "zstd": [ZstdCodec(level=3)],
            "blosc": [BloscCodec(cname="lz4", clevel=5, shuffle="shuffle", typesize=np.dtype(dtype).itemsize)],
            "crc32c": [Crc32cCodec()]}[codec]


_TEMPLATES: dict[tuple[object, ...], Path] = {}
_TEMPLATE_DIR = tempfile.TemporaryDirectory(prefix="zarrjvm-hostile-")


def _from_template(store: Path, key: tuple[object, ...], write: Callable[[Path], None]) -> Path:
    """Writes each distinct good store once (zarr-python is the slow part) and copies it for every case."""
    if key not in _TEMPLATES:
        t = Path(_TEMPLATE_DIR.name) / f"t{len(_TEMPLATES)}.zarr"
        write(t)
        _TEMPLATES[key] = t
    shutil.copytree(_TEMPLATES[key], store)
    return store


def write_v2(store: Path, codec: str = "zlib", dtype: str = "<i4") -> Path:
    return _from_template(store, ("v2", codec, dtype), lambda t: _write_v2(t, codec, dtype))


def _write_v2(store: Path, codec: str, dtype: str) -> None:
    import zarr

    a = zarr.create_array(str(store), shape=SHAPE, chunks=CHUNKS, dtype=dtype, zarr_format=2, filters=None,
                          compressors=v2_compressor(codec), fill_value=0)
    a[:] = values(dtype)


def write_v3(store: Path, codec: str = "zstd", dtype: str = "<i4", *, sharded: bool = False,
             index_location: str = "end") -> Path:
    return _from_template(store, ("v3", codec, dtype, sharded, index_location),
                          lambda t: _write_v3(t, codec, dtype, sharded, index_location))


def _write_v3(store: Path, codec: str, dtype: str, sharded: bool, index_location: str) -> None:
    import zarr

    kwargs: dict[str, Any] = {"compressors": v3_codecs(codec, dtype)}
    if sharded:
        kwargs = {"chunks": (5, 5), "shards": {"shape": CHUNKS, "index_location": index_location},
                  "compressors": v3_codecs(codec, dtype)}
    else:
        kwargs["chunks"] = CHUNKS
    a = zarr.create_array(str(store), shape=SHAPE, dtype=dtype, zarr_format=3, fill_value=0, **kwargs)
    a[:] = values(dtype)


def encode(fmt: str, codec: str, raw: bytes, dtype: str = "<i4") -> bytes:
    """``raw`` encoded the way the store's codec encodes a chunk (to plant chunks of the wrong decoded size)."""
    import numcodecs

    if codec in ("none", "bytes"):
        return raw
    if codec == "zlib":
        return bytes(numcodecs.Zlib(level=5).encode(raw))
    if codec == "gzip":
        return bytes(numcodecs.GZip(level=5).encode(raw))
    if codec == "zstd":
        return bytes(numcodecs.Zstd(level=3).encode(raw))
    if codec == "blosc":
        return bytes(numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE).encode(
            np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")) if len(raw) % np.dtype(dtype).itemsize == 0
            else np.frombuffer(raw, dtype="u1")))
    if codec == "crc32c":
        import crc32c

        return raw + struct.pack("<I", crc32c.crc32c(raw))
    raise ValueError(codec)


def chunk_file(store: Path, fmt: str) -> Path:
    return store / ("0.0" if fmt == "v2" else "c/0/0")


# -- damage ----------------------------------------------------------------------------------------------------------
Edit = Callable[[bytes], bytes]


def truncate(b: bytes) -> bytes:
    return b[: len(b) // 2]


def empty(b: bytes) -> bytes:
    return b""


def flip_middle(b: bytes) -> bytes:
    """Damages a run of bytes in the middle of the stream (past any header)."""
    out = bytearray(b)
    mid = max(len(b) // 2, 18)
    for i in range(mid, min(mid + 6, len(b) - 4)):
        out[i] ^= 0x5A
    return bytes(out)


def zstd_bad_magic(b: bytes) -> bytes:
    return b"\x00\x00\x00\x00" + b[4:]


def zstd_content_size(delta: int) -> Edit:
    """Rewrites the frame header's content size field (the frame then lies about its decompressed size)."""

    def edit(b: bytes) -> bytes:
        assert b[:4] == b"\x28\xb5\x2f\xfd"
        fhd = b[4]
        fcs_flag, single = fhd >> 6, (fhd >> 5) & 1
        pos = 5 + (0 if single else 1) + (0, 1, 2, 4)[fhd & 3]
        size = (1 if single else 0, 2, 4, 8)[fcs_flag]
        fmt = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}[size]
        (v,) = struct.unpack_from(fmt, b, pos)
        out = bytearray(b)
        struct.pack_into(fmt, out, pos, v + delta)
        return bytes(out)

    return edit


def blosc_header(field: str, delta: int) -> Edit:
    """Rewrites blosc's 16-byte header: ``nbytes`` (decompressed size) or ``cbytes`` (compressed size)."""

    def edit(b: bytes) -> bytes:
        assert b[2] & 0x02 == 0, "the chunk must really be compressed (not memcpyed) for this case"
        pos = {"nbytes": 4, "cbytes": 12}[field]
        out = bytearray(b)
        (v,) = struct.unpack_from("<I", b, pos)
        struct.pack_into("<I", out, pos, v + delta)
        return bytes(out)

    return edit


def damage_blosc_payload(b: bytes) -> bytes:
    assert b[2] & 0x02 == 0, "the chunk must really be compressed (not memcpyed) for this case"
    out = bytearray(b)
    for i in range(24, len(b) - 8, 5):
        out[i] ^= 0xA5
    return bytes(out)


def edit_file(path: Path, edit: Edit) -> None:
    path.write_bytes(edit(path.read_bytes()))


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def shard_index(store: Path, edit: Callable[[np.ndarray, int], None], *, index_location: str = "end") -> None:
    """Rewrites shard c/0/0's index (uint64 (offset, nbytes) pairs, crc32c after) and recomputes its checksum."""
    import crc32c

    p = store / "c/0/0"
    b = bytearray(p.read_bytes())
    n = 4  # inner chunks per shard (10x10 shard of 5x5 chunks)
    start = len(b) - (16 * n + 4) if index_location == "end" else 0
    table = np.frombuffer(bytes(b[start: start + 16 * n]), dtype="<u8").copy()
    edit(table, len(b))
    b[start: start + 16 * n] = table.astype("<u8").tobytes()
    struct.pack_into("<I", b, start + 16 * n, crc32c.crc32c(bytes(b[start: start + 16 * n])))
    p.write_bytes(bytes(b))


# -- NetCDF ----------------------------------------------------------------------------------------------------------
def write_netcdf(path: Path, fmt: str, *, dtype: str = "i4", **var_kwargs: Any) -> Path:
    """A (20, 20) variable ``v`` holding :func:`values` in a NetCDF file of format ``fmt`` (netCDF4 names)."""
    import netCDF4

    with netCDF4.Dataset(str(path), "w", format=fmt) as ds:
        ds.createDimension("x", SHAPE[0])
        ds.createDimension("y", SHAPE[1])
        v = ds.createVariable("v", dtype, ("x", "y"), **var_kwargs)
        v[:] = values("<" + dtype if dtype != "i1" else "|i1")
    return path


def find_zlib_chunk(raw: bytes, want: bytes, *, shuffled_itemsize: int = 0) -> int:
    """Offset of the deflate stream in ``raw`` that inflates to ``want`` (HDF5 stores chunks as plain zlib streams)."""
    for i in range(len(raw) - 2):
        if raw[i] != 0x78:
            continue
        try:
            out = zlib.decompressobj().decompress(raw[i: i + 4 * len(want) + 64])
        except zlib.error:
            continue
        if shuffled_itemsize:
            out = np.frombuffer(out, dtype="u1").reshape(shuffled_itemsize, -1).T.tobytes() if len(out) == len(
                want) else b""
        if out == want:
            return i
    raise AssertionError("chunk not found")


def make_fifo(path: Path) -> None:
    os.remove(path)
    os.mkfifo(path)
