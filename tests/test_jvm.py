"""JVM lifecycle: lazy start, explicit start with options, Java discovery and its errors, backends()."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import zarrjvm
from zarrjvm import jvm as _jvm


def _run(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=full_env,
                          timeout=120)


def test_started_lazily_and_idempotent() -> None:
    zarrjvm.jvm.ensure_started()
    assert zarrjvm.jvm.is_started()
    zarrjvm.jvm.start()  # same (default) arguments: nothing happens
    with pytest.raises(zarrjvm.ZarrJvmError, match="cannot restart"):
        zarrjvm.jvm.start(max_heap="123m")
    assert isinstance(zarrjvm.jvm.arrow_allocated_bytes(), int)


def test_classpath_has_the_bundled_jars() -> None:
    cp = zarrjvm.jvm.classpath()
    names = {Path(p).name for p in cp}
    assert f"zarrjvm-readers-{zarrjvm.__version__}.jar" in names
    assert not any(n.startswith(("zarrjvm-spark", "zarrjvm-compat", "spark-", "scala-")) for n in names)
    assert any(n.startswith("zarr-java-") for n in names)
    assert any(n.startswith("jzarr-") for n in names)
    assert any(n.startswith("arrow-c-data-") for n in names)


def test_backends_are_usable_here() -> None:
    by_name = {b.name: b for b in zarrjvm.backends()}
    assert set(by_name) == {"zarr-java", "jzarr", "netcdf-java", "jhdf"}
    assert all(b.usable and b.reason is None for b in by_name.values())
    assert by_name["zarr-java"].formats == ("zarr-v2", "zarr-v3")
    assert by_name["jzarr"].formats == ("zarr-v2",)
    assert by_name["netcdf-java"].formats == ("netcdf3", "netcdf4")
    assert by_name["jhdf"].formats == ("netcdf4", "hdf5")
    assert any("libblosc" in n for n in by_name["jzarr"].notes)
    # the backends Java finds by ServiceLoader are the ones its jar declares (what backends() lists without Java)
    from zarrjvm.backends import declared_names

    assert declared_names() == list(by_name)


def test_explicit_start_with_options() -> None:
    r = _run("""
        import zarrjvm, jpype
        zarrjvm.jvm.start(max_heap="256m", options=["-Dzarrjvm.test=hello"])
        System = jpype.JClass("java.lang.System")
        print(System.getProperty("zarrjvm.test"), int(jpype.JClass("java.lang.Runtime").getRuntime().maxMemory()))
    """)
    assert r.returncode == 0, r.stderr
    prop, heap = r.stdout.split()
    assert prop == "hello"
    assert 200 * 2**20 < int(heap) <= 256 * 2**20


def test_no_java_is_a_clear_error(tmp_path: Path) -> None:
    r = _run(f"""
        import zarrjvm
        print([ (b.name, b.usable, b.reason) for b in zarrjvm.backends()][0])
        try:
            zarrjvm.open_array({str(tmp_path)!r})
        except zarrjvm.JavaNotFoundError as e:
            print("JavaNotFoundError:", e)
    """, env={"JAVA_HOME": str(tmp_path / "no-jdk-here")})
    assert r.returncode == 0, r.stderr
    assert "JavaNotFoundError: JAVA_HOME=" in r.stdout
    assert "needs Java 17 or newer" in r.stdout
    assert "'zarr-java', False" in r.stdout


def test_old_java_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "jdk11"
    (home / "lib" / "server").mkdir(parents=True)
    (home / "lib" / "server" / "libjvm.so").write_bytes(b"")
    (home / "release").write_text('JAVA_VERSION="11.0.2"\n')
    with pytest.raises(zarrjvm.JavaNotFoundError, match="Java 11.0.2 .* is too old"):
        _jvm.find_jvm(home)
    (home / "release").write_text('JAVA_VERSION="1.8.0_292"\n')
    with pytest.raises(zarrjvm.JavaNotFoundError, match="too old"):
        _jvm.find_jvm(home)


def test_bad_jvm_path(tmp_path: Path) -> None:
    with pytest.raises(zarrjvm.JavaNotFoundError, match="no libjvm"):
        _jvm.find_jvm(tmp_path / "nothing")


def test_found_java_is_17_or_newer() -> None:
    lib = Path(_jvm.find_jvm())
    version = _jvm._java_version(_jvm._home_of(lib))
    assert version is not None and version[0] >= 17


def test_build_info() -> None:
    info = zarrjvm.jvm.build_info()
    assert info["zarr-java.version"] == "0.0.9"
    assert info["jzarr.version"] == "0.4.2"
    assert info["arrow.version"] == "18.1.0"
    assert info["read_threads"] >= 1
    json.dumps(info)


def test_views_alive_at_exit_do_not_crash_or_warn(tmp_path: Path) -> None:
    """A view kept in a global until interpreter exit: JPype shuts the JVM down first; exit stays clean."""
    import numpy as np
    import zarr

    z = zarr.create_array(str(tmp_path / "x.zarr"), shape=(100,), chunks=(10,), dtype="f8")
    z[:] = np.arange(100.0)
    r = _run(f"""
        import zarrjvm
        a = zarrjvm.open_array({str(tmp_path / "x.zarr")!r})
        keep = [a.read_chunk(i) for i in range(10)]
        whole = a[...]
        print(float(whole.sum()))
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "4950.0"
    assert "WARNING" not in r.stderr and "FATAL" not in r.stderr, r.stderr


def test_class_data_sharing_archive_is_made_then_used(tmp_path: Path) -> None:
    """ZARRJVM_CDS=1: the first process dumps an AppCDS archive at exit, the next starts from it."""
    code = """
        import jpype, zarrjvm
        zarrjvm.jvm.ensure_started()
        mx = jpype.JClass("java.lang.management.ManagementFactory").getRuntimeMXBean()
        args = [str(a) for a in mx.getInputArguments()]
        print([a.split("=")[0] for a in args if "Archive" in a])
    """
    env = {"ZARRJVM_CDS": "1", "XDG_CACHE_HOME": str(tmp_path)}
    first = _run(code, env)
    assert first.returncode == 0, first.stderr
    assert "-XX:ArchiveClassesAtExit" in first.stdout
    dumped = list((tmp_path / "zarrjvm").glob("cds-*.jsa"))
    assert dumped and dumped[0].stat().st_size > 0
    second = _run(code, env)
    assert second.returncode == 0, second.stderr
    assert "-XX:SharedArchiveFile" in second.stdout
    assert len(list((tmp_path / "zarrjvm").glob("cds-*.jsa"))) == 1


def test_gc_defaults_respect_user_choices() -> None:
    assert _jvm._gc_defaults(None, []) == ["-XX:+UseG1GC", "-XX:G1HeapRegionSize=32m"]
    assert _jvm._gc_defaults("4g", []) == ["-XX:+UseG1GC", "-XX:G1HeapRegionSize=32m"]
    assert _jvm._gc_defaults("256m", []) == []  # small heaps keep G1's own region sizing
    assert _jvm._gc_defaults(None, ["-XX:+UseParallelGC"]) == []
    assert _jvm._gc_defaults(None, ["-XX:G1HeapRegionSize=8m"]) == []
    assert _jvm._heap_bytes("1g") == 2**30 and _jvm._heap_bytes("512M") == 2**29 and _jvm._heap_bytes("x") is None


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "zarrjvm", *args], capture_output=True, text=True, env=full_env,
                          timeout=120)


def test_cli_version_and_backends_exit_codes(tmp_path: Path) -> None:
    r = _cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"zarrjvm {zarrjvm.__version__}"
    r = _cli("backends")
    assert r.returncode == 0, r.stderr
    assert [line.split()[0] for line in r.stdout.splitlines() if not line.startswith(" ")] == \
        ["zarr-java", "jzarr", "netcdf-java", "jhdf"]
    r = _cli("backends", env={"JAVA_HOME": str(tmp_path / "no-jdk-here")})
    assert r.returncode == 1
    assert "NOT usable" in r.stdout and "no backend is usable here" in r.stderr


@pytest.mark.parametrize("jdk", sorted(str(p) for p in Path("/usr/lib/jvm").glob("temurin-2*")) or ["none"])
def test_a_newer_jdk_starts_silently(tmp_path: Path, jdk: str) -> None:
    """On current JDKs (24+) the JVM would warn at start about native access (JNA, zstd-jni, JPype) and Arrow's use
    of sun.misc.Unsafe; zarrjvm's options keep it silent, and the read is right."""
    if jdk == "none":
        pytest.skip("no newer JDK on this machine")
    import numpy as np
    import zarr

    z = zarr.create_array(str(tmp_path / "x.zarr"), shape=(6,), chunks=(4,), dtype="i2", compressors=None)
    z[:] = np.arange(6, dtype="i2")
    r = _run(f"""
        import zarrjvm
        print(zarrjvm.open_array({str(tmp_path / "x.zarr")!r})[...].tolist(), zarrjvm.jvm.build_info()["java_version"])
    """, env={"JAVA_HOME": jdk})
    assert r.returncode == 0, r.stderr
    values, version = r.stdout.rsplit(" ", 1)
    assert values == "[0, 1, 2, 3, 4, 5]" and int(version.split(".")[0]) >= 21
    assert r.stderr == "", r.stderr
