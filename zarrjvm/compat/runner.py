"""Running the matrix in one process: every case written once by every writer, read back by every reader, each cell
judged against the writer's source data. One JVM serves every Java writer and reader for the whole run.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .capabilities import known_defect
from .cases import Case, select
from .implementations import JavaWriter, JvmReader, Reader, Writer, describe, readers, writers
from .judge import ERROR, PASS, STATUSES, UNSUPPORTED, error_detail, judge


@dataclass
class Cell:
    writer: str
    reader: str
    case: str
    status: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"writer": self.writer, "reader": self.reader, "case": self.case, "status": self.status,
                "detail": self.detail}


class Progress:
    """A progress bar on a terminal (one updating line), a line every tenth otherwise; silent when disabled."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True, width: int = 30) -> None:
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.width = width
        self.done = 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_tenth = -1
        self._t0 = time.perf_counter()

    def advance(self, n: int, label: str = "") -> None:
        self.done += n
        if not self.enabled:
            return
        frac = min(1.0, self.done / self.total)
        elapsed = time.perf_counter() - self._t0
        if self.tty:
            filled = int(frac * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} cells {elapsed:5.1f}s {label[:50]:<50}")
            self.stream.flush()
        else:
            tenth = int(frac * 10)
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(f"compat: {self.done}/{self.total} cells ({frac:.0%}) {elapsed:.1f}s\n")
                self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _pick(available: dict[str, Any], names: Sequence[str] | None, what: str) -> list[Any]:
    if names is None:
        return list(available.values())
    unknown = [n for n in names if n not in available]
    if unknown:
        raise KeyError(f"unknown {what} {unknown}; known: {sorted(available)}")
    return [available[n] for n in names]


def resolve(writer_names: Sequence[str] | None = None, reader_names: Sequence[str] | None = None,
            case_patterns: Sequence[str] | None = None) -> tuple[list[Writer], list[Reader], list[Case]]:
    """Implementations and cases by name (case names may be glob patterns); all when None, none when empty."""
    return (_pick(writers(), writer_names, "writers"), _pick(readers(), reader_names, "readers"),
            select(list(case_patterns) if case_patterns else None))


def plan(ws: Iterable[Writer], rs: Iterable[Reader], cs: Iterable[Case]) -> list[tuple[Writer, Reader, Case]]:
    """The cells: every (writer, reader, case) where both the writer and the reader handle the case's format at all.
    Finer limitations (dtype, codec, …) make ``unsupported`` cells rather than no cell."""
    ws, rs = list(ws), list(rs)
    return [(w, r, c) for c in cs for w in ws if c.format in w.caps.formats and c.writer in (None, w.name)
            for r in rs if c.format in r.caps.formats]


def run_cells(cells: list[tuple[Writer, Reader, Case]], workdir: Path, progress: Progress | None = None,
              written: dict[tuple[str, str], tuple[str, Any]] | None = None) -> list[Cell]:
    """Writes each (writer, case) once, reads it with every reader of its cells, judges. Never raises for a cell.
    ``written`` caches the writes across calls (same ``workdir``)."""
    out: list[Cell] = []
    written = {} if written is None else written
    expected_cache: dict[str, Any] = {}
    for w, r, c in cells:
        key = (w.name, c.name)
        if key not in written:
            written[key] = _write(w, c, workdir)
        wstate, winfo = written[key]
        cell = Cell(w.name, r.name, c.name, UNSUPPORTED)
        why = None if wstate == UNSUPPORTED else r.limitation(c)
        if wstate == UNSUPPORTED:
            cell.detail = {"side": "writer", "reason": winfo}
        elif why:  # declared by the reader: unsupported whatever the writer did
            cell.detail = {"side": "reader", "reason": why}
        elif wstate == ERROR:
            cell.status, cell.detail = ERROR, dict(winfo)
        else:
            store, path, wnotes, write_s = winfo
            if c.name not in expected_cache:
                expected_cache[c.name] = c.expected()
            cell.status, cell.detail = _read(r, c, store, path, expected_cache[c.name])
            cell.detail["store"], cell.detail["path"] = store, path
            if wnotes:
                cell.detail["writer_notes"] = wnotes
            cell.detail["write_s"] = round(write_s, 5)
        out.append(cell)
        if progress is not None:
            progress.advance(1, f"{w.name} → {r.name} {c.name}")
    return out


def write_case(w: Writer, c: Case, root: Path) -> tuple[str, str, list[str]]:
    """``w`` writes ``c`` under ``root``: ``(store, array_path, notes)``. A writer's defaults case (``c.writer``) is
    written the way that writer's users do, passing only the data (:mod:`.defaults`)."""
    if c.writer is None:
        return w.write(c, root)
    if c.writer != w.name:
        raise ValueError(f"case {c.name} is {c.writer}'s defaults, not {w.name}'s")
    from .cases import NETCDF_FORMATS
    from .defaults import write_default

    out = root / (f"{c.name}.nc" if c.format in NETCDF_FORMATS else f"{c.name}.zarr")
    return str(out), write_default(c, out), []


def _write(w: Writer, c: Case, workdir: Path) -> tuple[str, Any]:
    why = w.limitation(c)
    if why:
        return UNSUPPORTED, why
    root = workdir / w.name
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            store, path, notes = write_case(w, c, root)
    except Exception as e:  # a writer's failure is that cell's result, never the run's
        return ERROR, error_detail(e, "write")
    notes = list(notes) + [f"warning: {w_.message}" for w_ in caught]
    return "written", (store, path, notes, time.perf_counter() - t0)


def _read(r: Reader, c: Case, store: str, path: str, expected: Any) -> tuple[str, dict[str, Any]]:
    t0 = time.perf_counter()
    try:
        res = r.read(c, store, path)
    except Exception as e:
        detail = error_detail(e, "read")
        defect = known_defect(r.name, c)
        if defect is not None:
            detail["known_defect"] = defect.id
        detail["read_s"] = round(time.perf_counter() - t0, 5)
        return ERROR, detail
    read_s = time.perf_counter() - t0
    status, detail = judge(c, res.values, res.attrs if c.format in r.caps.attrs_formats else None, expected)
    if res.notes:
        detail["reader_notes"] = res.notes
    detail["read_s"] = round(read_s, 5)
    return status, detail


def summarize(cells: list[Cell]) -> dict[str, Any]:
    """Counts per status: overall, per reader, per writer, and per (writer, reader)."""
    def empty() -> dict[str, int]:
        return {s: 0 for s in STATUSES}

    totals = empty()
    by_reader: dict[str, dict[str, int]] = {}
    by_writer: dict[str, dict[str, int]] = {}
    by_pair: dict[str, dict[str, int]] = {}
    central = 0
    for cell in cells:
        totals[cell.status] += 1
        by_reader.setdefault(cell.reader, empty())[cell.status] += 1
        by_writer.setdefault(cell.writer, empty())[cell.status] += 1
        by_pair.setdefault(f"{cell.writer} → {cell.reader}", empty())[cell.status] += 1
        if cell.detail.get("central_only"):
            central += 1
    return {"totals": totals, "by_reader": by_reader, "by_writer": by_writer, "by_pair": by_pair,
            "errors_central_only": central}


def environment() -> dict[str, Any]:
    from .. import jvm

    env: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform(),
                           "cpus": os.cpu_count()}
    try:
        info = jvm.build_info()
        env.update({"java": info.get("java_version"), "cdm": info.get("cdm.artifact"),
                    "ma2_unsigned_types": info.get("ma2_unsigned_types")})
    except Exception as e:  # the report says why rather than failing
        env["java"] = f"unavailable: {e}"
    try:
        env["loadavg_at_end"] = list(os.getloadavg())
    except OSError:
        pass
    return env


def build_report(ws: list[Writer], rs: list[Reader], cs: list[Case], cells: list[Cell], elapsed: float,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report document. Its first four keys are the contract (``implementations``, ``cases``, ``cells``,
    ``elapsed_s``); the rest is for people."""
    impls: dict[str, dict[str, Any]] = {}
    for impl in [*ws, *rs]:
        d = impls.get(impl.name)
        if d is None:
            d = describe(impl)
            d["roles"] = []
            d["declared"] = {}
            impls[impl.name] = d
        if impl.role not in d["roles"]:
            d["roles"].append(impl.role)
        d["declared"][impl.role] = describe(impl)["declared"]
    from .findings import annotate

    cell_dicts = [cell.to_json() for cell in cells]
    unexplained = annotate(cell_dicts, {c.name: c.features for c in cs})
    summary = summarize(cells)
    summary["unexplained"] = unexplained
    summary["unavailable"] = sorted({f"{u['name']} ({u['role']})" for u in (extra or {}).get("unavailable", [])})
    summary["by_finding"] = {}
    for cd in cell_dicts:
        if cd["detail"].get("finding"):
            summary["by_finding"][cd["detail"]["finding"]] = summary["by_finding"].get(cd["detail"]["finding"], 0) + 1
    report: dict[str, Any] = {
        "implementations": [{"name": d["name"], "version": d["version"], "roles": d["roles"],
                             "library": d["library"], "declared": d["declared"]} for d in impls.values()],
        "cases": [{"name": c.name, **c.features} for c in cs],
        "cells": cell_dicts,
        "elapsed_s": float(round(elapsed, 3)),
        "summary": summary,
        "environment": environment(),
    }
    if extra:
        report.update(extra)
    return report


def available(ws: list[Writer], rs: list[Reader]) -> tuple[list[Writer], list[Reader], list[dict[str, str]]]:
    """The writers and readers that can run here, and why each of the others cannot (its package does not import,
    no JVM): those are *unavailable*, their cells skipped rather than turned into errors."""
    missing: list[dict[str, str]] = []

    def keep(impl: Writer | Reader) -> bool:
        check = getattr(impl, "unavailable", None)
        why = check() if check is not None else None
        if why:
            missing.append({"name": impl.name, "role": impl.role, "reason": why})
        return not why

    return [w for w in ws if keep(w)], [r for r in rs if keep(r)], missing


def run_matrix(writer_names: Sequence[str] | None = None, reader_names: Sequence[str] | None = None,
               case_patterns: Sequence[str] | None = None, *, extra_writers: Sequence[Writer] = (),
               extra_readers: Sequence[Reader] = (), workdir: str | Path | None = None, keep: bool = False,
               progress: bool | Progress = False, probe: bool = False,
               on_cells: Callable[[list[Cell]], None] | None = None) -> dict[str, Any]:
    """Runs the matrix and returns the report (see :func:`build_report`). ``extra_*`` add implementations (objects)
    beyond the named ones; ``probe`` adds the Central-only probe of the Java writers as they are (no shims)."""
    t0 = time.perf_counter()
    ws, rs, cs = resolve(writer_names, reader_names, case_patterns)
    ws += list(extra_writers)
    rs += list(extra_readers)
    extra: dict[str, Any] = {}
    ws, rs, extra["unavailable"] = available(ws, rs)
    cells_plan = plan(ws, rs, cs)
    if any(isinstance(i, (JavaWriter, JvmReader)) for i in [*ws, *rs]):
        # the one JVM of the run, started up front so per-cell read times are reads only
        from .. import jvm

        t1 = time.perf_counter()
        was_running = jvm.is_started()
        jvm.ensure_started()
        extra["jvm_start_s"] = 0.0 if was_running else round(time.perf_counter() - t1, 3)
    tmp = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="zarrjvm-compat-"))
    bar = progress if isinstance(progress, Progress) else Progress(len(cells_plan), enabled=bool(progress))
    try:
        cells = run_cells(cells_plan, tmp, bar)
        bar.close()
        elapsed = time.perf_counter() - t0  # the matrix itself, JVM start included
        if probe:
            t1 = time.perf_counter()
            from .probe import central_only_probe

            extra["central_only_probe"] = central_only_probe(tmp / "_probe")
            extra["probe_s"] = round(time.perf_counter() - t1, 3)
        if on_cells is not None:
            on_cells(cells)  # while the written stores still exist
        prefix = str(tmp) + os.sep
        for cell in cells:  # no paths into a (deleted) temporary directory: relative to the run's store directory
            if "store" in cell.detail:
                cell.detail["store"] = os.path.relpath(cell.detail["store"], tmp)
            for key in ("message", "java_message"):
                if isinstance(cell.detail.get(key), str):
                    cell.detail[key] = cell.detail[key].replace(prefix, "")
    finally:
        from .workers import stop_all

        stop_all()  # the persistent workers (zarr-python 2, zarrita) end with the run
        if not keep and workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return build_report(ws, rs, cs, cells, elapsed, extra)


def passed(report: dict[str, Any]) -> int:
    return sum(1 for c in report["cells"] if c["status"] == PASS)
