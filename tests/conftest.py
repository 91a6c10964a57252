"""Shared fixtures: cases written once per session by the Python peers."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

from zarrjvm.compat.cases import Case, write_python

# zarrjvm's compat plugin is opt-in (no pytest11 entry point): this suite opts in
pytest_plugins = ["zarrjvm.compat.pytest_plugin"]


@pytest.fixture(scope="session")
def written(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Case], tuple[str, str]]:
    """``written(case) -> (store, path)``: the case as written by its Python peer (zarr-python or netCDF4)."""
    root = tmp_path_factory.mktemp("cases")
    cache: dict[str, tuple[str, str]] = {}

    def get(case: Case) -> tuple[str, str]:
        if case.name not in cache:
            cache[case.name] = write_python(case, root)
        return cache[case.name]

    return get


@pytest.fixture
def allocator_baseline() -> Callable[[], int]:
    """Java Arrow bytes now; call the returned function after dropping views to get bytes above the baseline."""
    import zarrjvm

    gc.collect()
    base = zarrjvm.jvm.arrow_allocated_bytes()

    def above() -> int:
        gc.collect()
        return zarrjvm.jvm.arrow_allocated_bytes() - base

    return above


@pytest.fixture
def tmp_store(tmp_path: Path) -> Path:
    return tmp_path
