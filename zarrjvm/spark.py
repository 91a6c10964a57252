"""Zarr arrays as Spark DataFrames, through zarrjvm's DataSource V2 ``zarr`` (the same Java readers Python uses).

::

    from pyspark.sql import SparkSession
    import zarrjvm.spark

    b = SparkSession.builder
    for k, v in zarrjvm.spark.spark_conf().items():  # the jar, and the `zarr` catalog for SQL on paths
        b = b.config(k, v)
    spark = b.getOrCreate()
    df = zarrjvm.spark.read_zarr(spark, "data.zarr/temp")                 # time, lat, lon, value
    df = zarrjvm.spark.read_zarr(spark, "data.zarr", arrays=["u", "v"])   # dimensions (coordinates), u, v
    # the same as spark.read.format("zarr").option("arrays", "u,v").load("data.zarr")

One row per array element; dimension columns are named by the store's dimension names (``dim_i`` without) and hold
a coordinate variable's values where the group has one. Filters on them prune chunks; arrays not selected are not
read. Stores: local paths, ``file:``, ``http(s)://``, ``s3://`` and any Hadoop file system. Unsigned dtypes are widened
(uint8→short, uint16→int, uint32→long, uint64→decimal(20,0)) and each column's schema metadata says so. This module
does not start zarrjvm's own (JPype) JVM: Spark runs its own.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from . import errors
from ._version import __version__

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SPARK_JAR_NAME", "from_spark", "jars", "read_zarr", "spark_conf", "typed_errors"]

#: The one jar zarrjvm hands Spark: zarrjvm, the readers, and (relocated) the few libraries Spark has in other
#: versions. Arrow, Netty, zstd-jni and logging come from Spark itself.
SPARK_JAR_NAME = f"zarrjvm-spark-{__version__}.jar"


def jars() -> list[str]:
    """What to pass as ``spark.jars`` (join with commas): the path of zarrjvm's Spark jar, which comes in the
    distribution zarrjvm-spark (``pip install 'zarrjvm[spark]'``), package ``zarrjvm_spark``.

    Raises :class:`ImportError` when zarrjvm-spark is not installed or is not zarrjvm's version, and
    :class:`zarrjvm.JavaNotFoundError` when its jar is missing.
    """
    try:
        import zarrjvm_spark
    except ImportError:
        raise ImportError(
            "zarrjvm's Spark jar comes in the distribution zarrjvm-spark, which is not installed: "
            "pip install 'zarrjvm[spark]'",
            name="zarrjvm_spark",
        ) from None
    if zarrjvm_spark.__version__ != __version__:
        raise ImportError(
            f"zarrjvm-spark {zarrjvm_spark.__version__} is installed, but zarrjvm is {__version__}: the Spark jar must "
            f"be zarrjvm's version: pip install 'zarrjvm[spark]=={__version__}'",
            name="zarrjvm_spark",
        )
    jar = zarrjvm_spark.jar()
    if not jar.is_file():
        raise errors.JavaNotFoundError(f"zarrjvm's Spark jar is missing ({jar}): reinstall zarrjvm-spark")
    return [str(jar)]


def _jar_properties() -> dict[str, str]:
    """``META-INF/zarrjvm/spark.properties`` of the Spark jar: what the Java side calls its classes."""
    import zipfile

    with zipfile.ZipFile(jars()[0]) as z:
        text = z.read("META-INF/zarrjvm/spark.properties").decode()
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def spark_conf(catalog: str | None = "zarr") -> dict[str, str]:
    """Settings for ``SparkSession.builder`` (``for k, v in spark_conf().items(): builder.config(k, v)``): zarrjvm's
    jar in ``spark.jars`` and, unless ``catalog`` is None, a catalog of that name whose tables are stores, so that SQL
    reads a path directly (``SELECT sum(value) FROM zarr.`/data/a.zarr```)."""
    conf = {"spark.jars": ",".join(jars())}
    if catalog:
        conf[f"spark.sql.catalog.{catalog}"] = _jar_properties()["catalog"]
    return conf


def _location(path: str | os.PathLike[str]) -> str:
    """A store as the JVM should see it: URLs (``http://``, ``s3://``, ``file:///``, ``hdfs://`` ...) exactly as
    given, a local path made absolute against *this* process's working directory (Spark's JVM has its own)."""
    p = os.fspath(path)
    if "://" in p or p.startswith("file:"):
        return p
    return os.path.abspath(p)


def _option(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def read_zarr(
    spark: SparkSession,
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    arrays: str | Sequence[str] | None = None,
    backend: str = "zarr-java",
    **options: Any,
) -> DataFrame:
    """A DataFrame with one row per element: one column per dimension (named by the store's dimension names, else
    ``dim_0 …``; a dimension with a 1-D coordinate variable in the group holds its values) and ``value`` for the array
    at ``path``, or, when ``arrays`` names same-shape arrays of the group at ``path``, one column per array (a group
    without ``arrays`` gives all its arrays of the largest rank that are not coordinates).

    ``path`` is a local path, a URL (``file://``, ``http(s)://``, ``s3://``, or any Hadoop file system scheme such as
    ``hdfs://``, ``s3a://``), a glob, or a list of them (one table; ``_metadata.file_path`` names each row's store).
    ``backend`` is a zarrjvm backend: ``"zarr-java"`` (Zarr v2 and v3), ``"jzarr"`` (Zarr v2), ``"netcdf-java"`` or
    ``"jhdf"``.
    Other keyword arguments are the data source's options (``maxPartitionBytes``, ``chunksPerPartition``,
    ``batchSize``, ``fileSystem``, ``storageOptions`` as a dict, ``coordinates``, ``maskAndScale``, ``pathGlobFilter``,
    ``fs.*`` Hadoop settings). Errors found while planning (a missing path or array, arrays of different shapes) raise
    the matching :class:`zarrjvm.ZarrJvmError` naming it; wrap actions in :func:`typed_errors` for the same at action
    time. ``spark`` must have been started with :func:`jars` in ``spark.jars``.
    """
    reader = spark.read.format("zarr").option("backend", backend)
    if arrays is not None:
        names = [arrays] if isinstance(arrays, str) else list(arrays)
        if not names:
            raise errors.InvalidArgumentError("arrays= is empty: name at least one array of the group")
        reader = reader.option("arrays", ",".join(names))
    for k, v in options.items():
        reader = reader.option(k, _option(v))
    many = not isinstance(path, (str, os.PathLike))
    if isinstance(path, (str, os.PathLike)):
        locations = [_location(path)]
    else:
        locations = [_location(p) for p in path]
    if not locations:
        raise errors.InvalidArgumentError("no path given: name at least one store")
    try:
        return reader.load(locations if many else locations[0])
    except Exception as e:  # py4j / pyspark exceptions carrying a Java one
        converted = from_spark(e)
        if converted is None:
            raise
        raise converted from None


@contextlib.contextmanager
def typed_errors() -> Iterator[None]:
    """Actions on a ``zarr`` DataFrame raise zarrjvm's typed errors (a corrupt chunk: :class:`zarrjvm.ChunkDecodeError`
    naming the store, the array and the chunk) instead of py4j's ``Py4JJavaError``::

        with zarrjvm.spark.typed_errors():
            df.agg(F.sum("value")).collect()

    Exceptions that do not come from zarrjvm pass unchanged.
    """
    try:
        yield
    except Exception as e:
        converted = from_spark(e)
        if converted is None:
            raise
        raise converted from None


def _java_exception(e: BaseException) -> Any:
    """The Java throwable behind a py4j or pyspark exception, or None."""
    je = getattr(e, "java_exception", None)  # py4j.protocol.Py4JJavaError
    if je is None:
        je = getattr(e, "_origin", None)  # pyspark.errors CapturedException
    return je


def from_spark(e: BaseException) -> errors.ZarrJvmError | None:
    """The zarrjvm error behind an exception of a Spark job or plan that read the ``zarr`` source (``None`` when it is
    not zarrjvm's): the same mapping of Java's error kinds as for zarrjvm's own JVM (:func:`zarrjvm.errors.from_java`).
    A Spark without zarrjvm's jar gets a :class:`zarrjvm.JavaNotFoundError` saying how to add it. Use it around
    actions too::

        try:
            df.count()
        except Exception as e:
            raise zarrjvm.spark.from_spark(e) or e
    """
    je = _java_exception(e)
    if je is None:
        return None
    converted = errors.from_java(je)
    if type(converted) is not errors.ZarrJvmError:
        return converted
    if "DATA_SOURCE_NOT_FOUND" in str(je.toString()) or "Failed to find the data source: zarr" in str(je.toString()):
        return errors.JavaNotFoundError(
            "Spark does not know the data source 'zarr': start the SparkSession with "
            "config('spark.jars', ','.join(zarrjvm.spark.jars()))",
            java_class=converted.java_class,
            java_message=converted.java_message,
            java_exception=je,
        )
    return None
