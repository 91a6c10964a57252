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
                        "netcdf4-python, netcdf-java")
    p.add_argument("--readers", action="append", metavar="NAMES",
                   help="comma-separated readers (default: all): zarr-python, tensorstore, zarr-java, jzarr, "
                        "netcdf4-python, netcdf-java, jhdf")
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


def run(args: argparse.Namespace) -> int:
    from . import require_peers

    require_peers("zarrjvm compat")
    from .report import text_matrix, text_summary, validate, write_all

    if args.list_cases:
        from .cases import ALL_CASES

        for c in ALL_CASES:
            print(f"{c.name:44s} {c.format:8s} {c.dtype:4s} {c.codec}")
        return 0
    if args.store:
        from .storecheck import check_store

        report = check_store(args.store, _names(args.readers))
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
        report = run_matrix(_names(args.writers), _names(args.readers), _names(args.cases),
                            progress=not args.no_progress, probe=not args.no_probe, workdir=workdir,
                            keep=args.keep, on_cells=on_cells)
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
    return 0
