"""Declared versus measured for the Java writers on this build's ``ucar.ma2``: each dtype (and v3 sharding) written
by zarr-java and jzarr exactly as they are (``shims=False``) and with zarrjvm's labelled chunk shims, then read back
by zarr-python and compared with the source data. The declaration is what the library claims; a link failure on the
Central-only cdm 4.5.5 is measured here, and is an ``error`` (labelled Central-only), never ``unsupported``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .capabilities import WRITERS, limitation
from .cases import ALL_DTYPES, Case, peer_read
from .judge import ERROR, FAIL, PASS, UNSUPPORTED, compare_values, error_detail


def probe_cases() -> list[Case]:
    out = []
    for fmt, codec in (("zarr-v2", "zlib"), ("zarr-v3", "none")):
        for dt in ALL_DTYPES:
            out.append(Case(f"probe-{fmt}-{dt[1:]}", fmt, dtype=dt, shape=(9, 7), chunks=(4, 4), codec=codec))
    for dt in ("<f4", "<i4"):
        out.append(Case(f"probe-zarr-v3-sharded-{dt[1:]}", "zarr-v3", dtype=dt, shape=(16, 8), chunks=(4, 4),
                        shards=(8, 8)))
    return out


def central_only_probe(root: Path) -> list[dict[str, Any]]:
    """One row per (Java writer, probe case): ``as_is`` and ``shimmed`` statuses with the error when there is one."""
    from .javawrite import write_java

    rows = []
    for writer in ("zarr-java", "jzarr"):
        for case in probe_cases():
            why = limitation(WRITERS[writer], case, "writer")
            row: dict[str, Any] = {"writer": writer, "format": case.format, "dtype": case.dtype[1:],
                                   "sharded": case.shards is not None}
            if why:
                row.update({"declared": False, "reason": why, "as_is": UNSUPPORTED, "shimmed": UNSUPPORTED})
                rows.append(row)
                continue
            row["declared"] = True
            for mode, shims in (("as_is", False), ("shimmed", True)):
                store = root / mode / writer / f"{case.name}.zarr"
                store.parent.mkdir(parents=True, exist_ok=True)
                try:
                    out = write_java(writer, case, store, shims=shims)
                except Exception as e:
                    d = error_detail(e, "write")
                    row[mode] = ERROR
                    row[f"{mode}_error"] = f"{d.get('java_class') or d['exception']}: " \
                                           f"{(d.get('java_message') or d['message'])[:200]}"
                    row[f"{mode}_central_only"] = bool(d.get("central_only"))
                    continue
                diff = compare_values(peer_read(case, str(store), case.array_path), case.expected())
                row[mode] = PASS if diff is None else FAIL
                if diff is not None:
                    row[f"{mode}_diff"] = diff
                if out.get("notes"):
                    row[f"{mode}_notes"] = out["notes"]
            rows.append(row)
    return rows
