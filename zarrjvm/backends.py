"""Which Java backends this installation has, whether each is usable here, and what each claims to read."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from . import _bridge, jvm
from .errors import ZarrJvmError

_SERVICES = "META-INF/services/dev.zarrjvm.backend.Backend"


@dataclass(frozen=True)
class BackendInfo:
    name: str
    usable: bool
    reason: str | None
    formats: tuple[str, ...] = ()
    library: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: what the reader claims to read, as Java declares it (formats, dtypes, v2_codecs, v3_codecs, v2_orders,
    #: v2_byteorders, v2_zero_dim, sharding, netcdf_variants, notes); empty when Java is not available
    capabilities: dict[str, Any] = field(default_factory=dict, compare=False)


def backends() -> list[BackendInfo]:
    """Every backend with whether it is usable and, if not, why. Starts the JVM if needed; without a usable Java, every
    backend the jars declare is listed as unusable with the reason."""
    try:
        raw = json.loads(str(_bridge.call(lambda z: z.backendsJson())))
    except ZarrJvmError as e:
        return [BackendInfo(name, False, str(e)) for name in declared_names()]
    return [
        BackendInfo(b["name"], bool(b["usable"]), b["reason"], tuple(b["capabilities"]["formats"]), b["library"],
                    tuple(b["notes"]), b["capabilities"])
        for b in raw
    ]


def declared_names() -> list[str]:
    """The backends the readers' jar declares (its ServiceLoader entries), read without starting Java."""
    for jar in sorted(jvm.jars_dir().glob("zarrjvm-readers-*.jar")):
        try:
            with zipfile.ZipFile(jar) as z:
                lines = z.read(_SERVICES).decode().splitlines()
        except (OSError, KeyError, zipfile.BadZipFile):
            continue
        # "<class> # <name>": the name follows the class, as a comment ServiceLoader ignores
        return [line.split("#", 1)[1].strip() for line in lines if "#" in line and not line.startswith("#")]
    return []
