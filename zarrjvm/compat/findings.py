"""Which entry of ``docs/findings.md`` explains a ``fail`` or ``error`` cell. Every rule names one reproduced upstream
defect, spec ambiguity, or Central-only link failure; a fail/error cell no rule explains is *unexplained* and is listed
as such in the report (a new finding to reproduce)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # "defect", "spec-ambiguity" or "central-only"
    title: str
    applies: Callable[[dict[str, Any], dict[str, Any]], bool]  # (cell, case features)


def _err(cell: dict[str, Any]) -> str:
    d = cell["detail"]
    return f"{d.get('java_class', '')}: {d.get('java_message', '')} {d.get('message', '')}"


RULES: tuple[Rule, ...] = (
    Rule("C1", "central-only", "zarr-java's write path needs netCDF-Java 5.x members of ucar.ma2",
         lambda c, f: c["status"] == "error" and c["detail"].get("stage") == "write" and c["writer"] == "zarr-java"
         and bool(c["detail"].get("central_only"))),
    Rule("C2", "central-only", "jzarr's write path needs netCDF-Java 5.x members of ucar.ma2",
         lambda c, f: c["status"] == "error" and c["detail"].get("stage") == "write" and c["writer"] == "jzarr"
         and bool(c["detail"].get("central_only"))),
    Rule("Z1", "defect", "zarr-java ignores Zarr v2 'order': F arrays are written (and read) as C",
         lambda c, f: c["writer"] == "zarr-java" and c["status"] == "fail" and f.get("format") == "zarr-v2"
         and f.get("order") == "F"),
    Rule("Z2", "defect", "zarr-java ZstdCodec.decode reads ByteBuffer.array(): zstd after crc32c fails",
         lambda c, f: c["reader"] == "zarr-java" and c["status"] == "error" and "ZstdException" in _err(c)),
    Rule("Z3", "defect", "zarr-java rejects the fill value 'Infinity' (it writes that spelling itself)",
         lambda c, f: c["reader"] == "zarr-java" and c["status"] == "error" and "Invalid fill value 'Infinity'"
         in _err(c)),
    Rule("Z7", "defect", "zarr-java requires 'configuration' in the v3 chunk_key_encoding",
         lambda c, f: c["reader"] == "zarr-java" and c["status"] == "error" and "'configuration'" in _err(c)
         and "chunk_key_encoding" in _err(c)),
    Rule("Z8", "defect", "zarr-java drops null-valued members from v3 attributes",
         lambda c, f: c["writer"] == "zarr-java" and c["status"] == "fail" and c["detail"].get("reason") == "attrs"
         and f.get("format") == "zarr-v3"),
    Rule("Z9", "spec-ambiguity", "zarr-java's v2 blosc config carries 'typesize'; tensorstore refuses extra members",
         lambda c, f: c["writer"] == "zarr-java" and c["reader"] == "tensorstore" and c["status"] == "error"
         and "typesize" in _err(c)),
    Rule("Z10", "defect", "zarr-java Array.write fails on a zero-size array",
         lambda c, f: c["writer"] == "zarr-java" and c["status"] == "error" and c["detail"].get("stage") == "write"
         and 0 in (f.get("shape") or [1]) and "outside of the array's domain" in _err(c)),
    Rule("J4", "defect", "jzarr's write of a zero-size array fails in PartialDataCopier",
         lambda c, f: c["writer"] == "jzarr" and c["status"] == "error" and c["detail"].get("stage") == "write"
         and 0 in (f.get("shape") or [1]) and "InvalidRangeException" in _err(c)),
)

BY_ID = {r.id: r for r in RULES}


def explain(cell: dict[str, Any], features: dict[str, Any]) -> Rule | None:
    """The rule explaining a fail/error cell, or None."""
    if cell["status"] not in ("fail", "error"):
        return None
    for rule in RULES:
        if rule.applies(cell, features):
            return rule
    return None


def annotate(cells: list[dict[str, Any]], features_by_case: dict[str, dict[str, Any]]) -> int:
    """Adds ``finding``/``finding_kind`` to explained fail/error cells' details; returns how many stay unexplained."""
    unexplained = 0
    for cell in cells:
        if cell["status"] not in ("fail", "error"):
            continue
        rule = explain(cell, features_by_case.get(cell["case"], {}))
        if rule is None:
            unexplained += 1
            cell["detail"]["finding"] = None
        else:
            cell["detail"]["finding"] = rule.id
            cell["detail"]["finding_kind"] = rule.kind
            cell["detail"]["finding_title"] = rule.title
    return unexplained
