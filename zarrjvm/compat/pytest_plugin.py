"""pytest plugin: parametrize any test over the compatibility matrix's (writer, reader, case) cells.

Opt in — it is never loaded into unrelated test runs: ``pytest -p zarrjvm.compat.pytest_plugin``, or in a
``conftest.py``: ``pytest_plugins = ["zarrjvm.compat.pytest_plugin"]`` (needs ``pip install zarrjvm[compat]``).

A test that asks for the ``compat_cell`` fixture runs once per cell; ``@pytest.mark.compat(...)`` narrows the cells::

    import pytest

    @pytest.mark.compat(writers=["zarr-python", "zarr-java"], readers=["jzarr"], cases=["zarr-v2-dtype-*"])
    def test_jzarr_reads_what_they_write(compat_outcome):
        assert compat_outcome.status == "pass", compat_outcome.detail

    @pytest.mark.compat(cases=["zarr-v3-*"])
    def test_my_own_check(compat_cell, compat_written):
        store, path = compat_written                        # written once per (writer, case) per session
        result = compat_cell.reader.read(compat_cell.case, store, path)
        ...

Another project adds its own implementation (:mod:`zarrjvm.compat.extension`) declaratively with the ini option
``zarrjvm_compat_implementations`` (``module:attribute`` lines), or by an entry point in the group ``zarrjvm.compat``;
it then has its row and column like any built-in one.

Only cells both sides declare support for are generated unless ``unsupported=True``. Command-line options
``--compat-writers``, ``--compat-readers`` and ``--compat-cases`` (comma-separated; cases may be glob patterns)
narrow every such test further. Nothing here starts the JVM before a Java implementation is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class MatrixCell:
    """One (writer, reader, case) of the matrix, with the implementation objects."""

    writer: Any
    reader: Any
    case: Any

    @property
    def id(self) -> str:
        return f"{self.writer.name}-{self.reader.name}-{self.case.name}"

    def declared_unsupported(self) -> str | None:
        why = self.writer.limitation(self.case)
        if why:
            return f"writer: {why}"
        why = self.reader.limitation(self.case)
        return f"reader: {why}" if why else None


@dataclass
class Outcome:
    """A judged cell, as in the matrix: ``status`` (pass/fail/error/unsupported) and ``detail``."""

    status: str
    detail: dict[str, Any] = field(default_factory=dict)


def _split(v: Any) -> list[str] | None:
    if not v:
        return None
    if isinstance(v, str):
        v = [v]
    return [n.strip() for x in v for n in str(x).split(",") if n.strip()]


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("zarrjvm-compat", "zarrjvm compatibility matrix")
    g.addoption("--compat-writers", default=None, help="only these writers (comma-separated)")
    g.addoption("--compat-readers", default=None, help="only these readers (comma-separated)")
    g.addoption("--compat-cases", default=None, help="only these cases (comma-separated names or glob patterns)")
    parser.addini("zarrjvm_compat_implementations", type="linelist", default=[],
                  help="implementations to add to the matrix: 'module:attribute' lines (zarrjvm.compat.extension)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "compat(writers=None, readers=None, cases=None, unsupported=False): the (writer, reader, case) cells a test "
        "using the compat_cell fixture runs over (zarrjvm)")
    targets = config.getini("zarrjvm_compat_implementations")
    if targets:
        from .extension import load, register

        for target in targets:
            register(load(target))


def pytest_unconfigure(config: pytest.Config) -> None:
    import sys

    workers = sys.modules.get("zarrjvm.compat.workers")
    if workers is not None:  # the persistent workers of zarr-python 2 and zarrita, if this session started them
        workers.stop_all()


def _narrow(marked: list[str] | None, option: list[str] | None) -> list[str] | None:
    if marked and option:
        return [n for n in marked if n in option]
    return marked or option


def cells_for(writers: list[str] | None = None, readers: list[str] | None = None, cases: list[str] | None = None,
              unsupported: bool = False) -> list[MatrixCell]:
    """The matrix cells for these names (all when None); declared-unsupported cells only when ``unsupported``."""
    from .cases import ALL_CASES
    from .runner import available, plan, resolve

    ws, rs, _ = resolve(writers, readers, None)
    ws, rs, _missing = available(ws, rs)  # an implementation that cannot run here has no cells
    if cases:
        import fnmatch

        cs = [c for c in ALL_CASES if any(fnmatch.fnmatch(c.name, p) for p in cases)]
    else:
        cs = list(ALL_CASES)
    out = [MatrixCell(w, r, c) for w, r, c in plan(ws, rs, cs)]
    return out if unsupported else [m for m in out if m.declared_unsupported() is None]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "compat_cell" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("compat")
    kw = dict(marker.kwargs) if marker else {}
    opt = metafunc.config.getoption
    cells = cells_for(
        _narrow(_split(kw.get("writers")), _split(opt("--compat-writers"))),
        _narrow(_split(kw.get("readers")), _split(opt("--compat-readers"))),
        _narrow(_split(kw.get("cases")), _split(opt("--compat-cases"))),
        unsupported=bool(kw.get("unsupported", False)),
    )
    metafunc.parametrize("compat_cell", cells, ids=[c.id for c in cells])


@pytest.fixture(scope="session")
def compat_store_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Where the session's written stores live, and which (writer, case) were written already."""
    return {"root": tmp_path_factory.mktemp("zarrjvm-compat"), "written": {}, "outcomes": {}}


@pytest.fixture
def compat_written(compat_cell: MatrixCell, compat_store_cache: dict[str, Any]) -> tuple[str, str]:
    """``(store, array_path)``: the cell's case written by the cell's writer (once per session per writer and case).
    A writer's exception propagates (the test errors, as an ``error`` cell would)."""
    key = (compat_cell.writer.name, compat_cell.case.name)
    written = compat_store_cache["written"]
    if key not in written:
        root = Path(compat_store_cache["root"]) / compat_cell.writer.name
        root.mkdir(parents=True, exist_ok=True)
        from .runner import write_case

        store, path, _notes = write_case(compat_cell.writer, compat_cell.case, root)
        written[key] = (store, path)
    return written[key]


@pytest.fixture
def compat_outcome(compat_cell: MatrixCell, compat_store_cache: dict[str, Any]) -> Outcome:
    """The cell run and judged exactly as ``zarrjvm compat`` does (never raises for the cell's own failure)."""
    from .runner import run_cells

    cell = run_cells([(compat_cell.writer, compat_cell.reader, compat_cell.case)],
                     Path(compat_store_cache["root"]) / "_outcomes", written=compat_store_cache["outcomes"])[0]
    return Outcome(cell.status, cell.detail)
