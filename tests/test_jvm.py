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


def test_started_lazily_and_idempotent(tmp_path: Path) -> None:
    import numpy as np
    import zarr

    z = zarr.create_array(str(tmp_path / "x.zarr"), shape=(64, 64), chunks=(32, 32), dtype="<i8")
    z[:] = np.arange(64 * 64).reshape(64, 64)
    # in a fresh process: importing zarrjvm starts no JVM; the first open does; the chunk's bytes are Java's
    r = _run(f"""
        import jpype, zarrjvm
        print(jpype.isJVMStarted(), zarrjvm.jvm.is_started())
        a = zarrjvm.open_array({str(tmp_path / "x.zarr")!r})
        print(jpype.isJVMStarted(), zarrjvm.jvm.is_started())
        base = zarrjvm.jvm.arrow_allocated_bytes()
        c = a.read_chunk((1, 1))
        held = zarrjvm.jvm.arrow_allocated_bytes() - base
        print(held, int(c[0, 0]))
        del c
        import gc; gc.collect()
        print(zarrjvm.jvm.arrow_allocated_bytes() - base)
    """)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split("\n")
    assert lines[0] == "False False" and lines[1] == "True True"
    held, first = (int(v) for v in lines[2].split())
    assert first == 32 * 64 + 32
    assert 32 * 32 * 8 <= held <= 2 * 32 * 32 * 8, held  # the chunk's 8 KiB (Arrow rounds buffers up), held by Java
    assert lines[3] == "0"
    zarrjvm.jvm.ensure_started()
    assert zarrjvm.jvm.is_started()
    zarrjvm.jvm.start()  # same (default) arguments: nothing happens
    with pytest.raises(zarrjvm.ZarrJvmError, match="cannot restart"):
        zarrjvm.jvm.start(max_heap="123m")


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


def test_the_archive_holds_a_reads_classes_whatever_the_first_process_did(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The first process only starts the JVM (as ``python -m zarrjvm backends`` would); its archive still holds the
    classes of a read (zarrjvm's training run before the dump), so the next process reads its first array with
    zarr-java's metadata, Jackson and Arrow's C Data classes all from the archive, none from the jars."""
    monkeypatch.delenv("ZARRJVM_CDS", raising=False)
    import numpy as np
    import zarr

    z = zarr.create_array(str(tmp_path / "a.zarr"), shape=(8, 8), chunks=(4, 4), dtype="f4")
    z[:] = np.arange(64, dtype="f4").reshape(8, 8)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = _run("import zarrjvm; zarrjvm.jvm.ensure_started()", env)
    assert first.returncode == 0 and first.stderr == "", first.stderr
    assert len(list((tmp_path / "cache" / "zarrjvm").glob("cds-*.jsa"))) == 1
    log = tmp_path / "classes.log"
    second = _run(f"""
        import zarrjvm
        zarrjvm.jvm.start(options=["-Xlog:class+load=info:file={log}"])
        print(float(zarrjvm.open_array({str(tmp_path / "a.zarr")!r})[7, 7]))
    """, env)
    assert second.returncode == 0, second.stderr
    assert float(second.stdout) == 63.0
    source = dict(line.split("] ", 1)[1].split(" source: ") for line in log.read_text().splitlines()
                  if " source: " in line)
    for cls in ("dev.zarr.zarrjava.v3.ArrayMetadata", "com.fasterxml.jackson.databind.ObjectMapper",
                "org.apache.arrow.c.ArrowArray", "dev.zarrjvm.zarr.ZarrChunkSource"):
        assert source[cls].startswith("shared objects file"), (cls, source[cls])
    from_jars = [c for c, s in source.items() if s.startswith("file:") and ("zarr" in c or "jackson" in c)]
    assert not from_jars, from_jars


def test_a_new_archive_forgets_those_of_changed_or_removed_installs(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that dumps a new archive deletes the archives (and their unadopted dumps) made from jars that have
    changed or gone since — an upgraded or deleted install — and keeps those whose jars are all still in place."""
    import json

    monkeypatch.delenv("ZARRJVM_CDS", raising=False)
    cache = tmp_path / "cache" / "zarrjvm"
    cache.mkdir(parents=True)
    kept_jar = tmp_path / "other-install.jar"
    kept_jar.write_bytes(b"a jar")
    st = kept_jar.stat()
    made_from = {"fake-gone": [[str(tmp_path / "deleted-install.jar"), 10, 1]],
                 "fake-changed": [[str(kept_jar), st.st_size + 1, st.st_mtime_ns]],
                 "fake-kept": [[str(kept_jar), st.st_size, st.st_mtime_ns]]}
    for key, entries in made_from.items():
        (cache / f"cds-{key}.jsa").write_bytes(b"an archive")
        (cache / f"cds-{key}.paths").write_text(json.dumps(entries))
    (cache / "cds-fake-gone.4242.jsa").write_bytes(b"a dump never adopted")
    r = _run("import zarrjvm; zarrjvm.jvm.ensure_started()", {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in cache.iterdir())
    assert not [n for n in names if "fake-gone" in n or "fake-changed" in n], names
    assert "cds-fake-kept.jsa" in names and "cds-fake-kept.paths" in names
    (mine,) = [n[len("cds-"):-len(".paths")] for n in names if n.endswith(".paths") and "fake-" not in n]
    assert list(cache.glob(f"cds-{mine}.*.jsa")), names  # this process's own dump, beside its .paths


def test_c2_thresholds_are_raised_unless_the_user_tunes_compilation() -> None:
    """The running JVM's own flag values: HotSpot's C2 thresholds times ten by default (a short-lived process's
    one-off code stays out of C2, see ``_jit_defaults``); any ``-XX:Tier…`` option of the user's leaves all four as
    HotSpot would have them, including the one the user set."""
    code = """
        import sys, zarrjvm, jpype
        zarrjvm.jvm.start(options=sys.argv[1:])
        mf = jpype.JClass("java.lang.management.ManagementFactory")
        hs = mf.getPlatformMXBean(jpype.JClass("com.sun.management.HotSpotDiagnosticMXBean"))
        names = ("Tier4InvocationThreshold", "Tier4MinInvocationThreshold", "Tier4CompileThreshold",
                 "Tier4BackEdgeThreshold")
        print(" ".join(str(hs.getVMOption(n).getValue()) for n in names))
    """
    runs = {}
    for extra in ([], ["-XX:Tier4InvocationThreshold=7000"]):
        r = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *extra], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        runs[tuple(extra)] = [int(v) for v in r.stdout.split()]
    assert runs[()] == [int(o.split("=")[1]) for o in _jvm._C2_LATER] == [50000, 6000, 150000, 400000]
    assert runs[("-XX:Tier4InvocationThreshold=7000",)] == [7000, 600, 15000, 40000]  # HotSpot's own otherwise
    assert _jvm._jit_defaults(["-XX:TieredStopAtLevel=1"]) == _jvm._jit_defaults(["-Xint"]) == []


def test_start_arguments_extra_classpath_and_jvm_path() -> None:
    """``extra_classpath=`` puts a jar after zarrjvm's (here the compat jar, not on the default classpath) and
    ``jvm_path=`` picks the libjvm started (a second JDK when the machine has one), whatever JAVA_HOME says."""
    compat = sorted((Path(zarrjvm.__file__).parent / "_jars" / "compat").glob("zarrjvm-compat-*.jar"))
    assert compat, "the compat jar is built with the others"
    newer = sorted(Path("/usr/lib/jvm").glob("temurin-2*/lib/server/libjvm.so"))
    lib = newer[-1] if newer else Path(_jvm.find_jvm())
    code = """
        import jpype, sys, zarrjvm
        args = {}
        if sys.argv[1] != "-":
            args["extra_classpath"] = [sys.argv[1]]
        zarrjvm.jvm.start(jvm_path=sys.argv[2], **args)
        System = jpype.JClass("java.lang.System")
        try:
            jpype.JClass("dev.zarrjvm.compat.Writers")
            found = "found"
        except Exception as e:
            found = type(e).__name__
        cp = str(System.getProperty("java.class.path")).split(":")
        readers = [i for i, p in enumerate(cp) if "zarrjvm-readers-" in p]
        after = sys.argv[1] in cp and cp.index(sys.argv[1]) > readers[0]  # after zarrjvm's own jars
        print(found, str(System.getProperty("java.home")), after, len(cp))
    """
    with_jar = subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(compat[-1]), str(lib)],
                              capture_output=True, text=True, timeout=120, env={**os.environ, "JAVA_HOME": "/nowhere"})
    assert with_jar.returncode == 0, with_jar.stderr
    found, home, last, n = with_jar.stdout.split()
    assert found == "found" and last == "True"
    assert Path(lib).resolve().is_relative_to(Path(home).resolve())  # the libjvm asked for, not JAVA_HOME's
    without = subprocess.run([sys.executable, "-c", textwrap.dedent(code), "-", str(lib)], capture_output=True,
                             text=True, timeout=120)
    assert without.returncode == 0, without.stderr
    assert without.stdout.split()[0] != "found" and int(without.stdout.split()[3]) == int(n) - 1


def test_class_data_sharing_argument(tmp_path: Path) -> None:
    """``start(class_data_sharing=True)`` (not only ``$ZARRJVM_CDS``) dumps an archive, which the next start uses."""
    code = """
        import jpype, zarrjvm
        zarrjvm.jvm.start(class_data_sharing=True)
        mx = jpype.JClass("java.lang.management.ManagementFactory").getRuntimeMXBean()
        print(sorted({a.split("=")[0] for a in map(str, mx.getInputArguments()) if "Archive" in a}))
    """
    env = {"XDG_CACHE_HOME": str(tmp_path), "ZARRJVM_CDS": "0"}
    first = _run(code, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "['-XX:ArchiveClassesAtExit']"
    assert len(list((tmp_path / "zarrjvm").glob("cds-*.jsa"))) == 1
    second = _run(code, env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "['-XX:SharedArchiveFile']"


def test_pool_size_properties_for_java_users_and_config_for_python_users() -> None:
    """A JVM zarrjvm's Python side did not start (a Java or Spark user's) sizes the pools from the system properties
    ``zarrjvm.readThreads``/``ioThreads``/``asyncThreads``; started from Python, ``zarrjvm.config``'s values apply (its
    defaults included), whatever ``-D`` options say."""
    props = ["-Dzarrjvm.readThreads=1", "-Dzarrjvm.ioThreads=5", "-Dzarrjvm.asyncThreads=3"]
    java_user = _run(f"""
        import jpype, zarrjvm
        jpype.startJVM({str(_jvm.find_jvm())!r}, *{props!r}, classpath=zarrjvm.jvm.classpath())
        P = jpype.JClass("dev.zarrjvm.runtime.Pools")
        print(int(P.readThreads()), int(P.ioThreads()), int(P.asyncThreads()))
    """)
    assert java_user.returncode == 0, java_user.stderr
    assert java_user.stdout.split() == ["1", "5", "3"]
    python_user = _run(f"""
        import zarrjvm
        zarrjvm.config.set({{"threads.async": 4}})
        zarrjvm.jvm.start(options={props!r})
        info = zarrjvm.jvm.build_info()
        print(info["io_threads"], info["async_threads"])
    """)
    assert python_user.returncode == 0, python_user.stderr
    assert python_user.stdout.split() == ["32", "4"]


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
    """Views kept in globals until interpreter exit, the array open or closed: the JVM stays up for their releases,
    and exit stays clean. Repeated, since the failure it guards against (JPype's reference-queue thread taking the GIL
    during Python's finalization: glibc's "FATAL: exception not rethrown" abort) depended on a Java GC's timing: it
    aborted 4 to 7 runs in 8 here before the queue was stopped at exit, and this test failed on its first run."""
    import numpy as np
    import zarr

    z = zarr.create_array(str(tmp_path / "x.zarr"), shape=(2048, 2048), chunks=(256, 256), dtype="f8")
    z[:] = np.arange(2048 * 2048, dtype="f8").reshape(2048, 2048)
    want = float(z[:].sum())
    for close in (True, False) * 2:
        r = _run(f"""
            import zarrjvm
            a = zarrjvm.open_array({str(tmp_path / "x.zarr")!r})
            whole = a[...]
            keep = [a.read_chunk((i, 0)) for i in range(8)]
            if {close}:
                a.close()
            print(float(whole.sum()))
        """)
        assert r.returncode == 0, r.stderr[-3000:]
        assert float(r.stdout.strip()) == want
        assert "WARNING" not in r.stderr and "FATAL" not in r.stderr, r.stderr


@pytest.mark.parametrize("setting", [None, "1"])
def test_class_data_sharing_archive_is_made_then_used(tmp_path: Path, setting: str | None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """By default (and with ZARRJVM_CDS=1) the first process dumps an AppCDS archive at exit, the next starts from it;
    ZARRJVM_CDS=0 starts without one and writes nothing."""
    monkeypatch.delenv("ZARRJVM_CDS", raising=False)
    code = """
        import jpype, zarrjvm
        zarrjvm.jvm.ensure_started()
        mx = jpype.JClass("java.lang.management.ManagementFactory").getRuntimeMXBean()
        args = [str(a) for a in mx.getInputArguments()]
        print([a.split("=")[0] for a in args if "Archive" in a])
    """
    off = _run(code, {"ZARRJVM_CDS": "0", "XDG_CACHE_HOME": str(tmp_path)})
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "[]" and not (tmp_path / "zarrjvm").exists()
    env = {"XDG_CACHE_HOME": str(tmp_path)} if setting is None else {"ZARRJVM_CDS": setting,
                                                                      "XDG_CACHE_HOME": str(tmp_path)}
    first = _run(code, env)
    assert first.returncode == 0, first.stderr
    assert "-XX:ArchiveClassesAtExit" in first.stdout
    dumped = list((tmp_path / "zarrjvm").glob("cds-*.jsa"))
    assert dumped and dumped[0].stat().st_size > 0
    second = _run(code, env)
    assert second.returncode == 0, second.stderr
    assert "-XX:SharedArchiveFile" in second.stdout
    assert len(list((tmp_path / "zarrjvm").glob("cds-*.jsa"))) == 1


def _noop_agent(tmp_path: Path) -> Path:
    """A Java agent whose premain does nothing, built with the JDK zarrjvm starts (its javac and jar)."""
    home = Path(_jvm.find_jvm()).resolve().parents[2]
    src = tmp_path / "agent" / "src" / "noop" / "Agent.java"
    src.parent.mkdir(parents=True)
    src.write_text("package noop;\npublic final class Agent { public static void premain(String args) {} }\n")
    classes = tmp_path / "agent" / "classes"
    subprocess.run([str(home / "bin" / "javac"), "-d", str(classes), str(src)], check=True, timeout=120)
    manifest = tmp_path / "agent" / "manifest.txt"
    manifest.write_text("Premain-Class: noop.Agent\n")
    jar = tmp_path / "agent" / "noop.jar"
    subprocess.run([str(home / "bin" / "jar"), "cfm", str(jar), str(manifest), "-C", str(classes), "."], check=True,
                   timeout=120)
    return jar


def test_java_agent_in_options_starts_without_dumping_an_archive(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's Java agent (a profiler, a coverage tool) in ``jvm.options``: the JVM refuses to dump a CDS archive with
    one and ends the process at start ("Must enable AllowArchivingWithJavaAgent", exit status 1, found with a no-op
    agent). zarrjvm then starts without dumping; an archive an earlier run made is still used."""
    monkeypatch.delenv("ZARRJVM_CDS", raising=False)
    code = """
        import jpype, zarrjvm
        zarrjvm.jvm.ensure_started()
        mx = jpype.JClass("java.lang.management.ManagementFactory").getRuntimeMXBean()
        args = [str(a) for a in mx.getInputArguments()]
        print([a.split(":")[0] if a.startswith("-javaagent") else a.split("=")[0] for a in args
               if "Archive" in a or a.startswith("-javaagent")])
    """
    agent = {"ZARRJVM_JVM_OPTIONS": f"-javaagent:{_noop_agent(tmp_path)}", "XDG_CACHE_HOME": str(tmp_path)}
    first = _run(code, agent)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "['-javaagent']"
    assert not list((tmp_path / "zarrjvm").glob("cds-*.jsa"))
    made = _run(code, {"XDG_CACHE_HOME": str(tmp_path)})  # without the agent: dumped as usual
    assert made.returncode == 0 and "-XX:ArchiveClassesAtExit" in made.stdout, made.stderr
    again = _run(code, agent)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "['-javaagent', '-XX:SharedArchiveFile']"


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
