"""An implementation whose package does not import is *unavailable*: its cells are skipped and the report and summary
say so, instead of a column of error cells. Hidden here in a subprocess (``sys.modules[name] = None`` makes its import
fail); the real matrix uses the real peers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HIDE_AND_RUN = """
import sys
sys.modules["tensorstore"] = None  # `import tensorstore` now raises ImportError, as when it is not installed
from zarrjvm.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_hidden_peer_is_unavailable_not_errors(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", HIDE_AND_RUN, "compat", "--writers", "zarr-python,tensorstore",
         "--readers", "zarr-python,tensorstore", "--cases", "zarr-v2-dtype-i4,zarr-v3-dtype-f4", "--out", str(out),
         "--no-progress", "--no-probe"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report.json").read_text())
    assert {(c["writer"], c["reader"]) for c in report["cells"]} == {("zarr-python", "zarr-python")}
    assert all(c["status"] == "pass" for c in report["cells"])
    gone = {(u["name"], u["role"]) for u in report["unavailable"]}
    assert gone == {("tensorstore", "writer"), ("tensorstore", "reader")}
    assert all(u["reason"].startswith("tensorstore does not import: ModuleNotFoundError")
               for u in report["unavailable"])
    assert report["summary"]["unavailable"] == ["tensorstore (reader)", "tensorstore (writer)"]
    assert "unavailable (skipped): tensorstore as writer" in proc.stdout
    assert "unavailable (skipped)" in (out / "report.md").read_text()
    assert "unavailable (skipped):</b> tensorstore as writer" in (out / "report.html").read_text()


def test_the_real_matrix_has_every_peer_available() -> None:
    from zarrjvm.compat.implementations import readers, writers

    assert [i.name for i in [*writers().values(), *readers().values()] if i.unavailable()] == []
