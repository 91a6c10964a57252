"""What the Central-only build (edu.ucar:cdm:4.5.5) changes, measured on the real jars.

zarr-java and jzarr are compiled against netCDF-Java 5.x. On cdm 4.5.5 their unsigned, bool and shard-index code paths
fail to link; zarrjvm's shims (signed twin, zarrjvm-read shard index, per-chunk jzarr decoding) route around them.
``shims=False`` shows the reader as it is. With cdm-core 5.x (``-Punidata``) the same calls read correctly.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_same

import zarrjvm
from zarrjvm.compat.cases import Case

U2 = Case("central-u2", "zarr-v3", dtype="<u2", shape=(20, 20), chunks=(10, 10), codec="zstd")
U8_V2 = Case("central-u8-v2", "zarr-v2", dtype="<u8", shape=(20, 20), chunks=(10, 10), codec="zlib")
BOOL_V2 = Case("central-bool-v2", "zarr-v2", dtype="|b1", shape=(20, 20), chunks=(10, 10), codec="zlib")
SHARDED = Case("central-sharded", "zarr-v3", dtype="<f4", shape=(20, 20), chunks=(5, 5), shards=(10, 10), codec="zstd")
I2 = Case("central-i2", "zarr-v3", dtype="<i2", shape=(20, 20), chunks=(10, 10), codec="zstd")
JZ = Case("central-jzarr-f4", "zarr-v2", dtype="<f4", shape=(20, 20), chunks=(10, 10), codec="zlib")


@pytest.fixture(scope="module")
def central() -> bool:
    return not zarrjvm.jvm.build_info()["ma2_unsigned_types"]


def test_build_reports_its_flavour(central: bool) -> None:
    info = zarrjvm.jvm.build_info()
    if central:
        assert info["cdm.artifact"] == "edu.ucar:cdm:4.5.5"
        assert info["cdm.flavour"] == "central-cdm-4.5.5"
    else:
        assert info["cdm.artifact"].startswith("edu.ucar:cdm-core:5.")


@pytest.mark.parametrize("case,missing", [(U2, "USHORT"), (U8_V2, "ULONG"), (SHARDED, "ULONG")],
                         ids=["uint16-v3", "uint64-v2", "sharded"])
def test_zarr_java_without_shims(written, central: bool, case: Case, missing: str) -> None:
    store, path = written(case)
    with zarrjvm.open_array(store, path, shims=False, decode="reader") as a:
        if central:
            with pytest.raises(zarrjvm.UnsupportedError, match=missing) as ei:
                a[...]
            assert ei.value.java_class == "java.lang.NoSuchFieldError"
            assert "ucar.ma2" in str(ei.value)
        else:
            assert_same(a[...], case.expected())


def test_zarr_java_bool_without_shims(written, central: bool) -> None:
    store, path = written(BOOL_V2)
    with zarrjvm.open_array(store, path, shims=False, decode="reader") as a:
        if central:
            # BytesCodec's bool path calls Array.factory(DataType, Index, Object), a 5.x method
            with pytest.raises(zarrjvm.UnsupportedError) as ei:
                a[...]
            assert ei.value.java_class == "java.lang.NoSuchMethodError"
            assert "factory" in ei.value.java_message
        else:
            assert_same(a[...], BOOL_V2.expected())


@pytest.mark.parametrize("case", [U2, U8_V2, BOOL_V2, SHARDED], ids=lambda c: c.name)
def test_shims_read_them(written, central: bool, case: Case) -> None:
    store, path = written(case)
    with zarrjvm.open_array(store, path) as a:
        assert_same(a[...], case.expected())
        assert bool(a.notes) == central


def test_signed_types_need_no_shim(written) -> None:
    store, path = written(I2)
    with zarrjvm.open_array(store, path, shims=False, decode="reader") as a:
        assert_same(a[...], I2.expected())
        assert a.notes == []


def test_jzarr_whole_array_read_needs_5x(written, central: bool) -> None:
    """jzarr's own ZarrArray.read() goes through DataType.getType(Class, boolean), a 5.x method; zarrjvm decodes
    chunk by chunk with jzarr's ChunkReaderWriter instead, which links on both."""
    import jpype

    store, _ = written(JZ)
    zarrjvm.jvm.ensure_started()
    za = jpype.JClass("com.bc.zarr.ZarrArray").open(store)
    if central:
        with pytest.raises(jpype.JException) as ei:
            za.read()
        assert str(ei.value.getClass().getName()) == "java.lang.NoSuchMethodError"
        assert "getType" in str(ei.value.getMessage())
    else:
        assert np.asarray(za.read()).size == 400
    with zarrjvm.open_array(store, backend="jzarr") as a:
        assert_same(a[...], JZ.expected())


def _tally(written, reader: str, cases: list[Case], **options: bool) -> dict[str, int]:
    """Reads every case whole with ``reader`` and sorts the outcome: equal to the data written, refused as declared
    (the limitation's own message), a link error on cdm 4.5.5, or a known upstream defect (its own message). Anything
    else (wrong numbers, another error) fails here."""
    import re

    from helpers import declared_limit_message

    from zarrjvm.compat.capabilities import java_reader_limitation, java_reader_limitations, known_defect

    out = {"correct": 0, "declared": 0, "link": 0, "defect": 0}
    for case in cases:
        store, path = written(case)
        why, defect = java_reader_limitation(reader, case), known_defect(reader, case)
        try:
            # the readers as they are (their own codecs): the table is about them
            with zarrjvm.open_array(store, path, backend=reader, **{"decode": "reader", **options}) as a:
                got = np.array(a[...])
        except zarrjvm.UnsupportedError as e:
            if e.java_class in ("java.lang.NoSuchFieldError", "java.lang.NoSuchMethodError"):
                out["link"] += 1
            elif defect is not None and defect.matches(e):  # zarrjvm's guard refusing a known upstream misread
                out["defect"] += 1
            else:
                assert why and re.search(declared_limit_message(java_reader_limitations(reader, case)), str(e)), \
                    (case.name, str(e))
                out["declared"] += 1
            continue
        except zarrjvm.ZarrJvmError as e:
            assert defect is not None and defect.matches(e), (case.name, str(e))
            out["defect"] += 1
            continue
        assert why is None and defect is None, (case.name, why, defect)
        assert_same(got, case.expected())
        out["correct"] += 1
    return out


def test_the_readme_table_of_the_central_only_build_is_measured(written, central: bool) -> None:
    """README, "What each backend reads in the Central-only build": every row measured here, shims on and off."""
    import re
    from pathlib import Path

    from zarrjvm.compat.cases import NETCDF_CASES, ZARR_CASES

    if not central:
        pytest.skip("the table is the Central-only build's (cdm 4.5.5); a 5.x build has no link errors")
    v2 = [c for c in ZARR_CASES if c.format == "zarr-v2"]
    rows = {
        "zarr-java 0.0.9 (zarrjvm's shims on, the default)": (_tally(written, "zarr-java", ZARR_CASES),
                                                              len(ZARR_CASES)),
        "zarr-java 0.0.9 as-is on cdm 4.5.5 (`shims=False`)": (_tally(written, "zarr-java", ZARR_CASES, shims=False),
                                                               len(ZARR_CASES)),
        "jzarr 0.4.2": (_tally(written, "jzarr", v2), len(v2)),
        "netCDF-Java (cdm 4.5.5)": (_tally(written, "netcdf-java", NETCDF_CASES), len(NETCDF_CASES)),
    }
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for label, (t, n) in rows.items():
        line = next((ln for ln in readme.splitlines() if ln.startswith(f"| {label} |")), None)
        assert line is not None, f"no README row for {label}"
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[1] == f"{t['correct']} / {n}", (label, t)
        declared = re.match(r"(\d+)", cells[2])
        assert declared and int(declared[1]) == t["declared"], (label, t)
        link = re.search(r"\+ (\d+) link errors", cells[2])
        assert (int(link[1]) if link else 0) == t["link"], (label, t)
        assert int(re.match(r"(\d+)", cells[3])[1]) == t["defect"], (label, t)  # type: ignore[index]
        assert sum(t.values()) == n
