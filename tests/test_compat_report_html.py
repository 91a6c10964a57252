"""The HTML report stands on its own: a symbol as well as a colour per cell, the detail panel docked below the matrix
(never over its header), the finding's own text embedded (an installed wheel has no docs/findings.md), and no path
into the run's deleted temporary directory."""

from __future__ import annotations

import json
import re
import tempfile

from zarrjvm.compat.findings import TEXTS
from zarrjvm.compat.report import SYMBOL, html_page, markdown
from zarrjvm.compat.runner import run_matrix


def test_html_has_symbols_embedded_findings_and_no_temp_paths() -> None:
    report = run_matrix(["xarray", "zarr-python"], ["zarr-python"], ["zarr-v2-fill-inf-missing", "zarr-v2-fill-none"])
    by = {(c["writer"], c["case"]): c for c in report["cells"]}
    x1 = by[("xarray", "zarr-v2-fill-inf-missing")]
    assert x1["status"] == "fail" and x1["detail"]["finding"] == "XA1"  # xarray's CF encoding: NaN written as inf
    page = html_page(report)
    cells_html = re.findall(r"<td class='c (\w+)'[^>]*>([^<]*)</td>", page)
    assert len(cells_html) == len(report["cells"])
    assert all(sym == SYMBOL[status] for status, sym in cells_html)
    assert ("fail", SYMBOL["fail"]) in cells_html and ("unsupported", SYMBOL["unsupported"]) in cells_html
    # the finding's text itself, in the Findings table and in the data the detail panel shows
    assert TEXTS["XA1"] in page.replace("&#x27;", "'")
    findings = json.loads(re.search(r"const FINDINGS=(\{.*?\});const SYM", page).group(1))
    assert findings["XA1"]["text"] == TEXTS["XA1"]
    assert "docs/findings.md" not in page and "docs/findings.md" not in markdown(report)
    assert TEXTS["XA1"] in markdown(report)
    # docked at the bottom with the page's own bottom margin to scroll past it
    assert "#detail{position:fixed;left:0;right:0;bottom:0;height:40vh" in page and "margin:1.5em 1.5em 45vh" in page
    tmp = tempfile.gettempdir()
    assert all(not str(c["detail"].get("store", "")).startswith(tmp) for c in report["cells"])
    assert x1["detail"]["store"] == "xarray/zarr-v2-fill-inf-missing.zarr"
    assert tmp + "/" not in page
    errors = run_matrix(["tensorstore"], ["jzarr"], ["default-tensorstore-v2"])["cells"]
    assert errors[0]["detail"]["finding"] == "B1"  # an error message that named the store: path made relative
    assert "with jzarr" in errors[0]["detail"]["message"] and tmp + "/" not in errors[0]["detail"]["message"]


def test_detail_panel_script_renders_a_finding(tmp_path) -> None:
    """The page's own script, run by node with a two-element DOM: a click on an explained cell fills the panel with the
    cell's fields and the finding's text."""
    import shutil
    import subprocess

    import pytest

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    report = run_matrix(["xarray"], ["zarr-python"], ["zarr-v2-fill-inf-missing"])
    script = re.search(r"<script>(.*)</script>", html_page(report), re.S).group(1)
    dom = ("const els={detail:{style:{},innerHTML:''}};"
           "const document={getElementById:id=>els[id],addEventListener:()=>{}};")
    click = ("show({dataset:{i:0},title:'tip'});"
             "console.log(JSON.stringify([els.detail.style.display,els.detail.innerHTML]));")
    (tmp_path / "page.js").write_text(dom + script + click)
    shown, inner = json.loads(subprocess.run([node, str(tmp_path / "page.js")], capture_output=True, text=True,
                                             check=True, timeout=60).stdout)
    assert shown == "block"
    assert "xarray → zarr-python · zarr-v2-fill-inf-missing · ✗ FAIL" in inner
    assert "Finding XA1 (by-design)" in inner and TEXTS["XA1"] in inner
    assert "<dt>reason</dt><dd>values</dd>" in inner
