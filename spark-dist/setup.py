"""zarrjvm-spark's build: the jar Maven built in the zarrjvm checkout around this directory
(java/spark/target/zarrjvm-spark-<version>.jar, after `make setup` or `bash tools/build_jars.sh`) becomes package data
of ``zarrjvm_spark``; the version is java/pom.xml's <revision>, zarrjvm's. The sdist carries the jar and its version
(PKG-INFO), so the wheel builds from the sdist alone, as ``python -m build`` does."""

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "zarrjvm_spark"
CHECKOUT = HERE.parent
#: an unpacked sdist (PKG-INFO at its top) rather than the checkout
FROM_SDIST = (HERE / "PKG-INFO").is_file()


def version() -> str:
    if FROM_SDIST:
        m = re.search(r"^Version: (\S+)$", (HERE / "PKG-INFO").read_text(), re.MULTILINE)
    else:
        pom = CHECKOUT / "java" / "pom.xml"
        if not pom.is_file():
            raise SystemExit(f"error: zarrjvm-spark is built from a zarrjvm checkout: {pom} is missing")
        m = re.search(r"<revision>([^<]+)</revision>", pom.read_text())
    if not m:
        raise SystemExit("error: zarrjvm-spark: no version (java/pom.xml <revision>, or PKG-INFO in an sdist)")
    return m.group(1)


def place_jar() -> None:
    """The jar of this version into the package: from Maven's output in a checkout; an sdist already holds it."""
    name = f"zarrjvm-spark-{version()}.jar"
    if FROM_SDIST:
        if not (PACKAGE / name).is_file():
            raise SystemExit(f"error: this zarrjvm-spark sdist lacks zarrjvm_spark/{name}")
        return
    built = CHECKOUT / "java" / "spark" / "target" / name
    if not built.is_file():
        raise SystemExit(
            f"error: zarrjvm-spark packages the Spark jar Maven builds, and {built} is missing: run `make setup` (or "
            "`bash tools/build_jars.sh`) in the zarrjvm checkout first"
        )
    for old in PACKAGE.glob("zarrjvm-spark-*.jar"):
        old.unlink()
    shutil.copy2(built, PACKAGE / name)


class SdistWithJar(sdist):
    def run(self):
        place_jar()
        super().run()


class BuildPyWithJar(build_py):
    def run(self):
        place_jar()
        # build_py copies package data but never deletes: a jar of an earlier version must not come along
        shutil.rmtree(Path(self.build_lib) / "zarrjvm_spark", ignore_errors=True)
        super().run()


setup(version=version(), cmdclass={"sdist": SdistWithJar, "build_py": BuildPyWithJar})
