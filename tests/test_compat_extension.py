"""The extension point, used the way another project would: a project created outside this repository (its own
pyproject.toml and conftest.py) declares a toy implementation and runs the matrix against it from its own pytest.

The toy is real code of its own: a numpy reader and writer of uncompressed Zarr v2 (``.zarray`` and raw chunk files).
Its cells are judged against the other implementations' real writes and reads; a deliberately wrong twin (it hands
back the transpose) must be caught as failing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from zarrjvm.compat import extension
from zarrjvm.compat.cases import CASES_BY_NAME
from zarrjvm.compat.implementations import ZarrPythonReader, readers, writers
from zarrjvm.compat.runner import run_matrix

TOY = '''
"""A toy Zarr v2 implementation in plain numpy: uncompressed or zlib chunks."""
import json
import math
import os
import zlib
from itertools import product

import numpy as np

from zarrjvm.compat.extension import reader, writer

NAN = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def read(case, store, path):
    base = os.path.join(store, path) if path else store
    with open(os.path.join(base, ".zarray")) as f:
        meta = json.load(f)
    compressor = meta["compressor"]
    assert (compressor is None or compressor["id"] == "zlib") and not meta["filters"], "toy: raw or zlib chunks only"
    dtype, shape, chunks = np.dtype(meta["dtype"]), tuple(meta["shape"]), tuple(meta["chunks"])
    fill = meta["fill_value"]
    out = np.full(shape, 0 if fill is None else NAN.get(fill, fill), dtype=dtype)
    sep = meta.get("dimension_separator", ".")
    grid = [range(math.ceil(n / c)) for n, c in zip(shape, chunks)]
    for idx in product(*grid):
        key = os.path.join(base, sep.join(map(str, idx)) if idx else "0")
        if not os.path.exists(key):
            continue
        with open(key, "rb") as f:
            raw = f.read()
            flat = np.frombuffer(zlib.decompress(raw) if compressor else raw, dtype=dtype)
            chunk = flat.reshape(chunks, order=meta["order"])
        box = tuple(slice(i * c, min((i + 1) * c, n)) for i, c, n in zip(idx, chunks, shape))
        out[box] = chunk[tuple(slice(0, b.stop - b.start) for b in box)]
    attrs_file = os.path.join(base, ".zattrs")
    attrs = json.load(open(attrs_file)) if os.path.exists(attrs_file) else {}
    from zarrjvm.compat.implementations import ReadResult

    return ReadResult(out.astype(dtype.newbyteorder("=")), dtype, attrs)


def read_transposed(case, store, path):
    result = read(case, store, path)
    result.values = result.values.T.copy()
    return result


def _fill(case):
    f = case.fill_scalar()
    if f is None:
        return None
    if case.np_dtype.kind == "f" and not np.isfinite(f):
        return "NaN" if np.isnan(f) else ("Infinity" if f > 0 else "-Infinity")
    return f.item()


def write(case, store):
    os.makedirs(store)
    data, chunks = case.data(), case.chunks
    meta = {"zarr_format": 2, "shape": list(case.shape), "chunks": list(chunks), "dtype": case.np_dtype.str,
            "compressor": {"id": "zlib", "level": 1} if case.codec == "zlib" else None, "filters": None,
            "order": "C", "fill_value": _fill(case)}
    if case.separator:
        meta["dimension_separator"] = case.separator
    with open(os.path.join(store, ".zarray"), "w") as f:
        json.dump(meta, f)
    if case.attrs:
        with open(os.path.join(store, ".zattrs"), "w") as f:
            json.dump(case.attrs, f)
    written = case.written_region()
    grid = [range(math.ceil(n / c)) for n, c in zip(case.shape, chunks)]
    for idx in product(*grid):
        box = tuple(slice(i * c, min((i + 1) * c, n)) for i, c, n in zip(idx, chunks, case.shape))
        if any(b.start >= (w.stop if w.stop is not None else n) for b, w, n in zip(box, written, case.shape)):
            continue  # an unwritten chunk stays absent
        chunk = np.zeros(chunks, dtype=case.np_dtype.newbyteorder("="))
        if case.fill_scalar() is not None:
            chunk[...] = case.fill_scalar()
        chunk[tuple(slice(0, b.stop - b.start) for b in box)] = data[box]
        key = (case.separator or ".").join(map(str, idx)) if idx else "0"
        os.makedirs(os.path.dirname(os.path.join(store, key)), exist_ok=True)
        with open(os.path.join(store, key), "wb") as f:
            raw = chunk.astype(case.np_dtype).tobytes(order="C")
            f.write(zlib.compress(raw, 1) if case.codec == "zlib" else raw)


CAPS = dict(formats={"zarr-v2"}, v2_codecs={"zlib"}, v2_orders={"C", "F"}, groups=False, attrs_formats={"zarr-v2"})
IMPLEMENTATIONS = [
    reader("toy-npy", read, version="0.1", **CAPS),
    writer("toy-npy", write, version="0.1", **{**CAPS, "v2_orders": {"C"}}),
    reader("toy-transposed", read_transposed, version="0.1", **CAPS),
]
'''

TESTS = '''
import pytest

PEERS = ["zarr-python", "zarr-python-2", "tensorstore"]


@pytest.mark.compat(writers=PEERS + ["toy-npy"], readers=["toy-npy", "toy-transposed"])
def test_toy_reads_what_everyone_writes(compat_outcome):
    assert compat_outcome.status == "pass", compat_outcome.detail


@pytest.mark.compat(writers=["toy-npy"], readers=["zarr-python", "zarr-python-2", "tensorstore"])
def test_everyone_reads_what_toy_writes(compat_outcome):
    assert compat_outcome.status == "pass", compat_outcome.detail
'''


@pytest.fixture(scope="module")
def toy_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("toy-project")
    assert not root.resolve().is_relative_to(Path(__file__).resolve().parents[1])  # outside the repository
    (root / "toyimpl.py").write_text(TOY)
    (root / "test_toy.py").write_text(textwrap.dedent(TESTS))
    (root / "conftest.py").write_text('pytest_plugins = ["zarrjvm.compat.pytest_plugin"]\n')
    (root / "pyproject.toml").write_text(textwrap.dedent('''
        [project]
        name = "toy-project"
        version = "0.1"

        [tool.pytest.ini_options]
        zarrjvm_compat_implementations = ["toyimpl:IMPLEMENTATIONS"]
        '''))
    return root


def test_a_project_of_its_own_gets_its_row_and_column_and_a_wrong_one_is_caught(toy_project: Path) -> None:
    junit = toy_project / "junit.xml"
    # pytest's defaults (faulthandler on): zarrjvm switches it off when it starts the JVM, or the process would crash
    # at exit (-11) once pytest hands SIGSEGV back
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
                           "test_toy.py"], cwd=toy_project, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(toy_project)})
    assert junit.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    outcomes: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        status = "failed" if case.find("failure") is not None else "error" if case.find("error") is not None \
            else "skipped" if case.find("skipped") is not None else "passed"
        outcomes[case.get("name", "")] = status
    reads = {k: v for k, v in outcomes.items() if k.startswith("test_toy_reads")}
    writes = {k: v for k, v in outcomes.items() if k.startswith("test_everyone_reads")}
    good = {k: v for k, v in reads.items() if "-toy-npy-" in k}
    wrong = {k: v for k, v in reads.items() if "-toy-transposed-" in k}
    # its column: every peer's writes (and its own) of every raw or zlib Zarr v2 case it declares
    assert len(good) >= 3 * 8 and set(good.values()) == {"passed"}, good
    assert {k.split("[")[1].split("-toy-npy-")[0] for k in good} == {"zarr-python", "zarr-python-2", "tensorstore",
                                                                     "toy-npy"}
    # its row: what it writes read by the peers
    assert len(writes) >= 3 * 8 and set(writes.values()) == {"passed"}, writes
    # the transposing twin: caught on every case where the transpose differs, and only there
    for name, status in wrong.items():
        case = CASES_BY_NAME[name.split("-toy-transposed-")[1].rstrip("]")]
        expected = case.expected()
        same = expected.ndim < 2 or (expected.T.shape == expected.shape and np.array_equal(expected.T, expected))
        assert status == ("passed" if same else "failed"), (name, status)
    assert sum(s == "failed" for s in wrong.values()) >= 8
    assert proc.returncode == 1  # pytest reports the wrong one's failures


def test_register_adds_a_reader_to_the_whole_matrix(tmp_path: Path) -> None:
    """In code: register() puts a callable reader into zarrjvm compat's matrix; its cells are judged like any other
    (the callable here is zarr-python's own reader, so every declared cell it shares with zarr-python agrees)."""
    peer = ZarrPythonReader()
    impl = extension.reader("py-callable", lambda case, store, path: peer.read(case, store, path),
                            formats={"zarr-v2"}, v2_codecs={"zlib"}, attrs_formats={"zarr-v2"})
    extension.register(impl)
    try:
        assert "py-callable" in readers() and "py-callable" not in writers()
        report = run_matrix(["zarr-python"], ["py-callable", "zarr-python"], ["zarr-v2-dtype-*", "zarr-v2-attrs"])
        mine = {c["case"]: c["status"] for c in report["cells"] if c["reader"] == "py-callable"}
        theirs = {c["case"]: c["status"] for c in report["cells"] if c["reader"] == "zarr-python"}
        assert mine == theirs and set(mine.values()) == {"pass"} and len(mine) == 12
        assert any(i["name"] == "py-callable" and i["roles"] == ["reader"] for i in report["implementations"])
    finally:
        extension.unregister("py-callable")
    assert "py-callable" not in readers()


def test_registration_mistakes_are_clear() -> None:
    with pytest.raises(ValueError, match="built-in"):
        extension.register(extension.reader("zarr-python", lambda *a: None, formats={"zarr-v2"}))
    with pytest.raises(TypeError, match="formats"):
        extension.reader("x", lambda *a: None)
    with pytest.raises(ValueError, match="module:attribute"):
        extension.load("no-colon")


def test_the_command_line_adds_implementations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture) -> None:
    import json

    from zarrjvm.cli import main

    (tmp_path / "cli_toy.py").write_text(TOY)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        argv = ["compat", "--implementations", "cli_toy:IMPLEMENTATIONS", "--writers", "zarr-python,toy-npy",
                "--readers", "toy-npy,toy-transposed,zarr-python", "--cases", "zarr-v2-dtype-i2,zarr-v2-fill-none",
                "--no-progress", "--no-probe", "--out", str(tmp_path / "o")]
        assert main(argv) == 1  # the transposing reader's fails are unexplained
        report = json.loads((tmp_path / "o" / "report.json").read_text())
        status = {(c["writer"], c["reader"], c["case"]): c["status"] for c in report["cells"]}
        assert {v for (w, r, _), v in status.items() if "toy-transposed" not in (w, r)} == {"pass"}
        assert {v for (w, r, _), v in status.items() if r == "toy-transposed"} == {"fail"}
        assert len(status) == 2 * 3 * 2
        assert main(["compat", "--implementations", "no_such_module:X", "--out", str(tmp_path / "x")]) == 2
        assert "--implementations no_such_module:X: No module named" in capsys.readouterr().err
    finally:
        for name in ("toy-npy", "toy-transposed"):
            extension.unregister(name)


def test_an_installed_package_s_entry_point_adds_it_everywhere(tmp_path: Path) -> None:
    """An entry point in the group ``zarrjvm.compat`` (found by importlib.metadata in a distribution's metadata on
    sys.path, as pip would install it) puts the implementations into ``readers()``/``writers()``."""
    (tmp_path / "ep_toy.py").write_text(TOY)
    dist = tmp_path / "ep_toy-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-toy\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[zarrjvm.compat]\ntoy = ep_toy:IMPLEMENTATIONS\n")
    code = ("from zarrjvm.compat.implementations import readers, writers; "
            "print(sorted(n for n in readers() if n.startswith('toy')), sorted(n for n in writers() if 'toy' in n))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert proc.stdout.strip().splitlines()[-1] == "['toy-npy', 'toy-transposed'] ['toy-npy']", proc.stderr[-2000:]
