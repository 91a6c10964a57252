"""Writers' defaults cases: each is written by its writer passing only the data (and the case's one option), and the
metadata that writer leaves says what the case declares (codec, separator, sharding, consolidation), so readers'
declared limitations apply to these stores as to any case. Values are checked against zarr-python / netCDF4 reads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zarrjvm.compat.capabilities import case_v2_codec_ids, case_v3_codec_names
from zarrjvm.compat.cases import DEFAULT_CASES
from zarrjvm.compat.defaults import write_default


@pytest.mark.parametrize("case", DEFAULT_CASES, ids=lambda c: c.name)
def test_default_case_metadata_is_what_the_case_declares(tmp_path: Path, case) -> None:
    store = tmp_path / ("x.nc" if case.format.startswith("netcdf") else "x.zarr")
    path = write_default(case, store)
    if case.format == "zarr-v2":
        meta = json.loads((store / path / ".zarray").read_text())
        compressor = meta["compressor"]
        ids = [f["id"] for f in meta["filters"] or []] + ([compressor["id"]] if compressor else [])
        assert ids == case_v2_codec_ids(case)
        assert meta.get("dimension_separator", ".") == (case.separator or ".")
        assert (meta["fill_value"] is None) == (case.fill == "none")
        if case.writer == "nczarr":  # read back by netCDF-C itself (zarr-python misreads its shuffle: finding NZ2)
            import netCDF4

            from zarrjvm.compat.peers import nczarr_url

            with netCDF4.Dataset(nczarr_url(store), "r") as ds:
                ds[path].set_auto_maskandscale(False)
                got = ds[path][...]
        else:
            import zarr

            got = zarr.open_array(str(store), path=path, mode="r")[...]
    elif case.format == "zarr-v3":
        meta = json.loads((store / path / "zarr.json").read_text())
        names = [c["name"] for c in meta["codecs"]]
        if case.shards is not None:
            assert names == ["sharding_indexed"]
            inner = meta["codecs"][0]["configuration"]
            assert meta["chunk_grid"]["configuration"]["chunk_shape"] == list(case.shards)
            assert inner["chunk_shape"] == list(case.chunks)
            names = ["sharding_indexed"] + [c["name"] for c in inner["codecs"]]
        assert sorted(names) == sorted(case_v3_codec_names(case))
        import zarr

        got = zarr.open_array(str(store), path=path, mode="r")[...]
    else:
        import h5py

        with h5py.File(store, "r") as f:
            ds = f[path]
            assert ds.compression is None and ds.chunks is None  # contiguous, uncompressed
            got = ds[()]
    if "consolidated" in case.name:
        name = ".zmetadata" if case.format == "zarr-v2" else "zarr.json"
        doc = json.loads((store / name).read_text())
        assert "metadata" in (doc if case.format == "zarr-v2" else doc["consolidated_metadata"])
    np.testing.assert_array_equal(got, case.expected())


def test_only_its_writer_writes_a_defaults_case(tmp_path: Path) -> None:
    """The matrix plans a defaults case for its own writer only; the pytest plugin writes it the same way."""
    from zarrjvm.compat.cases import CASES_BY_NAME
    from zarrjvm.compat.implementations import readers, writers
    from zarrjvm.compat.pytest_plugin import cells_for
    from zarrjvm.compat.runner import plan, write_case

    case = CASES_BY_NAME["default-tensorstore-v2"]
    ws = writers()
    assert {w.name for w, _, _ in plan(ws.values(), readers().values(), [case])} == {"tensorstore"}
    assert {m.writer.name for m in cells_for(None, ["zarr-python"], ["default-*"])} == {c.writer for c in DEFAULT_CASES
                                                                                       if c.format.startswith("zarr")}
    with pytest.raises(ValueError, match="tensorstore's defaults, not zarr-python's"):
        write_case(ws["zarr-python"], case, tmp_path)
    store, path, _ = write_case(ws["tensorstore"], case, tmp_path)
    assert json.loads((Path(store) / ".zarray").read_text())["compressor"]["shuffle"] == -1  # finding B1's store
