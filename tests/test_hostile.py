"""Hostile input: damaged chunks, shards, metadata, stores and NetCDF files, generated here.

Every case must raise one specific zarrjvm error whose message names the cause, return no data (neither through
``read_chunk`` nor through a region read), leak no Arrow memory, and leave the next good read with the same backend
working. Each error is also classified by where it comes from: **backend** (the reader, or the JDK / codec library
under it, raised it) or **bridge** (one of zarrjvm's own checks: the innermost Java cause is a ``dev.zarrjvm`` class).
The expected origin is measured and asserted, so a reader that starts (or stops) catching something shows up here.

``ZARRJVM_HOSTILE_REPORT=report.md pytest tests/test_hostile.py`` writes the per-backend origin table.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same
from hostile_inputs import (
    CHUNKS,
    V2_CODECS,
    V3_CODECS,
    blosc_header,
    chunk00,
    chunk_file,
    damage_blosc_payload,
    edit_file,
    edit_json,
    empty,
    encode,
    find_zlib_chunk,
    flip_middle,
    make_fifo,
    shard_index,
    truncate,
    values,
    write_netcdf,
    write_v2,
    write_v3,
    zstd_bad_magic,
    zstd_content_size,
)

import zarrjvm

ZARR2 = ("zarr-java", "jzarr")
ZARR3 = ("zarr-java",)
NC = ("netcdf-java",)
Build = Callable[[Path], tuple[Path, str]]


@dataclass(frozen=True)
class Hostile:
    """One damaged input: how to build it, which backends read its format, and the error each must raise."""

    name: str
    backends: tuple[str, ...]
    build: Build
    error: type[zarrjvm.ZarrJvmError]
    #: regex on ``str(error)`` naming the cause; per backend when they word it differently
    match: str | dict[str, str]
    #: "backend" or "bridge" (measured); per backend when it differs
    origin: str | dict[str, str]
    #: "open" when opening fails, "read" when opening works and reading fails
    when: str = "read"
    options: dict[str, object] = field(default_factory=dict)

    def for_backend(self, value: str | dict[str, str], backend: str) -> str:
        return value if isinstance(value, str) else value[backend]


# -- builders ------------------------------------------------------------------------------------------------------
def damaged_chunk(fmt: str, codec: str, edit: Callable[[bytes], bytes], dtype: str = "<i4") -> Build:
    """A good store of format ``fmt`` ("v2"/"v3") whose chunk (0, 0) is rewritten by ``edit``."""

    def build(tmp: Path) -> tuple[Path, str]:
        store = (write_v2 if fmt == "v2" else write_v3)(tmp / "s.zarr", codec, dtype)
        edit_file(chunk_file(store, fmt), edit)
        return store, ""

    return build


def v2_chunk(codec: str, edit: Callable[[bytes], bytes]) -> Build:
    return damaged_chunk("v2", codec, edit)


def v3_chunk(codec: str, edit: Callable[[bytes], bytes]) -> Build:
    return damaged_chunk("v3", codec, edit)


def planted(fmt: str, codec: str, raw: Callable[[bytes], bytes], dtype: str = "<i4") -> Build:
    """A chunk that is valid for its codec but decodes to ``raw(chunk bytes)``: the wrong number of bytes."""

    def build(tmp: Path) -> tuple[Path, str]:
        store = (write_v2 if fmt == "v2" else write_v3)(tmp / "s.zarr", codec, dtype)
        chunk_file(store, fmt).write_bytes(encode(fmt, codec, raw(chunk00(dtype).tobytes()), dtype))
        return store, ""

    return build


def shard(edit: Callable[[Path], None], index_location: str = "end") -> Build:
    def build(tmp: Path) -> tuple[Path, str]:
        store = write_v3(tmp / "s.zarr", "zstd", sharded=True, index_location=index_location)
        edit(store)
        return store, ""

    return build


def v2_meta(change: Callable[[dict], None], name: str = ".zarray") -> Build:
    def build(tmp: Path) -> tuple[Path, str]:
        store = write_v2(tmp / "s.zarr", "zlib")
        if name == ".zattrs" and not (store / name).exists():
            (store / name).write_text("{}")
        edit_json(store / name, change)
        return store, ""

    return build


def v2_raw_meta(content: bytes, name: str = ".zarray") -> Build:
    def build(tmp: Path) -> tuple[Path, str]:
        store = write_v2(tmp / "s.zarr", "zlib")
        (store / name).write_bytes(content)
        return store, ""

    return build


def v3_meta(change: Callable[[dict], None]) -> Build:
    def build(tmp: Path) -> tuple[Path, str]:
        store = write_v3(tmp / "s.zarr", "zstd")
        edit_json(store / "zarr.json", change)
        return store, ""

    return build


def v3_raw_meta(content: bytes) -> Build:
    def build(tmp: Path) -> tuple[Path, str]:
        store = write_v3(tmp / "s.zarr", "zstd")
        (store / "zarr.json").write_bytes(content)
        return store, ""

    return build


def with_store(edit: Callable[[Path, Path], tuple[Path, str]]) -> Build:
    """``edit(store, tmp)`` changes a good v2 store (or its surroundings) and says what to open."""

    def build(tmp: Path) -> tuple[Path, str]:
        store = write_v2(tmp / "s.zarr", "zlib")
        return edit(store, tmp)

    return build


def netcdf(fmt: str, edit: Callable[[Path], None] | None = None, path: str = "v", **var_kwargs: object) -> Build:
    def build(tmp: Path) -> tuple[Path, str]:
        f = write_netcdf(tmp / "f.nc", fmt, **var_kwargs)
        if edit is not None:
            edit(f)
        return f, path

    return build


# -- small edits -----------------------------------------------------------------------------------------------------
def cut(fraction: float) -> Callable[[Path], None]:
    return lambda f: f.write_bytes(f.read_bytes()[: int(f.stat().st_size * fraction)])


def cut_bytes(n: int) -> Callable[[Path], None]:
    return lambda f: f.write_bytes(f.read_bytes()[:-n])


def set_key(key: str, value: object) -> Callable[[dict], None]:
    return lambda d: d.__setitem__(key, value)


def del_key(key: str) -> Callable[[dict], None]:
    return lambda d: d.pop(key)


def deep_json(depth: int) -> bytes:
    return ('{"deep": ' + "[" * depth + "]" * depth + "}").encode()


def damage_hdf5_object_header(f: Path) -> None:
    b = f.read_bytes()
    i = b.find(b"OHDR")
    assert i > 0, "a NetCDF-4 file has v2 object headers"
    f.write_bytes(b[:i] + b"XXXX" + b[i + 4:])


def damage_hdf5_zlib_chunk(f: Path) -> None:
    raw = f.read_bytes()
    # netCDF4 shuffles before deflating; the chunk is found by inflating candidates and unshuffling
    i = find_zlib_chunk(raw, chunk00().tobytes(), shuffled_itemsize=4)
    b = bytearray(raw)
    for k in range(i + 20, i + 30):
        b[k] ^= 0xFF
    f.write_bytes(bytes(b))


def symlink_chunk_outside(store: Path, tmp: Path) -> tuple[Path, str]:
    outside = tmp / "outside-chunk"
    outside.write_bytes((store / "0.0").read_bytes())  # a valid chunk: following the link would read it
    os.remove(store / "0.0")
    (store / "0.0").symlink_to(outside)
    return store, ""


def symlink_array_outside(store: Path, tmp: Path) -> tuple[Path, str]:
    root = tmp / "root.zarr"
    root.mkdir()
    (root / ".zgroup").write_text('{"zarr_format": 2}')
    (root / "link").symlink_to(store, target_is_directory=True)
    return root, "link"


def directory_as_chunk(store: Path, tmp: Path) -> tuple[Path, str]:
    os.remove(store / "0.0")
    (store / "0.0").mkdir()
    return store, ""


def fifo_as_chunk(store: Path, tmp: Path) -> tuple[Path, str]:
    make_fifo(store / "0.0")
    return store, ""


def huge_sparse_chunk(store: Path, tmp: Path) -> tuple[Path, str]:
    with open(store / "0.0", "r+b") as fh:
        fh.truncate(3 << 30)  # 3 GiB, sparse: nothing is written, and nothing may be read
    return store, ""


def both_v2_and_v3(store: Path, tmp: Path) -> tuple[Path, str]:
    (store / "zarr.json").write_text(json.dumps({"zarr_format": 3, "node_type": "group", "attributes": {}}))
    return store, ""


def entry(i: int, offset: Callable[[np.ndarray, int], int] | None = None,
          length: Callable[[np.ndarray, int], int] | None = None) -> Callable[[Path], None]:
    def edit(store: Path) -> None:
        def change(table: np.ndarray, size: int) -> None:
            if offset is not None:
                table[2 * i] = offset(table, size)
            if length is not None:
                table[2 * i + 1] = length(table, size)

        shard_index(store, change)

    return edit


def shard_file(edit: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    return lambda store: edit_file(store / "c/0/0", edit)


# -- the cases -------------------------------------------------------------------------------------------------------
CDE = zarrjvm.ChunkDecodeError
MDE = zarrjvm.MetadataError
UE = zarrjvm.UnsupportedError
SE = zarrjvm.StoreError
ANF = zarrjvm.ArrayNotFoundError
EMPTY = r"is empty \(0 bytes\)"
SHORT = r"(decompressed to|header gives) 392 (decompressed )?bytes"
LONG = r"(decompressed to|header gives) 440 (decompressed )?bytes"


def _chunk_cases() -> Iterator[Hostile]:
    trunc_v2 = {
        "none": (r"decompressed to 200 bytes", "bridge"),
        # jzarr's zlib inflation runs in zarrjvm's checked compressor, which ends the inflater (finding J12)
        "zlib": (r"EOFException: Unexpected end of ZLIB input stream", {"zarr-java": "backend", "jzarr": "bridge"}),
        "blosc": ({"zarr-java": r"valid blosc-encoded contents", "jzarr": r"blosc header gives \d+ compressed bytes, "
                   r"the chunk has \d+"}, {"zarr-java": "backend", "jzarr": "bridge"}),
    }
    for codec in V2_CODECS:
        m, o = trunc_v2[codec]
        yield Hostile(f"v2-{codec}-truncated", ZARR2, v2_chunk(codec, truncate), CDE, m, o)
        yield Hostile(f"v2-{codec}-zero-length", ZARR2, v2_chunk(codec, empty), CDE, EMPTY, "bridge")
        yield Hostile(f"v2-{codec}-decodes-short", ZARR2, planted("v2", codec, lambda b: b[:-8]), CDE, SHORT,
                      "bridge")
        yield Hostile(f"v2-{codec}-decodes-long", ZARR2, planted("v2", codec, lambda b: b + b[:40]), CDE, LONG,
                      "bridge")
    yield Hostile("v2-none-u1-decodes-long", ZARR2, planted("v2", "none", lambda b: b + b[:40], "|u1"), CDE,
                  r"decompressed to 140 bytes", "bridge")
    yield Hostile("v2-zlib-corrupted", ZARR2, v2_chunk("zlib", flip_middle), CDE, r"ZipException",
                  {"zarr-java": "backend", "jzarr": "bridge"})
    yield Hostile("v2-blosc-corrupted", ZARR2, v2_chunk("blosc", damage_blosc_payload), CDE,
                  {"zarr-java": r"Error while decompressing", "jzarr": r"libblosc could not decompress"},
                  {"zarr-java": "backend", "jzarr": "bridge"})
    yield Hostile("v2-blosc-header-nbytes-lies", ZARR2, v2_chunk("blosc", blosc_header("nbytes", 40)), CDE,
                  {"zarr-java": r"Error while decompressing", "jzarr": r"header gives 440 decompressed bytes"},
                  {"zarr-java": "backend", "jzarr": "bridge"})
    yield Hostile("v2-blosc-header-cbytes-lies", ZARR2, v2_chunk("blosc", blosc_header("cbytes", 64)), CDE,
                  {"zarr-java": r"valid blosc-encoded contents", "jzarr": r"header gives \d+ compressed bytes"},
                  {"zarr-java": "backend", "jzarr": "bridge"})

    trunc_v3 = {"bytes": (r"decompressed to 200 bytes", "bridge"), "gzip": (r"EOFException", "backend"),
                "zstd": (r"ZstdException", "backend"), "blosc": (r"valid blosc-encoded contents", "backend"),
                "crc32c": (r"checksum", "backend")}
    for codec in V3_CODECS:
        m, o = trunc_v3[codec]
        yield Hostile(f"v3-{codec}-truncated", ZARR3, v3_chunk(codec, truncate), CDE, m, o)
        yield Hostile(f"v3-{codec}-zero-length", ZARR3, v3_chunk(codec, empty), CDE, EMPTY, "bridge")
    for codec in ("bytes", "gzip", "zstd", "blosc", "crc32c"):
        yield Hostile(f"v3-{codec}-decodes-short", ZARR3, planted("v3", codec, lambda b: b[:-8]), CDE, SHORT,
                      "bridge")
    yield Hostile("v3-bytes-decodes-long", ZARR3, planted("v3", "bytes", lambda b: b + b[:40]), CDE, LONG, "bridge")
    yield Hostile("v3-crc32c-u1-decodes-long", ZARR3, planted("v3", "crc32c", lambda b: b + b[:40], "|u1"), CDE,
                  r"decompressed to 140 bytes", "bridge")
    yield Hostile("v3-gzip-corrupted", ZARR3, v3_chunk("gzip", flip_middle), CDE, r"ZipException|EOFException",
                  "backend")
    yield Hostile("v3-zstd-bad-magic", ZARR3, v3_chunk("zstd", zstd_bad_magic), CDE, r"ZstdException", "backend")
    yield Hostile("v3-zstd-content-size-larger", ZARR3, v3_chunk("zstd", zstd_content_size(40)), CDE,
                  r"ZstdException", "backend")
    yield Hostile("v3-zstd-content-size-smaller", ZARR3, v3_chunk("zstd", zstd_content_size(-8)), CDE,
                  r"ZstdException", "backend")
    yield Hostile("v3-blosc-corrupted", ZARR3, v3_chunk("blosc", damage_blosc_payload), CDE,
                  r"Error while decompressing", "backend")
    yield Hostile("v3-crc32c-mismatch", ZARR3, v3_chunk("crc32c", flip_middle), CDE, r"checksum", "backend")


def _shard_cases() -> Iterator[Hostile]:
    yield Hostile("v3-shard-truncated", ZARR3, shard(shard_file(truncate)), CDE, r"index crc32c mismatch", "bridge")
    yield Hostile("v3-shard-truncated-index-at-start", ZARR3, shard(shard_file(truncate), "start"), CDE,
                  r"lies outside the shard's data", "bridge")
    yield Hostile("v3-shard-zero-length", ZARR3, shard(shard_file(empty)), CDE, r"fewer than its 68-byte index",
                  "bridge")
    yield Hostile("v3-shard-entry-beyond-end", ZARR3, shard(entry(0, offset=lambda t, n: n + 100)), CDE,
                  r"index entry 0 .* lies outside", "bridge")
    yield Hostile("v3-shard-entry-length-overflows", ZARR3, shard(entry(1, length=lambda t, n: 2**64 - 8)), CDE,
                  r"index entry 1 .* lies outside", "bridge")
    yield Hostile("v3-shard-entry-over-the-index", ZARR3, shard(entry(0, offset=lambda t, n: n - 68)), CDE,
                  r"index entry 0 .* lies outside", "bridge")
    yield Hostile("v3-shard-entry-zero-length", ZARR3, shard(entry(0, length=lambda t, n: 0)), CDE, EMPTY, "bridge")
    yield Hostile("v3-shard-index-crc32c-mismatch", ZARR3, shard(shard_file(lambda b: b[:-10] + bytes(
        [b[-10] ^ 1]) + b[-9:])), CDE, r"index crc32c mismatch", "bridge")


def _store_cases() -> Iterator[Hostile]:
    yield Hostile("directory-where-chunk-should-be", ZARR2, with_store(directory_as_chunk), SE, r"is a directory",
                  "bridge")
    yield Hostile("chunk-symlink-outside-the-store", ZARR2, with_store(symlink_chunk_outside), SE,
                  r"outside the store", "bridge")
    yield Hostile("fifo-where-chunk-should-be", ZARR2, with_store(fifo_as_chunk), SE, r"not a regular file",
                  "bridge")
    yield Hostile("chunk-file-over-2GiB", ZARR2, with_store(huge_sparse_chunk), SE,
                  r"3221225472 bytes, more than one Java array holds", "bridge")
    for path in ("../outside", "/etc", "a/../../b", "a\\..\\b"):
        yield Hostile(f"array-path-{path}", ZARR2, with_store(lambda s, t, p=path: (s, p)), SE,
                      r"relative to the store|inside the store", "bridge", when="open")
    yield Hostile("array-dir-symlink-outside-the-store", ZARR2, with_store(symlink_array_outside), SE,
                  r"outside the store", "bridge", when="open")
    yield Hostile("missing-store", ZARR2 + NC, lambda tmp: (tmp / "nothing-here", "v"), ANF, r"does not exist",
                  "bridge", when="open")
    yield Hostile("store-is-a-file", ZARR2, lambda tmp: (write_netcdf(tmp / "f.nc", "NETCDF4"), ""), SE,
                  r"not a directory", "bridge", when="open")


def _metadata_cases() -> Iterator[Hostile]:
    def m2(name: str, build: Build, error: type, match: str | dict[str, str], origin: str | dict[str, str] = "bridge",
           backends: tuple[str, ...] = ZARR2) -> Hostile:
        return Hostile(f"v2-meta-{name}", backends, build, error, match, origin, when="open")

    def m3(name: str, change: Callable[[dict], None], error: type, match: str, origin: str = "bridge") -> Hostile:
        return Hostile(f"v3-meta-{name}", ZARR3, v3_meta(change), error, match, origin, when="open")

    yield m2("malformed-json", v2_raw_meta(b'{"zarr_format": 2, "shape": [20,'), MDE, r"not valid JSON")
    yield m2("empty", v2_raw_meta(b""), MDE, r"empty document")
    yield m2("not-an-object", v2_raw_meta(b"[1, 2, 3]"), MDE, r"must be a JSON object")
    yield m2("binary-garbage", v2_raw_meta(bytes(range(256))), MDE, r"not valid JSON")
    yield m2("missing", with_store(lambda s, t: (os.remove(s / ".zarray"), (s, ""))[1]), ANF, r"no Zarr array at")
    yield m2("shape-missing", v2_meta(del_key("shape")), MDE, r"shape must be a list of integers")
    yield m2("shape-negative", v2_meta(set_key("shape", [-20, 20])), MDE, r"negative extent")
    yield m2("shape-not-integer", v2_meta(set_key("shape", [20.5, 20])), MDE, r"must hold integers")
    yield m2("shape-overflows-64-bits", v2_meta(set_key("shape", [2**70, 20])), MDE, r"fit in 64 bits")
    yield m2("size-overflows-64-bits", v2_meta(set_key("shape", [2**62, 2**62])), MDE, r"more than 2\^63-1 elements")
    yield m2("chunks-zero", v2_meta(set_key("chunks", [0, 10])), MDE, r"must be positive")
    yield m2("chunks-negative", v2_meta(set_key("chunks", [-10, 10])), MDE, r"negative extent")
    yield m2("chunk-extent-over-2^31", v2_meta(set_key("chunks", [2**31, 10])), UE, r"exceeds 2\^31-1")
    yield m2("chunk-size-over-2^31", v2_meta(set_key("chunks", [2**16, 2**16])), UE, r"exceeds the 2\^31-1 elements")
    yield m2("rank-mismatch", v2_meta(set_key("chunks", [10])), MDE, r"differ in rank")
    yield m2("rank-65", v2_meta(lambda d: d.update(shape=[1] * 65, chunks=[1] * 65)), UE, r"rank 65 exceeds")
    yield m2("shape-over-2^31-for-jzarr", v2_meta(set_key("shape", [2**40, 20])), UE, r"32-bit ints",
             backends=("jzarr",))
    yield m2("zarr_format-3", v2_meta(set_key("zarr_format", 3)), MDE, r"zarr_format must be 2")
    yield m2("order-X", v2_meta(set_key("order", "X")), MDE, r"order must be 'C' or 'F'")
    yield m2("separator-escapes", v2_meta(set_key("dimension_separator", "../")), MDE, r"dimension_separator must be")
    yield m2("compressor-unknown", v2_meta(set_key("compressor", {"id": "lzma"})), UE, r"no Zarr v2 codec 'lzma'")
    yield m2("blosc-cname-unknown", v2_meta(lambda d: d.update(compressor={"id": "blosc", "cname": "snappy",
                                                                          "clevel": 5, "shuffle": 1})), MDE,
             {"zarr-java": r"Could not parse the Blosc.Compressor. Got 'snappy'",
              "jzarr": r"blosc: compressor not supported: 'snappy'"}, "backend")
    yield m2("compressor-without-id", v2_meta(set_key("compressor", {"level": 1})), MDE, r"has no 'id'")
    yield m2("filter-unknown", v2_meta(set_key("filters", [{"id": "delta", "dtype": "<i4"}])), UE,
             {"zarr-java": r"no Zarr v2 codec 'delta'", "jzarr": r"ignores v2 'filters'"})
    for dt, match in (("<c8", r"kind 'c'"), ("<M8[ns]", r"'<M8\[ns\]'"), ("<f2", r"f2 \(dtype '<f2'\)")):
        yield m2(f"dtype-{dt}", v2_meta(set_key("dtype", dt)), UE, r"unsupported dtype.*" + match)
    for dt, match in (("|S10", r"fixed-length bytes"), ("|O", r"Python objects")):  # named with the reader
        yield m2(f"dtype-{dt}", v2_meta(set_key("dtype", dt)), UE, rf"data type '{re.escape(dt)}' holds {match}")
    yield m2("dtype-structured", v2_meta(set_key("dtype", [["a", "<i4"]])), UE, r"structured dtypes")
    yield m2("fill-out-of-range", v2_meta(lambda d: d.update(dtype="|u1", fill_value=300)), MDE,
             r"fill value 300 is outside the range of \|u1")
    yield m2("fill-fractional", v2_meta(set_key("fill_value", 1.5)), MDE, r"fill value 1.5 is not an integer")
    yield m2("fill-string-for-int", v2_meta(set_key("fill_value", "abc")), MDE, r"fill value 'abc' is not valid")
    yield m2("v2-and-v3-metadata", with_store(both_v2_and_v3), MDE, r"both Zarr v2 and v3 metadata")
    # .zattrs: zarrjvm parses them for jzarr, and runs zarr-java's own open with one shared mapper of zarr-java's
    # (zarrjava.ArrayOpener), so no reader code is on the stack that throws
    yield m2("attrs-malformed", v2_raw_meta(b"{'single': 'quotes'}", ".zattrs"), MDE, r"Unexpected character", "bridge")
    yield m2("attrs-nested-2000-deep", v2_raw_meta(deep_json(2000), ".zattrs"), MDE, r"nesting depth \(1001\)",
             "bridge")
    yield m2("attrs-nested-150-deep", v2_raw_meta(deep_json(150), ".zattrs"), MDE, r"nest deeper than 100 levels")

    yield Hostile("v3-meta-malformed-json", ZARR3, v3_raw_meta(b'{"zarr_format": 3, "node_type": "array", '), MDE,
                  r"not valid JSON", "bridge", when="open")
    yield m3("empty-object", lambda d: d.clear(), MDE, r"node_type must be 'array' or 'group'")
    yield m3("node-type-unknown", set_key("node_type", "tensor"), MDE, r"node_type must be 'array' or 'group'")
    yield m3("shape-negative", set_key("shape", [-1, 20]), MDE, r"negative extent")
    yield m3("chunks-zero", lambda d: d["chunk_grid"]["configuration"].update(chunk_shape=[0, 10]), MDE,
             r"must be positive")
    yield m3("shape-overflows-64-bits", set_key("shape", [2**70, 20]), MDE, r"fit in 64 bits")
    yield m3("chunk-grid-unknown", lambda d: d["chunk_grid"].update(name="rectilinear"), UE, r"only the 'regular'")
    yield m3("codec-unknown", lambda d: d["codecs"].append({"name": "lzma"}), UE, r"no Zarr v3 codec 'lzma'")
    yield m3("no-array-bytes-codec", lambda d: d.update(codecs=[c for c in d["codecs"] if c["name"] != "bytes"]),
             MDE, r"Exactly 1 ArrayBytesCodec is required", "backend")
    for dt in ("complex64", "float16", "r16"):
        yield m3(f"data-type-{dt}", set_key("data_type", dt), UE, rf"unsupported Zarr v3 data type '{dt}'")
    yield m3("data-type-string", set_key("data_type", "string"), UE, r"data type 'string' holds variable-length UTF-8")
    # zarr-java's metadata classes refuse it, parsed by Jackson on zarrjvm's call (zarrjava.ArrayOpener)
    yield m3("chunk-key-encoding-unknown", set_key("chunk_key_encoding", {"name": "weird"}), MDE,
             r"Could not resolve type id 'weird'", "bridge")
    yield m3("fill-out-of-range", set_key("fill_value", 2**40), MDE, r"outside the range of <i4")
    yield m3("storage-transformers", set_key("storage_transformers", [{"name": "x"}]), MDE,
             r"Storage transformers are not supported", "backend")


def _netcdf_cases() -> Iterator[Hostile]:
    yield Hostile("netcdf3-truncated", NC, netcdf("NETCDF3_CLASSIC", cut(0.8)), CDE, r"is truncated", "backend",
                  when="open")
    yield Hostile("netcdf3-64bit-offset-truncated", NC, netcdf("NETCDF3_64BIT_OFFSET", cut(0.5)), CDE,
                  r"is truncated", "backend", when="open")
    yield Hostile("netcdf3-header-truncated", NC, netcdf("NETCDF3_CLASSIC", cut(0.02)), CDE, r"is truncated",
                  "backend", when="open")
    yield Hostile("netcdf3-last-bytes-missing", NC, netcdf("NETCDF3_CLASSIC", cut_bytes(2), dtype="f8"), CDE,
                  r"ends before the data of 'v'", "backend")
    yield Hostile("netcdf4-truncated", NC, netcdf("NETCDF4", cut(0.8), zlib=True, chunksizes=CHUNKS), CDE,
                  r"is truncated", "backend", when="open")
    yield Hostile("netcdf-empty-file", NC, netcdf("NETCDF4", lambda f: f.write_bytes(b"")), MDE,
                  r"the file is empty \(0 bytes\)", "bridge", when="open")
    yield Hostile("netcdf-not-netcdf", NC, netcdf("NETCDF4", lambda f: f.write_bytes(b"garbage " * 100)), MDE,
                  r"not a valid CDM file", "backend", when="open")
    yield Hostile("netcdf4-object-header-damaged", NC, netcdf("NETCDF4", damage_hdf5_object_header), MDE,
                  r"damaged NetCDF/HDF5 structure", "backend", when="open")
    yield Hostile("netcdf4-zlib-chunk-corrupted", NC, netcdf("NETCDF4", damage_hdf5_zlib_chunk, zlib=True,
                                                             chunksizes=CHUNKS), CDE, r"ZipException", "backend")
    yield Hostile("netcdf4-fletcher32-unverified", NC, netcdf("NETCDF4", fletcher32=True, chunksizes=CHUNKS), UE,
                  r"does not verify HDF5 Fletcher32 checksums", "bridge", when="open")
    yield Hostile("netcdf-variable-missing", NC, netcdf("NETCDF4", path="nope"), ANF, r"no variable 'nope'",
                  "bridge", when="open")
    yield Hostile("netcdf-directory-not-file", NC, lambda tmp: (tmp, "v"), SE, r"is a directory", "bridge",
                  when="open")


CASES: list[Hostile] = [*_chunk_cases(), *_shard_cases(), *_store_cases(), *_metadata_cases(), *_netcdf_cases()]
assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"
PARAMS = [pytest.param(c, b, id=f"{c.name}-{b}") for c in CASES for b in c.backends]


# -- running them ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str, np.ndarray]]:
    """One good input per backend, read after every failure: the JVM and the backend must still work."""
    root = tmp_path_factory.mktemp("good")
    zarr_store = write_v2(root / "good.zarr", "blosc")
    nc = write_netcdf(root / "good.nc", "NETCDF4", zlib=True, chunksizes=CHUNKS)
    return {"zarr-java": (zarr_store, "", values()), "jzarr": (zarr_store, "", values()),
            "netcdf-java": (nc, "v", values())}


ORIGINS: list[dict[str, str]] = []


@pytest.fixture(scope="module", autouse=True)
def origin_report() -> Iterator[None]:
    yield
    out = os.environ.get("ZARRJVM_HOSTILE_REPORT")
    if out and ORIGINS:
        Path(out).write_text(origin_table(ORIGINS))


def origin_table(rows: list[dict[str, str]]) -> str:
    counts = Counter((r["backend"], r["origin"]) for r in rows)
    backends = sorted({r["backend"] for r in rows})
    lines = ["| backend | cases | raised by the backend | raised by zarrjvm's checks |", "|---|---|---|---|"]
    for b in backends:
        lines.append(f"| {b} | {counts[(b, 'backend')] + counts[(b, 'bridge')]} | {counts[(b, 'backend')]} | "
                     f"{counts[(b, 'bridge')]} |")
    lines += ["", "| case | backend | error | Java cause | origin |", "|---|---|---|---|---|"]
    lines += [f"| {r['case']} | {r['backend']} | {r['error']} | {r['java_class']} | {r['origin']} |" for r in rows]
    return "\n".join(lines) + "\n"


#: Java packages that are not a reader: the JDK, JSON, Arrow, JPype and zarrjvm itself
NOT_A_READER = ("java.", "javax.", "jdk.", "sun.", "com.sun.", "com.fasterxml.", "org.apache.arrow.", "org.jpype.",
                "dev.zarrjvm.")


def origin_of(err: zarrjvm.ZarrJvmError) -> str:
    """Who detected the failure: "bridge" when the innermost Java cause is zarrjvm's own exception, or was thrown
    while no reader code was running (e.g. zarrjvm parsing metadata with Jackson); "backend" when a reader (zarr-java,
    jzarr, netCDF-Java, or a codec library under them) was on the stack that threw it."""
    root = err.java_exception
    assert root is not None, "a JVM error keeps the Java exception (error.java_exception)"
    for _ in range(64):
        nxt = root.getCause()
        if nxt is None or nxt.equals(root):
            break
        root = nxt
    if str(root.getClass().getName()).startswith("dev.zarrjvm."):
        return "bridge"
    frames = [str(f.getClassName()) for f in root.getStackTrace()]
    return "backend" if any(not f.startswith(NOT_A_READER) for f in frames) else "bridge"


def _read_all_ways(a: zarrjvm.array.JvmArray, error: type[zarrjvm.ZarrJvmError]) -> zarrjvm.ZarrJvmError:
    """The chunk read and a region read over it must both fail; returns the chunk read's error."""
    with pytest.raises(error) as ei:
        a.read_chunk((0,) * a.ndim)
    with pytest.raises(error):
        a[...]
    return ei.value


@pytest.mark.parametrize(("case", "backend"), PARAMS)
def test_hostile_input(case: Hostile, backend: str, tmp_path: Path, good) -> None:
    store, path = case.build(tmp_path)
    gc.collect()
    baseline = zarrjvm.jvm.arrow_allocated_bytes()
    opened = None
    try:
        with pytest.raises(case.error) if case.when == "open" else _no_raise() as ei:
            # the readers' own decoding, whose messages and origins the cases name (native decoding: below)
            opened = zarrjvm.open_array(store, path, backend=backend, **{"decode": "reader", **case.options})
        if case.when == "open":
            err = ei.value
        else:
            with opened as a:
                err = _read_all_ways(a, case.error)
    finally:
        if opened is not None:
            opened.close()
    message = str(err)
    assert re.search(case.for_backend(case.match, backend), message), message
    assert err.java_class, "the error keeps the Java cause's class"
    origin = origin_of(err)
    ORIGINS.append({"case": case.name, "backend": backend, "error": type(err).__name__,
                    "java_class": err.java_class, "origin": origin})
    assert origin == case.for_backend(case.origin, backend), f"{origin}: {err.java_class}: {message}"
    gc.collect()
    assert zarrjvm.jvm.arrow_allocated_bytes() == baseline, "the failed read leaked Arrow memory"
    # the next good read works, with the same backend
    gstore, gpath, want = good[backend]
    with zarrjvm.open_array(gstore, gpath, backend=backend) as a:
        assert_same(a[...], want)


@pytest.mark.parametrize(("case", "backend"), [p for p in PARAMS if p.values[1] in ("zarr-java", "jzarr")])
def test_hostile_input_native(case: Hostile, backend: str, tmp_path: Path, good) -> None:
    """decode="native" (the default) on every damaged Zarr input: the same kind of error as the reader's decoding,
    naming the chunk where one is read, no data, no leak, and the next read works."""
    store, path = case.build(tmp_path)
    gc.collect()
    baseline = zarrjvm.jvm.arrow_allocated_bytes()
    if case.when == "open":
        with pytest.raises(case.error):
            zarrjvm.open_array(store, path, backend=backend, **case.options)
    else:
        with zarrjvm.open_array(store, path, backend=backend, **case.options) as a:
            err = _read_all_ways(a, case.error)
            assert err.java_class, "the error keeps the Java cause's class"
            if a.decoding.startswith("native: ") and case.error is zarrjvm.ChunkDecodeError:
                assert re.search(r"chunk \[[0-9, ]+\] of .* \(key '[^']+', native decoding\)", str(err)), str(err)
    gc.collect()
    assert zarrjvm.jvm.arrow_allocated_bytes() == baseline, "the failed read leaked Arrow memory"
    gstore, gpath, want = good[backend]
    with zarrjvm.open_array(gstore, gpath, backend=backend) as a:
        assert_same(a[...], want)


class _no_raise:
    """A stand-in for ``pytest.raises`` when opening must work."""

    def __enter__(self) -> _no_raise:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


#: the hostile inputs defined above and their (input, backend) pairs: exact, so a case lost (a generator loop that
#: no longer runs, a backend dropped from a case) or added fails here until this count and the README's are updated
N_CASES = 124
N_PAIRS = 189


def test_case_counts_are_exact_and_match_the_readme() -> None:
    assert len(CASES) == N_CASES
    assert len(PARAMS) == N_PAIRS == sum(len(c.backends) for c in CASES)
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    m = re.search(r"`tests/test_hostile\.py` generates (\d+) damaged inputs", readme)
    pairs = re.search(r"every backend for its format \((\d+) pairs\)", readme)
    assert m and pairs, "the README no longer states the hostile-input counts"
    assert (int(m[1]), int(pairs[1])) == (N_CASES, N_PAIRS)
