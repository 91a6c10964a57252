"""Spec-valid metadata that zarr-java's parser rejects, as other tools write it by default: read through zarrjvm's
normalization (each one named in ``notes``) with values equal to the writer's own read; ``shims=False`` shows the
upstream refusal. And stores with both v2 and v3 metadata, opened with ``zarr_format`` as zarr-python opens them."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorstore as ts
import zarr
from helpers import assert_same

import zarrjvm


def _tensorstore_v3(path: Path, dtype: str, cke: dict[str, Any] | None, sharded: bool) -> np.ndarray:
    """A v3 array written by tensorstore with its defaults (``chunk_key_encoding`` without ``configuration``)."""
    metadata: dict[str, Any] = {"shape": [7, 5], "data_type": dtype,
                                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4, 4]}}}
    if cke is not None:
        metadata["chunk_key_encoding"] = cke
    if sharded:
        metadata["codecs"] = [{"name": "sharding_indexed", "configuration": {"chunk_shape": [2, 2]}}]
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": str(path)}, "create": True,
                 "metadata": metadata}).result()
    rng = np.random.default_rng(7)
    t[...] = (rng.normal(size=(7, 5)) * 100).astype(dtype)
    return t.read().result()


@pytest.mark.parametrize("cke", [None, {"name": "default"}, {"name": "v2"}], ids=["omitted", "default", "v2"])
@pytest.mark.parametrize("sharded", [False, True], ids=["plain", "sharded"])
def test_tensorstore_defaults_read_by_zarr_java(tmp_path: Path, cke: dict[str, Any] | None, sharded: bool) -> None:
    p = tmp_path / "ts.zarr"
    expected = _tensorstore_v3(p, "int16", cke, sharded)
    stored = json.loads((p / "zarr.json").read_text())["chunk_key_encoding"]
    assert "configuration" not in stored, "tensorstore's default this test is about"
    with zarrjvm.open_array(p, backend="zarr-java") as a:
        assert_same(a[...], expected)
        assert any("chunk_key_encoding" in n and "Z7" in n for n in a.notes), a.notes
    with pytest.raises(zarrjvm.MetadataError, match="Missing required creator property 'configuration'"):
        zarrjvm.open_array(p, backend="zarr-java", shims=False)


def test_reading_never_rewrites_the_stored_metadata(tmp_path: Path) -> None:
    p = tmp_path / "ts.zarr"
    _tensorstore_v3(p, "float32", None, False)
    before = (p / "zarr.json").read_bytes()
    with zarrjvm.open_array(p, backend="zarr-java") as a:
        a[...]
    assert (p / "zarr.json").read_bytes() == before


def test_v2_keys_outside_the_spec_are_ignored(tmp_path: Path) -> None:
    """NCZarr writes ``_nczarr_array`` into ``.zarray``; the v2 spec says other keys should be ignored."""
    p = tmp_path / "nc.zarr"
    z = zarr.create_array(p, shape=(6, 4), chunks=(4, 4), dtype="<f8", zarr_format=2, compressors=None)
    z[...] = np.linspace(-1, 1, 24).reshape(6, 4)
    meta = json.loads((p / ".zarray").read_text())
    meta["_nczarr_array"] = {"dimrefs": ["/y", "/x"], "storage": "chunked"}
    (p / ".zarray").write_text(json.dumps(meta))
    expected = zarr.open_array(p, mode="r")[...]
    for backend in ("zarr-java", "jzarr"):
        with zarrjvm.open_array(p, backend=backend) as a:
            assert_same(a[...], expected)
    with zarrjvm.open_array(p, backend="zarr-java") as a:
        assert any("_nczarr_array" in n for n in a.notes), a.notes
    with pytest.raises(zarrjvm.MetadataError, match='Unrecognized field "_nczarr_array"'):
        zarrjvm.open_array(p, backend="zarr-java", shims=False)


@pytest.fixture
def both(tmp_path: Path) -> Path:
    """A group whose root and array ``x`` have both v2 and v3 metadata, holding different values."""
    root = tmp_path / "both.zarr"
    v2 = zarr.open_group(root, mode="w", zarr_format=2)
    v2.create_array("x", shape=(5,), chunks=(2,), dtype="<i4", compressors=None,
                    attributes={"_ARRAY_DIMENSIONS": ["i"]})[...] = np.arange(5)
    v3dir = tmp_path / "v3.zarr"
    v3 = zarr.open_group(v3dir, mode="w", zarr_format=3)
    v3.create_array("x", shape=(3,), chunks=(2,), dtype="<i4", compressors=None,
                    dimension_names=["i"])[...] = [10, 20, 30]
    for src in v3dir.rglob("*"):
        dst = root / src.relative_to(v3dir)
        if src.is_dir():
            dst.mkdir(exist_ok=True)
        else:
            shutil.copy(src, dst)
    return root


@pytest.mark.parametrize("backend", ["zarr-java", "jzarr"])
def test_both_formats_are_refused_unless_chosen(both: Path, backend: str) -> None:
    with pytest.raises(zarrjvm.MetadataError, match="both Zarr v2 and v3 metadata .* zarr_format=2 or zarr_format=3"):
        zarrjvm.open_array(both, "x", backend=backend)
    with pytest.raises(zarrjvm.MetadataError, match="both Zarr v2 and v3"):
        zarrjvm.open_group(both, backend=backend)
    with zarrjvm.open_array(both, "x", backend=backend, zarr_format=2) as a:
        assert_same(a[...], zarr.open_array(both, path="x", mode="r", zarr_format=2)[...])


def test_zarr_format_chooses_like_zarr_python(both: Path) -> None:
    for fmt in (2, 3):
        expected = zarr.open_array(both, path="x", mode="r", zarr_format=fmt)[...]
        with zarrjvm.open_array(both, "x", backend="zarr-java", zarr_format=fmt) as a:
            assert_same(a[...], expected)
            assert a.info["format"] == f"zarr-v{fmt}"
            assert_same(pickle.loads(pickle.dumps(a))[...], expected)  # the choice travels with the array
        g = zarrjvm.open_group(both, backend="zarr-java", zarr_format=fmt)
        with g["x"] as member:
            assert_same(member[...], expected)
    with pytest.raises(zarrjvm.UnsupportedError, match="jzarr reads Zarr v2 only"):
        zarrjvm.open_array(both, "x", backend="jzarr", zarr_format=3)
    with pytest.raises(ValueError, match="zarr_format must be 2, 3 or None"):
        zarrjvm.open_array(both, "x", zarr_format=4)


def test_xarray_engine_passes_zarr_format(both: Path) -> None:
    xr = pytest.importorskip("xarray")
    for fmt in (2, 3):
        with xr.open_dataset(both, engine="zarr", zarr_format=fmt, consolidated=False) as want, \
                xr.open_dataset(both, engine="zarrjvm", zarr_format=fmt) as got:
            xr.testing.assert_identical(got.load(), want.load())
