"""``zarrjvm compat``: the matrix (``--out DIR``) or one existing dataset (``--store PATH``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _names(values: list[str] | None) -> list[str] | None:
    """``--writers a,b --writers c`` → [a, b, c]."""
    if not values:
        return None
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--writers", action="append", metavar="NAMES",
                   help="comma-separated writers (default: all): zarr-python, tensorstore, zarr-java, jzarr, "
                        "netcdf4-python, netcdf-java, h5py, h5netcdf, scipy, xarray, zarrs, nczarr")
    p.add_argument("--readers", action="append", metavar="NAMES",
                   help="comma-separated readers (default: all): zarr-python, tensorstore, zarr-java, jzarr, "
                        "netcdf4-python, netcdf-java, jhdf, h5py, h5netcdf, scipy, zarrs, nczarr")
    p.add_argument("--cases", action="append", metavar="PATTERNS",
                   help="comma-separated case names or glob patterns (default: all); see --list-cases")
    p.add_argument("--out", metavar="DIR", help="where report.json, report.md and report.html go")
    p.add_argument("--store", metavar="PATH", help="check this existing Zarr store or NetCDF file instead")
    p.add_argument("--list-cases", action="store_true", help="print the case names and exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-probe", action="store_true",
                   help="skip the Central-only probe (Java writers as they are, per dtype)")
    p.add_argument("--fresh-jvm-sample", type=int, default=0, metavar="N",
                   help="also read N Java-reader cells again, each in a fresh process and JVM, and report the ratio")
    p.add_argument("--keep", action="store_true", help="keep the written stores (under DIR/stores)")
    p.add_argument("--matrix", action="store_true", help="also print the case × (writer → reader) symbol matrix")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 on any fail or error cell, explained by a finding or not (default: unexplained only)")
    p.add_argument("--implementations", action="append", metavar="MODULE:ATTR",
                   help="add implementations declared with zarrjvm.compat.extension (importable 'module:attribute'; "
                        "installed packages' 'zarrjvm.compat' entry points are always added)")


def _usage_error(message: str) -> int:
    """A mistake in the command line: one line on stderr, exit status 2 (argparse's convention)."""
    print(f"zarrjvm compat: error: {message}", file=sys.stderr)
    return 2


def _list_cases() -> int:
    from .cases import ALL_CASES

    try:
        for c in ALL_CASES:
            print(f"{c.name:44s} {c.format:8s} {c.dtype:4s} {c.codec}")
        sys.stdout.flush()
    except BrokenPipeError:  # `zarrjvm compat --list-cases | head`: the reader stopped reading, as it may
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _failed(report: dict, strict: bool) -> bool:
    """Exit status 1: a cell no finding explains (a matrix), any fail or error (a user's store, or ``--strict``)."""
    bad = [c for c in report["cells"] if c["status"] in ("fail", "error")]
    if strict or "unexplained" not in report.get("summary", {}):
        return bool(bad)
    return bool(report["summary"]["unexplained"])


def run(args: argparse.Namespace) -> int:
    from . import require_peers

    require_peers("zarrjvm compat")
    from .report import text_matrix, text_summary, validate, write_all

    if args.list_cases:
        return _list_cases()
    for target in _names(args.implementations) or []:
        from .extension import load, register

        try:
            register(load(target))
        except (ImportError, AttributeError, ValueError, TypeError) as e:
            return _usage_error(f"--implementations {target}: {e}")
    if args.store:
        from .storecheck import check_store

        if "://" not in args.store and not Path(args.store).exists():
            return _usage_error(f"--store {args.store}: no such file or directory")
        try:
            report = check_store(args.store, _names(args.readers))
        except KeyError as e:  # an unknown reader name
            return _usage_error(str(e.args[0]))
        except ValueError as e:  # a path that is neither a NetCDF/HDF5 file nor a Zarr store
            return _usage_error(str(e))
        print(f"{args.store}: {len(report['cases'])} arrays, reference {report['reference']}")
    else:
        if not args.out:
            print("zarrjvm compat: --out DIR is required for the matrix (or give --store PATH)", file=sys.stderr)
            return 2
        from .runner import run_matrix

        fresh: dict = {}

        def on_cells(cells: list) -> None:
            if args.fresh_jvm_sample > 0:
                from .freshjvm import measure

                fresh["fresh_jvm"] = measure(cells, args.fresh_jvm_sample)

        workdir = Path(args.out) / "stores" if args.keep else None
        t0 = time.perf_counter()
        try:
            report = run_matrix(_names(args.writers), _names(args.readers), _names(args.cases),
                                progress=not args.no_progress, probe=not args.no_probe, workdir=workdir,
                                keep=args.keep, on_cells=on_cells)
        except KeyError as e:  # an unknown writer, reader or case pattern, found before anything runs
            return _usage_error(str(e.args[0]))
        report.update(fresh)
        report["wall_s_including_probe"] = round(time.perf_counter() - t0, 3)
    problems = validate(report)
    if problems:  # the report is a contract: never hand out a broken one
        print("zarrjvm compat: report does not meet its schema: " + "; ".join(problems[:5]), file=sys.stderr)
        return 3
    if args.matrix:
        print(text_matrix(report))
    print(text_summary(report))
    if args.store:
        from .report import one_line

        for c in report["cells"]:
            if c["status"] != "pass":
                print(f"  {c['reader']} on {c['case']}: {one_line(c)}")
    if "fresh_jvm" in report:
        print(report["fresh_jvm"]["summary"])
    if args.out:
        paths = write_all(report, args.out)
        print("reports: " + ", ".join(str(p) for p in paths.values()))
    return 1 if _failed(report, args.strict) else 0
