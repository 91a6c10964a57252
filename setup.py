"""Builds the Java side (tools/build_jars.sh: native blosc + Maven) into zarrjvm/_jars before packaging, so a wheel
carries every jar and a user needs only pip and a JDK."""

import os
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithJars(build_py):
    def run(self):
        jars = ROOT / "zarrjvm" / "_jars"
        if not any(jars.glob("zarrjvm-*.jar")) or os.environ.get("ZARRJVM_REBUILD_JARS"):
            subprocess.check_call(["bash", str(ROOT / "tools" / "build_jars.sh"), sys.executable], cwd=ROOT)
        super().run()


setup(cmdclass={"build_py": BuildPyWithJars})
