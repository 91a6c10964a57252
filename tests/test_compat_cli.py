"""`zarrjvm compat`: the matrix into report.json/.md/.html (the JSON schema is a contract), and `--store` on a
user's own dataset."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import netCDF4
import numcodecs
import numpy as np
import pytest
import zarr

import zarrjvm
from zarrjvm.cli import main
from zarrjvm.compat.report import validate
from zarrjvm.compat.runner import plan, resolve

CASES = "zarr-v2-dtype-i4,zarr-v2-order-F,zarr-v3-sharded-f4,netcdf3-classic-i4"


def _check_schema(report: dict) -> None:
    assert validate(report) == []
    assert list(report)[:4] == ["implementations", "cases", "cells", "elapsed_s"]
    assert isinstance(report["elapsed_s"], float)
    for impl in report["implementations"]:
        assert isinstance(impl["name"], str) and isinstance(impl["version"], str)
        assert impl["roles"] and set(impl["roles"]) <= {"writer", "reader"}
    for c in report["cases"]:
        assert c["format"] in ("zarr-v2", "zarr-v3", "netcdf3", "netcdf4")
    for cell in report["cells"]:
        assert set(cell) == {"writer", "reader", "case", "status", "detail"}
        assert cell["status"] in ("pass", "fail", "error", "unsupported")


def test_compat_writes_three_reports_meeting_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    assert main(["compat", "--cases", CASES, "--out", str(out), "--no-progress", "--no-probe", "--matrix"]) == 0
    report = json.loads((out / "report.json").read_text())
    _check_schema(report)
    ws, rs, cs = resolve(None, None, CASES.split(","))
    assert len(report["cells"]) == len(plan(ws, rs, cs))
    by = {(c["writer"], c["reader"], c["case"]): c for c in report["cells"]}
    assert by[("zarr-python", "zarr-java", "zarr-v2-dtype-i4")]["status"] == "pass"
    assert by[("netcdf-java", "netcdf4-python", "netcdf3-classic-i4")]["status"] == "pass"
    assert by[("jzarr", "zarr-python", "zarr-v2-order-F")]["status"] == "unsupported"  # jzarr writes C only
    assert {c["name"] for c in report["implementations"]} == {
        "zarr-python", "tensorstore", "zarr-java", "jzarr", "netcdf4-python", "netcdf-java", "jhdf", "zarr-python-2",
        "zarrita", "h5py", "h5netcdf", "scipy", "xarray", "zarrs", "nczarr", "zarr-java (as-is)"}
    # the as-is column (shims off) beside the normalized one: tensorstore's v3 chunk_key_encoding without
    # 'configuration' is zarr-java's own refusal there (Z7), read through the spec's explicit form in the other
    assert by[("tensorstore", "zarr-java (as-is)", "zarr-v3-sharded-f4")]["detail"]["finding"] == "Z7"
    assert by[("tensorstore", "zarr-java", "zarr-v3-sharded-f4")]["status"] == "pass"
    versions = {c["name"]: c["version"] for c in report["implementations"]}
    assert versions["zarr-java (as-is)"] == versions["zarr-java"]
    md = (out / "report.md").read_text()
    assert "| writer \\ reader |" in md and "## Failures and errors" in md
    page = (out / "report.html").read_text()
    assert page.count("onclick='show(this)'") == len(report["cells"])
    assert "class='c pass'" in page and "title='zarr-python → zarr-java: pass" in page
    assert "const CELLS=" in page
    printed = capsys.readouterr().out
    assert "writer \\ reader" in printed and "zarr-v2-order-F" in printed  # summary and --matrix


def test_compat_needs_out_for_the_matrix(capsys: pytest.CaptureFixture) -> None:
    assert main(["compat", "--cases", "zarr-v2-dtype-i4"]) == 2
    assert "--out DIR is required" in capsys.readouterr().err


def test_compat_list_cases(capsys: pytest.CaptureFixture) -> None:
    assert main(["compat", "--list-cases"]) == 0
    lines = capsys.readouterr().out.splitlines()
    from zarrjvm.compat.cases import ALL_CASES

    # every case, once, in order, with its format, dtype and codec (278: test_compat_cases pins the count)
    assert [line.split() for line in lines] == [[c.name, c.format, c.dtype, c.codec] for c in ALL_CASES]
    assert len(lines) == 278


def test_command_line_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    """Unknown names, a missing or wrong --store path: one line naming the mistake, exit status 2, no traceback."""
    exe = Path(sys.executable).parent / "zarrjvm"
    (tmp_path / "empty").mkdir()
    for argv, says in [
        (["--readers", "zarr-java,nope", "--out", str(tmp_path / "o")], "unknown readers ['nope']; known: ["),
        (["--writers", "nope", "--out", str(tmp_path / "o")], "unknown writers ['nope']"),
        (["--cases", "zzz*", "--out", str(tmp_path / "o")], "no case matches ['zzz*']"),
        (["--store", str(tmp_path / "none.zarr")], f"--store {tmp_path / 'none.zarr'}: no such file or directory"),
        (["--store", str(tmp_path / "empty")], "neither a NetCDF file nor a Zarr store"),
    ]:
        r = subprocess.run([str(exe), "compat", *argv], capture_output=True, text=True, timeout=300)
        assert r.returncode == 2, (argv, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("zarrjvm compat: error: ") and says in lines[0], r.stderr
    store = tmp_path / "ok.zarr"
    zarr.create_array(str(store), shape=(4,), chunks=(2,), dtype="<i4")[:] = np.arange(4)
    r = subprocess.run([str(exe), "compat", "--store", str(store), "--readers", "nope"], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 2 and "unknown readers ['nope']" in r.stderr, r.stderr


def test_list_cases_into_a_pipe_that_closes_early() -> None:
    exe = Path(sys.executable).parent / "zarrjvm"
    r = subprocess.run(f"{exe} compat --list-cases | head -1", shell=True, capture_output=True, text=True,
                       timeout=300)
    assert r.stdout.startswith("zarr-v2-dtype-b1") and len(r.stdout.splitlines()) == 1
    assert r.stderr == "", r.stderr  # no BrokenPipeError traceback


def test_exit_status_follows_unexplained_cells(tmp_path: Path) -> None:
    """An error a finding explains (tensorstore refuses the `typesize` zarr-java writes into v2 blosc configs: Z9)
    exits 0, or 1 with --strict."""
    argv = ["compat", "--writers", "zarr-java", "--readers", "tensorstore", "--cases",
            "zarr-v2-codec-blosc-lz4-shuffle-f4", "--no-progress", "--no-probe", "--out", str(tmp_path / "o")]
    assert main(argv) == 0
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["summary"]["unexplained"] == 0
    assert [(c["status"], c["detail"].get("finding")) for c in report["cells"]] == [("error", "Z9")]
    assert main([*argv, "--strict"]) == 1


def test_store_check_on_a_users_zarr_group(tmp_path: Path) -> None:
    store = tmp_path / "mine.zarr"
    g = zarr.open_group(str(store), mode="w", zarr_format=2)
    a = g.create_array("temp", shape=(30, 40), chunks=(8, 16), dtype="<f4",
                       compressors=numcodecs.Blosc(cname="zstd", shuffle=numcodecs.Blosc.BITSHUFFLE))
    a[:] = np.linspace(-5, 5, 1200, dtype="<f4").reshape(30, 40)
    b = g.create_group("sub").create_array("counts", shape=(11,), chunks=(4,), dtype="<u2", order="F",
                                           compressors=numcodecs.Zlib())
    b[:] = np.arange(11, dtype="<u2")
    f = g.create_array("fortran", shape=(6, 6), chunks=(3, 4), dtype="<i4", order="F", compressors=None)
    f[:] = np.arange(36, dtype="<i4").reshape(6, 6)
    out = tmp_path / "out"
    assert main(["compat", "--store", str(store), "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    _check_schema(report)
    assert report["reference"] == "zarr-python"
    by = {(c["reader"], c["case"]): c for c in report["cells"]}
    readers = ("tensorstore", "zarr-java", "jzarr", "zarr-python-2", "zarrita", "zarrs")
    assert {r for r, _ in by} == {*readers, "nczarr", "zarr-java (as-is)"}
    # zarr-java as it is (shims off): the float32 array reads; the uint16 one needs ucar.ma2.DataType.USHORT, which
    # only netCDF-Java 5.x has (C3, Central-only build)
    assert by[("zarr-java (as-is)", "temp")]["status"] == "pass"
    counts = by[("zarr-java (as-is)", "sub/counts")]
    central = not zarrjvm.jvm.build_info()["ma2_unsigned_types"]
    assert (counts["status"], counts["detail"].get("finding")) == (("error", "C3") if central else ("pass", None))
    assert {c for _, c in by} == {"temp", "sub/counts", "fortran"}
    assert all(by[(r, "temp")]["status"] == "pass" for r in readers)
    assert all(by[(r, "sub/counts")]["status"] == "pass" for r in (*readers, "nczarr"))  # netCDF-C: a variable of 'sub'
    assert by[("nczarr", "temp")]["detail"]["reason"] == "nczarr has no Zarr v2 codec 'blosc'"
    # zarrs-python's strict pipeline fails on a 2-d order-F v2 array (finding RS1: explained, so exit 0)
    assert (by[("zarrs", "fortran")]["status"], by[("zarrs", "fortran")]["detail"]["finding"]) == ("error", "RS1")
    # order F with 2-d chunks: both Java readers declare they ignore 'order'
    assert by[("tensorstore", "fortran")]["status"] == "pass"
    assert by[("zarr-java", "fortran")]["status"] == "unsupported"
    assert by[("jzarr", "fortran")]["status"] == "unsupported"


def test_store_check_on_netcdf(tmp_path: Path) -> None:
    path = tmp_path / "mine.nc"
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.createDimension("t", None)
        ds.createDimension("x", 12)
        v = ds.createVariable("temp", "f8", ("t", "x"), zlib=True, chunksizes=(2, 6))
        v.units = "K"
        v[0:5, :] = np.arange(60, dtype="f8").reshape(5, 12)
        grp = ds.createGroup("inner")
        w = grp.createVariable("flags", "u1", ("x",))
        w[:] = np.arange(12, dtype="u1") * 20
    report_ok = main(["compat", "--store", str(path), "--out", str(tmp_path / "o")])
    assert report_ok == 0
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    _check_schema(report)
    assert report["reference"] == "netcdf4-python"
    assert {(c["reader"], c["case"], c["status"]) for c in report["cells"]} == {
        ("netcdf-java", "temp", "pass"), ("netcdf-java", "inner/flags", "pass"),
        ("jhdf", "temp", "pass"), ("jhdf", "inner/flags", "pass"), ("h5py", "temp", "pass"),
        ("h5py", "inner/flags", "pass"), ("h5netcdf", "temp", "pass"), ("h5netcdf", "inner/flags", "pass")}


def test_console_script_with_progress(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "zarrjvm"
    r = subprocess.run([str(exe), "compat", "--writers", "zarr-python,jzarr", "--readers", "zarr-python,jzarr",
                        "--cases", "zarr-v2-dtype-u1,zarr-v2-dtype-f8", "--out", str(tmp_path), "--no-probe"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "compat: 8/8 cells (100%)" in r.stderr  # the progress bar (line mode when not a terminal)
    report = json.loads((tmp_path / "report.json").read_text())
    _check_schema(report)
    assert [c["status"] for c in report["cells"]] == ["pass"] * 8
