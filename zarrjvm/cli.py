"""The ``zarrjvm`` command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


def _cmd_demo(args: argparse.Namespace) -> int:
    from . import demo

    rows = demo.run()
    bad = [r for r in rows if r.get("equal") == "NO"]
    return 1 if bad else 0


def _cmd_backends(args: argparse.Namespace) -> int:
    """Lists the backends; exits 1 when none is usable here (no Java, missing jars)."""
    from .backends import backends

    found = backends()
    for b in found:
        state = "usable" if b.usable else f"NOT usable: {b.reason}"
        print(f"{b.name:12s} {b.library:32s} {','.join(b.formats):24s} {state}")
        for n in b.notes:
            print(f"{'':14s}- {n}")
    if not any(b.usable for b in found):
        print("zarrjvm: no backend is usable here", file=sys.stderr)
        return 1
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from .array import open_array

    with open_array(args.store, args.path, backend=args.backend) as a:
        print(json.dumps(a.info, indent=2, default=str))
    return 0


# -- compat (issue 3: the cross-implementation compatibility matrix) ----------------------------------------------
def _cmd_compat(args: argparse.Namespace) -> int:
    from .compat.cli import run

    return run(args)


# -- end compat -------------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    from ._version import __version__

    p = argparse.ArgumentParser(prog="zarrjvm", description="Java Zarr/NetCDF readers from Python")
    p.add_argument("--version", action="version", version=f"zarrjvm {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("demo", help="write a sample with zarr-python and read it through every Java backend")
    sub.add_parser("backends", help="list the Java backends and whether they are usable here")
    info = sub.add_parser("info", help="print what a backend reads from an array's metadata")
    info.add_argument("store")
    info.add_argument("--path", default=None)
    info.add_argument("--backend", default="zarr-java")
    from .compat.cli import add_arguments as _compat_arguments  # compat (issue 3)

    _compat_arguments(sub.add_parser("compat", help="the writer × reader × case compatibility matrix, or check one "
                                                    "existing store with every reader"))
    args = p.parse_args(argv)
    handler = {"demo": _cmd_demo, "backends": _cmd_backends, "info": _cmd_info, "compat": _cmd_compat}[args.cmd]
    from .errors import ZarrJvmError

    try:
        return handler(args)
    except (ZarrJvmError, ImportError) as e:
        print(f"zarrjvm: {type(e).__name__}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
