"""The user's path: the sdist and the wheel built the way ``python -m build`` builds them (sdist first, the wheel from
the sdist, build requirements in an isolated environment), the wheel installed with only its declared dependencies
into a new venv outside the repository, and there: import, read Zarr v2, Zarr v3 and NetCDF through every backend and
compare with what the peers (zarr-python, netCDF4) read here; the wheel's tag checked against what its native
libraries need; and an unrelated project's pytest run that never imports zarrjvm. The Spark jar is a distribution of
its own, zarrjvm-spark (spark-dist/, the ``spark`` extra): built the same way, and found by ``zarrjvm.spark.jars()``
in that venv only once it is installed."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

import zarrjvm
import zarrjvm.spark

ROOT = Path(__file__).resolve().parents[1]
#: Jars that reading never loads (test runners, other HTTP clients): the wheel must not carry them.
UNUSED_JARS = ("junit-", "hamcrest-", "netty-", "apache-client-", "okhttp-", "okio-", "jcommander-")

pytestmark = pytest.mark.slow


def _build(source: Path, out: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], capture_output=True,
                       text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``python -m build`` on a ``git clone`` of the repository at HEAD, as a user gets it (no built jar, nothing
    untracked): sdist, then the wheel from the sdist. Locally this builds the committed HEAD, not uncommitted edits; in
    CI the checkout is itself a fresh clone. Then zarrjvm-spark the same way from spark-dist/ of that clone, after
    putting this checkout's Maven-built Spark jar where `make setup` leaves it (the clone's own Maven build would only
    repeat it)."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(src)], check=True, timeout=300)
    # HEAD itself, also when it is detached (on no branch the clone would bring)
    subprocess.run(["git", "-C", str(src), "fetch", "-q", str(ROOT), "HEAD"], check=True, timeout=300)
    subprocess.run(["git", "-C", str(src), "checkout", "-q", "--detach", head], check=True, timeout=300)
    out = tmp / "dist"
    _build(src, out)
    (sdist,) = out.glob("zarrjvm-*.tar.gz")
    (wheel,) = out.glob("zarrjvm-*.whl")
    jar = ROOT / "java" / "spark" / "target" / f"zarrjvm-spark-{zarrjvm.__version__}.jar"
    (src / "java" / "spark" / "target").mkdir(parents=True)
    shutil.copy2(jar, src / "java" / "spark" / "target" / jar.name)
    _build(src / "spark-dist", out)
    (spark_sdist,) = out.glob("zarrjvm_spark-*.tar.gz")
    (spark_wheel,) = out.glob("zarrjvm_spark-*.whl")
    return {"sdist": sdist, "wheel": wheel, "spark_sdist": spark_sdist, "spark_wheel": spark_wheel, "jar": jar,
            "tmp": tmp}


@pytest.fixture(scope="module")
def venv(built: dict[str, Path]) -> Path:
    """A new venv outside the repository with the wheel and its declared dependencies (and pytest), nothing else."""
    venv = built["tmp"] / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(built["wheel"]), "pytest"], capture_output=True,
                       text=True, timeout=1200)
    assert r.returncode == 0, r.stdout + r.stderr
    return py


def test_the_sdist_holds_what_builds_the_wheel(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as t:
        names = [n.split("/", 1)[1] for n in t.getnames() if "/" in n]
    for needed in ("java/pom.xml", "java/readers/pom.xml", "java/checkstyle.xml", "tools/build_jars.sh",
                   "tools/build_blosc.sh", "tools/build_deflate.sh", "setup.py", "pyproject.toml", "zarrjvm/py.typed",
                   "java/readers/src/main/resources/META-INF/services/dev.zarrjvm.backend.Backend"):
        assert needed in names, needed
    assert not [n for n in names if "/target/" in n or n.startswith("zarrjvm/_jars")], "no build output in the sdist"
    assert not [n for n in names if n.endswith(".jar")], "no jar in the sdist (the Spark jar is zarrjvm-spark's)"


def test_the_wheel_carries_what_reading_needs_and_nothing_else(built: dict[str, Path]) -> None:
    names = zipfile.ZipFile(built["wheel"]).namelist()
    version = zarrjvm.__version__
    jars = [n for n in names if n.endswith(".jar")]
    readers = f"zarrjvm/_jars/zarrjvm-readers-{version}.jar"
    for needed in (readers, f"zarrjvm/_jars/compat/zarrjvm-compat-{version}.jar"):
        assert needed in jars, needed
    # the Spark jar is zarrjvm-spark's: only users who ask for Spark (the `spark` extra) download it
    assert not [j for j in jars if "zarrjvm-spark" in j or "/_jars/spark/" in j], jars
    for lib in ("zarr-java-0.0.9", "jzarr-0.4.2", "arrow-c-data-18.1.0", "cdm-4.5.5"):
        assert any(f"/{lib}.jar" in j for j in jars), lib
    assert [j for j in jars if j.rsplit("/", 1)[1].startswith(UNUSED_JARS)] == []
    assert not any("/_jars/spark-sql" in n or "/_jars/scala-library" in n for n in names)
    assert "zarrjvm/py.typed" in names and "zarrjvm/compat/cases.py" in names
    # the arrays the first process reads before dumping the class-data sharing archive (zarrjvm.jvm._train_archive)
    samples = {p.relative_to(ROOT).as_posix() for p in (ROOT / "zarrjvm" / "_samples").rglob("*") if p.is_file()}
    assert "zarrjvm/_samples/v2-blosc.zarr/.zarray" in samples and samples <= set(names), samples - set(names)
    # the matrix's workers ship without their environments (make setup / npm ci build those)
    assert "zarrjvm/compat/_workers/zarr2_worker.py" in names and "zarrjvm/compat/_workers/zarrita/worker.mjs" in names
    assert not any("node_modules" in n for n in names)
    with zipfile.ZipFile(built["wheel"]).open(readers) as f:
        inner = zipfile.ZipFile(f).namelist()
    assert "linux-x86-64/libblosc.so" in inner
    assert "linux-x86-64/libzarrjvm_deflate.so" in inner  # libdeflate for the native zlib/gzip decoding
    assert not any(n.startswith("dev/zarrjvm/compat/") for n in inner), "the matrix's writers stay out of the readers"


def test_zarrjvm_spark_is_a_pure_wheel_holding_the_jar_maven_built(built: dict[str, Path]) -> None:
    """zarrjvm-spark: the Spark jar (byte for byte Maven's) as package data, zarrjvm's version, a py3-none-any wheel
    (the jar runs in Spark's JVM); zarrjvm's `spark` extra pins it to that version."""
    version = zarrjvm.__version__
    assert built["spark_wheel"].name == f"zarrjvm_spark-{version}-py3-none-any.whl"
    jar = f"zarrjvm_spark/zarrjvm-spark-{version}.jar"
    with zipfile.ZipFile(built["spark_wheel"]) as w:
        names = w.namelist()
        assert w.read(jar) == built["jar"].read_bytes()
        metadata = w.read(f"zarrjvm_spark-{version}.dist-info/METADATA").decode()
    assert sorted(n for n in names if ".dist-info/" not in n) == sorted(
        [jar, "zarrjvm_spark/__init__.py", "zarrjvm_spark/py.typed"])
    assert "Requires-Dist" not in metadata
    with tarfile.open(built["spark_sdist"]) as t:
        sdist_names = [n.split("/", 1)[1] for n in t.getnames() if "/" in n]
    assert jar in sdist_names and "PKG-INFO" in sdist_names and "setup.py" in sdist_names
    with zipfile.ZipFile(built["wheel"]) as w:
        (meta,) = [n for n in w.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [line for line in w.read(meta).decode().splitlines() if line.startswith("Requires-Dist:")]
    assert f'Requires-Dist: zarrjvm-spark=={version}; extra == "spark"' in requires, requires


def test_zarrjvm_spark_without_the_maven_jar_says_how_to_build_it(tmp_path: Path) -> None:
    """spark-dist/ of a checkout where Maven never ran (HEAD's files, no java/spark/target): the build stops and names
    the missing jar and the command that builds it."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", "spark-dist", "java/pom.xml"],
                             capture_output=True, check=True, timeout=60).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        t.extractall(tmp_path, filter="data")
    r = subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                        str(tmp_path / "spark-dist")], capture_output=True, text=True, timeout=300)
    assert r.returncode != 0
    missing = tmp_path / "java" / "spark" / "target" / f"zarrjvm-spark-{zarrjvm.__version__}.jar"
    assert (f"error: zarrjvm-spark packages the Spark jar Maven builds, and {missing} is missing: run `make setup` (or "
            "`bash tools/build_jars.sh`) in the zarrjvm checkout first") in r.stdout + r.stderr, r.stdout + r.stderr
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def _glibc_needed(wheel: Path) -> tuple[int, int]:
    """The newest GLIBC symbol version any native library for this machine needs, read from the ELF files inside the
    wheel's jars (pyelftools, independently of setup.py's auditwheel policy)."""
    import platform

    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection

    machine = {"x86_64": "EM_X86_64", "aarch64": "EM_AARCH64"}[platform.machine()]
    newest = (0, 0)
    with zipfile.ZipFile(wheel) as w:
        for jar in (n for n in w.namelist() if n.endswith(".jar")):
            with zipfile.ZipFile(io.BytesIO(w.read(jar))) as z:
                for name in (n for n in z.namelist() if n.endswith(".so")):
                    raw = z.read(name)
                    if not raw.startswith(b"\x7fELF"):  # lz4-java ships its Windows DLL as win32/amd64/*.so
                        continue
                    elf = ELFFile(io.BytesIO(raw))
                    if elf.header.e_machine != machine:
                        continue
                    for section in elf.iter_sections():
                        if isinstance(section, GNUVerNeedSection):
                            for _, aux in section.iter_versions():
                                for a in aux:
                                    m = re.fullmatch(r"GLIBC_(\d+)\.(\d+)(?:\.\d+)?", a.name)
                                    if m:
                                        newest = max(newest, (int(m.group(1)), int(m.group(2))))
    return newest


def test_the_wheel_tag_tells_the_truth(built: dict[str, Path]) -> None:
    """The jars carry native libraries (jzarr's libblosc built here, zarr-java's blosc and zstd, Arrow's C Data JNI):
    the wheel is platform-specific, and its manylinux tag promises no glibc older than they need."""
    import platform

    tag = built["wheel"].name[:-4].split("-", 2)[2]
    python, abi, plat = tag.split("-")
    assert (python, abi) == ("py3", "none")
    m = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", plat)
    assert m, plat
    assert m.group(3) == platform.machine()
    needed = _glibc_needed(built["wheel"])
    assert (int(m.group(1)), int(m.group(2))) >= needed >= (2, 17), (plat, needed)


def test_installed_wheel_reads_every_format_through_every_backend(built: dict[str, Path], venv: Path) -> None:
    """In the new venv (no zarr-python, no netCDF4, no Maven): import zarrjvm and read what the peers wrote here,
    through every backend that claims the format; values equal the peers' reads, nothing printed."""
    import netCDF4
    import numcodecs
    import zarr

    data = built["tmp"] / "data"
    data.mkdir()
    rng = np.random.default_rng(7)
    v2 = zarr.create_array(str(data / "v2.zarr"), shape=(30, 20), chunks=(8, 8), dtype="<u2", zarr_format=2,
                           compressors=numcodecs.Zlib())
    v2[:] = rng.integers(0, 60000, (30, 20), dtype="<u2")
    v3 = zarr.create_array(str(data / "v3.zarr"), shape=(17, 9), chunks=(5, 4), shards=(10, 8), dtype="<f4")
    v3[:] = rng.standard_normal((17, 9)).astype("<f4")
    with netCDF4.Dataset(data / "f.nc", "w") as ds:
        ds.createDimension("t", 6)
        ds.createDimension("x", 5)
        ds.createVariable("v", "f8", ("t", "x"), zlib=True)[:] = rng.standard_normal((6, 5))
    with netCDF4.Dataset(data / "f.nc") as ds:
        nc_values = ds["v"][:].data
    expected = {"v2": zarr.open_array(str(data / "v2.zarr"))[:], "v3": zarr.open_array(str(data / "v3.zarr"))[:],
                "nc": nc_values}
    for k, v in expected.items():
        np.save(data / f"{k}.npy", v)
    cases = [("v2.zarr", "", "zarr-java", "v2"), ("v2.zarr", "", "jzarr", "v2"), ("v3.zarr", "", "zarr-java", "v3"),
             ("f.nc", "v", "netcdf-java", "nc"), ("f.nc", "v", "jhdf", "nc")]
    script = f"""
import json, sys, numpy as np, zarrjvm
data = {str(data)!r}
assert "zarr" not in sys.modules and "netCDF4" not in sys.modules
out = {{}}
for store, path, backend, key in {cases!r}:
    with zarrjvm.open_array(data + "/" + store, path or None, backend=backend) as a:
        got, want = a[...], np.load(data + "/" + key + ".npy")
        out[backend + ":" + store] = bool(got.dtype == want.dtype and np.array_equal(got, want))
print(json.dumps(out))
print(zarrjvm.__version__, zarrjvm.__file__)
"""
    r = subprocess.run([str(venv), "-c", script], capture_output=True, text=True, timeout=300,
                       cwd=str(built["tmp"]), env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", r.stderr
    lines = r.stdout.splitlines()
    assert json.loads(lines[0]) == {f"{b}:{s}": True for s, _, b, _ in cases}
    version, location = lines[1].split()
    assert version == zarrjvm.__version__ and str(ROOT) not in location, "imported from the venv, not the repository"


def test_an_unrelated_pytest_run_does_not_import_zarrjvm(built: dict[str, Path], venv: Path) -> None:
    """zarrjvm's pytest plugin is opt-in (no ``pytest11`` entry point): installing the wheel must not load zarrjvm into
    every test run of every project in that environment."""
    project = built["tmp"] / "other-project"
    project.mkdir()
    (project / "test_one.py").write_text("import sys\n\ndef test_one():\n    assert 'zarrjvm' not in sys.modules\n")
    r = subprocess.run([str(venv), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py"], cwd=project,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed" in r.stdout


def test_the_spark_jar_is_found_once_zarrjvm_spark_is_installed(built: dict[str, Path], venv: Path) -> None:
    """In the new venv with zarrjvm alone, ``zarrjvm.spark.jars()`` says how to get the jar; after installing the
    zarrjvm-spark wheel it returns that package's jar, of zarrjvm's version."""
    script = """
import json, zipfile, zarrjvm.spark
try:
    jars = zarrjvm.spark.jars()
except Exception as e:
    print(json.dumps({"type": type(e).__name__, "message": str(e), "name": getattr(e, "name", None)}))
    raise SystemExit(0)
(jar,) = jars
with zipfile.ZipFile(jar) as z:
    props = z.read("META-INF/maven/dev.zarrjvm/zarrjvm-spark/pom.properties").decode()
print(json.dumps({"jars": [jar], "pom_version": [l[8:] for l in props.splitlines() if l.startswith("version=")]}))
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def run() -> dict:
        r = subprocess.run([str(venv), "-c", script], capture_output=True, text=True, timeout=300,
                           cwd=str(built["tmp"]), env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        return json.loads(r.stdout.splitlines()[0])

    assert run() == {"type": "ImportError", "name": "zarrjvm_spark",
                     "message": "zarrjvm's Spark jar comes in the distribution zarrjvm-spark, which is not installed: "
                                "pip install 'zarrjvm[spark]'"}
    r = subprocess.run([str(venv), "-m", "pip", "install", "-q", str(built["spark_wheel"])], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    got = run()
    (jar,) = got["jars"]
    assert Path(jar).is_file() and Path(jar).read_bytes() == built["jar"].read_bytes()
    assert Path(jar).name == zarrjvm.spark.SPARK_JAR_NAME and Path(jar).parent.name == "zarrjvm_spark"
    assert Path(jar).is_relative_to(venv.parent.parent), "the venv's zarrjvm_spark, not the repository's"
    assert got["pom_version"] == [zarrjvm.__version__]
