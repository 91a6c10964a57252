"""Builds the Java side (tools/build_jars.sh: native blosc, then Maven) and copies its jars into zarrjvm/_jars before
packaging, so a wheel carries every jar and a user needs only pip and a JDK. The version comes from java/pom.xml."""

import os
import re
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def version() -> str:
    """The project's one version: <revision> of java/pom.xml."""
    m = re.search(r"<revision>([^<]+)</revision>", (ROOT / "java" / "pom.xml").read_text())
    if not m:
        raise RuntimeError("java/pom.xml has no <revision>")
    return m.group(1)


class BuildPyWithJars(build_py):
    def run(self):
        jars = ROOT / "zarrjvm" / "_jars"
        if not any(jars.glob("zarrjvm-readers-*.jar")) or os.environ.get("ZARRJVM_REBUILD_JARS"):
            subprocess.check_call(["bash", str(ROOT / "tools" / "build_jars.sh"), sys.executable], cwd=ROOT)
        super().run()


setup(version=version(), cmdclass={"build_py": BuildPyWithJars})
