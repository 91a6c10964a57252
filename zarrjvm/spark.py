"""Zarr arrays as Spark DataFrames, through zarrjvm's DataSource V2 ``zarr`` (the same Java readers Python uses).

::

    from pyspark.sql import SparkSession
    import zarrjvm.spark

    spark = SparkSession.builder.config("spark.jars", ",".join(zarrjvm.spark.jars())).getOrCreate()
    df = zarrjvm.spark.read_zarr(spark, "data.zarr/temp")                 # dim_0, dim_1, value
    df = zarrjvm.spark.read_zarr(spark, "data.zarr", arrays=["u", "v"])   # dim_0, dim_1, u, v
    # the same as spark.read.format("zarr").option("arrays", "u,v").load("data.zarr")

One row per array element. Filters on ``dim_*`` prune chunks; arrays not selected are not read. Unsigned dtypes are
widened (uint8→short, uint16→int, uint32→long, uint64→decimal(20,0)) and each column's schema metadata says so.
This module does not start zarrjvm's own (JPype) JVM: Spark runs its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import errors
from ._jvm import jars_dir

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["jars", "read_zarr", "SPARK_JAR_NAME"]

#: The one jar zarrjvm hands Spark: zarrjvm, the readers, and (relocated) the few libraries Spark has in other
#: versions. Arrow, Netty, zstd-jni and logging come from Spark itself.
SPARK_JAR_NAME = "zarrjvm-spark-0.1.0.jar"
_JAVA_PACKAGE = "dev.zarrjvm."


def jars() -> list[str]:
    """What to pass as ``spark.jars`` (join with commas): the path of zarrjvm's Spark jar.

    Raises :class:`zarrjvm.JavaNotFoundError` when the jar was never built (``make setup`` builds it).
    """
    jar = jars_dir() / "spark" / SPARK_JAR_NAME
    if not jar.is_file():
        raise errors.JavaNotFoundError(
            f"zarrjvm's Spark jar is missing ({jar}): build it with `make setup` (or install a built wheel)"
        )
    return [str(jar)]


def read_zarr(
    spark: SparkSession,
    path: str | os.PathLike[str],
    arrays: str | Sequence[str] | None = None,
    backend: str = "zarr-java",
) -> DataFrame:
    """A DataFrame with one row per element: ``dim_0 … dim_{n-1}`` (long) and ``value`` for the array at ``path``, or,
    when ``arrays`` names same-shape arrays of the group at ``path``, one column per array.

    ``backend`` is a zarrjvm backend: ``"zarr-java"`` (Zarr v2 and v3) or ``"jzarr"`` (Zarr v2). Errors found while
    planning (a missing path or array, arrays of different shapes) raise the matching :class:`zarrjvm.ZarrJvmError`
    naming it; ``spark`` must have been started with :func:`jars` in ``spark.jars``.
    """
    reader = spark.read.format("zarr").option("backend", backend)
    if arrays is not None:
        names = [arrays] if isinstance(arrays, str) else list(arrays)
        if not names:
            raise errors.InvalidArgumentError("arrays= is empty: name at least one array of the group")
        reader = reader.option("arrays", ",".join(names))
    try:
        return reader.load(str(Path(path)))
    except Exception as e:  # py4j / pyspark exceptions carrying a Java one
        converted = _from_spark(e)
        if converted is None:
            raise
        raise converted from e


def _java_exception(e: BaseException) -> Any:
    """The Java throwable behind a py4j or pyspark exception, or None."""
    je = getattr(e, "java_exception", None)  # py4j.protocol.Py4JJavaError
    if je is None:
        je = getattr(e, "_origin", None)  # pyspark.errors CapturedException
    return je


def _from_spark(e: BaseException) -> errors.ZarrJvmError | None:
    """The zarrjvm error for a failure of the ``zarr`` source seen through Spark: the outermost zarrjvm exception in the
    Java cause chain decides the class (as :func:`zarrjvm.errors.translate` does for JPype); a missing data source
    says how to add the jar."""
    je = _java_exception(e)
    if je is None:
        return None
    chain = []
    cur, seen = je, 0
    while cur is not None and seen < 64:
        chain.append(cur)
        nxt = cur.getCause()
        if nxt is None or nxt.equals(cur):
            break
        cur, seen = nxt, seen + 1
    root = chain[-1]
    java_class = str(root.getClass().getName())
    java_message = str(root.getMessage()) if root.getMessage() is not None else ""
    for t in chain:
        name = str(t.getClass().getName())
        message = str(t.getMessage()) if t.getMessage() is not None else name
        if name.startswith(_JAVA_PACKAGE + "errors."):
            cls = errors._KIND_TO_CLASS.get(str(t.kind()), errors.ZarrJvmError)
            return cls(message, java_class=java_class, java_message=java_message)
        if name == "java.lang.IllegalArgumentException" and message.startswith("zarr:"):
            return errors.InvalidArgumentError(message, java_class=java_class, java_message=java_message)
    text = str(je.toString())
    if "DATA_SOURCE_NOT_FOUND" in text or "Failed to find the data source: zarr" in text:
        return errors.JavaNotFoundError(
            "Spark does not know the data source 'zarr': start the SparkSession with "
            "config('spark.jars', ','.join(zarrjvm.spark.jars()))",
            java_class=java_class,
            java_message=java_message,
        )
    return None
