"""zarrjvm's Spark jar (the DataSource V2 ``zarr``) as package data; ``zarrjvm.spark.jars()`` finds it here.

Install it as ``pip install 'zarrjvm[spark]'`` (the same version as zarrjvm)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

__all__ = ["__version__", "jar"]

__version__ = metadata.version("zarrjvm-spark")


def jar() -> Path:
    """The path of the jar, ``zarrjvm-spark-<version>.jar`` next to this module."""
    return Path(__file__).resolve().parent / f"zarrjvm-spark-{__version__}.jar"
