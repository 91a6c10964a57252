"""`pip wheel .` builds the Java side (native blosc + Maven) and the wheel carries every jar."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import zarrjvm

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "build", "dist", "_jars", "target", ".git", ".pytest_cache", "__pycache__", ".hypothesis", "out"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel` builds from a copy of the source tree without any built jar (so it builds them)."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")])
    assert not (src / "zarrjvm" / "_jars").exists()
    out = tmp / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                        str(src)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = list(out.glob("zarrjvm-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.mark.slow
def test_wheel_builds_and_carries_the_jars(wheel: Path) -> None:
    wheels = [wheel]
    names = zipfile.ZipFile(wheels[0]).namelist()
    jars = [n for n in names if n.startswith("zarrjvm/_jars/") and n.endswith(".jar")]
    version = zarrjvm.__version__
    readers = f"zarrjvm/_jars/zarrjvm-readers-{version}.jar"
    assert readers in jars
    assert any("/zarr-java-0.0.9.jar" in j for j in jars)
    assert any("/jzarr-0.4.2.jar" in j for j in jars)
    assert any("/arrow-c-data-18.1.0.jar" in j for j in jars)
    assert any("/cdm-4.5.5.jar" in j for j in jars)
    assert "zarrjvm/py.typed" in names
    assert "zarrjvm/compat/__init__.py" in names and "zarrjvm/compat/cases.py" in names
    assert f"zarrjvm/_jars/spark/zarrjvm-spark-{version}.jar" in names
    # the compatibility matrix's writers are their own jar, off the readers' classpath
    assert f"zarrjvm/_jars/compat/zarrjvm-compat-{version}.jar" in names
    with zipfile.ZipFile(wheels[0]).open(readers) as f:
        assert not any(n.startswith("dev/zarrjvm/compat/") for n in zipfile.ZipFile(f).namelist())
    assert not any("/_jars/spark-sql" in n or "/_jars/scala-library" in n for n in names)
    with zipfile.ZipFile(wheels[0]).open(readers) as f:
        inner = zipfile.ZipFile(f).namelist()
    assert "linux-x86-64/libblosc.so" in inner


@pytest.mark.slow
def test_an_unrelated_pytest_run_does_not_import_zarrjvm(wheel: Path, tmp_path: Path) -> None:
    """zarrjvm's pytest plugin is opt-in (no ``pytest11`` entry point): installing the wheel must not load zarrjvm into
    every test run of every project in that environment."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel), "pytest"], capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    project = tmp_path / "other-project"
    project.mkdir()
    (project / "test_one.py").write_text("import sys\n\ndef test_one():\n    assert 'zarrjvm' not in sys.modules\n")
    r = subprocess.run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py"], cwd=project,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 passed" in r.stdout
