"""Which entry of ``docs/findings.md`` explains a ``fail`` or ``error`` cell. Every rule names one reproduced upstream
defect, spec ambiguity, or Central-only link failure, and matches it on its whole signature (writer, reader, case,
stage, exception class, Java class and message, or the values that differ), so a new failure that merely resembles a
finding is not passed off as it. A fail/error cell no rule explains is *unexplained* and is listed as such in the
report (a new finding to reproduce)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Rule:
    """One finding, matched specifically: who wrote and who read, the cell's status and stage, the case, and for an
    error the exception class, the Java class and the message; for a fail what differed. A cell that differs in any
    of these is not this finding (a new regression stays *unexplained*)."""

    id: str
    kind: str  # "defect", "spec-ambiguity" or "central-only"
    title: str
    status: str  # "fail" or "error"
    #: writers / readers it applies to (None: any)
    writers: frozenset[str] | None
    readers: frozenset[str] | None
    #: which cases (their features) it applies to
    case: Callable[[dict[str, Any]], bool]
    #: error cells: the stage ("write" or "read"), the exception class name, the Java class (regex, fullmatch) and a
    #: regex searched in "java_class: java_message message"
    stage: str | None = None
    exception: str | None = None
    java_class: str | None = None
    message: str | None = None
    #: fail cells (or extra checks): a predicate on (detail, case features)
    detail: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None

    def applies(self, cell: dict[str, Any], features: dict[str, Any]) -> bool:
        d = cell["detail"]
        if cell["status"] != self.status or not features:
            return False
        if self.writers is not None and cell["writer"] not in self.writers:
            return False
        if self.readers is not None and cell["reader"] not in self.readers:
            return False
        if not self.case(features):
            return False
        if self.stage is not None and d.get("stage") != self.stage:
            return False
        if self.exception is not None and d.get("exception") != self.exception:
            return False
        if self.java_class is not None and not re.fullmatch(self.java_class, str(d.get("java_class") or "")):
            return False
        if self.message is not None and not re.search(self.message, _err(cell)):
            return False
        return self.detail is None or self.detail(d, features)


def _err(cell: dict[str, Any]) -> str:
    d = cell["detail"]
    return f"{d.get('java_class', '')}: {d.get('java_message', '')} {d.get('message', '')}"


def _zero_size(f: dict[str, Any]) -> bool:
    return bool(f.get("format", "").startswith("zarr") and 0 in (f.get("shape") or [1]))


def _zarr_java_zstd_slice(f: dict[str, Any]) -> bool:
    return f.get("format") == "zarr-v3" and "zstd" in f.get("codec", "") and "crc32c" in f.get("codec", "")


def _index_at_start(f: dict[str, Any]) -> bool:
    from .cases import CASES_BY_NAME

    case = CASES_BY_NAME.get(f.get("name", ""))
    return case is not None and case.shards is not None and case.index_location == "start"


def _order_f_read_as_c(d: dict[str, Any], f: dict[str, Any]) -> bool:
    """Z1's signature: the value read at ``index`` is the one a C-ordered chunk holds at the flat position F order
    gives that index (zarr-java wrote C-ordered chunks under ``order: "F"``; the reader honoured the F)."""
    from .cases import CASES_BY_NAME

    case = CASES_BY_NAME.get(f.get("name", ""))
    if case is None or d.get("reason") != "values" or d.get("index") is None:
        return False
    idx, chunks = [int(i) for i in d["index"]], [int(c) for c in case.chunks]
    origin = [i // c * c for i, c in zip(idx, chunks)]
    full = case.expected()
    box = full[tuple(slice(o, o + c) for o, c in zip(origin, chunks))]
    chunk = np.zeros(chunks, dtype=full.dtype)  # the writer's chunk buffer, C order (fill 0 beyond the edge)
    chunk[tuple(slice(0, n) for n in box.shape)] = box
    flat = int(np.ravel_multi_index([i - o for i, o in zip(idx, origin)], chunks, order="F"))
    want = chunk.ravel(order="C")[flat].item()
    return bool(d.get("got") == want and d.get("expected") == full[tuple(idx)].item())


def _nulls_dropped(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _nulls_dropped(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_nulls_dropped(v) for v in value]
    return value


def _only_nulls_dropped(d: dict[str, Any], f: dict[str, Any]) -> bool:
    """Z8's signature: what was read is what was written minus its null-valued members (and something was null)."""
    return d.get("reason") == "attrs" and d.get("got") == _nulls_dropped(d.get("expected")) \
        and d.get("got") != d.get("expected")


_CENTRAL_ONLY = r"java\.lang\.(NoSuchFieldError|NoSuchMethodError|NoClassDefFoundError)"
#: zarr-java's two reader columns: normalized (shims on, the default) and as it is (shims off)
ZJ = frozenset({"zarr-java", "zarr-java (as-is)"})

RULES: tuple[Rule, ...] = (
    Rule("C1", "central-only", "zarr-java's write path needs netCDF-Java 5.x members of ucar.ma2", "error",
         frozenset({"zarr-java"}), None, lambda f: f.get("format", "").startswith("zarr"),
         stage="write", exception="UnsupportedError", java_class=_CENTRAL_ONLY,
         message=r"the writer needs a part of ucar\.ma2 this build's netCDF-Java",
         detail=lambda d, f: bool(d.get("central_only"))),
    Rule("C3", "central-only", "zarr-java's read path (as it is, no shims) needs netCDF-Java 5.x members of ucar.ma2",
         "error", None, frozenset({"zarr-java (as-is)"}), lambda f: f.get("format", "").startswith("zarr"),
         stage="read", exception="UnsupportedError", java_class=_CENTRAL_ONLY,
         message=r"the reader needs (ucar\.ma2\.DataType\.U(BYTE|SHORT|INT|LONG)|a part of ucar\.ma2 this build)",
         detail=lambda d, f: bool(d.get("central_only"))),
    Rule("C2", "central-only", "jzarr's write path needs netCDF-Java 5.x members of ucar.ma2", "error",
         frozenset({"jzarr"}), None, lambda f: f.get("format") == "zarr-v2",
         stage="write", exception="UnsupportedError", java_class=_CENTRAL_ONLY,
         message=r"the writer needs a part of ucar\.ma2 this build's netCDF-Java",
         detail=lambda d, f: bool(d.get("central_only"))),
    Rule("Z1", "defect", "zarr-java ignores Zarr v2 'order': F arrays are written (and read) as C", "fail",
         frozenset({"zarr-java"}), frozenset({"zarr-python", "tensorstore", "zarr-python-2", "zarrita"}),
         lambda f: f.get("format") == "zarr-v2" and f.get("order") == "F", detail=_order_f_read_as_c),
    Rule("Z2", "defect", "zarr-java ZstdCodec.decode reads ByteBuffer.array(): zstd after crc32c fails", "error",
         None, ZJ, _zarr_java_zstd_slice, stage="read", exception="ChunkDecodeError",
         java_class=r"com\.github\.luben\.zstd\.ZstdException", message=r"ZstdException: Src size is incorrect"),
    Rule("Z3", "defect", "zarr-java rejects the fill value 'Infinity' (it writes that spelling itself)", "error",
         None, ZJ, lambda f: f.get("format", "").startswith("zarr") and f.get("fill") == "inf",
         stage="read", exception="MetadataError", java_class=r"dev\.zarr\.zarrjava\.ZarrException",
         message=r"Invalid fill value 'Infinity'"),
    Rule("Z7", "defect", "zarr-java requires 'configuration' in the v3 chunk_key_encoding", "error",
         frozenset({"tensorstore"}), frozenset({"zarr-java (as-is)"}), lambda f: f.get("format") == "zarr-v3",
         stage="read", exception="MetadataError",
         java_class=r"com\.fasterxml\.jackson\.databind\.exc\.MismatchedInputException",
         message=r"(?s)Missing required creator property 'configuration'.*\"chunk_key_encoding\""),
    Rule("Z8", "defect", "zarr-java drops null-valued members from v3 attributes", "fail",
         frozenset({"zarr-java"}), None, lambda f: f.get("format") == "zarr-v3" and bool(f.get("attrs")),
         detail=_only_nulls_dropped),
    Rule("Z9", "spec-ambiguity", "zarr-java's v2 blosc config carries 'typesize'; tensorstore refuses extra members",
         "error", frozenset({"zarr-java"}), frozenset({"tensorstore"}),
         lambda f: f.get("format") == "zarr-v2" and f.get("codec", "").startswith("blosc"),
         stage="read", exception="ValueError",
         message=r'Error parsing object member "compressor": Object includes extra members: "typesize"'),
    # zarr-python 2 needs numcodecs < 0.16, whose Blosc takes no 'typesize' (Z9 again, through the worker)
    Rule("Z9", "spec-ambiguity", "zarr-java's v2 blosc config carries 'typesize'; numcodecs < 0.16 (zarr-python 2) "
         "refuses it", "error", frozenset({"zarr-java"}), frozenset({"zarr-python-2"}),
         lambda f: f.get("format") == "zarr-v2" and f.get("codec", "").startswith("blosc"),
         stage="read", exception="WorkerError",
         message=r"TypeError: __init__\(\) got an unexpected keyword argument 'typesize'"),
    Rule("ZP1", "spec-ambiguity", "zarr-python 2 (numcodecs 0.15) writes v2 Zstd with 'checksum'; tensorstore refuses "
         "extra members", "error", frozenset({"zarr-python-2"}), frozenset({"tensorstore"}),
         lambda f: f.get("format") == "zarr-v2" and f.get("codec") == "zstd", stage="read", exception="ValueError",
         message=r'Error parsing object member "compressor": Object includes extra members: "checksum"'),
    Rule("ZR1", "defect", "zarrita parses a uint64 fill value above 2^53 through a JS number: 2^64-1 reads as 0",
         "fail", None, frozenset({"zarrita"}),
         lambda f: f.get("dtype") == "<u8" and f.get("fill") == "max" and bool(f.get("missing")),
         detail=lambda d, f: d.get("reason") == "values" and d.get("got") == 0
         and d.get("expected") == 2 ** 64 - 1),
    Rule("ZR2", "defect", "zarrita's get and set fail on a zero-size array ('Input contains an empty iterator')",
         "error", None, frozenset({"zarrita"}), _zero_size, stage="read", exception="WorkerError",
         message=r"Error: Input contains an empty iterator\."),
    Rule("ZR2", "defect", "zarrita's get and set fail on a zero-size array ('Input contains an empty iterator')",
         "error", frozenset({"zarrita"}), None, _zero_size, stage="write", exception="WorkerError",
         message=r"Error: Input contains an empty iterator\."),
    Rule("ZR3", "defect", "zarrita reads the shard index from the end whatever 'index_location' says", "error",
         None, frozenset({"zarrita"}), _index_at_start, stage="read", exception="WorkerError",
         message=r'RangeError: The value of "size" is out of range'),
    Rule("Z10", "defect", "zarr-java Array.write fails on a zero-size array", "error",
         frozenset({"zarr-java"}), None, _zero_size, stage="write", exception="ChunkDecodeError",
         java_class=r"dev\.zarr\.zarrjava\.ZarrException",
         message=r"Attempting to read data outside of the array's domain"),
    Rule("J4", "defect", "jzarr's write of a zero-size array fails in PartialDataCopier", "error",
         frozenset({"jzarr"}), None, _zero_size, stage="write", exception="ChunkDecodeError",
         java_class=r"ucar\.ma2\.InvalidRangeException", message=r"last \(-1\) must be >= first \(0\)"),
)



def _cf_nan_as_fill(d: dict[str, Any], f: dict[str, Any]) -> bool:
    """XA1's signature: where the source holds NaN the store holds the case's (non-NaN) fill value."""
    from .cases import CASES_BY_NAME

    case = CASES_BY_NAME.get(f.get("name", ""))
    if case is None or d.get("reason") != "values" or d.get("expected") != "NaN":
        return False
    from .judge import _scalar

    return bool(d.get("got") == _scalar(case.fill_scalar()))


RULES += (
    Rule("XA1", "by-design", "xarray's CF encoding writes NaN as the _FillValue (Zarr v2: also the fill_value)", "fail",
         frozenset({"xarray"}), None,
         lambda f: f.get("format") == "zarr-v2" and str(f.get("dtype", "")).endswith(("f4", "f8"))
         and f.get("fill") not in ("zero", "nan", "none"), detail=_cf_nan_as_fill),
    Rule("NZ1", "spec-ambiguity", "NCZarr writes one-byte Zarr v2 dtypes as '<i1'/'<u1'; zarr-python 3 and "
         "zarr-java refuse them",
         "error", frozenset({"nczarr"}), frozenset({"zarr-python", "zarrs"}) | ZJ,
         lambda f: f.get("format") == "zarr-v2" and f.get("dtype") in ("|i1", "|u1"), stage="read",
         detail=lambda d, f: (d.get("exception"), d.get("java_class")) in (
             ("ValueError", None), ("MetadataError", "com.fasterxml.jackson.databind.exc.InvalidFormatException")),
         message=r"No Zarr data type found that matches \{'name': '<[iu]1'|Cannot deserialize value of type "
                 r"`dev\.zarr\.zarrjava\.v2\.DataType` from String \"<[iu]1\""),
    Rule("RS1", "defect", "zarrs-python cannot read Zarr v2 order 'F' arrays: 'input array must be a C contiguous "
         "array'", "error", None, frozenset({"zarrs"}),
         lambda f: f.get("format") == "zarr-v2" and f.get("order") == "F", stage="read", exception="ValueError",
         message=r"input array must be a C contiguous array"),
)

def _still_shuffled(d: dict[str, Any], f: dict[str, Any]) -> bool:
    """NZ2's signature: the value read at ``index`` is the one the byte-shuffled chunk holds there (the shuffle was not
    undone). For one-chunk cases."""
    from .cases import CASES_BY_NAME
    from .judge import _scalar

    case = CASES_BY_NAME.get(f.get("name", ""))
    if case is None or d.get("reason") != "values" or d.get("index") is None or case.chunks != case.shape:
        return False
    data = case.expected()
    raw = np.frombuffer(data.tobytes(), np.uint8).reshape(-1, data.dtype.itemsize)
    shuffled = np.frombuffer(raw.T.tobytes(), data.dtype)
    flat = int(np.ravel_multi_index([int(i) for i in d["index"]], case.shape))
    return bool(d.get("got") == _scalar(shuffled[flat]))


RULES += (
    Rule("NZ2", "defect", "NCZarr writes its shuffle filter as numcodecs 'shuffle' with elementsize 0: zarr-python "
         "reads wrong numbers", "fail", frozenset({"nczarr"}), frozenset({"zarr-python"}),
         lambda f: f.get("format") == "zarr-v2" and "shuffle" in f.get("codec", "").split("+"),
         detail=_still_shuffled),
    Rule("NZ3", "defect", "NCZarr's shuffle filter with elementsize 0: zarrs refuses it", "error",
         frozenset({"nczarr"}), frozenset({"zarrs"}),
         lambda f: f.get("format") == "zarr-v2" and "shuffle" in f.get("codec", "").split("+"), stage="read",
         exception="RuntimeError",
         message=r"the shuffle codec expects the input byte length to be an integer multiple of the elementsize"),
    Rule("B1", "defect", "zarr-java and jzarr refuse numcodecs' Blosc shuffle -1 (AUTOSHUFFLE), tensorstore's default",
         "error", frozenset({"tensorstore"}), ZJ | {"jzarr"},
         lambda f: f.get("name") == "default-tensorstore-v2", stage="read", exception="MetadataError",
         java_class=r"java\.lang\.ArrayIndexOutOfBoundsException|java\.lang\.IllegalArgumentException",
         message=r"Index -1 out of bounds for length 3|blosc: shuffle type not supported: '-1'"),
)

def _six_digit_fill(d: dict[str, Any], f: dict[str, Any]) -> bool:
    """NZ4's signature: where the source has the fill value (an absent chunk) the value read is the fill value printed
    with 6 significant digits (C's %g)."""
    exp, got = d.get("expected"), d.get("got")
    if d.get("reason") != "values" or not isinstance(exp, float) or not isinstance(got, float) or exp == got:
        return False
    dt = np.dtype(str(f.get("dtype")))
    return bool(dt.type(got) == dt.type(float(f"{exp:.6g}")))


def _js_number_int(d: dict[str, Any], f: dict[str, Any]) -> bool:
    """ZR4's signature: an integer attribute above 2^53 came back as the nearest float64 (a JavaScript number)."""
    exp, got = d.get("expected"), d.get("got")
    return d.get("reason") == "attrs" and isinstance(exp, int) and isinstance(got, int) and abs(exp) > 2 ** 53 \
        and got != exp and float(got) == float(exp)


RULES += (
    Rule("NZ4", "defect", "NCZarr writes a float fill_value with 6 significant digits: absent chunks read as another "
         "number", "fail", frozenset({"nczarr"}), None,
         lambda f: f.get("format") == "zarr-v2" and str(f.get("dtype", ""))[1:] in ("f4", "f8")
         and f.get("fill") in ("min", "max") and bool(f.get("missing")), detail=_six_digit_fill),
)

RULES += (
    Rule("ZR4", "defect", "zarrita reads and writes JSON attributes through JavaScript numbers: integers above 2^53 "
         "lose precision", "fail", None, frozenset({"zarrita"}), lambda f: bool(f.get("attrs")),
         detail=_js_number_int),
    Rule("ZR4", "defect", "zarrita reads and writes JSON attributes through JavaScript numbers: integers above 2^53 "
         "lose precision", "fail", frozenset({"zarrita"}), None, lambda f: bool(f.get("attrs")),
         detail=_js_number_int),
)

def _nc4_fletcher32(f: dict[str, Any]) -> bool:
    return f.get("format") == "netcdf4" and "fletcher32" in str(f.get("codec", "")).split("+")


RULES += (
    # zarrjvm's guards (on by default, checks=False lets the data through unverified) refuse what would otherwise read
    # a damaged chunk as wrong numbers: the cell is that refusal, explained by the upstream defect it guards against
    Rule("N4", "defect", "netCDF-Java strips HDF5 Fletcher32 checksums unread: zarrjvm refuses such variables", "error",
         None, frozenset({"netcdf-java"}), _nc4_fletcher32, stage="read", exception="UnsupportedError",
         java_class=r"dev\.zarrjvm\.errors\.UnsupportedException",
         message=r"netcdf-java does not verify HDF5 Fletcher32 checksums \(it strips them unread\)"),
    Rule("H1", "defect", "jHDF neither verifies nor strips HDF5 Fletcher32 checksums: zarrjvm refuses such datasets",
         "error", None, frozenset({"jhdf"}), _nc4_fletcher32, stage="read", exception="UnsupportedError",
         java_class=r"dev\.zarrjvm\.errors\.UnsupportedException",
         message=r"jhdf does not verify HDF5 Fletcher32 checksums"),
)

RULES += (
    Rule("ZR5", "defect", "zarrita cannot read a '<U<n>' array whose fill_value is null (TypeError in codePointAt)",
         "error", None, frozenset({"zarrita"}),
         lambda f: f.get("kind") == "unicode" and f.get("format") == "zarr-v2", stage="read",
         exception="WorkerError", message=r"TypeError: Cannot read properties of null \(reading 'codePointAt'\)"),
    Rule("HV1", "defect", "HDF5 (h5py, h5netcdf) cannot read unwritten chunks of a netCDF-C string variable in a "
         "file opened read-only", "error", frozenset({"netcdf4-python"}), frozenset({"h5py", "h5netcdf"}),
         lambda f: f.get("kind") == "string" and f.get("format") == "netcdf4" and bool(f.get("missing")),
         stage="read", exception="OSError", message=r"Can't synchronously read data \(no write intent on file\)"),
    Rule("N5", "defect", "netCDF-Java 4.5.5 fails on an empty element of a vlen variable ('Illegal Heap address'): "
         "zarrjvm refuses the variable", "error", None, frozenset({"netcdf-java"}), lambda f: f.get("kind") == "vlen",
         stage="read", exception="UnsupportedError", java_class=r"java\.io\.IOException",
         message=r"cannot read the vlen variable .* empty sequence .*Illegal Heap address, HeapObject =  nelems=0"),
)

#: Each finding's explanation, carried in the package so a report from an installed wheel is complete (the
#: reproductions on the implementations' own APIs are in the repository's docs/findings.md).
TEXTS: dict[str, str] = {
    "C1": "On the Central-only netCDF-Java (edu.ucar:cdm:4.5.5) zarr-java's write path links against ucar.ma2 members "
          "that only netCDF-Java 5.x has (unsigned types, newer methods): a labelled build limit, not a defect of "
          "zarr-java on 5.x.",
    "C2": "As C1, for jzarr's ZarrArray.write: it needs netCDF-Java 5.x members of ucar.ma2 this build lacks.",
    "Z1": "zarr-java 0.0.9 parses the Zarr v2 'order' field and ignores it: arrays with order 'F' are written with "
          "C-ordered chunks (and read as C), so every other reader sees values transposed within each chunk.",
    "Z2": "zarr-java's ZstdCodec.decode reads ByteBuffer.array(), the whole backing array: after crc32c strips its "
          "4 bytes zstd still sees them and fails with 'Src size is incorrect'.",
    "Z3": "zarr-java's parseFillValue accepts '+Infinity' but not the spec's 'Infinity' (which it writes itself): it "
          "cannot open such arrays, its own included.",
    "C3": "As C1, for zarr-java's read path as it is (the 'zarr-java (as-is)' column, shims=False): its bytes codec "
          "decodes unsigned and bool chunks as ucar.ma2.DataType.UBYTE/USHORT/UINT/ULONG and its sharding codec "
          "reads the index as ULONG, netCDF-Java 5.x members this build lacks. The normalized column reads them "
          "through the signed twin and zarrjvm's shard index (labelled in the notes).",
    "Z7": "The v3 spec makes the default chunk_key_encoding's 'configuration' optional; zarr-java's parser requires "
          "it (Jackson: Missing required creator property 'configuration').",
    "Z8": "zarr-java's v3 object mapper drops null-valued members (nested ones too) when it writes zarr.json "
          "attributes; every reader then sees them missing.",
    "Z9": "zarr-java writes 'typesize' in the v2 blosc compressor configuration; numcodecs accepts it, tensorstore's "
          "zarr driver refuses extra members. The v2 spec does not say which side is right.",
    "Z10": "zarr-java's Array.write fails on a zero-size array ('Attempting to read data outside of the array's "
           "domain'); the other writers accept the no-op write.",
    "J4": "jzarr's write of a zero-size array builds Range(0, -1) in PartialDataCopier: InvalidRangeException.",
    "XA1": "xarray's CF encoding treats NaN as missing and writes it as the variable's _FillValue; in Zarr v2 that is "
          "also the array's fill_value, so raw readers see the fill value where the source had NaN. By design, "
          "not a reader defect (CF-decoding readers mask it).",
    "NZ1": "netCDF-C's NCZarr spells one-byte dtypes '<i1'/'<u1' where the v2 spec's examples and the other writers "
           "use '|'; zarr-python 3 (so zarrs through its pipeline) and zarr-java refuse the array, tensorstore "
           "reads it.",
    "RS1": "zarrs-python 0.2.3 (strict codec pipeline) fails on every Zarr v2 array with order 'F': 'input array "
           "must be a C contiguous array' from its Rust extension.",
    "NZ2": "netCDF-C's NCZarr writes netCDF4's shuffle (on by default with zlib=True) as the numcodecs filter "
           "{'id': 'shuffle', 'elementsize': 0}; numcodecs' Shuffle with elementsize 0 leaves the bytes shuffled, so "
           "zarr-python returns wrong numbers without an error (netCDF-C itself reads them back right).",
    "NZ3": "The same NCZarr shuffle filter (elementsize 0): zarrs refuses it ('the shuffle codec expects the input "
           "byte length to be an integer multiple of the elementsize').",
    "ZP1": "zarr-python 2 (numcodecs 0.15) writes the v2 Zstd compressor with a 'checksum' member; tensorstore's zarr "
           "driver refuses extra members. The v2 spec does not say which side is right (as Z9).",
    "ZR1": "zarrita parses a uint64 fill value through a JavaScript number: 2^64-1 loses its precision and reads as 0, "
           "so missing chunks come back as 0 without an error.",
    "ZR2": "zarrita's get and set fail on a zero-size array ('Input contains an empty iterator').",
    "ZR3": "zarrita reads a shard's index from the end whatever the sharding codec's 'index_location' says: arrays "
           "with index_location 'start' cannot be read.",
    "NZ4": "netCDF-C's NCZarr writes a float variable's fill value into .zarray with 6 significant digits ('%g'): "
           "the largest float64 becomes 1.79769e+308, so every reader (netCDF-C's own included) returns that number "
           "for absent chunks instead of the _FillValue the user set.",
    "ZR4": "zarrita parses zarr.json / .zattrs with JSON.parse and writes with JSON.stringify: an integer attribute "
           "above 2^53 (2^62 here) becomes the nearest float64, read as 4611686018427388000 and written so, without "
           "an error (the same JavaScript-number limit as ZR1).",
    "N4": "netCDF-Java (cdm 4.5.5) strips an HDF5 chunk's Fletcher32 checksum without checking it "
          "(H5tiledLayoutBB.checkfletcher32), so a damaged chunk reads as wrong numbers where netCDF-C refuses it: "
          "zarrjvm refuses variables with the filter (UnsupportedError) unless checks=False.",
    "H1": "jHDF 0.10.0's Fletcher32 filter returns its input: chunks come back 4 bytes long and unverified. zarrjvm "
          "refuses such datasets (UnsupportedError) unless checks=False, then drops the 4 bytes.",
    "ZR5": "xarray writes a fixed-length unicode ('<U6') Zarr v2 array with 'fill_value': null (no fill value, "
           "which the v2 spec allows); zarrita's reader fails on it with 'TypeError: Cannot read properties of null "
           "(reading 'codePointAt')' while it builds the fill of a UnicodeStringArray, absent chunks or not.",
    "HV1": "A NetCDF-4 string (HDF5 variable-length string) variable written by netCDF-C with chunks left unwritten: "
           "h5py and h5netcdf (HDF5 2.0) fail to read it in a file opened read-only with 'Can't synchronously read "
           "data (no write intent on file)' (HDF5 tries to write the fill value of the unallocated chunk); "
           "netCDF4-python, netCDF-Java and jHDF read the absent chunks as empty strings.",
    "N5": "netCDF-Java 4.5.5 cannot read a vlen variable with an empty element: HDF5 stores an empty sequence with "
          "heap address 0, and H5header.getHeapDataArray throws 'Illegal Heap address, HeapObject = nelems=0 "
          "heapAddress=0' (an IOException); zarrjvm refuses the variable with that cause (UnsupportedError, 'try "
          "backend=jhdf'). jHDF, h5py and netCDF4-python read it.",
    "B1": "tensorstore's default v2 compressor is blosc with shuffle -1 (numcodecs' AUTOSHUFFLE: byte shuffle, "
          "bit shuffle for 1-byte types); zarr-java (index -1 out of bounds) and jzarr ('shuffle type not "
          "supported') refuse it.",
}

BY_ID = {r.id: r for r in RULES}


def finding_info() -> dict[str, dict[str, str]]:
    """Every finding's id → kind, title and text (what a report embeds)."""
    return {r.id: {"kind": r.kind, "title": r.title, "text": TEXTS.get(r.id, "")} for r in RULES}


def explain(cell: dict[str, Any], features: dict[str, Any]) -> Rule | None:
    """The rule explaining a fail/error cell, or None."""
    if cell["status"] not in ("fail", "error"):
        return None
    for rule in RULES:
        if rule.applies(cell, features):
            return rule
    return None


def annotate(cells: list[dict[str, Any]], features_by_case: dict[str, dict[str, Any]]) -> int:
    """Adds ``finding``/``finding_kind`` to explained fail/error cells' details; returns how many stay unexplained."""
    unexplained = 0
    for cell in cells:
        if cell["status"] not in ("fail", "error"):
            continue
        features = features_by_case.get(cell["case"])
        rule = explain(cell, {**features, "name": cell["case"]} if features else {})
        if rule is None:
            unexplained += 1
            cell["detail"]["finding"] = None
        else:
            cell["detail"]["finding"] = rule.id
            cell["detail"]["finding_kind"] = rule.kind
            cell["detail"]["finding_title"] = rule.title
    return unexplained
