"""zlib and gzip on ``decode="native"`` go through libdeflate (``tools/build_deflate.sh`` builds it into the readers'
jar as ``libzarrjvm_deflate.so``; the JDK's ``Inflater`` is the fallback where it is not built): the array says which,
and reads give zarr-python's values and the reader's own decoding's, including gzip chunks of several members."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr
from helpers import assert_same

import zarrjvm

ROOT = Path(__file__).parent.parent
SHAPE, CHUNKS = (300, 200), (128, 128)  # edge chunks included
#: a quantized normal field: compresses, but not to runs
DATA = np.round(np.random.default_rng(16).normal(0, 50, SHAPE)).astype("<i4")
LIBDEFLATE = r"native: (zlib|gzip) \(libdeflate 1\.\d+\)"


def _built() -> bool:
    return any((ROOT / "build" / "native").glob("*/libzarrjvm_deflate.so"))


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("deflate")
    out = {}
    # (the readers have no Zarr v2 gzip compressor: zarr-java reads [blosc, zlib], jzarr [blosc, zlib])
    for name, fmt, comp in (("v2-zlib", 2, numcodecs.Zlib(level=5)), ("v3-gzip", 3, zarr.codecs.GzipCodec(level=5))):
        z = zarr.create_array(str(root / f"{name}.zarr"), shape=SHAPE, chunks=CHUNKS, dtype="<i4", zarr_format=fmt,
                              compressors=comp)
        z[:] = DATA
        out[name] = root / f"{name}.zarr"
    # v3: bytes, then gzip (the native chain's shape)
    assert [c["name"] for c in json.loads((out["v3-gzip"] / "zarr.json").read_text())["codecs"]] == ["bytes", "gzip"]
    return out


@pytest.mark.skipif(not _built(), reason="tools/build_deflate.sh built no libzarrjvm_deflate.so on this platform")
@pytest.mark.parametrize(("name", "backend"), [("v2-zlib", "zarr-java"), ("v2-zlib", "jzarr"),
                                               ("v3-gzip", "zarr-java")])
def test_native_zlib_and_gzip_read_through_libdeflate(stores: dict[str, Path], name: str, backend: str) -> None:
    store = stores[name]
    want = zarr.open_array(str(store), mode="r")[...]
    assert_same(want, DATA)
    with zarrjvm.open_array(store, backend=backend) as a:
        assert re.fullmatch(LIBDEFLATE + " on off-heap memory", a.decoding), a.decoding
        assert a.decoding.startswith(f"native: {name[3:]} ")
        assert_same(a[...], want)
        assert_same(a[17:290, 3:199], want[17:290, 3:199])
    with zarrjvm.open_array(store, backend=backend, decode="reader") as r:
        assert r.decoding.startswith("reader: ")
        assert_same(r[...], want)


def _members(raw: bytes) -> bytes:
    """A gzip stream of three members (the chunk's bytes split unevenly, one member empty), as ``cat a.gz b.gz`` makes
    and as RFC 1952 allows."""
    third = len(raw) // 3
    return gzip.compress(raw[:third], mtime=0) + gzip.compress(b"", mtime=0) + gzip.compress(raw[third:], 9, mtime=0)


def test_a_gzip_chunk_of_several_members_reads_as_gzip_decompress_reads_it(stores: dict[str, Path],
                                                                           tmp_path: Path) -> None:
    store = tmp_path / "members.zarr"
    shutil.copytree(stores["v3-gzip"], store)
    key = store / "c/0/0"
    raw = gzip.decompress(key.read_bytes())
    multi = _members(raw)
    assert multi.count(b"\x1f\x8b\x08") >= 3 and gzip.decompress(multi) == raw
    key.write_bytes(multi)
    want = np.frombuffer(gzip.decompress(multi), "<i4").reshape(CHUNKS)
    assert_same(want, DATA[:128, :128])
    assert_same(zarr.open_array(str(store), mode="r")[:128, :128], want)  # zarr-python (gzip.decompress) agrees
    with zarrjvm.open_array(store, backend="zarr-java") as a:
        if _built():
            assert "libdeflate" in a.decoding, a.decoding
        assert_same(a.read_chunk((0, 0)), want)
        assert_same(a[...], DATA)
    with zarrjvm.open_array(store, backend="zarr-java", decode="reader") as r:  # zarr-java's GZIPInputStream
        assert_same(r.read_chunk((0, 0)), want)


def test_a_gzip_chunk_with_bytes_after_its_member_reads_as_gzipinputstream_reads_it(stores: dict[str, Path],
                                                                                     tmp_path: Path) -> None:
    """Bytes after the last member that are no gzip header end the stream (``GZIPInputStream``, the reader's own
    decoding, ignores them), in both modes."""
    store = tmp_path / "trailing.zarr"
    shutil.copytree(stores["v3-gzip"], store)
    key = store / "c/1/0"
    key.write_bytes(key.read_bytes() + b"\x00not gzip\x00")
    for decode in ("native", "reader"):
        with zarrjvm.open_array(store, backend="zarr-java", decode=decode) as a:
            assert_same(a[...], DATA)


@pytest.mark.parametrize("name", ["v2-zlib", "v3-gzip"])
@pytest.mark.parametrize("cut", [1, 4, 8])
def test_a_chunk_cut_short_is_a_decode_error_in_both_modes(stores: dict[str, Path], tmp_path: Path, name: str,
                                                           cut: int) -> None:
    """libdeflate reads a truncated stream on as zeros until the chunk is full; zarrjvm must still call it damage."""
    store = tmp_path / "cut.zarr"
    shutil.copytree(stores[name], store)
    key = store / ("1.1" if name.startswith("v2") else "c/1/1")
    key.write_bytes(key.read_bytes()[:-cut])
    for decode in ("native", "reader"):
        with zarrjvm.open_array(store, backend="zarr-java", decode=decode) as a:
            with pytest.raises(zarrjvm.ChunkDecodeError):
                a.read_chunk((1, 1))
            assert_same(a.read_chunk((0, 0)), DATA[:128, :128])



_FALLBACK = r"""
import gzip, json, sys
import numpy as np
import zarrjvm
# JNA without its own native part (what a platform JNA has no build for looks like): no libdeflate either
zarrjvm.config.set({"jvm.options": ["-Djna.nounpack=true"]})
out = {}
for name, path in json.loads(sys.argv[1]).items():
    backend = "jhdf" if path.endswith(".h5") else "zarr-java"
    with zarrjvm.open_array(path, "x" if backend == "jhdf" else "", backend=backend) as a:
        out[name] = [a.decoding, a[...].tolist()]
print(json.dumps(out))
"""


def test_without_libdeflate_the_jdk_inflater_decodes_the_same(stores: dict[str, Path], tmp_path: Path) -> None:
    """The fallback, in a JVM where JNA cannot load native code (so neither can libdeflate): zlib and gzip (a chunk of
    several members included) and HDF5 deflate still decode natively, through the JDK's Inflater, to the same values."""
    import os
    import subprocess
    import sys

    import h5py

    multi = tmp_path / "members.zarr"
    shutil.copytree(stores["v3-gzip"], multi)
    key = multi / "c/1/1"
    key.write_bytes(_members(gzip.decompress(key.read_bytes())))
    with h5py.File(tmp_path / "d.h5", "w") as h:
        h.create_dataset("x", data=DATA, chunks=(64, 64), compression="gzip", shuffle=True)
    paths = {"v2-zlib": str(stores["v2-zlib"]), "v3-gzip": str(stores["v3-gzip"]), "members": str(multi),
             "h5": str(tmp_path / "d.h5")}
    r = subprocess.run([sys.executable, "-c", _FALLBACK, json.dumps(paths)], capture_output=True, text=True,
                       timeout=300, env=dict(os.environ, ZARRJVM_CDS="0"))
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(r.stdout.splitlines()[-1])
    for name in paths:
        decoding, values = got[name]
        assert re.match(r"native: (zlib|gzip) \(JDK Inflater\)", decoding), (name, decoding)
        assert_same(np.array(values, dtype="<i4"), DATA)
