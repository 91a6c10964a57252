"""zarrjvm's version: the one in java/pom.xml (``revision``), which the Python build reads (setup.py) and the bundled
readers' jar carries in its name. Read from that name (a directory listing) rather than from the installed metadata:
``importlib.metadata`` costs ``import zarrjvm`` ~0.04 s (it imports the email package)."""

from __future__ import annotations

import re
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _version() -> str:
    for jar in sorted((_PACKAGE / "_jars").glob("zarrjvm-readers-*.jar")):
        return jar.name[len("zarrjvm-readers-"):-len(".jar")]
    pom = _PACKAGE.parent / "java" / "pom.xml"  # a source tree whose jars were never built
    m = re.search(r"<revision>([^<]+)</revision>", pom.read_text()) if pom.is_file() else None
    if m:
        return m.group(1)
    from importlib import metadata

    try:
        return metadata.version("zarrjvm")
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _version()
