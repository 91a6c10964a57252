"""Classpath hygiene of what zarrjvm hands Spark: the built jar must not put a second Arrow, Jackson, Guava or Netty on
Spark's classpath, and must lean on exactly the libraries the tested pyspark bundles."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pyspark
import pytest

import zarrjvm.spark
from zarrjvm.jvm import jars_dir

#: Packages Spark ships in its own versions; a copy inside zarrjvm's jar would shadow or clash with them.
FORBIDDEN = ("org/apache/arrow/", "com/fasterxml/jackson/", "com/google/common/", "io/netty/")
#: What the jar relies on Spark for (name prefixes of pyspark's bundled jars), with the version zarrjvm needs.
FROM_SPARK = {"arrow-vector-": "18.1.0", "arrow-memory-core-": "18.1.0", "arrow-memory-netty-": "18.1.0",
              "zstd-jni-": "1.5", "joda-time-": "2.", "slf4j-api-": "2.", "commons-codec-": "1.17",
              # jHDF's runtime dependencies (the jhdf backend)
              "commons-lang3-": "3.", "compress-lzf-": "1.1", "lz4-java-": "1.8"}
PYSPARK_JARS = Path(pyspark.__file__).parent / "jars"


def _entries() -> list[str]:
    (jar,) = zarrjvm.spark.jars()
    with zipfile.ZipFile(jar) as z:
        return z.namelist()


def test_no_second_arrow_jackson_guava_or_netty() -> None:
    names = _entries()
    bad = [n for n in names if any(p in n for p in FORBIDDEN)]  # anywhere, META-INF/versions/... included
    assert bad == [], f"{len(bad)} unrelocated entries, e.g. {bad[:5]}"


def test_relocated_libraries_and_readers_are_inside() -> None:
    names = set(_entries())
    for cls in ("dev/zarrjvm/shaded/jackson/databind/ObjectMapper.class",  # Jackson 2.20 (zarr-java), Spark has 2.18
                "dev/zarrjvm/shaded/guava/collect/ImmutableList.class",  # cdm's Guava 17, Spark has 33
                "dev/zarrjvm/spark/ZarrDataSource.class",
                "dev/zarr/zarrjava/core/Array.class",
                "com/bc/zarr/ZarrArray.class",
                "ucar/ma2/Array.class",
                "io/jhdf/HdfFile.class",  # the jhdf backend's reader (ServiceLoader lists it)
                "linux-x86-64/libblosc.so",  # jzarr's native blosc, loaded by JNA on the executors
                "linux-x86-64/libzarrjvm_deflate.so"):  # libdeflate, the executors' native zlib/gzip decoding
        assert cls in names, cls
    # zarrjvm's S3 store runs on the executors: the AWS SDK v2 is inside, without its own HTTP clients (zarrjvm's
    # transport is the JDK's); zarr-java's okhttp store is not used by zarrjvm and stays out
    assert "software/amazon/awssdk/services/s3/S3Client.class" in names
    assert "dev/zarrjvm/store/S3ByteStore.class" in names
    assert not any(n.startswith(("software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/nio/netty/",
                                 "software/amazon/awssdk/crt/", "com/squareup/okhttp/")) for n in names)
    # Hadoop comes from Spark (hadoop-client-api, provided), never from this jar
    assert not any(n.startswith("org/apache/hadoop/") for n in names)


def test_the_catalog_spark_conf_names_is_in_the_jar() -> None:
    conf = zarrjvm.spark.spark_conf()
    assert conf["spark.jars"] == ",".join(zarrjvm.spark.jars())
    cls = conf["spark.sql.catalog.zarr"]
    assert cls.replace(".", "/") + ".class" in set(_entries())
    assert "spark.sql.catalog.zarr" not in zarrjvm.spark.spark_conf(catalog=None)


def test_registered_as_zarr() -> None:
    (jar,) = zarrjvm.spark.jars()
    with zipfile.ZipFile(jar) as z:
        service = z.read("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister").decode()
    assert service.split() == ["dev.zarrjvm.spark.ZarrDataSource"]


def test_pyspark_bundles_what_the_jar_leaves_out() -> None:
    assert pyspark.__version__ == "4.0.1"  # the version the jar is compiled against (java/pom.xml spark.version)
    bundled = [p.name for p in PYSPARK_JARS.glob("*.jar")]
    for prefix, version in FROM_SPARK.items():
        hits = [n for n in bundled if n.startswith(prefix) and n[len(prefix):len(prefix) + 1].isdigit()]
        assert hits, f"pyspark {pyspark.__version__} bundles no {prefix}*.jar"
        assert any(n[len(prefix):].startswith(version) for n in hits), (prefix, hits)
    # Spark bundles no AWS SDK v2, so the one inside zarrjvm's jar meets no other
    assert not [n for n in bundled if n.startswith(("bundle-2", "s3-2", "sdk-core-2", "aws-core-2"))]
    # zarrjvm's own Arrow (for Python) is the same release Spark runs
    ours = {re.sub(r"-[\d.]+\.jar$", "", p.name): p.name for p in jars_dir().glob("arrow-vector-*.jar")}
    assert ours == {"arrow-vector": "arrow-vector-18.1.0.jar"}


def test_spark_stays_out_of_the_python_classpath() -> None:
    top = [p.name for p in jars_dir().glob("*.jar")]
    assert not [n for n in top if n.startswith(("spark-", "scala-", "zarrjvm-spark"))], top


def test_the_jar_is_zarrjvm_sparks_of_zarrjvms_version() -> None:
    """The Spark jar comes in the distribution zarrjvm-spark (make setup installs it) of zarrjvm's version (the `spark`
    extra pins it: tests/test_packaging.py reads the wheel's metadata); it is not in zarrjvm's package."""
    from importlib import metadata

    import zarrjvm_spark

    (jar,) = zarrjvm.spark.jars()
    assert Path(jar) == zarrjvm_spark.jar() and Path(jar).parent == Path(zarrjvm_spark.__file__).resolve().parent
    assert Path(jar).name == zarrjvm.spark.SPARK_JAR_NAME
    assert metadata.version("zarrjvm-spark") == zarrjvm.__version__
    assert not list(jars_dir().rglob("zarrjvm-spark-*.jar"))


def test_another_zarrjvm_spark_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import zarrjvm_spark

    monkeypatch.setattr(zarrjvm_spark, "__version__", "0.0.1")
    with pytest.raises(ImportError) as e:
        zarrjvm.spark.jars()
    assert str(e.value) == (f"zarrjvm-spark 0.0.1 is installed, but zarrjvm is {zarrjvm.__version__}: the Spark jar "
                            f"must be zarrjvm's version: pip install 'zarrjvm[spark]=={zarrjvm.__version__}'")
    assert e.value.name == "zarrjvm_spark"
