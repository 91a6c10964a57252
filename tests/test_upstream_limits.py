"""The readers' declared limitations, reproduced on the upstream APIs themselves (zarr-java, jzarr, netCDF-Java through
JPype, without zarrjvm's adapters and their refusal lists).

zarrjvm refuses these cases from fixed lists in its backends (``Backend.capabilities()``), so the strict xfails of
``test_read_peers.py`` would still pass if an upstream release lifted a limit. Here every case a Java reader declares
it cannot read (``capabilities.java_reader_limitation``) is handed, as its Python peer wrote it, to the upstream
library: each must fail there (or, finding Z4, silently return the fill value), so an upstream fix makes a test here
fail and the declaration can be revisited. Entries Z4, Z6, N1 and the codec/dtype declarations of docs/findings.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import zarrjvm
from zarrjvm.compat.capabilities import java_reader_limitation, java_readers
from zarrjvm.compat.cases import NETCDF_CASES, ZARR_CASES, Case

#: the cases their Python peer writes (a writer's defaults case is written by that writer: the matrix reads those)
ALL_CASES = ZARR_CASES + NETCDF_CASES

#: the limitations reproduced in test_upstream_defects.py instead (silent misreads, measured with checks=False)
ELSEWHERE = {"zarr-java ignores the v2 'order' field ('F' would read transposed)",
             "jzarr ignores the v2 'order' field ('F' would read transposed)"}


def _declared() -> list[Any]:
    out = []
    for case in ALL_CASES:
        for reader, caps in java_readers().items():
            why = java_reader_limitation(reader, case) if case.format in caps.formats else None
            if why and why not in ELSEWHERE:
                out.append(pytest.param(case, reader, why, id=f"{case.name}-{reader}"))
    return out


DECLARED = _declared()


@pytest.fixture(scope="module")
def jvm() -> Any:
    import jpype

    zarrjvm.jvm.ensure_started()
    return jpype


def _jpath(jvm: Any, p: str | Path) -> Any:
    return jvm.JClass("java.nio.file.Paths").get(str(p))


def _upstream_error(fn: Any) -> str:
    """Runs an upstream call that must fail; returns "JavaClass: message"."""
    try:
        fn()
    except Exception as e:  # a Java exception, as JPype raises it
        java = getattr(e, "getClass", None)
        name = str(java().getName()) if java else type(e).__name__
        return f"{name}: {e}"
    raise AssertionError("the upstream call succeeded: the declared limitation may be gone upstream")


def _reproduce(jvm: Any, case: Case, reader: str, why: str, store: str, path: str) -> None:
    J = jvm.JClass
    if reader == "zarr-java":
        open_ = lambda: J("dev.zarr.zarrjava.core.Array").open(_jpath(jvm, Path(store) / path))  # noqa: E731
        if why == "zarr-java has no big-endian Zarr v2 dtypes":
            # Z6: v2/DataType enumerates '|' and '<' spellings only
            err = _upstream_error(open_)
            assert re.search(r"InvalidFormatException: Cannot deserialize value of type "
                             rf"`dev\.zarr\.zarrjava\.v2\.DataType` from String \"{re.escape(case.dtype)}\"", err), err
            return
        m = re.fullmatch(r"zarr-java has no Zarr v2 codec '(\w+)'", why)
        if m:
            err = _upstream_error(open_)
            assert re.search(rf"InvalidTypeIdException: Could not resolve type id '{m[1]}' as a subtype of "
                             r"`dev\.zarr\.zarrjava\.v2\.codec\.Codec`: known type ids = \[blosc, zlib\]", err), err
            return
        if why == "zarr-java cannot read 0-d Zarr v2 arrays":
            # Z4: the chunk key is '' (the array's directory), FilesystemStore answers null, the fill value comes back
            chunk = open_().readChunk(jvm.JArray(jvm.JLong)([]))
            got = np.array(list(chunk.copyTo1DJavaArray()))
            written = case.expected()
            assert written.item() != case.fill_scalar()
            assert got.tolist() == [case.fill_scalar()], f"zarr-java read {got}, written {written}"
            return
    elif reader == "jzarr":
        open_ = lambda: J("com.bc.zarr.ZarrArray").open(str(Path(store) / path))  # noqa: E731
        m = re.fullmatch(r"jzarr has no dtype (\w\d)", why)
        if m:
            err = _upstream_error(open_)
            assert re.search(rf"IllegalArgumentException: No enum constant com\.bc\.zarr\.DataType\.{m[1]}$", err), err
            return
        m = re.fullmatch(r"jzarr has no Zarr v2 codec '(\w+)'", why)
        if m:
            err = _upstream_error(open_)
            assert re.search(rf"IllegalArgumentException: Compressor id:'{m[1]}' not supported\.", err), err
            return
        if why == "jzarr cannot read 0-d Zarr v2 arrays":
            # opens, but its chunk file name for no coordinates fails (createChunkFilename cuts a separator off "")
            za = open_()
            assert list(za.getShape()) == []
            ints = jvm.JArray(jvm.JInt)
            err = _upstream_error(lambda: za.read(jvm.JArray(jvm.JDouble)(1), ints([]), ints([])))
            assert re.search(r"StringIndexOutOfBoundsException: .*-1", err), err
            return
    elif reader == "netcdf-java" and why == "netcdf-java does not read NetCDF-3 variant '64bit_data'":
        # N1: CDF-5 is not a format netCDF-Java 4.5.5 knows
        err = _upstream_error(lambda: J("ucar.nc2.NetcdfFile").open(str(store)))
        assert re.search(r"IOException: Cant read .*: not a valid CDM file", err), err
        return
    raise AssertionError(f"no upstream reproduction for {reader}: {why!r}: add one")


@pytest.mark.parametrize("case,reader,why", DECLARED)
def test_declared_limitation_holds_upstream(jvm: Any, written: Any, case: Case, reader: str, why: str) -> None:
    store, path = written(case)
    _reproduce(jvm, case, reader, why, store, path)


def test_every_declared_limitation_is_reproduced_somewhere() -> None:
    """Each distinct declared reason appears here (or, for 'order', in test_upstream_defects.py), and the count of
    declared (case, reader) pairs is the one measured, so a new declaration needs its reproduction."""
    reasons = {p.values[2] for p in DECLARED}
    assert reasons == {
        "zarr-java has no big-endian Zarr v2 dtypes", "zarr-java has no Zarr v2 codec 'gzip'",
        "zarr-java has no Zarr v2 codec 'zstd'", "zarr-java cannot read 0-d Zarr v2 arrays",
        "jzarr has no dtype u8", "jzarr has no dtype b1", "jzarr has no Zarr v2 codec 'gzip'",
        "jzarr has no Zarr v2 codec 'zstd'", "jzarr cannot read 0-d Zarr v2 arrays",
        "zarr-java has no Zarr v2 codec 'lz4'", "zarr-java has no Zarr v2 codec 'bz2'",
        "zarr-java has no Zarr v2 codec 'lzma'", "jzarr has no Zarr v2 codec 'lz4'", "jzarr has no Zarr v2 codec 'bz2'",
        "jzarr has no Zarr v2 codec 'lzma'",
        "netcdf-java does not read NetCDF-3 variant '64bit_data'",
    }
    assert len(DECLARED) == 42  # 22 before the cases users' data has (big-endian v2, CDF-5 per dtype, LZ4/BZ2/LZMA)


def test_z4_zarr_java_reads_a_0d_v2_array_as_its_fill_value(jvm: Any, tmp_path: Path) -> None:
    """Finding Z4 on its own: a 0-d v2 array zarr-python wrote (chunk key '0') reads through zarr-java as the fill
    value, silently, while zarr-python reads the value written; zarrjvm refuses the array instead."""
    import numcodecs
    import zarr

    z = zarr.create_array(str(tmp_path / "s.zarr"), shape=(), chunks=(), dtype="<i4", zarr_format=2,
                          compressors=numcodecs.Zlib(), fill_value=-7)
    z[...] = 42
    assert (tmp_path / "s.zarr" / "0").is_file()
    assert int(zarr.open_array(str(tmp_path / "s.zarr"), mode="r")[...]) == 42
    a = jvm.JClass("dev.zarr.zarrjava.core.Array").open(_jpath(jvm, tmp_path / "s.zarr"))
    assert list(a.readChunk(jvm.JArray(jvm.JLong)([])).copyTo1DJavaArray()) == [-7]
    with pytest.raises(zarrjvm.UnsupportedError, match=r"derives the chunk key '' for 0-d Zarr v2 arrays"):
        zarrjvm.open_array(tmp_path / "s.zarr", backend="zarr-java")

