"""Property tests: random arrays written by the Python peers read back equal through every Java backend.

Hypothesis draws a :class:`~zarrjvm.compat.cases.Case` (shape, chunks, dtype and byte order, codec, order, separator,
fill value, absent chunks, sharding; for NetCDF: format variant, chunking, zlib, unlimited dimension), the peer writes
it (zarr-python 3 or netCDF4), and each backend that reads the format must either return exactly the peer's values
(whole array, one random chunk, one random region) or raise the error its declared limitation or known upstream defect
says (``zarrjvm.compat.capabilities``), never anything else.

Profiles: ``ci`` (default; what ``make test`` runs: few examples, derandomized so runs repeat) and ``long`` (by hand:
``ZARRJVM_HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_properties.py``), random and many more
examples. ``ZARRJVM_HYPOTHESIS_EXAMPLES`` overrides the example count of either.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile

import numpy as np
import pytest
from helpers import assert_same, declared_limit_message
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

import zarrjvm
from zarrjvm.compat.capabilities import DEFECTS, java_reader_limitation, java_reader_limitations, java_readers
from zarrjvm.compat.cases import ALL_DTYPES, CODECS_V2, CODECS_V3, Case, peer_read, write_python

PROFILES = {
    "ci": {"max_examples": 40, "derandomize": True},
    "long": {"max_examples": 1000, "derandomize": False},
}
PROFILE = os.environ.get("ZARRJVM_HYPOTHESIS_PROFILE", "ci")
_profile = dict(PROFILES[PROFILE])
if os.environ.get("ZARRJVM_HYPOTHESIS_EXAMPLES"):
    _profile["max_examples"] = int(os.environ["ZARRJVM_HYPOTHESIS_EXAMPLES"])
SETTINGS = settings(deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], **_profile)


def _name(prefix: str, fields: tuple) -> str:
    return f"{prefix}-{hashlib.sha1(repr(fields).encode()).hexdigest()[:12]}"


def _fill(draw: st.DrawFn, dtype: str) -> object:
    dt = np.dtype(dtype)
    choices = ["zero", "min", "max", "number"] + (["nan", "inf"] if dt.kind == "f" else [])
    kind = draw(st.sampled_from(choices))
    if kind != "number":
        return kind
    if dt.kind == "b":
        return "max"
    if dt.kind == "f":
        return float(np.array(draw(st.floats(-1e6, 1e6, allow_nan=False, width=32)), dtype=dt))
    info = np.iinfo(dt)
    return draw(st.integers(int(info.min), int(info.max)))


@st.composite
def zarr_cases(draw: st.DrawFn) -> Case:
    fmt = draw(st.sampled_from(["zarr-v2", "zarr-v3"]))
    ndim = draw(st.integers(0, 3))
    shape = tuple(draw(st.integers(0 if ndim and draw(st.booleans()) and d == 0 else 1, 24)) for d in range(ndim))
    chunks = tuple(draw(st.integers(1, max(1, s) + 3)) for s in shape)
    big_endian = [">i2", ">i4", ">i8", ">u2", ">u4", ">f4", ">f8"]
    dtype = draw(st.sampled_from(list(ALL_DTYPES) + big_endian))
    codecs = [c for c in (CODECS_V2 if fmt == "zarr-v2" else CODECS_V3)]
    codec = draw(st.sampled_from(codecs))
    order = draw(st.sampled_from(["C", "F"])) if ndim > 1 else "C"
    separator = draw(st.sampled_from([None, ".", "/"] if fmt == "zarr-v2" else [None, "."]))
    shards = None
    index_location = "end"
    if fmt == "zarr-v3" and ndim > 0 and 0 not in shape and draw(st.booleans()):
        shards = tuple(c * draw(st.integers(1, 3)) for c in chunks)
        index_location = draw(st.sampled_from(["end", "start"]))
        # order F stays: zarr-python writes it as a transpose codec inside sharding_indexed (the shard stays first)
    fill = _fill(draw, dtype)
    missing = bool(shape) and draw(st.booleans())
    fields = (fmt, shape, chunks, dtype, codec, order, separator, shards, index_location, fill, missing)
    return Case(_name("prop", fields), fmt, dtype=dtype, shape=shape, chunks=chunks, codec=codec, order=order,
                separator=separator, fill=fill, shards=shards, index_location=index_location, missing=missing)


@st.composite
def netcdf_cases(draw: st.DrawFn) -> Case:
    fmt = draw(st.sampled_from(["netcdf3", "netcdf4"]))
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 20)) for _ in range(ndim))
    if fmt == "netcdf3":
        dtype = draw(st.sampled_from(["|i1", ">i2", ">i4", ">f4", ">f8"]))
        chunks, codec = shape, "none"
        variant = draw(st.sampled_from([None, "64bit_offset"]))
    else:
        dtype = draw(st.sampled_from(["|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f4", "<f8", ">i4",
                                      ">f8"]))
        chunks = tuple(draw(st.integers(1, s)) for s in shape)
        codec = draw(st.sampled_from(["zlib", "none"]))
        variant = None
    unlimited = draw(st.booleans())
    if fmt == "netcdf3" and unlimited:
        chunks = (1,) + shape[1:]
    fill = draw(st.sampled_from(["zero", "number"] + (["nan"] if np.dtype(dtype).kind == "f" else [])))
    if fill == "number":
        fill = _fill(draw, dtype)
        fill = fill if not isinstance(fill, str) else "zero"
    missing = not unlimited and draw(st.booleans())  # unwritten records would shorten the unlimited dimension
    fields = (fmt, shape, chunks, dtype, codec, variant, unlimited, fill, missing)
    return Case(_name("propnc", fields), fmt, dtype=dtype, shape=shape, chunks=chunks, codec=codec, fill=fill,
                missing=missing, unlimited=unlimited, variant=variant)


def _check(case: Case, reader: str, store: str, path: str, rng: np.random.Generator) -> str:
    """Reads ``case`` with ``reader``; returns what happened ("equal", or the expected error's class name)."""
    why = java_reader_limitation(reader, case)
    defects = [d for d in DEFECTS if d.reader == reader and d.applies(case)]
    if not _stored_chunks(store):
        # a decoding defect needs a chunk to decode (zarr-python stores no all-fill chunks)
        defects = [d for d in defects if d.error != "ChunkDecodeError"]
    if why or defects:
        errors = (zarrjvm.UnsupportedError,) if why else tuple(getattr(zarrjvm, d.error) for d in defects)
        note(f"{reader}: expecting {[e.__name__ for e in errors]}: {why or [d.reason for d in defects]}")
        with pytest.raises(errors) as ei:  # the reader's own decoding, which has the defect
            with zarrjvm.open_array(store, path, backend=reader, decode="reader") as a:
                a[...]
        # the declared limitation's own message, or one of the known defects' (class and message)
        if why:
            assert re.search(declared_limit_message(java_reader_limitations(reader, case)), str(ei.value)), \
                str(ei.value)
        else:
            assert any(d.matches(ei.value) for d in defects), str(ei.value)
        return type(ei.value).__name__
    want = peer_read(case, store, path)
    for decode in ("reader", "native"):  # both decode modes equal the peer
        _check_equal(case, reader, store, path, rng, want, decode)
    return "equal"


def _check_equal(case: Case, reader: str, store: str, path: str, rng: np.random.Generator, want: np.ndarray,
                 decode: str) -> None:
    with zarrjvm.open_array(store, path, backend=reader, decode=decode) as a:
        assert a.shape == case.shape
        assert a.dtype.newbyteorder("=") == case.np_dtype.newbyteorder("=")
        assert_same(a[...], want)
        if a.nchunks:
            c = tuple(int(rng.integers(0, n)) for n in a.cdata_shape)
            box = tuple(slice(i * n, min((i + 1) * n, s)) for i, n, s in zip(c, a.chunks, a.shape))
            assert_same(a.read_chunk(c), want[box])
        if a.size:
            lo = [int(rng.integers(0, s)) for s in a.shape]
            n = [int(rng.integers(1, s - o + 1)) for s, o in zip(a.shape, lo)]
            assert_same(a.read_region(tuple(lo), tuple(n)), want[tuple(slice(o, o + k) for o, k in zip(lo, n))])


def _stored_chunks(store: str) -> bool:
    meta = {".zarray", ".zattrs", ".zgroup", "zarr.json"}
    return any(f not in meta for _, _, files in os.walk(store) for f in files)


def _run(case: Case) -> None:
    note(repr(case))
    rng = np.random.default_rng(case.seed())
    with tempfile.TemporaryDirectory(prefix="zarrjvm-prop-") as d:
        store, path = write_python(case, d)
        if not (case.format.startswith("netcdf") and case.missing and case.fill == "zero"):
            # the peer round-trips it (unwritten NetCDF data without a _FillValue is netCDF's default fill, not 0)
            assert_same(peer_read(case, store, path), case.expected())
        for reader, caps in java_readers().items():
            if case.format in caps.formats:
                outcome = _check(case, reader, store, path, rng)
                note(f"{reader}: {outcome}")


#: always run, whatever Hypothesis draws: sharded with order F (a transpose codec inside the shard), index at the start
SHARDED_F = Case("prop-sharded-order-F", "zarr-v3", dtype="<u2", shape=(13, 17, 5), chunks=(4, 5, 5),
                 shards=(8, 10, 5), order="F", codec="zstd", index_location="start", fill="max", missing=True)


@SETTINGS
@given(zarr_cases())
@example(SHARDED_F)
def test_zarr_arrays_read_back_equal(case: Case) -> None:
    _run(case)


@SETTINGS
@given(netcdf_cases())
def test_netcdf_variables_read_back_equal(case: Case) -> None:
    _run(case)


def _applied_settings(env: dict[str, str]) -> dict:
    """The settings Hypothesis actually runs the two property tests with, when this module is imported under ``env``
    (a fresh process, so the profile is chosen from the environment as pytest would choose it)."""
    import json
    import subprocess
    import sys

    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import test_properties as t\n"
            "out = {}\n"
            "for f in (t.test_zarr_arrays_read_back_equal, t.test_netcdf_variables_read_back_equal):\n"
            "    s = f._hypothesis_internal_use_settings\n"
            "    out[f.__name__] = [s.max_examples, s.derandomize, s.database is None]\n"
            "print(json.dumps(out))\n")
    full = {k: v for k, v in os.environ.items() if not k.startswith("ZARRJVM_HYPOTHESIS")}
    full.update(env)
    r = subprocess.run([sys.executable, "-c", code, os.path.dirname(__file__)], capture_output=True, text=True,
                       env=full, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_profiles() -> None:
    """``make test`` (no environment variable) runs a bounded profile, derandomized so a run repeats; the ``long``
    profile is random with many more examples; ``ZARRJVM_HYPOTHESIS_EXAMPLES`` overrides the count."""
    names = ["test_zarr_arrays_read_back_equal", "test_netcdf_variables_read_back_equal"]
    ci = _applied_settings({})
    assert ci == {n: [40, True, True] for n in names}
    assert _applied_settings({"ZARRJVM_HYPOTHESIS_PROFILE": "long"}) == {n: [1000, False, True] for n in names}
    assert _applied_settings({"ZARRJVM_HYPOTHESIS_EXAMPLES": "7"}) == {n: [7, True, True] for n in names}
    # the Makefile's test target sets no profile, so it runs the ci one
    make = open(os.path.join(os.path.dirname(__file__), os.pardir, "Makefile")).read()
    assert "ZARRJVM_HYPOTHESIS" not in make
