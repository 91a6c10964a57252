"""Builds the Java side (tools/build_jars.sh: native blosc and libdeflate, then Maven) and copies its jars into
zarrjvm/_jars before packaging, so a wheel carries every jar reading needs and a user needs only pip and a JDK. The
version comes from java/pom.xml. The Spark jar is not among them: it is the distribution zarrjvm-spark (spark-dist/),
which the ``spark`` extra pins to this version (so the extras are set here, where the version is known).

The jars hold native libraries (jzarr's libblosc and zarrjvm's libdeflate, built here; zarr-java's blosc and zstd JNI
libraries; Arrow's C Data JNI library), so the wheel is not pure: its platform tag is the manylinux policy that every
native library for this machine's architecture meets, as auditwheel computes it from their versioned symbols.
"""

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
JARS = ROOT / "zarrjvm" / "_jars"


def version() -> str:
    """The project's one version: <revision> of java/pom.xml."""
    m = re.search(r"<revision>([^<]+)</revision>", (ROOT / "java" / "pom.xml").read_text())
    if not m:
        raise RuntimeError("java/pom.xml has no <revision>")
    return m.group(1)


class BuildPyWithJars(build_py):
    def run(self):
        if not any(JARS.glob("zarrjvm-readers-*.jar")) or os.environ.get("ZARRJVM_REBUILD_JARS"):
            subprocess.check_call(["bash", str(ROOT / "tools" / "build_jars.sh"), sys.executable, "--without-spark"],
                                  cwd=ROOT)
        # build_py copies package data but never deletes: jars dropped since an earlier build must not come along
        shutil.rmtree(Path(self.build_lib) / "zarrjvm" / "_jars", ignore_errors=True)
        super().run()


class NativeContent(Distribution):
    """The package holds native libraries (inside its jars): it installs as platform content (platlib)."""

    def has_ext_modules(self):
        return True


def native_libraries(jars_dir: Path, machine: str):
    """(jar entry, ELFFile) of every ELF shared library for ``machine`` (ELF e_machine, e.g. EM_X86_64) inside the
    jars the wheel carries."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    for jar in sorted(jars_dir.rglob("*.jar")):
        with zipfile.ZipFile(jar) as z:
            for name in z.namelist():
                if not name.endswith(".so"):
                    continue
                data = io.BytesIO(z.read(name))
                try:
                    elf = ELFFile(data)
                except ELFError:
                    continue
                if elf.header.e_machine == machine:
                    yield f"{jar.name}!{name}", elf


def manylinux_tag(jars_dir: Path) -> str:
    """The manylinux platform tag all native libraries for this architecture meet (auditwheel's policies)."""
    from auditwheel.architecture import Architecture
    from auditwheel.elfutils import elf_find_versioned_symbols
    from auditwheel.libc import Libc
    from auditwheel.policy import WheelPolicies

    arch = Architecture.detect()
    policies = WheelPolicies(libc=Libc.GLIBC, arch=arch)
    machine = {"x86_64": "EM_X86_64", "aarch64": "EM_AARCH64"}.get(arch.value)
    needs: dict[str, set[str]] = {}
    for _, elf in native_libraries(jars_dir, machine):
        for lib, v in elf_find_versioned_symbols(elf):
            needs.setdefault(lib, set()).add(v)
    return policies.versioned_symbols_policy(needs).name


class PlatformWheel(bdist_wheel):
    """py3-none-<manylinux policy>: any Python 3, no Python ABI, the platform the native libraries need."""

    def get_tag(self):
        if not sys.platform.startswith("linux"):
            return "py3", "none", super().get_tag()[2]
        return "py3", "none", manylinux_tag(JARS)


def extras(version: str) -> dict[str, list[str]]:
    return {
        # the compatibility matrix (zarrjvm.compat, `zarrjvm compat`, its pytest plugin) and `zarrjvm demo` drive these
        "compat": ["zarr>=3", "numcodecs", "crc32c", "tensorstore", "netCDF4", "h5py", "h5netcdf", "scipy", "xarray",
                   "zarrs"],
        "test": ["zarrjvm[compat]", "pytest", "hypothesis"],
        # zarrjvm.spark: the Spark jar comes in zarrjvm-spark (spark-dist/), of exactly this version
        "spark": [f"zarrjvm-spark=={version}", "pyspark>=4.0,<4.1", "pandas>=2"],
        # engine="zarrjvm" (zarrjvm.xarray_backend, registered in pyproject.toml); dask for chunks={}
        "xarray": ["xarray>=2024.10", "dask[array]"],
    }


setup(version=version(), extras_require=extras(version()), distclass=NativeContent,
      cmdclass={"build_py": BuildPyWithJars, "bdist_wheel": PlatformWheel})
