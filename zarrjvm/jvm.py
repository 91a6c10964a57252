"""The JVM's lifecycle: the one module that finds Java, starts the JVM, and runs what must happen at start and stop.

JPype starts one JVM per process and cannot restart it. zarrjvm starts it lazily, on first use, with its bundled
classpath (``zarrjvm/_jars``) and the ``jvm.*`` values of :data:`zarrjvm.config`, or explicitly through :func:`start`.
Other parts of zarrjvm register what they need done when the JVM starts (:func:`on_start`) and before it goes away at
interpreter exit (:func:`on_stop`): this module calls them, in that order, and nothing else hooks the exit.
Public as ``zarrjvm.jvm``.
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .config import config
from .errors import JavaNotFoundError, ResourceError, ZarrJvmError

MIN_JAVA = 17
_JARS = Path(__file__).resolve().parent / "_jars"
# Arrow Java reaches into java.nio on JDK 17+; JNA's temp dir is left to JNA.
_REQUIRED_OPTIONS = ("--add-opens=java.base/java.nio=ALL-UNNAMED", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8")

_lock = threading.RLock()
_started_with: dict[str, Any] | None = None
_start_callbacks: list[Callable[[], None]] = []
_stop_callbacks: list[Callable[[], None]] = []
_stopped = False
#: tiny arrays as zarr-python writes them by default, read by :func:`_train_archive`
_SAMPLES = Path(__file__).parent / "_samples"
#: whether this process's JVM dumps the class-data sharing archive when it exits (see :func:`_train_archive`)
_dumping_archive = False


def jars_dir() -> Path:
    """Where the bundled jars live: the readers' classpath here, ``spark/`` and ``compat/`` below it."""
    return _JARS


def classpath(extra: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
    """zarrjvm's jars followed by ``extra``. Raises :class:`JavaNotFoundError` when the jars were never built."""
    jars = sorted(str(p) for p in _JARS.glob("*.jar"))
    if not any(Path(j).name.startswith("zarrjvm-readers-") for j in jars):
        raise JavaNotFoundError(
            f"zarrjvm's jars are missing from {_JARS}: build them with `make setup` (or install a built wheel)"
        )
    return jars + [os.fspath(p) for p in extra]


def _java_version(java_home: Path) -> tuple[int, str] | None:
    """Major version from the JDK's ``release`` file, or None when it cannot be told."""
    release = java_home / "release"
    if not release.is_file():
        return None
    m = re.search(r'^JAVA_VERSION="([^"]+)"', release.read_text(errors="replace"), re.M)
    if not m:
        return None
    text = m.group(1)
    first = text.split(".")[0]
    major = int(text.split(".")[1]) if first == "1" else int(re.match(r"\d+", first).group(0))  # type: ignore[union-attr]
    return major, text


def _home_of(libjvm: Path) -> Path:
    # <home>/lib/server/libjvm.so (JDK 9+) or <home>/jre/lib/<arch>/server/libjvm.so (JDK 8)
    for parent in libjvm.parents:
        if (parent / "release").is_file():
            return parent
    return libjvm.parents[2]


def _libjvm_in(home: Path) -> Path | None:
    for rel in ("lib/server/libjvm.so", "lib/server/libjvm.dylib", "bin/server/jvm.dll",
                "jre/lib/amd64/server/libjvm.so"):
        p = home / rel
        if p.is_file():
            return p
    return None


def find_jvm(jvm_path: str | os.PathLike[str] | None = None) -> str:
    """Path of a Java ≥ 17 ``libjvm``: ``jvm_path``, else ``$JAVA_HOME``, else JPype's default. Raises
    :class:`JavaNotFoundError` saying how to fix it."""
    import jpype

    hint = (
        f"zarrjvm needs Java {MIN_JAVA} or newer: install a JDK (e.g. `apt install openjdk-17-jdk`) and set "
        "JAVA_HOME to it, or pass jvm_path= to zarrjvm.jvm.start()"
    )
    candidates: list[tuple[str, Path]] = []
    if jvm_path is not None:
        p = Path(jvm_path)
        lib = _libjvm_in(p) if p.is_dir() else p
        if lib is None or not lib.is_file():
            raise JavaNotFoundError(f"no libjvm at {jvm_path}. {hint}")
        candidates.append(("jvm_path", lib))
    else:
        home = os.environ.get("JAVA_HOME")
        if home:
            lib = _libjvm_in(Path(home))
            if lib is None:
                raise JavaNotFoundError(f"JAVA_HOME={home} holds no libjvm. {hint}")
            candidates.append(("JAVA_HOME", lib))
        else:
            try:
                candidates.append(("default", Path(jpype.getDefaultJVMPath())))
            except Exception as e:  # JPype raises its own JVMNotFoundException
                raise JavaNotFoundError(f"no Java found ({e}). {hint}") from None
    source, lib = candidates[0]
    version = _java_version(_home_of(lib))
    if version is not None and version[0] < MIN_JAVA:
        raise JavaNotFoundError(f"Java {version[1]} found through {source} ({lib}) is too old. {hint}")
    return str(lib)


def _cds_options(lib: str, cp: list[str], chosen: Sequence[str] = ()) -> list[str]:
    """Class-data sharing (on by default): an AppCDS archive of the classes zarrjvm loads, one per Java and classpath,
    kept in the user's cache. The first run dumps it when its JVM exits (under a per-process name, adopted by a later
    run); every later run starts from it (B3: about 0.6 s less CPU from start to first element). A cache that cannot
    be written, or an archive this Java does not accept, only means starting without it. With a Java agent among the
    ``chosen`` options (a profiler, a coverage tool) no archive is dumped: the JVM refuses to dump one then and ends the
    whole process at start ("Must enable AllowArchivingWithJavaAgent"); an archive already made is still used."""
    import hashlib
    import json

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "zarrjvm"
    h = hashlib.sha256(lib.encode())
    made_from = _fingerprint([lib, *cp])  # the libjvm itself too: a JDK updated in place gets a new archive
    for j, size, mtime in made_from:
        h.update(f"{j}:{size}:{mtime}".encode())
    key = h.hexdigest()[:16]
    archive = cache / f"cds-{key}.jsa"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        if not archive.exists():
            for done in cache.glob(f"cds-{key}.*.jsa"):
                pid = int(done.name.split(".")[1])
                if done.stat().st_size > 0 and not Path(f"/proc/{pid}").exists():
                    done.replace(archive)
                    break
    except (OSError, ValueError):
        return []
    if archive.exists():
        return [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    if not os.access(cache, os.W_OK) or any(o.startswith("-javaagent:") for o in chosen):
        return []  # nowhere to dump one, or a dump the JVM would refuse: start without
    _forget_stale_archives(cache)
    try:
        (cache / f"cds-{key}.paths").write_text(json.dumps(made_from))
    except OSError:
        pass
    return [f"-XX:ArchiveClassesAtExit={cache / f'cds-{key}.{os.getpid()}.jsa'}", "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off"]


def _fingerprint(paths: Sequence[str]) -> list[tuple[str, int, int]]:
    """Each file's path, size and modification time (0, 0 when it does not exist): what an archive was made from."""
    out = []
    for j in paths:
        try:
            st = os.stat(j)
            out.append((j, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((j, 0, 0))
    return out


def _forget_stale_archives(cache: Path) -> None:
    """Deletes the archives (13–14 MB each) whose Java or jars have changed or gone since they were made — an upgraded
    or deleted install, a JDK updated in place — as told by the ``cds-<key>.paths`` written beside each (archives of
    other installs still in place are kept). Run only by a process about to dump a new archive."""
    import json

    for paths in cache.glob("cds-*.paths"):
        try:
            made_from = [tuple(e) for e in json.loads(paths.read_text())]
            if made_from == [tuple(e) for e in _fingerprint([e[0] for e in made_from])]:
                continue
            key = paths.name[len("cds-"):-len(".paths")]
            for f in cache.glob(f"cds-{key}.*"):  # the archive, its unadopted dumps, the list itself (keys have no dot)
                f.unlink(missing_ok=True)
        except (OSError, ValueError, TypeError):
            continue


def start(
    max_heap: str | None = None,
    extra_classpath: Sequence[str | os.PathLike[str]] | None = None,
    jvm_path: str | os.PathLike[str] | None = None,
    options: Sequence[str] | None = None,
    class_data_sharing: bool | None = None,
) -> None:
    """Starts the JVM with zarrjvm's classpath. Each argument left out comes from :data:`zarrjvm.config`
    (``jvm.max_heap`` like ``"4g"``, ``jvm.extra_classpath``, ``jvm.path``, ``jvm.options``,
    ``jvm.class_data_sharing``: start from a cached AppCDS archive).

    Calling it again without arguments, or with the same ones, does nothing; with different ones it raises, since a
    JVM cannot be restarted in a process. If another library already started JPype's JVM, zarrjvm uses it when its
    classes are reachable there.
    """
    import jpype

    heap: str | None = config.get("jvm.max_heap") if max_heap is None else max_heap
    extra: tuple[str, ...] = tuple(os.fspath(p) for p in (
        config.get("jvm.extra_classpath") if extra_classpath is None else extra_classpath))
    lib_path: str | None = config.get("jvm.path") if jvm_path is None else os.fspath(jvm_path)
    jvm_options: tuple[str, ...] = tuple(config.get("jvm.options") if options is None else options)
    cds: bool = config.get("jvm.class_data_sharing") if class_data_sharing is None else class_data_sharing
    wanted = {"max_heap": heap, "extra_classpath": extra, "jvm_path": lib_path, "options": jvm_options,
              "class_data_sharing": cds}
    explicit = any(v is not None for v in (max_heap, extra_classpath, jvm_path, options, class_data_sharing))
    global _started_with
    with _lock:
        if _started_with is not None:
            if explicit and wanted != _started_with:
                raise ZarrJvmError(
                    f"the JVM is already running (started with {_started_with}); JPype cannot restart it in this "
                    "process — call zarrjvm.jvm.start(...) or set zarrjvm.config's jvm.* before the first read"
                )
            return
        if jpype.isJVMStarted():
            _check_foreign_jvm()
        else:
            lib = find_jvm(lib_path)
            opts = list(_REQUIRED_OPTIONS) + _quiet_options(lib)
            if heap:
                opts.append(f"-Xmx{heap}")
            opts.extend(jvm_options)
            opts.extend(_gc_defaults(heap, opts))
            opts.extend(_jit_defaults(opts))
            cp = classpath(extra)
            if cds:
                opts.extend(_cds_options(lib, cp, opts))
            global _dumping_archive
            _dumping_archive = any(o.startswith("-XX:ArchiveClassesAtExit=") for o in opts)
            _yield_fatal_signals()
            collecting = gc.isenabled()
            gc.disable()  # JPype's start makes Python objects by the thousand: ~0.06 s of collections on B3's path
            try:
                jpype.startJVM(lib, *opts, classpath=cp, convertStrings=False)
            except OSError as e:
                raise JavaNotFoundError(f"could not start the JVM at {lib}: {e}") from e
            finally:
                if collecting:
                    gc.enable()
            _link_gc_from(config.get("jvm.gc_link_generation"))
        _started_with = wanted
        # registered after JPype's own exit handler (made when jpype was imported), so it runs first (atexit is LIFO)
        atexit.register(_stop)
        for callback in list(_start_callbacks):
            callback()


def _link_gc_from(generation: int) -> None:
    """JPype links Python's garbage collector to Java's: at each Python collection it measures the process's malloc heap
    (glibc ``mallinfo``: milliseconds on a fragmented heap) and, when native memory grew, runs Java's ``System.gc()`` —
    which is what frees native memory Java code leaves to its cleaners (jzarr's zlib decompressor never ends its
    ``Inflater``, for one). Run at every generation-0 collection, the check costs ordinary Python code up to a factor
    of two (JPype issues #1197 and #1315, whose maintainers would check older generations only). zarrjvm runs the link
    at collections of ``generation`` or older (``zarrjvm.config`` ``jvm.gc_link_generation``, default 1: ten times
    fewer checks, native memory still noticed); 0 keeps JPype's own behaviour."""
    if generation == 0:
        return
    import jpype

    collect = getattr(jpype._jpype, "_collect", None)
    if collect is None:
        return

    def link(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation", 2) >= generation:
            jpype._jpype._collect(phase, info)

    gc.callbacks[:] = [link if cb is collect else cb for cb in gc.callbacks]


def on_start(callback: Callable[[], None]) -> None:
    """Calls ``callback()`` once the JVM runs: now if it runs already, else right after it starts."""
    with _lock:
        _start_callbacks.append(callback)
        running = _started_with is not None
    if running:
        callback()


def on_stop(callback: Callable[[], None]) -> None:
    """Calls ``callback()`` at interpreter exit while the JVM still runs (callbacks run last-registered first)."""
    with _lock:
        _stop_callbacks.append(callback)


def _stop() -> None:
    global _stopped
    with _lock:
        if _stopped:
            return
        _stopped = True
        callbacks = list(reversed(_stop_callbacks))
    if _dumping_archive and usable():
        _train_archive()
    for callback in callbacks:
        try:
            callback()
        except Exception:
            pass


def _train_archive() -> None:
    """In the process whose JVM dumps the class-data sharing archive, before it exits: reads zarrjvm's built-in samples
    (``zarrjvm/_samples``: zarr-python 3's default v3 array, zstd, in both decode modes; zarr-python 2's default v2
    array, blosc-lz4), so the archive holds the classes a read needs whatever this process did. One that only started
    the JVM or listed the backends made an archive of a fifth of them (2.8 of 13.5 MB), and every later start read the
    rest from the jars: cold import-to-first-element 1.25 s instead of ~0.95. Costs that first process ~0.3 s at exit,
    once per install. A sample that fails to read only leaves the archive without its classes."""
    from .array import open_array

    for name, decode in (("v3-zstd.zarr", "native"), ("v3-zstd.zarr", "reader"), ("v2-blosc.zarr", "native")):
        try:
            with open_array(str(_SAMPLES / name), backend="zarr-java", decode=decode) as a:
                a[...]
        except Exception:
            pass


def stopping() -> bool:
    """True once interpreter exit has begun tearing zarrjvm down (Java may be gone any moment)."""
    return _stopped


def _yield_fatal_signals() -> None:
    """The JVM takes SIGSEGV and SIGBUS for its own use (implicit null checks, safepoint polls) and handles them itself.
    Python's faulthandler, when enabled (pytest enables it by default), would hand the signals back when it is disabled
    — pytest does so when it finishes — and the process would then crash on the JVM's next one (exit status -11).
    So it is switched off before the JVM starts, which leaves nothing for a later disable() to restore."""
    import faulthandler

    if faulthandler.is_enabled():
        faulthandler.disable()


def _quiet_options(lib: str) -> list[str]:
    """What keeps current JDKs from printing warnings at start: native access for JNA, zstd-jni and JPype itself (JDK
    22+ warns about restricted methods), and Arrow's use of ``sun.misc.Unsafe`` (JDK 24+ warns; the option exists
    from JDK 23 on, and older JDKs refuse it)."""
    opts = ["--enable-native-access=ALL-UNNAMED"]
    version = _java_version(_home_of(Path(lib)))
    if version is not None and version[0] >= 23:
        opts.append("--sun-misc-unsafe-memory-access=allow")
    return opts


def _heap_bytes(max_heap: str) -> int | None:
    m = re.fullmatch(r"(\d+)([kKmMgGtT]?)", max_heap.strip())
    if not m:
        return None
    return int(m.group(1)) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[m.group(2).lower()]


def _gc_defaults(max_heap: str | None, chosen: list[str]) -> list[str]:
    """G1 with 32 MiB regions unless the user chose a collector or region size, or a heap under 1 GiB.

    Readers decode each chunk into a fresh heap array (up to 16 MiB stays below G1's humongous threshold of half a
    region); with the default ~2 MiB regions every 4 MiB chunk is a humongous allocation, and zstd-jni's JNI critical
    sections then stall the other decode threads' GCs: B2 measured 4 MiB-chunk zstd reads 1.4x faster with 32 MiB.
    """
    if any(o.startswith(("-XX:+Use", "-XX:G1HeapRegionSize")) and ("GC" in o or "Region" in o) for o in chosen):
        return []
    if max_heap is not None and (_heap_bytes(max_heap) or 0) < 2**30:
        return []
    return ["-XX:+UseG1GC", "-XX:G1HeapRegionSize=32m"]


#: HotSpot's thresholds for compiling a method with C2, its optimizing compiler, times ten (see :func:`_jit_defaults`)
_C2_LATER = ("-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000",
             "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000")


def _jit_defaults(chosen: list[str]) -> list[str]:
    """C2 for code ten times hotter than HotSpot's defaults, unless the user tuned tiered compilation.

    A fresh process's first read runs mostly code that runs once (JPype reflecting over classes, the JVM reading 70
    jars' directories, Jackson's and zarr-java's set-up), hot enough by HotSpot's defaults for C2: on two cores its
    compiler thread took 0.26-0.34 s of CPU in the first second, beside the reading thread. With ten times the
    thresholds it took 0.04 s, and a cold import-to-first-element 0.97 s instead of 1.06 (B3's process, medians of 8
    alternating). Code that stays hot gets C2 all the same: a loop over a chunk's elements reaches 400,000 iterations
    within a chunk; C1, the quick tier, keeps its own thresholds. ``-XX:TieredStopAtLevel=1`` (C1 only) measured the
    same start but gives up C2 for good."""
    if any(o.startswith(("-XX:Tier", "-XX:CompileThreshold", "-XX:-TieredCompilation", "-Xint", "-Xcomp"))
           for o in chosen):
        return []
    return list(_C2_LATER)


def _check_foreign_jvm() -> None:
    from . import _bridge

    why = _bridge.unreachable()
    if why is not None:
        raise ZarrJvmError(
            "a JVM was already started in this process without zarrjvm's jars on its classpath; start it with "
            f"classpath=zarrjvm.jvm.classpath() or let zarrjvm start it ({why})"
        )


#: set in a child process forked while the JVM ran: the JVM's threads did not survive the fork
_forked_from: int | None = None


def _after_fork_in_child() -> None:
    global _forked_from
    if _started_with is not None:
        _forked_from = os.getppid()


os.register_at_fork(after_in_child=_after_fork_in_child)


def usable() -> bool:
    """False in a process forked after its JVM started (see :func:`check_usable`)."""
    return _forked_from is None


def check_usable() -> None:
    """Raises :class:`ResourceError` in a process forked from one whose JVM was running: a JVM does not survive
    ``fork()`` (its threads stay behind), and calling into it would hang. Such work must start its own process with
    the ``spawn`` (or ``forkserver``) start method, as dask's process scheduler and distributed do by default."""
    if _forked_from is not None:
        raise ResourceError(
            f"this process was forked from process {_forked_from} after its JVM started, and a JVM does not survive "
            "fork(): use the 'spawn' or 'forkserver' multiprocessing start method (zarrjvm objects pickle and reopen "
            "in the new process)")


def is_started() -> bool:
    """Whether zarrjvm's JVM is running in this process."""
    return _started_with is not None


def ensure_started() -> None:
    """Starts the JVM (with :data:`zarrjvm.config`'s ``jvm.*``) unless it is running already."""
    check_usable()
    if _started_with is None:
        start()


def arrow_allocated_bytes() -> int:
    """Bytes Java's Arrow allocators hold now — chunks Python still references included."""
    from . import _bridge

    return int(_bridge.call(lambda z: z.arrowAllocatedBytes()))


def build_info() -> dict[str, Any]:
    """Versions and flavour of the Java side (cdm flavour, library versions, pool widths, Java version)."""
    import json

    from . import _bridge

    return dict(json.loads(str(_bridge.call(lambda z: z.buildJson()))))


def _config_changed(changed: Mapping[str, Any]) -> None:
    """Refuses ``jvm.*`` changes once the JVM runs; resizes the pools for ``threads.*`` changes."""
    if _started_with is None:
        return
    jvm_keys = [k for k in changed if k.startswith("jvm.") and changed[k] != config.get(k)]
    if jvm_keys:
        raise ZarrJvmError(f"zarrjvm.config {jvm_keys} apply when the JVM starts, and it runs already")
    if any(k.startswith("threads.") for k in changed):
        _configure_pools({**{k: config.get(k) for k in ("threads.read", "threads.io", "threads.async")}, **changed})


def _configure_pools(values: Mapping[str, Any]) -> None:
    from . import _bridge

    _bridge.configure_pools(values["threads.read"], values["threads.io"], values["threads.async"])


config.on_change(_config_changed)
on_start(lambda: _configure_pools({k: config.get(k) for k in ("threads.read", "threads.io", "threads.async")}))
