"""zarrjvm's version: the one in java/pom.xml (``revision``), which the Python build reads (setup.py)."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path


def _version() -> str:
    try:
        return metadata.version("zarrjvm")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        pom = Path(__file__).resolve().parents[1] / "java" / "pom.xml"
        m = re.search(r"<revision>([^<]+)</revision>", pom.read_text()) if pom.is_file() else None
        return m.group(1) if m else "0+unknown"


__version__ = _version()
