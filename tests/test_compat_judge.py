"""Judging cells: pass, fail (first differing index and both values), error (class and message, Central-only label),
unsupported (declared, never run). A deliberately wrong reader must come out as `fail`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zarrjvm.compat.capabilities import PEER_READERS
from zarrjvm.compat.cases import CASES_BY_NAME, Case
from zarrjvm.compat.findings import annotate
from zarrjvm.compat.implementations import ReadResult, ZarrPythonReader, ZarrPythonWriter
from zarrjvm.compat.judge import compare_attrs, compare_kind, compare_values, error_detail, judge
from zarrjvm.compat.runner import run_matrix


def test_compare_kind_text_element_wise_whatever_the_container() -> None:
    """Strings equal as str whether the reader hands out numpy StringDType, object or U; bytes must stay bytes."""
    want = CASES_BY_NAME["zarr-v3-text-string-missing"].expected()
    assert compare_kind(want.astype(np.dtypes.StringDType()), want, "string") is None
    assert compare_kind(want.astype(object), want, "string") is None
    got = want.copy()
    got[2, 1] = "héllo?"
    d = compare_kind(got, want, "string")
    assert d is not None and d["reason"] == "values" and d["index"] == [2, 1] and d["n_differ"] == 1
    as_bytes = np.array([w.encode() for w in want.reshape(-1)], dtype=object).reshape(want.shape)
    d = compare_kind(as_bytes, want, "string")  # bytes for a string case: a fail, naming the element's type
    assert d is not None and d["got_type"] == "bytes"
    fixed = CASES_BY_NAME["zarr-v2-text-bytes-S8"].expected()
    assert compare_kind(fixed.astype(object), fixed, "bytes") is None
    as_text = np.array([w.decode("latin-1") for w in fixed], dtype="U8")
    assert compare_kind(as_text, fixed, "bytes")["got_type"] == "str_"
    assert compare_kind(fixed[:-1], fixed, "bytes") == {"reason": "shape", "expected": [11], "got": [10]}


def test_compare_kind_compound_enum_vlen() -> None:
    comp = CASES_BY_NAME["netcdf4-compound"].expected()
    aligned = np.dtype({"names": ["id", "x"], "formats": ["<i4", "<f8"], "offsets": [0, 8], "itemsize": 16})
    got = comp.astype(aligned)  # netCDF4-python's aligned layout: compared per field, NaN equal to NaN
    assert compare_kind(got, comp, "compound") is None
    got["x"][5] = 1.0
    assert compare_kind(got, comp, "compound")["field"] == "x"
    enum = CASES_BY_NAME["netcdf4-enum-u1"].expected()
    assert compare_kind(enum.copy(), enum, "enum") is None
    assert compare_kind(enum.astype("i8"), enum, "enum")["reason"] == "dtype"
    vlen = CASES_BY_NAME["netcdf4-vlen-i4"].expected()
    assert compare_kind(vlen.copy(), vlen, "vlen") is None
    wide = np.empty_like(vlen)
    wide[:] = [v.astype("i8") for v in vlen]
    d = compare_kind(wide, vlen, "vlen")  # same numbers in another width: a fail
    assert d is not None and d["n_differ"] == len(vlen)


def test_compare_values() -> None:
    a = np.array([[1.0, np.nan], [3.0, 4.0]], dtype="<f4")
    assert compare_values(a.copy(), a) is None  # NaN equals NaN
    b = a.copy()
    b[1, 0] = 7.5
    d = compare_values(b, a)
    assert d == {"reason": "values", "index": [1, 0], "expected": 3.0, "got": 7.5, "n_differ": 1, "n": 4}
    b = a.copy()
    b[0, 1] = 0.0
    assert compare_values(b, a)["expected"] == "NaN"
    assert compare_values(a[:1], a)["reason"] == "shape"
    assert compare_values(a.astype("<f8"), a)["reason"] == "dtype"
    assert compare_values(a.astype(">f4"), a) is None  # byte order is not a difference in values
    z = np.array(5, dtype="<u8")
    assert compare_values(np.array(6, dtype="<u8"), z)["index"] == []
    big = np.array([2**64 - 1], dtype="<u8")
    assert compare_values(np.array([0], dtype="<u8"), big)["expected"] == 2**64 - 1


def test_compare_attrs() -> None:
    want = {"scale": 0.5, "levels": [1, 2, 3], "nested": {"a": None, "b": True}}
    assert compare_attrs(dict(want), want) is None
    assert compare_attrs({**want, "extra": 1}, want) is None
    assert compare_attrs({"scale": 0.5, "levels": [1, 2, 3], "nested": {"b": True}}, want)["key"] == "nested"
    assert compare_attrs({"levels": [1, 2, 3]}, want)["got"] == "<missing>"
    assert compare_attrs(None, want) is None  # a reader without an attributes API is not judged on them


def test_judge_uses_the_writers_source_data() -> None:
    case = CASES_BY_NAME["zarr-v2-fill-42-i2-missing"]
    assert judge(case, case.expected(), None) == ("pass", {})
    wrong = case.data()  # ignores the absent chunks: they must read as the fill value 42
    status, detail = judge(case, wrong, None)
    assert status == "fail" and detail["expected"] == 42


class OffByOneReader(ZarrPythonReader):
    """Deliberately wrong: reads with zarr-python, then changes the last element."""

    name = "off-by-one"
    caps = replace(PEER_READERS["zarr-python"], name="off-by-one")

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        res = super().read(case, store, path)
        v = np.array(res.values)
        if v.size:
            flat = v.reshape(-1)
            if v.dtype.kind == "b":
                flat[-1] = not flat[-1]
            elif v.dtype.kind == "f":
                flat[-1] = 0.5 if flat[-1] != 0.5 else 1.5
            else:
                flat[-1] ^= 1
        return ReadResult(v, res.dtype, res.attrs)


class RaisingReader(ZarrPythonReader):
    name = "raising"
    caps = replace(PEER_READERS["zarr-python"], name="raising", v2_codecs=frozenset({"zlib"}),
                   formats=frozenset({"zarr-v2"}))

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        if case.codec != "zlib":
            raise AssertionError("a reader declared unsupported must never be called")
        raise OSError(f"cannot read {path!r} from {Path(store).name}")


def test_deliberately_wrong_reader_fails_with_index_and_values() -> None:
    cases = ["zarr-v2-dtype-i4", "zarr-v3-dtype-f8", "zarr-v2-codec-blosc-lz4-shuffle-u2"]
    report = run_matrix(["zarr-python"], ["zarr-python"], cases, extra_readers=[OffByOneReader()])
    cells = {(c["reader"], c["case"]): c for c in report["cells"]}
    for name in cases:
        assert cells[("zarr-python", name)]["status"] == "pass"
        bad = cells[("off-by-one", name)]
        assert bad["status"] == "fail"
        d = bad["detail"]
        case = CASES_BY_NAME[name]
        last = tuple(n - 1 for n in case.shape)
        assert d["reason"] == "values" and d["index"] == list(last) and d["n_differ"] == 1
        assert d["expected"] == case.expected()[last].item()
        assert d["got"] != d["expected"]
        assert d["finding"] is None  # no upstream finding explains it
    assert report["summary"]["by_reader"]["off-by-one"]["fail"] == len(cases)
    assert report["summary"]["unexplained"] == len(cases)


def test_error_and_declared_unsupported_cells() -> None:
    report = run_matrix(["zarr-python"], [], ["zarr-v2-dtype-i4", "zarr-v2-codec-gzip-f4", "zarr-v3-dtype-i4"],
                        extra_readers=[RaisingReader()])
    cells = {c["case"]: c for c in report["cells"]}
    assert set(cells) == {"zarr-v2-dtype-i4", "zarr-v2-codec-gzip-f4"}  # no cell for a format it does not read
    err = cells["zarr-v2-dtype-i4"]
    assert err["status"] == "error"
    assert err["detail"]["stage"] == "read" and err["detail"]["exception"] == "OSError"
    assert "cannot read" in err["detail"]["message"]
    uns = cells["zarr-v2-codec-gzip-f4"]
    assert uns["status"] == "unsupported"
    assert uns["detail"] == {"side": "reader", "reason": "raising has no Zarr v2 codec 'gzip'"}


def test_writer_errors_make_every_reader_cell_an_error(tmp_path: Path) -> None:
    class BrokenWriter(ZarrPythonWriter):
        name = "broken"

        def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
            raise RuntimeError("disk full")

    report = run_matrix([], ["zarr-python", "tensorstore"], ["zarr-v2-dtype-u1"], extra_writers=[BrokenWriter()])
    assert [c["status"] for c in report["cells"]] == ["error", "error"]
    assert all(c["detail"]["stage"] == "write" and c["detail"]["exception"] == "RuntimeError"
               for c in report["cells"])


def test_central_only_link_failures_are_labelled(tmp_path: Path) -> None:
    """A real Central-only failure: zarr-java writing int32 as it is, on cdm 4.5.5 (skipped by nothing: measured)."""
    import zarrjvm
    from zarrjvm.compat.javawrite import write_java

    if zarrjvm.jvm.build_info()["ma2_unsigned_types"]:
        pytest.xfail("netCDF-Java 5.x build: zarr-java links fully, nothing Central-only to label")
    case = CASES_BY_NAME["zarr-v2-dtype-i4"]
    with pytest.raises(zarrjvm.UnsupportedError) as ei:
        write_java("zarr-java", case, tmp_path / "x.zarr", shims=False)
    d = error_detail(ei.value, "write")
    assert d["central_only"] is True and "Central-only" in d["label"]
    assert d["java_class"] == "java.lang.NoSuchMethodError" and "getDataAsByteBuffer" in d["java_message"]
    cell: dict[str, Any] = {"writer": "zarr-java", "reader": "zarr-python", "case": case.name, "status": "error",
                            "detail": d}
    assert annotate([cell], {case.name: case.features}) == 0 and cell["detail"]["finding"] == "C1"
    # a plain Python error is not Central-only
    assert "central_only" not in error_detail(ValueError("ucar.ma2 mentioned but no link error"), "read")


# -- findings: each explains its own signature and nothing near it ---------------------------------------------------
#: one cell per finding, as the matrix reports it (details measured on this machine's full run, messages shortened)
_FOUND: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "C1": ("zarr-java", "zarr-python", "zarr-v3-sharded-f4", {
        "stage": "write", "exception": "UnsupportedError", "java_class": "java.lang.NoSuchFieldError",
        "java_message": "ULONG", "central_only": True,
        "message": "writing '' (zarr-v3) with zarr-java: the writer needs a part of ucar.ma2 this build's netCDF-Java "
                   "(edu.ucar:cdm:4.5.5) does not have: java.lang.NoSuchFieldError: ULONG"}),
    "Z1": ("zarr-java", "zarr-python", "zarr-v2-order-F", {
        "reason": "values", "index": [0, 1], "expected": 166630331, "got": 615589806}),
    "Z2": ("zarr-python", "zarr-java", "zarr-v3-codec-zstd+crc32c-f4", {
        "stage": "read", "exception": "ChunkDecodeError", "java_class": "com.github.luben.zstd.ZstdException",
        "java_message": "Src size is incorrect",
        "message": "decoding chunk [0, 0] of / with zarr-java: com.github.luben.zstd.ZstdException: Src size is "
                   "incorrect"}),
    "Z3": ("zarr-python", "zarr-java", "zarr-v2-fill-inf-missing", {
        "stage": "read", "exception": "MetadataError", "java_class": "dev.zarr.zarrjava.ZarrException",
        "java_message": "Invalid fill value 'Infinity'.", "message": "opening '/' with zarr-java: ..."}),
    "Z7": ("tensorstore", "zarr-java (as-is)", "zarr-v3-dtype-b1", {
        "stage": "read", "exception": "MetadataError",
        "java_class": "com.fasterxml.jackson.databind.exc.MismatchedInputException",
        "java_message": "Missing required creator property 'configuration' (index 0)\n at [Source: REDACTED] (through "
                        "reference chain: dev.zarr.zarrjava.v3.ArrayMetadata[\"chunk_key_encoding\"]->x)",
        "message": "opening '/' with zarr-java: ..."}),
    "C3": ("zarr-python", "zarr-java (as-is)", "zarr-v2-dtype-b1", {
        "stage": "read", "exception": "UnsupportedError", "java_class": "java.lang.NoSuchMethodError",
        "java_message": "'ucar.ma2.Array ucar.ma2.Array.factory(ucar.ma2.DataType, ucar.ma2.Index, java.lang.Object)'",
        "central_only": True,
        "message": "decoding chunk [0, 0] of / with zarr-java: the reader needs a part of ucar.ma2 this build's "
                   "netCDF-Java does not have: java.lang.NoSuchMethodError: 'ucar.ma2.Array ucar.ma2.Array.factory("
                   "ucar.ma2.DataType, ucar.ma2.Index, java.lang.Object)'"}),
    "Z8": ("zarr-java", "zarr-python", "zarr-v3-attrs", {
        "reason": "attrs", "key": "nested", "expected": {"a": None, "b": True}, "got": {"b": True}}),
    "Z9": ("zarr-java", "tensorstore", "zarr-v2-codec-blosc-lz4-shuffle-f4", {
        "stage": "read", "exception": "ValueError",
        "message": "FAILED_PRECONDITION: Error opening \"zarr\" driver: Error reading local file \".zarray\": Error "
                   "parsing object member \"compressor\": Object includes extra members: \"typesize\""}),
    "Z10": ("zarr-java", "zarr-python", "zarr-v2-empty", {
        "stage": "write", "exception": "ChunkDecodeError", "java_class": "dev.zarr.zarrjava.ZarrException",
        "java_message": "Attempting to read data outside of the array's domain.", "message": "writing ''"}),
    "J4": ("jzarr", "zarr-python", "zarr-v2-empty", {
        "stage": "write", "exception": "ChunkDecodeError", "java_class": "ucar.ma2.InvalidRangeException",
        "java_message": "last (-1) must be >= first (0)", "message": "writing ''"}),
    "XA1": ("xarray", "zarr-python", "zarr-v2-fill-inf-missing", {
        "reason": "values", "index": [0, 0], "expected": "NaN", "got": "Infinity", "n_differ": 1, "n": 851}),
    "NZ1": ("nczarr", "zarr-python", "zarr-v2-dtype-i1", {
        "stage": "read", "exception": "ValueError",
        "message": "No Zarr data type found that matches {'name': '<i1', 'object_codec_id': None}"}),
    "RS1": ("zarr-python", "zarrs", "zarr-v2-order-F", {
        "stage": "read", "exception": "ValueError", "message": "input array must be a C contiguous array"}),
    "NZ2": ("nczarr", "zarr-python", "default-nczarr-zlib", {
        "reason": "values", "index": [0, 0], "expected": "NaN", "got": 3.1010981644037923e-38,
        "n_differ": 851, "n": 851}),
    "NZ3": ("nczarr", "zarrs", "default-nczarr-zlib", {
        "stage": "read", "exception": "RuntimeError",
        "message": "the shuffle codec expects the input byte length to be an integer multiple of the elementsize"}),
    "B1": ("tensorstore", "jzarr", "default-tensorstore-v2", {
        "stage": "read", "exception": "MetadataError", "java_class": "java.lang.IllegalArgumentException",
        "java_message": "blosc: shuffle type not supported: '-1'; expected one of [0, 1, 2]",
        "message": "opening '/' with jzarr: java.lang.IllegalArgumentException: blosc: shuffle type not supported: "
                   "'-1'"}),
    "ZP1": ("zarr-python-2", "tensorstore", "zarr-v2-codec-zstd-f4", {
        "stage": "read", "exception": "ValueError",
        "message": "FAILED_PRECONDITION: Error opening \"zarr\" driver: Error reading local file \".zarray\": Error "
                   "parsing object member \"compressor\": Object includes extra members: \"checksum\""}),
    "ZR1": ("zarr-python", "zarrita", "zarr-v2-fill-max-u8-missing", {
        "reason": "values", "index": [10, 0], "expected": 2 ** 64 - 1, "got": 0, "n_differ": 621, "n": 851}),
    "ZR2": ("zarrita", "zarr-python", "zarr-v2-empty", {  # BY_ID holds ZR2's write-side rule (the read side is alike)
        "stage": "write", "exception": "WorkerError", "message": "Error: Input contains an empty iterator."}),
    "ZR3": ("zarr-python", "zarrita", "zarr-v3-sharded-index-start", {
        "stage": "read", "exception": "WorkerError",
        "message": "RangeError: The value of \"size\" is out of range. It must be >= 0 && <= 4294967296. Received "
                   "14_488_084_289_202_766_000"}),
    "NZ4": ("nczarr", "zarr-python", "zarr-v2-fill-max-f8-missing", {
        "reason": "values", "index": [10, 0], "expected": 1.7976931348623157e+308, "got": 1.79769e+308,
        "n_differ": 621, "n": 851}),
    "N4": ("h5py", "netcdf-java", "netcdf4-fletcher32-f4", {
        "stage": "read", "exception": "UnsupportedError", "java_class": "dev.zarrjvm.errors.UnsupportedException",
        "java_message": "netcdf-java does not verify HDF5 Fletcher32 checksums (it strips them unread): ...",
        "message": "netcdf-java does not verify HDF5 Fletcher32 checksums (it strips them unread): a damaged chunk "
                   "of 'v' (filters: fletcher32) would read as wrong numbers; pass checks=False to read it without "
                   "verification"}),
    "H1": ("netcdf4-python", "jhdf", "netcdf4-zlib-fletcher32-i2", {
        "stage": "read", "exception": "UnsupportedError", "java_class": "dev.zarrjvm.errors.UnsupportedException",
        "java_message": "jhdf does not verify HDF5 Fletcher32 checksums (jHDF io.jhdf:jhdf:0.10.0 passes them "
                        "through unread): ...",
        "message": "jhdf does not verify HDF5 Fletcher32 checksums (jHDF io.jhdf:jhdf:0.10.0 passes them through "
                   "unread): a damaged chunk of dataset '/v' ..."}),
    "ZR4": ("zarrita", "zarr-python", "zarr-v3-attrs-unicode", {  # BY_ID holds ZR4's write-side rule
        "reason": "attrs", "key": "int64", "expected": 2 ** 62, "got": 4611686018427388000}),
    "ZR5": ("xarray", "zarrita", "zarr-v2-text-unicode-U6-missing", {
        "stage": "read", "exception": "WorkerError",
        "message": "TypeError: Cannot read properties of null (reading 'codePointAt')"}),
    "HV1": ("netcdf4-python", "h5py", "netcdf4-text-string-missing", {
        "stage": "read", "exception": "OSError", "message": "Can't synchronously read data (no write intent on file)"}),
    "N5": ("netcdf4-python", "netcdf-java", "netcdf4-vlen-i4", {
        "stage": "read", "exception": "UnsupportedError", "java_class": "java.io.IOException",
        "java_message": "Illegal Heap address, HeapObject =  nelems=0 heapAddress=0 index=0",
        "message": "netcdf-java 4.5.5 cannot read the vlen variable 'v': it has an empty sequence (stored at HDF5 heap "
                   "address 0), on which netCDF-Java fails ('Illegal Heap address, HeapObject =  nelems=0 "
                   "heapAddress=0 index=0'); try backend='jhdf' [java.io.IOException: Illegal Heap address, "
                   "HeapObject =  nelems=0 heapAddress=0 index=0]"}),
}


def _cell(writer: str, reader: str, case: str, detail: dict[str, Any]) -> dict[str, Any]:
    status = "fail" if "reason" in detail else "error"
    return {"writer": writer, "reader": reader, "case": case, "status": status, "detail": dict(detail)}


def _finding(cell: dict[str, Any]) -> str | None:
    annotate([cell], {c.name: c.features for c in CASES_BY_NAME.values()})
    return cell["detail"]["finding"]


def _near_misses(rule: Any, writer: str, reader: str, case: str, d: dict[str, Any]) -> list[tuple[str, dict]]:
    """The same cell with one thing changed (a writer or reader the rule does not name, a case of the other format,
    another value or message, exception class, stage or Java class): each must stay unexplained."""
    names = ["zarr-python", "tensorstore", "zarr-java", "jzarr"]
    out = []
    if rule.writers is not None:
        out.append(("writer", _cell(next(n for n in names if n not in rule.writers), reader, case, d)))
    if rule.readers is not None:
        out.append(("reader", _cell(writer, next(n for n in names if n not in rule.readers), case, d)))
    out.append(("case", _cell(writer, reader, _NEAR_CASE[rule.id], d)))
    if "reason" in d:
        if rule.id == "Z1":
            out.append(("value", _cell(writer, reader, case, {**d, "got": d["got"] + 1})))
        else:
            out.append(("attrs", _cell(writer, reader, case, {**d, "got": {"b": False}})))
    else:
        out.append(("message", _cell(writer, reader, case, {**d, "message": "something else",
                                                            "java_message": "something else"})))
        out.append(("exception", _cell(writer, reader, case, {**d, "exception": "StoreError"})))
        out.append(("stage", _cell(writer, reader, case,
                                   {**d, "stage": "read" if d["stage"] == "write" else "write"})))
        if "java_class" in d:
            other = "java.lang.IllegalStateException" if d["java_class"] == "java.io.IOException" else \
                "java.io.IOException"
            out.append(("java class", _cell(writer, reader, case, {**d, "java_class": other})))
    return out


#: per finding, the nearest case its predicate must not take (same format where the rule names one)
_NEAR_CASE = {
    "C1": "netcdf3-classic-i2", "Z1": "zarr-v2-dtype-i4", "Z2": "zarr-v3-dtype-f4", "Z3": "zarr-v2-dtype-f4",
    "Z7": "zarr-v2-dtype-b1", "Z8": "zarr-v3-dtype-i4", "Z9": "zarr-v2-dtype-i4", "Z10": "zarr-v2-dtype-i4",
    "J4": "zarr-v2-dtype-i4", "XA1": "zarr-v2-dtype-f4", "NZ1": "zarr-v2-dtype-i2", "RS1": "zarr-v2-dtype-i4",
    "B1": "default-tensorstore-v3", "NZ2": "default-nczarr", "NZ3": "default-nczarr", "ZP1": "zarr-v2-dtype-f4",
    "ZR1": "zarr-v2-dtype-u8", "ZR2": "zarr-v2-dtype-i4", "ZR3": "zarr-v3-sharded-f4", "C3": "netcdf3-classic-i2",
    "NZ4": "zarr-v2-dtype-f8", "ZR4": "zarr-v3-dtype-i4", "N4": "netcdf4-zlib-f4", "H1": "netcdf4-shuffle-zlib-f4",
    "ZR5": "zarr-v2-text-bytes-S8", "HV1": "netcdf4-text-char", "N5": "netcdf4-enum-u1",
}


def test_the_as_is_findings_stay_out_of_the_normalized_column() -> None:
    """Z7 and C3 are what zarr-java does as it is: the same cell in the normalized 'zarr-java' column (shims on) is
    not explained by them (the shims must have removed the failure there)."""
    for fid in ("Z7", "C3"):
        writer, _, case, d = _FOUND[fid]
        assert _finding(_cell(writer, "zarr-java", case, d)) is None


def test_nz4_and_zr4_signatures_need_the_lost_digits() -> None:
    _, _, case, d = _FOUND["NZ4"]
    # f4: the 6-digit spelling read back as float32
    assert _finding(_cell("nczarr", "zarrs", "zarr-v2-fill-min-f4-missing", {
        **d, "expected": -3.4028234663852886e+38, "got": -3.402820018375656e+38})) == "NZ4"
    assert _finding(_cell("nczarr", "zarrs", case, {**d, "got": 1.7976e+308})) is None
    _, _, case, d = _FOUND["ZR4"]
    assert _finding(_cell("zarr-python", "zarrita", case, d)) == "ZR4"  # the read side
    assert _finding(_cell("zarr-python", "zarrita", case, {**d, "got": 2 ** 62 + 4096})) is None
    assert _finding(_cell("zarr-python", "zarrita", case, {**d, "expected": 2 ** 40, "got": 2 ** 40 + 1})) is None


@pytest.mark.parametrize("fid", list(_FOUND))
def test_a_finding_explains_its_own_signature_and_no_near_miss(fid: str) -> None:
    from zarrjvm.compat.findings import BY_ID, RULES

    assert {r.id for r in RULES} == set(_FOUND) | {"C2"}
    writer, reader, case, d = _FOUND[fid]
    assert _finding(_cell(writer, reader, case, d)) == fid
    misses = _near_misses(BY_ID[fid], writer, reader, case, d)
    assert len(misses) >= 3
    for what, cell in misses:
        assert _finding(cell) is None, f"{fid} also explains a cell with another {what}: {cell}"


def test_central_only_jzarr_write_is_c2_and_only_with_the_label() -> None:
    d = {"stage": "write", "exception": "UnsupportedError", "java_class": "java.lang.NoSuchMethodError",
         "java_message": "ucar.ma2.Array.getDataAsByteBuffer", "central_only": True,
         "message": "writing with jzarr: the writer needs a part of ucar.ma2 this build's netCDF-Java does not have"}
    assert _finding(_cell("jzarr", "zarr-python", "zarr-v2-dtype-i4", d)) == "C2"
    assert _finding(_cell("jzarr", "zarr-python", "zarr-v2-dtype-i4", {**d, "central_only": False})) is None
