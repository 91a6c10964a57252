"""The pytest plugin (opt in with `-p zarrjvm.compat.pytest_plugin`): any project's tests parametrized over (writer,
reader, case), narrowed by the `compat` marker and the --compat-* options.

The inner sessions run in subprocesses: an in-process pytester run restores ``sys.modules`` afterwards, which drops
modules JPype imported lazily during it and leaves this process's JPype with two sets of exception classes."""

from __future__ import annotations

import importlib.metadata

import pytest

pytest_plugins = ["pytester"]

TESTS = '''
import numpy as np
import pytest


@pytest.mark.compat(writers=["zarr-python", "zarr-java"], readers=["jzarr", "zarr-python"],
                    cases=["zarr-v2-dtype-u2", "zarr-v2-dtype-b1", "zarr-v2-codec-blosc-lz4-shuffle-f4"])
def test_outcome(compat_outcome):
    assert compat_outcome.status == "pass", compat_outcome.detail


@pytest.mark.compat(writers="zarr-java", readers="zarr-python", cases="zarr-v2-order-F")
def test_known_defect_fails(compat_outcome):
    assert compat_outcome.status == "fail"
    assert compat_outcome.detail["reason"] == "values"


@pytest.mark.compat(writers="zarr-python", readers="jzarr", cases="zarr-v2-dtype-b1", unsupported=True)
def test_unsupported_on_request(compat_cell, compat_outcome):
    assert compat_cell.declared_unsupported() == "reader: jzarr has no dtype b1"
    assert compat_outcome.status == "unsupported"


@pytest.mark.compat(writers="tensorstore", readers=["zarr-python", "tensorstore"], cases="zarr-v3-dtype-*")
def test_own_check(compat_cell, compat_written):
    store, path = compat_written
    res = compat_cell.reader.read(compat_cell.case, store, path)
    assert np.array_equal(res.values, compat_cell.case.expected(), equal_nan=res.values.dtype.kind == "f")
'''


def test_no_entry_point_loads_it_into_other_test_runs() -> None:
    assert [e for e in importlib.metadata.entry_points(group="pytest11") if e.value.startswith("zarrjvm")] == []


def test_plugin_parametrizes_over_cells(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "zarrjvm.compat.pytest_plugin",
                                           "--collect-only")
    ids = [line.strip() for line in result.outlines if "::" in line]
    # 2 writers × 2 readers × 3 cases, minus what is declared unsupported (jzarr has no bool)
    outcome_ids = [i for i in ids if "test_outcome[" in i]
    assert len(outcome_ids) == 10
    assert "test_user.py::test_outcome[zarr-java-jzarr-zarr-v2-dtype-u2]" in ids
    assert not any("jzarr-zarr-v2-dtype-b1" in i for i in outcome_ids)
    assert len([i for i in ids if "test_own_check[" in i]) == 2 * 11
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "zarrjvm.compat.pytest_plugin")
    result.assert_outcomes(passed=10 + 1 + 1 + 22)


def test_command_line_narrows_the_cells(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "zarrjvm.compat.pytest_plugin",
                                           "--compat-cases", "zarr-v2-dtype-u2", "--compat-readers", "zarr-python",
                                           "-k", "test_outcome")
    result.assert_outcomes(passed=2)


def test_failing_cell_fails_the_users_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_strict='''
import pytest

@pytest.mark.compat(writers="zarr-java", readers="zarr-python", cases="zarr-v2-order-F")
def test_everything_passes(compat_outcome):
    assert compat_outcome.status == "pass", compat_outcome.detail
''')
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider", "-p", "zarrjvm.compat.pytest_plugin")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*'reason': 'values'*"])
