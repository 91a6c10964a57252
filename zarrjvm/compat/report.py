"""The matrix for machines and people: ``report.json`` (the contract), ``report.md`` and ``report.html`` (a coloured
matrix, each cell's detail on hover and click), and a compact text matrix for terminals."""

from __future__ import annotations

import html
import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .judge import ERROR, FAIL, PASS, STATUSES, UNSUPPORTED

SYMBOL = {PASS: "✓", FAIL: "✗", ERROR: "E", UNSUPPORTED: "·"}
REQUIRED_KEYS = ("implementations", "cases", "cells", "elapsed_s")
FORMATS = ("zarr-v2", "zarr-v3", "netcdf3", "netcdf4")


def validate(report: dict[str, Any]) -> list[str]:
    """Problems with ``report`` against the report.json contract (empty when it conforms)."""
    problems: list[str] = []
    for k in REQUIRED_KEYS:
        if k not in report:
            problems.append(f"missing key {k!r}")
    if problems:
        return problems
    if not isinstance(report["elapsed_s"], float):
        problems.append("elapsed_s is not a float")
    names = set()
    for impl in report["implementations"]:
        for k in ("name", "version", "roles"):
            if k not in impl:
                problems.append(f"implementation without {k!r}: {impl}")
        if not set(impl.get("roles", [])) <= {"writer", "reader"} or not impl.get("roles"):
            problems.append(f"implementation {impl.get('name')} has roles {impl.get('roles')}")
        names.add(impl.get("name"))
    case_names = set()
    for c in report["cases"]:
        if "name" not in c or c.get("format") not in FORMATS:
            problems.append(f"case without name or with format {c.get('format')!r}")
        case_names.add(c.get("name"))
    for cell in report["cells"]:
        for k in ("writer", "reader", "case", "status", "detail"):
            if k not in cell:
                problems.append(f"cell without {k!r}: {cell}")
                break
        else:
            if cell["status"] not in STATUSES:
                problems.append(f"cell status {cell['status']!r}")
            if cell["writer"] not in names or cell["reader"] not in names:
                problems.append(f"cell names an unknown implementation: {cell['writer']} → {cell['reader']}")
            if cell["case"] not in case_names:
                problems.append(f"cell names an unknown case: {cell['case']}")
            if not isinstance(cell["detail"], dict):
                problems.append("cell detail is not an object")
    return problems


def write_all(report: dict[str, Any], out: str | Path) -> dict[str, Path]:
    """Writes report.json, report.md and report.html into ``out``; returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "md": out / "report.md", "html": out / "report.html"}
    paths["json"].write_text(json.dumps(report, indent=1, default=str) + "\n")
    paths["md"].write_text(markdown(report))
    paths["html"].write_text(html_page(report))
    return paths


# -- helpers ---------------------------------------------------------------------------------------------------------
def _order(items: list[str]) -> list[str]:
    return list(OrderedDict.fromkeys(items))


def _pairs(report: dict[str, Any], fmt: str) -> list[tuple[str, str]]:
    fmt_cases = {c["name"] for c in report["cases"] if c["format"] == fmt}
    return _order([(c["writer"], c["reader"]) for c in report["cells"] if c["case"] in fmt_cases])  # type: ignore


def one_line(cell: dict[str, Any]) -> str:
    """A cell's detail in one line (what a hover shows first)."""
    d = cell["detail"]
    s = cell["status"]
    if s == PASS:
        notes = d.get("writer_notes", []) + d.get("reader_notes", [])
        return "pass" + (f" (shim: {notes[0][:90]}…)" if notes else "")
    if s == UNSUPPORTED:
        return f"unsupported, declared by the {d.get('side')}: {d.get('reason')}"
    if s == FAIL:
        finding = f" [finding {d['finding']}]" if d.get("finding") else " [unexplained]"
        if d.get("reason") == "values":
            return (f"fail{finding}: {d['n_differ']} of {d['n']} elements differ; first at {tuple(d['index'])}: "
                    f"expected {d['expected']}, got {d['got']}")
        if d.get("reason") == "attrs":
            return f"fail{finding}: attribute {d['key']!r}: expected {d['expected']}, got {d['got']}"
        return f"fail{finding}: {d.get('reason')}: expected {d.get('expected')}, got {d.get('got')}"
    label = " [Central-only ucar.ma2]" if d.get("central_only") else ""
    finding = f" [finding {d['finding']}]" if d.get("finding") else " [unexplained]"
    cause = d.get("java_class") or d.get("exception")
    msg = d.get("java_message") if d.get("java_class") else d.get("message")
    return f"error in {d.get('stage')}{label}{finding}: {cause}: {str(msg)[:220]}"


def _counts(c: dict[str, int]) -> str:
    return " / ".join(f"{c.get(s, 0)}" for s in STATUSES)


# -- text ------------------------------------------------------------------------------------------------------------
def text_summary(report: dict[str, Any]) -> str:
    """Writer × reader counts (pass/fail/error/unsupported) as a plain table."""
    pairs = report["summary"]["by_pair"]
    ws = _order([p.split(" → ")[0] for p in pairs])
    rs = _order([p.split(" → ")[1] for p in pairs])
    head = ["writer \\ reader"] + rs
    rows = [[w] + [(_counts(pairs[f"{w} → {r}"]) if f"{w} → {r}" in pairs else "-") for r in rs] for w in ws]
    widths = [max(len(str(x[i])) for x in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(str(v).ljust(n) for v, n in zip(head, widths))]
    lines.append("  ".join("-" * n for n in widths))
    lines += ["  ".join(str(v).ljust(n) for v, n in zip(row, widths)) for row in rows]
    t = report["summary"]["totals"]
    lines.append(f"cells: {len(report['cells'])}  pass {t[PASS]}  fail {t[FAIL]}  error {t[ERROR]} "
                 f"(Central-only {report['summary']['errors_central_only']})  unsupported {t[UNSUPPORTED]}  "
                 f"in {report['elapsed_s']:.1f} s   (counts: pass / fail / error / unsupported)")
    lines += [f"unavailable (skipped): {u['name']} as {u['role']}: {u['reason']}"
              for u in report.get("unavailable", [])]
    return "\n".join(lines)


def text_matrix(report: dict[str, Any]) -> str:
    """Case × (writer → reader) with one symbol per cell: ✓ pass, ✗ fail, E error, · unsupported."""
    by_key = {(c["writer"], c["reader"], c["case"]): c["status"] for c in report["cells"]}
    out: list[str] = []
    for fmt in FORMATS:
        cases = [c["name"] for c in report["cases"] if c["format"] == fmt]
        pairs = _pairs(report, fmt)
        if not cases or not pairs:
            continue
        writers_ = _order([w for w, _ in pairs])
        groups = {w: [r for ww, r in pairs if ww == w] for w in writers_}
        colw = 4
        gw = {w: max(len(w) + 2, colw * len(rs)) for w, rs in groups.items()}
        width = max(len(c) for c in cases + ["case \\ reader"])

        def row(label: str, cell: Any) -> str:
            return f"  {label:{width}} |" + "|".join(
                "".join(cell(w, r).center(colw) for r in groups[w]).center(gw[w]) for w in writers_) + "|"

        out.append(f"{fmt}  (✓ pass  ✗ fail  E error  · unsupported; columns: writer, then reader)")
        out.append(f"  {'writer':{width}} |" + "|".join(w.center(gw[w]) for w in writers_) + "|")
        out.append(row("case \\ reader", lambda w, r: _abbrev(r)))
        for case in cases:
            out.append(row(case, lambda w, r, case=case: SYMBOL[by_key.get((w, r, case), UNSUPPORTED)]))
        out.append("  readers: " + ", ".join(f"{_abbrev(r)} = {r}" for r in _order([r for _, r in pairs])))
        out.append("")
    return "\n".join(out)


_ABBREV = {"zarr-python": "zpy", "tensorstore": "ts", "zarr-java": "zj", "jzarr": "jz", "netcdf4-python": "nc4",
           "netcdf-java": "ncj", "jhdf": "jh", "zarr-java (as-is)": "zja"}


def _abbrev(name: str) -> str:
    return _ABBREV.get(name, name[:4])


# -- markdown --------------------------------------------------------------------------------------------------------
def markdown(report: dict[str, Any]) -> str:
    env = report.get("environment", {})
    t = report["summary"]["totals"]
    lines = [
        "# zarrjvm compatibility matrix", "",
        f"{len(report['cells'])} cells ({len(report['cases'])} cases) in {report['elapsed_s']:.1f} s, one process, "
        f"one JVM. Java {env.get('java')}, {env.get('cdm')}, Python {env.get('python')}, {env.get('cpus')} CPUs.", "",
        f"**pass {t[PASS]} · fail {t[FAIL]} · error {t[ERROR]} (of which Central-only "
        f"{report['summary']['errors_central_only']}) · unsupported {t[UNSUPPORTED]}**", "",
        "A cell is one array written by the writer and read back by the reader, compared element-wise with the "
        "writer's source data. `unsupported` is declared by a capability table before anything runs; `error` is "
        "what was raised (while writing or reading); `fail` says where the values differ.", "",
        "## Implementations", "", "| name | version | roles |", "|---|---|---|",
    ]
    for impl in report["implementations"]:
        lines.append(f"| {impl['name']} | {impl['version']} | {', '.join(impl['roles'])} |")
    for u in report.get("unavailable", []):
        lines.append(f"| {u['name']} | unavailable (skipped): {_md(u['reason'])} | {u['role']} |")
    lines += ["", "## Writer × reader (pass / fail / error / unsupported)", ""]
    pairs = report["summary"]["by_pair"]
    ws = _order([p.split(" → ")[0] for p in pairs])
    rs = _order([p.split(" → ")[1] for p in pairs])
    lines.append("| writer \\ reader | " + " | ".join(rs) + " |")
    lines.append("|---" * (len(rs) + 1) + "|")
    for w in ws:
        lines.append(f"| **{w}** | " + " | ".join(_counts(pairs[f'{w} → {r}']) if f"{w} → {r}" in pairs else "–"
                                                  for r in rs) + " |")
    lines += ["", "| per reader | pass | fail | error | unsupported |", "|---|---|---|---|---|"]
    for name, c in report["summary"]["by_reader"].items():
        lines.append(f"| {name} | {c[PASS]} | {c[FAIL]} | {c[ERROR]} | {c[UNSUPPORTED]} |")
    lines += ["", "| per writer | pass | fail | error | unsupported |", "|---|---|---|---|---|"]
    for name, c in report["summary"]["by_writer"].items():
        lines.append(f"| {name} | {c[PASS]} | {c[FAIL]} | {c[ERROR]} | {c[UNSUPPORTED]} |")
    byf = report["summary"].get("by_finding", {})
    if byf or report["summary"].get("unexplained"):
        from .findings import finding_info

        info = finding_info()
        lines += ["", "## Fail and error cells by finding", "", "| finding | cells | what |", "|---|---|---|"]
        lines += [f"| {k} | {v} | **{_md(info.get(k, {}).get('title', ''))}** {_md(info.get(k, {}).get('text', ''))} |"
                  for k, v in sorted(byf.items())]
        lines.append(f"| unexplained | {report['summary'].get('unexplained', 0)} |")
    bad = [c for c in report["cells"] if c["status"] in (FAIL, ERROR)]
    lines += ["", f"## Failures and errors ({len(bad)})", ""]
    if bad:
        lines += ["| writer | reader | case | detail |", "|---|---|---|---|"]
        for c in bad:
            lines.append(f"| {c['writer']} | {c['reader']} | {c['case']} | {_md(one_line(c))} |")
    probe = report.get("central_only_probe")
    if probe:
        lines += ["", "## Java writers on this build's ucar.ma2: declared vs measured", "",
                  "Each dtype written as the library is (`as is`) and with zarrjvm's labelled chunk shim, read back "
                  "by zarr-python. A link error here is Central-only (cdm 4.5.5), not a defect of the library.", "",
                  "| writer | format | dtype | declared | as is | shimmed | as-is error |",
                  "|---|---|---|---|---|---|---|"]
        for row in probe:
            dt = row["dtype"] + (" (sharded)" if row.get("sharded") else "")
            lines.append(f"| {row['writer']} | {row['format']} | {dt} | {'yes' if row['declared'] else 'no'} | "
                         f"{row['as_is']} | {row['shimmed']} | {_md(row.get('as_is_error', row.get('reason', '')))} |")
    fresh = report.get("fresh_jvm")
    if fresh:
        lines += ["", "## One JVM versus a fresh JVM per read", "", _md(fresh.get("summary", ""))]
    notes = report.get("notes")
    if notes:
        lines += ["", "## Notes", ""] + [f"- {_md(n)}" for n in notes]
    lines.append("")
    return "\n".join(lines)


def _md(s: Any) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


# -- html ------------------------------------------------------------------------------------------------------------
_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em 1.5em 45vh;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:2px 5px;text-align:center}
td.case{text-align:left;font-family:monospace;white-space:nowrap}
th.w{background:#eef}
td.c{width:18px;height:18px;padding:0;cursor:pointer;font:bold 12px monospace;color:#fff}
.pass{background:#2a7a2a} .fail{background:#c01818} .error{background:#b35900} .unsupported{background:#ddd;color:#555}
.central{background:repeating-linear-gradient(45deg,#b35900,#b35900 4px,#7a3fb0 4px,#7a3fb0 8px)}
td.c:hover{outline:2px solid #000}
#detail{position:fixed;left:0;right:0;bottom:0;height:40vh;overflow:auto;background:#fff;border-top:2px solid #444;
 padding:.6em 1.5em;box-shadow:0 -2px 8px #0003;display:none}
#detail h3{margin:.2em 0 .4em;font-size:15px}
#detail .finding{background:#fff6e0;border-left:4px solid #b35900;padding:.3em .6em;margin:.4em 0}
#detail dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;font:12px monospace;margin:.4em 0}
#detail dt{font-weight:bold} #detail dd{margin:0;white-space:pre-wrap;word-break:break-word}
#detail button{float:right}
.legend span.c{display:inline-block;width:16px;height:16px;line-height:16px;text-align:center;margin:0 4px 0 12px;
 font:bold 12px monospace;color:#fff}
.legend span.unsupported{color:#555}
table.findings td{text-align:left;vertical-align:top}
"""

_JS = """
function esc(s){return String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));}
function show(el){const d=document.getElementById('detail');const c=CELLS[el.dataset.i];
 let h='<button onclick="hide()">close (Esc)</button><h3>'+esc(c.writer)+' \u2192 '+esc(c.reader)+' \u00b7 '
  +esc(c.case)+' \u00b7 '+SYM[c.status]+' '+c.status.toUpperCase()+'</h3><div>'+esc(el.title)+'</div>';
 const f=c.detail.finding&&FINDINGS[c.detail.finding];
 if(f){h+='<div class="finding"><b>Finding '+esc(c.detail.finding)+' ('+esc(f.kind)+'): '+esc(f.title)+'</b><br>'
  +esc(f.text)+'</div>';}
 h+='<dl>';for(const[k,v]of Object.entries(c.detail)){if(k.startsWith('finding'))continue;
  h+='<dt>'+esc(k)+'</dt><dd>'+esc(typeof v==='object'?JSON.stringify(v):v)+'</dd>';}
 d.innerHTML=h+'</dl>';d.style.display='block';}
function hide(){document.getElementById('detail').style.display='none';}
document.addEventListener('keydown',e=>{if(e.key==='Escape')hide();});
"""


def html_page(report: dict[str, Any]) -> str:
    from .findings import finding_info

    cells = report["cells"]
    index = {(c["writer"], c["reader"], c["case"]): i for i, c in enumerate(cells)}
    t = report["summary"]["totals"]
    legend = "".join(f"<span class='c {s}'>{SYMBOL[s]}</span>{s}" for s in STATUSES)
    parts = [
        "<!doctype html><meta charset='utf-8'><title>zarrjvm compatibility matrix</title>",
        f"<style>{_CSS}</style>",
        "<h1>zarrjvm compatibility matrix</h1>",
        f"<p>{len(cells)} cells, {len(report['cases'])} cases, {report['elapsed_s']:.1f} s in one process. "
        f"pass {t[PASS]} · fail {t[FAIL]} · error {t[ERROR]} "
        f"(Central-only {report['summary']['errors_central_only']})"
        f" · unsupported {t[UNSUPPORTED]}. Hover a cell for its summary, click it for its detail below (Esc closes)."
        "</p>",
        f"<p class='legend'>{legend}<span class='c central'>{SYMBOL[ERROR]}</span>error, Central-only ucar.ma2 "
        "(unsupported = declared by a capability table)</p>",
        "<div id='detail'></div>",
    ]
    unavailable = report.get("unavailable", [])
    if unavailable:
        parts.append("<p><b>unavailable (skipped):</b> " + "; ".join(
            html.escape(f"{u['name']} as {u['role']}: {u['reason']}") for u in unavailable) + "</p>")
    # summary table
    pairs = report["summary"]["by_pair"]
    ws = _order([p.split(" → ")[0] for p in pairs])
    rs = _order([p.split(" → ")[1] for p in pairs])
    parts.append("<h2>Writer × reader</h2><table><tr><th>writer \\ reader</th>"
                 + "".join(f"<th>{html.escape(r)}</th>" for r in rs) + "</tr>")
    for w in ws:
        row = [f"<th class='w'>{html.escape(w)}</th>"]
        for r in rs:
            c = pairs.get(f"{w} → {r}")
            row.append("<td>–</td>" if c is None else
                       f"<td><span style='color:#3a3'>{c[PASS]}</span> / <span style='color:#d22'>{c[FAIL]}</span>"
                       f" / <span style='color:#f90'>{c[ERROR]}</span> / <span style='color:#888'>"
                       f"{c[UNSUPPORTED]}</span></td>")
        parts.append("<tr>" + "".join(row) + "</tr>")
    parts.append("</table>")
    # one matrix per format
    for fmt in FORMATS:
        cases = [c["name"] for c in report["cases"] if c["format"] == fmt]
        fpairs = _pairs(report, fmt)
        if not cases or not fpairs:
            continue
        fw = _order([w for w, _ in fpairs])
        parts.append(f"<h2>{fmt}</h2><table><tr><th rowspan=2>case</th>")
        for w in fw:
            n = sum(1 for ww, _ in fpairs if ww == w)
            parts.append(f"<th class='w' colspan={n}>{html.escape(w)} writes</th>")
        parts.append("</tr><tr>" + "".join(f"<th title='{html.escape(r)}'>{_abbrev(r)}</th>" for _, r in fpairs)
                     + "</tr>")
        for case in cases:
            row = [f"<td class='case'>{html.escape(case)}</td>"]
            for w, r in fpairs:
                i = index.get((w, r, case))
                if i is None:
                    row.append("<td></td>")
                    continue
                c = cells[i]
                cls = "central" if c["detail"].get("central_only") else c["status"]
                tip = html.escape(f"{w} → {r}: {one_line(c)}", quote=True)
                row.append(f"<td class='c {cls}' title='{tip}' data-i='{i}' onclick='show(this)'>"
                           f"{SYMBOL[c['status']]}</td>")
            parts.append("<tr>" + "".join(row) + "</tr>")
        parts.append("</table>")
    probe = report.get("central_only_probe")
    if probe:
        parts.append("<h2>Java writers on this build's ucar.ma2: declared vs measured</h2><table><tr><th>writer</th>"
                     "<th>format</th><th>dtype</th><th>declared</th><th>as is</th><th>shimmed</th><th>as-is error</th>"
                     "</tr>")
        for row in probe:
            dt = row["dtype"] + (" (sharded)" if row.get("sharded") else "")
            parts.append(
                f"<tr><td>{row['writer']}</td><td>{row['format']}</td><td>{dt}</td>"
                f"<td>{'yes' if row['declared'] else 'no'}</td><td class='{row['as_is']}'>{row['as_is']}</td>"
                f"<td class='{row['shimmed']}'>{row['shimmed']}</td>"
                f"<td style='text-align:left'>{html.escape(str(row.get('as_is_error', row.get('reason', ''))))}"
                "</td></tr>")
        parts.append("</table>")
    fresh = report.get("fresh_jvm")
    if fresh:
        parts.append(f"<h2>One JVM versus a fresh JVM per read</h2><p>{html.escape(fresh.get('summary', ''))}</p>")
    findings = finding_info()
    byf = report["summary"].get("by_finding", {})
    if byf:
        parts.append("<h2>Findings</h2><table class='findings'><tr><th>finding</th><th>kind</th><th>cells</th>"
                     "<th>what</th></tr>")
        for fid in sorted(byf):
            f = findings.get(fid, {"kind": "", "title": "", "text": ""})
            parts.append(f"<tr><td>{html.escape(fid)}</td><td>{html.escape(f['kind'])}</td><td>{byf[fid]}</td>"
                         f"<td><b>{html.escape(f['title'])}</b><br>{html.escape(f['text'])}</td></tr>")
        parts.append("</table>")
    used = {fid: findings[fid] for fid in byf if fid in findings}

    def js(v: Any) -> str:
        return json.dumps(v, default=str).replace("</", "<\\/")

    parts.append(f"<script>const CELLS={js(cells)};const FINDINGS={js(used)};const SYM={js(SYMBOL)};" + _JS
                 + "</script>")
    return "\n".join(parts) + "\n"
