"""The architecture's contracts, seen from Python: one module names Java's classes, errors are classified once (a
bug in zarrjvm's own code is an InternalError, never "damaged data"), tracebacks are zarrjvm's, groups share one open
file and pass their options down, one configuration object, and the JVM module owns start and stop."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm
from zarrjvm import _bridge

PACKAGE = Path(zarrjvm.__file__).parent


def test_java_class_names_live_in_the_bridge_module_only() -> None:
    """Only ``_bridge`` looks Java classes up; ``errors`` knows the base exception's name to recognise it through
    py4j (Spark) as well as JPype."""
    offenders = {}
    for f in PACKAGE.rglob("*.py"):
        text = f.read_text()
        hits = re.findall(r"JClass\(|JImplements\(|\"dev\.zarrjvm\.[\w.$]+\"", text)
        allowed = {"_bridge.py": hits, "errors.py": ['"dev.zarrjvm.errors.ZarrJvmException"'],
                   "stores.py": ["JImplements("]}.get(f.name, [])
        extra = [h for h in hits if h not in allowed]
        if extra:
            offenders[str(f.relative_to(PACKAGE))] = extra
    assert offenders == {}


def test_a_null_pointer_in_zarrjvm_is_an_internal_error() -> None:
    """An NPE thrown in zarrjvm's own code (here: the bridge exporting a chunk a broken source returned as null) is
    reported as a bug, not as ChunkDecodeError."""
    import jpype

    zarrjvm.jvm.ensure_started()

    @jpype.JImplements(_bridge.CHUNK_SOURCE)
    class Broken:
        @jpype.JOverride
        def info(self):
            return None

        @jpype.JOverride
        def readChunk(self, coords, allocator):
            return None  # a vector nobody made: the export dereferences it

        @jpype.JOverride
        def readRegion(self, offset, shape, allocator):
            return None

        @jpype.JOverride
        def readRawChunk(self, coords):
            return None

        @jpype.JOverride
        def allocator(self):
            return None

        @jpype.JOverride
        def close(self) -> None:
            pass

    source = Broken()
    coords = _bridge.long_array([0])
    with pytest.raises(zarrjvm.InternalError, match="zarrjvm internal error") as ei:
        _bridge.call(lambda z: z.exportChunk(source, coords, 0, 0))
    assert not isinstance(ei.value, zarrjvm.ChunkDecodeError)
    assert ei.value.java_class == "java.lang.NullPointerException"
    assert "dev.zarrjvm.arrow.ArrowExport" in ei.value.java_stacktrace


def test_tracebacks_are_zarrjvms_and_keep_the_java_exception(tmp_path: Path) -> None:
    (tmp_path / "a.zarr").mkdir()
    (tmp_path / "a.zarr" / ".zarray").write_text("{ not json")
    with pytest.raises(zarrjvm.MetadataError) as ei:
        zarrjvm.open_array(tmp_path / "a.zarr")
    err = ei.value
    # no chained Java traceback ("During handling of the above exception ..."), a few frames of zarrjvm's own
    assert err.__cause__ is None and err.__context__ is None
    text = "".join(traceback.format_exception(err))
    assert "During handling" not in text and "java.lang" not in text.split("MetadataError")[0]
    # the Java side stays reachable for debugging
    assert err.java_exception is not None
    assert "dev.zarrjvm.zarr.ZarrMeta" in err.java_stacktrace
    assert "com.fasterxml.jackson" in err.java_class


def test_every_java_kind_maps_to_one_python_class() -> None:
    kinds = [str(k.name()) for k in _bridge.jclass("dev.zarrjvm.errors.ErrorKind").values()]
    assert sorted(kinds) == sorted(zarrjvm.errors.KINDS)
    assert issubclass(zarrjvm.OutOfBoundsError, IndexError)
    assert issubclass(zarrjvm.OutOfBoundsError, zarrjvm.InvalidArgumentError)
    assert issubclass(zarrjvm.InvalidArgumentError, ValueError)


def test_out_of_bounds_is_the_same_error_from_python_and_from_java(tmp_path: Path) -> None:
    import zarr

    z = zarr.create_array(str(tmp_path / "a.zarr"), shape=(10,), chunks=(5,), dtype="i4", zarr_format=3)
    z[:] = np.arange(10, dtype="i4")
    with zarrjvm.open_array(tmp_path / "a.zarr") as a:
        with pytest.raises(zarrjvm.OutOfBoundsError, match="outside the chunk grid"):
            a.read_chunk(2)  # checked in Python
        source = a._source
        coords = _bridge.long_array([2])
        with pytest.raises(zarrjvm.OutOfBoundsError, match="outside the chunk grid"):
            _bridge.call(lambda jz: jz.exportChunk(source, coords, 0, 0))  # checked in Java


def test_config_is_validated_on_set_and_restores_as_a_context() -> None:
    cfg = zarrjvm.config
    with pytest.raises(KeyError, match="unknown zarrjvm.config key 'threads.iox'.*valid: backend"):
        cfg.set({"threads.iox": 4})
    with pytest.raises(TypeError, match="'reader.checks' must be True or False"):
        cfg.set({"reader.checks": "no"})
    with pytest.raises(ValueError, match="'threads.io' must be at least 1"):
        cfg.set({"threads.io": 0})
    assert cfg.get("reader.checks") is True
    with cfg.set({"reader.checks": False, "backend": "jzarr"}):
        assert cfg["reader.checks"] is False and cfg["backend"] == "jzarr"
    assert cfg.get("reader.checks") is True and cfg.get("backend") == "zarr-java"
    zarrjvm.jvm.ensure_started()
    with pytest.raises(zarrjvm.ZarrJvmError, match=r"\['jvm.max_heap'\] apply when the JVM starts"):
        cfg.set({"jvm.max_heap": "1g"})


def test_thread_counts_resize_the_running_pools() -> None:
    zarrjvm.jvm.ensure_started()
    before = zarrjvm.jvm.build_info()
    with zarrjvm.config.set({"threads.io": 7, "threads.async": 5, "threads.read": 1}):
        info = zarrjvm.jvm.build_info()
        assert (info["io_threads"], info["async_threads"], info["read_threads"]) == (7, 5, 1)
    after = zarrjvm.jvm.build_info()
    assert (after["io_threads"], after["async_threads"]) == (before["io_threads"], before["async_threads"]) == (32, 32)


def test_reader_defaults_come_from_config_and_calls_override_them(tmp_path: Path) -> None:
    import numcodecs
    import zarr

    z = zarr.create_array(str(tmp_path / "f.zarr"), shape=(4, 4), chunks=(2, 2), dtype="i4", zarr_format=2,
                          order="F", compressors=numcodecs.Zlib())
    z[:] = np.arange(16, dtype="i4").reshape(4, 4)
    with pytest.raises(zarrjvm.UnsupportedError, match="ignores the v2 'order' field"):
        zarrjvm.open_array(tmp_path / "f.zarr")
    with zarrjvm.config.set({"reader.checks": False}):
        with zarrjvm.open_array(tmp_path / "f.zarr") as a:  # let through, to measure zarr-java as it is
            assert a.shape == (4, 4)
        with pytest.raises(zarrjvm.UnsupportedError):
            zarrjvm.open_array(tmp_path / "f.zarr", checks=True)


def _netcdf_with_fletcher32(path: Path) -> np.ndarray:
    import netCDF4

    data = np.arange(24, dtype="f4").reshape(4, 6)
    with netCDF4.Dataset(path, "w") as ds:
        g = ds.createGroup("g")
        g.createDimension("y", 4)
        g.createDimension("x", 6)
        v = g.createVariable("v", "f4", ("y", "x"), fletcher32=True, chunksizes=(2, 3))
        v[:] = data
        for i in range(3):
            w = ds.createVariable(f"w.{i}", "i2", ())  # a '.' in the name: opened by the name netCDF4 shows
            w[...] = i
    return data


def test_group_members_get_the_groups_options_and_nested_paths_resolve_in_one_call(tmp_path: Path) -> None:
    f = tmp_path / "f32.nc"
    data = _netcdf_with_fletcher32(f)
    with zarrjvm.open_group(f, backend="netcdf-java") as root:
        with pytest.raises(zarrjvm.UnsupportedError, match="Fletcher32"):
            root["g/v"]
        assert [int(root[f"w.{i}"][()]) for i in range(3)] == [0, 1, 2]
    with zarrjvm.open_group(f, backend="netcdf-java", checks=False) as root:
        assert_same(root["g/v"][...], data)  # checks=False reached the member, through a nested path
        assert_same(root["g"]["v"][...], data)
    closed = zarrjvm.open_group(f, backend="netcdf-java")
    member = closed["g"]
    closed.close()
    assert closed.closed
    with pytest.raises(zarrjvm.InvalidArgumentError, match="closed"):
        closed["g"]
    assert member.array_keys() == ["v"]  # members already opened stay usable


def test_members_share_the_groups_open_file(tmp_path: Path) -> None:
    """Variables opened through a group (or one by one while the group is open) share its one open NetCDF file: the
    file's header is parsed once (counted by the Java side)."""
    import netCDF4

    f = tmp_path / "many.nc"
    with netCDF4.Dataset(f, "w") as ds:
        ds.createDimension("x", 3)
        for i in range(50):
            ds.createVariable(f"v{i}", "i4", ("x",))[:] = [i, i + 1, i + 2]
    opens = _bridge.jclass("dev.zarrjvm.netcdf.NetcdfBackend")
    before = int(opens.filesOpened())
    with zarrjvm.open_group(f, backend="netcdf-java") as g:
        arrays = [g[f"v{i}"] for i in range(50)]
        singles = [zarrjvm.open_array(f, f"v{i}", backend="netcdf-java") for i in range(50)]
        assert [int(a[0]) for a in arrays + singles] == list(range(50)) * 2
        assert int(opens.filesOpened()) - before == 1
    for a in arrays + singles:
        a.close()
    zarrjvm.open_array(f, "v0", backend="netcdf-java").close()
    assert int(opens.filesOpened()) - before == 2  # the last holder closed it: a later open parses it again


def test_start_and_stop_callbacks_run_in_order() -> None:
    """The JVM module runs what others registered: start callbacks once the JVM runs, stop callbacks (last registered
    first) at exit while Java still runs — the async pump and the Arrow release interposer go through it."""
    code = textwrap.dedent("""
        import asyncio, zarrjvm
        from zarrjvm import jvm
        jvm.on_start(lambda: print("started", jvm.is_started()))
        jvm.on_stop(lambda: print("stop first-registered", jvm.arrow_allocated_bytes() >= 0))
        jvm.on_stop(lambda: print("stop last-registered"))
        print("before start")
        jvm.ensure_started()
        jvm.on_start(lambda: print("late start callback"))
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:5] == ["before start", "started True", "late start callback", "stop last-registered",
                                        "stop first-registered True"]


@pytest.mark.parametrize("generation", [1, 2])
def test_jpypes_gc_link_runs_from_the_configured_generation(generation: int) -> None:
    """JPype checks the malloc heap (and may run Java's GC) at Python collections; zarrjvm runs that link at collections
    of jvm.gc_link_generation or older (0 would keep JPype's own: every collection)."""
    code = textwrap.dedent(f"""
        import gc, jpype, zarrjvm
        zarrjvm.config.set({{"jvm.gc_link_generation": {generation}}})
        zarrjvm.jvm.ensure_started()
        raw = jpype._jpype._collect
        assert not any(cb is raw for cb in gc.callbacks), "JPype's own callback is wrapped"
        seen = []
        jpype._jpype._collect = lambda phase, info: (seen.append(info["generation"]), raw(phase, info))
        # the callbacks gc runs, called as gc calls them: gc.collect() itself returns at once while another thread
        # collects (JPype's own callback may run Java's GC with the GIL released), which left [] twice in CI runs
        for g in (0, 1, 2):
            for cb in list(gc.callbacks):
                for phase in ("start", "stop"):
                    cb(phase, {{"generation": g, "collected": 0, "uncollectable": 0}})
        print(sorted(set(seen)))
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str([g for g in (0, 1, 2) if g >= generation])
