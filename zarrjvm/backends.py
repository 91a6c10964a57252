"""Which Java backends this installation has, and whether each is usable here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import _jvm
from .errors import ZarrJvmError, java_errors

#: Backends zarrjvm knows, whether or not this build can use them.
KNOWN = ("zarr-java", "jzarr", "netcdf-java")


@dataclass(frozen=True)
class BackendInfo:
    name: str
    usable: bool
    reason: str | None
    formats: tuple[str, ...] = ()
    library: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def backends() -> list[BackendInfo]:
    """Every backend with whether it is usable and, if not, why. Starts the JVM if needed; a missing Java makes every
    backend unusable with the reason."""
    try:
        facade = _jvm.facade()
        with java_errors():
            raw = json.loads(str(facade.backendsJson()))
    except ZarrJvmError as e:
        return [BackendInfo(name, False, str(e)) for name in KNOWN]
    return [
        BackendInfo(
            b["name"], bool(b["usable"]), b["reason"], tuple(b["formats"]), b["library"], tuple(b["notes"])
        )
        for b in raw
    ]
