"""The out-of-process implementations of the matrix (zarrjvm/compat/workers.py): zarr-python 2 in its own venv and
zarrita under node, each one persistent worker; compared element-wise with zarr-python 3 (the peer in this process)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from zarrjvm.compat import workers
from zarrjvm.compat.cases import CASES_BY_NAME
from zarrjvm.compat.implementations import ZarrPythonReader, ZarrPythonWriter
from zarrjvm.compat.runner import run_matrix


def _need(name: str) -> None:
    why = workers.worker(name).unavailable()
    if why:
        pytest.fail(f"{name} is unavailable here ({why}); `make setup` installs it")


@pytest.fixture(autouse=True)
def _stop_workers():
    yield
    workers.stop_all()


@pytest.mark.parametrize("case_name", ["zarr-v2-dtype-i8", "zarr-v2-order-F-blosc", "zarr-v2-bigendian-f8",
                                       "zarr-v2-nested-groups", "zarr-v2-0d", "zarr-v2-fill-nan-missing",
                                       "zarr-v2-attrs"])
def test_zarr2_and_zarr3_read_each_others_writes(case_name: str, tmp_path: Path) -> None:
    _need("zarr-python-2")
    case = CASES_BY_NAME[case_name]
    store, path, _ = workers.Zarr2Writer().write(case, tmp_path / "by-zarr2")
    by3 = ZarrPythonReader().read(case, store, path)
    np.testing.assert_array_equal(by3.values, case.expected())
    store3, path3, _ = ZarrPythonWriter().write(case, tmp_path / "by-zarr3")
    by2 = workers.Zarr2Reader().read(case, store3, path3)
    np.testing.assert_array_equal(by2.values, by3.values)
    assert by2.dtype == by3.dtype
    assert by2.attrs == by3.attrs


@pytest.mark.parametrize("case_name", ["zarr-v3-dtype-u2", "zarr-v3-order-F-transpose", "zarr-v3-sharded-3d",
                                       "zarr-v2-order-F-blosc", "zarr-v3-0d", "zarr-v3-dtype-b1", "zarr-v3-attrs"])
def test_zarrita_reads_what_zarr_python_writes(case_name: str, tmp_path: Path) -> None:
    _need("zarrita")
    case = CASES_BY_NAME[case_name]
    store, path, _ = ZarrPythonWriter().write(case, tmp_path)
    got = workers.ZarritaReader().read(case, store, path)
    want = ZarrPythonReader().read(case, store, path)
    np.testing.assert_array_equal(got.values, want.values)
    assert got.values.dtype == want.values.dtype.newbyteorder("=")
    assert got.attrs == want.attrs


@pytest.mark.parametrize("case_name", ["zarr-v3-dtype-f4", "zarr-v3-codec-blosc-zstd-shuffle-u2",
                                       "zarr-v3-order-F-transpose", "zarr-v3-fill-nan-missing",
                                       "zarr-v3-nested-groups", "zarr-v3-0d"])
def test_zarr_python_reads_what_zarrita_writes(case_name: str, tmp_path: Path) -> None:
    _need("zarrita")
    case = CASES_BY_NAME[case_name]
    store, path, _ = workers.ZarritaWriter().write(case, tmp_path)
    got = ZarrPythonReader().read(case, store, path)
    np.testing.assert_array_equal(got.values, case.expected())
    assert got.attrs == case.attrs


def test_one_persistent_process_per_implementation(tmp_path: Path) -> None:
    _need("zarr-python-2")
    case = CASES_BY_NAME["zarr-v2-dtype-i4"]
    store, path, _ = ZarrPythonWriter().write(case, tmp_path)
    w = workers.worker("zarr-python-2")
    workers.Zarr2Reader().read(case, store, path)
    first = w._proc
    assert first is not None and first.poll() is None
    for _ in range(3):
        workers.Zarr2Reader().read(case, store, path)
    assert w._proc is first  # the same process served every read
    workers.stop_all()
    assert first.poll() is not None and w._proc is None


def test_the_implementation_s_own_error_is_the_cell_s_error(tmp_path: Path) -> None:
    _need("zarrita")
    case = CASES_BY_NAME["zarr-v3-dtype-f4"]
    with pytest.raises(workers.WorkerError) as e:
        workers.ZarritaReader().read(case, str(tmp_path / "absent.zarr"), "")
    assert e.value.kind == "NotFoundError"
    # and the worker is still there for the next request
    store, path, _ = ZarrPythonWriter().write(case, tmp_path)
    np.testing.assert_array_equal(workers.ZarritaReader().read(case, store, path).values, case.expected())


def test_a_request_past_the_timeout_kills_the_worker() -> None:
    w = workers.Worker("sleepy", lambda: [sys.executable, "-c", "import sys, time; sys.stdin.readline(); "
                                                               "time.sleep(60)"], timeout=1.0)
    with pytest.raises(workers.WorkerTimeout, match="more than 1 s for hello; killed"):
        w.call({"op": "anything"})
    assert w._proc is None


def test_missing_environments_make_the_implementations_unavailable(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("ZARRJVM_ZARR2_PYTHON", str(tmp_path / "no-venv" / "bin" / "python"))
    monkeypatch.setenv("ZARRJVM_ZARRITA_DIR", str(tmp_path / "no-zarrita"))
    case = CASES_BY_NAME["zarr-v2-dtype-i4"]
    for impl in (workers.Zarr2Reader(), workers.Zarr2Writer(), workers.ZarritaReader()):
        why = impl.unavailable()
        assert why and ("make setup" in why or "node" in why)
        assert impl.version == "unavailable"
    with pytest.raises(workers.WorkerUnavailable, match="requirements-zarr2.txt"):
        workers.Zarr2Reader().read(case, str(tmp_path), "")
    with pytest.raises(workers.WorkerUnavailable, match="npm ci"):
        workers.ZarritaReader().read(case, str(tmp_path), "")
    monkeypatch.setenv("PATH", str(tmp_path))  # no node at all
    assert workers.ZarritaReader().unavailable() == "zarrita needs node (not on PATH)"


def test_the_matrix_runs_them_as_rows_and_columns() -> None:
    _need("zarr-python-2")
    _need("zarrita")
    report = run_matrix(["zarr-python-2", "zarrita", "zarr-python"], ["zarr-python-2", "zarrita", "zarr-python"],
                        ["zarr-v2-dtype-*", "zarr-v3-dtype-*"])
    statuses = {(c["writer"], c["reader"], c["case"]): c["status"] for c in report["cells"]}
    assert statuses[("zarr-python-2", "zarrita", "zarr-v2-dtype-u8")] == "pass"
    assert statuses[("zarrita", "zarr-python", "zarr-v3-dtype-f8")] == "pass"
    assert statuses[("zarr-python", "zarr-python-2", "zarr-v2-dtype-b1")] == "pass"
    versions = {i["name"]: i["version"] for i in report["implementations"]}
    assert versions["zarr-python-2"].startswith("2.18") and versions["zarrita"] == "0.7.5"
    assert all(w._proc is None for w in workers._WORKERS.values())  # stopped at the end of the run
