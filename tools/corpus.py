"""The real-file survey: which share of other tools' files each Java backend reads, and reads right.

A corpus of files written by other tools, taken from published packages (pinned versions, fetched with pip from the
package index): PyTables' and h5py's HDF5 test files, nibabel's MINC files (MINC-1 is NetCDF-3, MINC-2 HDF5), Py-ART's
CF/Radial NetCDF files, SciPy's NetCDF-3 and MATLAB 7.3 (HDF5) test files, xarray's NetCDF test files and zarr-python
2's Zarr v2 fixtures. Each file is sorted by its bytes (NetCDF-3, NetCDF-4, other HDF5, Zarr v2), every array in it is
read by the reference library (netCDF4-python for NetCDF-3, h5py for HDF5/NetCDF-4, zarr-python for Zarr) and by every
zarrjvm backend that claims the format, and compared element by element. An array is ``equal``, ``refused`` (a typed
zarrjvm error, its cause counted), ``wrong`` (values differ: a bug or an upstream finding), ``crash`` (any other
exception: a bug) or ``unlisted`` (the reference has it, the backend's group listing does not).

    .venv/bin/python tools/corpus.py            # writes bench/results/corpus.json and corpus.md
    make corpus

Not a test: it needs the package index. Arrays over 64 MiB are skipped.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tarfile
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "corpus"
RESULTS = ROOT / "bench" / "results"
MAX_BYTES = 64 << 20

#: (requirement, "wheel" or "sdist", which members to keep: path fragments and suffixes)
SOURCES = [
    ("tables==3.11.1", "wheel", ("tables/tests/",), (".h5", ".hdf5")),
    ("h5py==3.16.0", "sdist", ("h5py/tests/data_files/",), (".h5",)),
    ("nibabel==5.4.2", "wheel", ("nibabel/tests/data/",), (".mnc", ".nc", ".h5")),
    ("arm_pyart==2.3.0", "wheel", ("pyart/",), (".nc", ".h5", ".hdf5")),
    ("scipy==1.17.1", "wheel", ("scipy/io/",), (".nc", ".mat")),
    ("xarray==2026.9.0", "wheel", ("xarray/tests/data/",), (".nc", ".h5")),
    ("zarr==2.18.7", "sdist", ("/fixture/",), ()),
]
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


# -- fetching ---------------------------------------------------------------------------------------------------------
def fetch() -> list[tuple[str, Path]]:
    """Downloads each source once (into build/corpus) and unpacks the kept members; returns (source, path) pairs: a
    file, or a Zarr fixture's top directory."""
    out: list[tuple[str, Path]] = []
    for req, kind, fragments, suffixes in SOURCES:
        name = req.split("==")[0]
        dest = CACHE / req.replace("==", "-")
        if not (dest / ".done").exists():
            dl = CACHE / "dl"
            dl.mkdir(parents=True, exist_ok=True)
            flags = ["--only-binary", ":all:"] if kind == "wheel" else ["--no-binary", name]
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", *flags, req, "-d", str(dl)],
                           check=True)
            archive = next(p for p in dl.iterdir() if p.name.lower().startswith(req.replace("==", "-").lower()))
            _unpack(archive, dest, fragments, suffixes)
            (dest / ".done").touch()
        if name == "zarr":  # each fixture array on its own (some groups hold arrays zarr-python cannot list)
            out += [(req, p.parent) for p in sorted(dest.rglob(".zarray"))]
        else:
            out += [(req, p) for p in sorted(dest.rglob("*")) if p.is_file() and p.name != ".done"]
    return out


def _unpack(archive: Path, dest: Path, fragments: tuple[str, ...], suffixes: tuple[str, ...]) -> None:
    def keep(member: str) -> bool:
        return any(f in member for f in fragments) and (not suffixes or member.endswith(suffixes))

    dest.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest, [m for m in z.namelist() if keep(m)])
    else:
        with tarfile.open(archive) as t:
            t.extractall(dest, [m for m in t.getmembers() if keep(m.name) and (m.isfile() or m.isdir())],
                         filter="data")


# -- kinds ------------------------------------------------------------------------------------------------------------
def kind_of(path: Path) -> str | None:
    if path.is_dir():
        return "zarr-v2" if (path / ".zarray").exists() else None
    with open(path, "rb") as f:
        head = f.read(4)
        if head[:3] == b"CDF" and head[3:4] in (b"\x01", b"\x02", b"\x05"):
            return "netcdf3"
        for offset in (0, 512, 1024, 2048, 4096):  # HDF5's signature after a user block (MATLAB 7.3: 512)
            f.seek(offset)
            if f.read(8) == HDF5_SIGNATURE:
                return "netcdf4" if _is_netcdf4(path) else "hdf5"
    return None


def _is_netcdf4(path: Path) -> bool:
    import h5py

    try:
        with h5py.File(path, "r") as h:
            if "_NCProperties" in h.attrs:
                return True
            found = []
            h.visititems(lambda n, o: found.append(n) if "_Netcdf4Dimid" in o.attrs
                         or "_Netcdf4Coordinates" in o.attrs else None)
            return bool(found)
    except Exception:
        return False


# -- references -------------------------------------------------------------------------------------------------------
def reference(kind: str, path: Path) -> dict[str, Any]:
    """Array path → its values as the reference library reads them (or the exception it raised)."""
    if kind == "netcdf3":
        import netCDF4

        out: dict[str, Any] = {}
        with netCDF4.Dataset(path) as d:
            d.set_auto_maskandscale(False)
            for name, v in d.variables.items():
                out[name] = _guard(lambda v=v: v[...])
        return out
    if kind == "zarr-v2":
        import zarr

        return {"": _guard(lambda: zarr.open_array(str(path), mode="r", zarr_format=2)[...])}
    import h5py

    out = {}
    with h5py.File(path, "r") as h:
        def visit(name: str, obj: Any) -> None:
            if not isinstance(obj, h5py.Dataset):
                return
            try:
                if "This is a netCDF dimension but not a netCDF variable" in str(obj.attrs.get("NAME", b"")):
                    return  # a bare dimension: no netCDF variable
                if obj.size and obj.size * max(obj.dtype.itemsize, 1) > MAX_BYTES:
                    return
            except Exception as e:  # h5py cannot even describe it (e.g. a float type numpy has no match for)
                out[name] = e
                return
            out[name] = _guard(lambda: _h5_values(obj))
        h.visititems(visit)
    return out


def _h5_values(ds: Any) -> Any:
    import h5py

    info = h5py.check_string_dtype(ds.dtype)
    if info is not None and info.length is None:
        return ds.asstr()[()] if ds.shape is not None else None
    base = h5py.check_vlen_dtype(ds.dtype)
    if base is not None and base.byteorder == ">" and ds.shape is not None:
        # h5py 3.16 (HDF5 2.0) hands big-endian vlen sequences over unswapped (measured in tests/test_text_types.py)
        values = ds[()]
        for i, v in enumerate(values.flat):
            values.flat[i] = v.byteswap()
        return values
    return ds[()] if ds.shape is not None else h5py.Empty(ds.dtype)


def _guard(fn: Any) -> Any:
    try:
        return fn()
    except Exception as e:  # the reference cannot read it either: not held against the backends
        return e


# -- zarrjvm ----------------------------------------------------------------------------------------------------------
def backend_arrays(backend: str, path: Path) -> tuple[dict[str, Any], str | None]:
    """Array path → zarrjvm's value (or the exception), for every array the backend lists; or the open error."""
    import zarrjvm

    if (path / ".zarray").exists():
        try:
            with zarrjvm.open_array(path, backend=backend) as a:
                return {"": a[...]}, None
        except zarrjvm.ZarrJvmError as e:
            return {}, _cause(e)
    try:
        root = zarrjvm.open_group(path, backend=backend)
    except zarrjvm.ZarrJvmError as e:
        return {}, _cause(e)
    out: dict[str, Any] = {}

    def walk(g: Any, prefix: str) -> None:
        for name, what in g.members().items():
            full = f"{prefix}{name}"
            try:
                node = g[name]
            except Exception as e:
                out[full] = e
                continue
            if what == "group":
                walk(node, full + "/")
                node.close()
                continue
            try:
                if node.nbytes > MAX_BYTES:
                    out[full] = None
                else:
                    out[full] = node[...]
            except Exception as e:
                out[full] = e
            finally:
                node.close()

    try:
        walk(root, "")
    finally:
        root.close()
    return out, None


def _cause(e: BaseException) -> str:
    first = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {first[:180]}"


def _canon(x: Any) -> Any:
    """Values as plain Python, with byte strings as text and NaN as a marker, so readers that hand the same text as
    bytes or str (or NumPy 2 StringDType) compare equal."""
    if isinstance(x, np.ndarray):
        if x.dtype.names:
            return [_canon(x[n]) for n in x.dtype.names]
        if x.dtype.kind == "O" or x.dtype.kind in "SUT":
            return [_canon(v) for v in x.ravel().tolist()] + [list(x.shape)]
        if x.dtype.kind in "fc":
            nan = np.isnan(x)
            return [np.where(nan, 0, x).ravel().tolist(), nan.ravel().tolist(), list(x.shape)]
        return [x.ravel().tolist(), list(x.shape)]
    if isinstance(x, np.generic):
        return _canon(np.asarray(x))
    if isinstance(x, bytes):
        return x.rstrip(b"\0").decode("utf-8", "surrogateescape")
    if isinstance(x, str):
        return x.rstrip("\0")
    if isinstance(x, float) and x != x:
        return "NaN"
    if isinstance(x, (list, tuple)):
        return [_canon(v) for v in x]
    return x


def compare(want: Any, got: Any) -> str:
    import h5py

    if isinstance(want, h5py.Empty):
        return "equal" if isinstance(got, np.ndarray) and got.size == 0 else "wrong"
    want = np.asarray(want) if not isinstance(want, np.ndarray) else want
    if isinstance(want, np.ma.MaskedArray):
        want = want.data
    got = np.asarray(got)
    if want.dtype.kind == "c" and got.dtype.names and len(got.dtype.names) == 2:
        # h5py's convention: a compound of two floats named like (r, i) is complex; zarrjvm hands over the compound
        got = got[got.dtype.names[0]] + 1j * got[got.dtype.names[1]]
    if want.shape != got.shape:
        return "wrong" if want.size or got.size else "equal"
    return "equal" if _canon(want) == _canon(got) else "wrong"


# -- the survey -------------------------------------------------------------------------------------------------------
def survey(files: list[tuple[str, Path]]) -> dict[str, Any]:
    import zarrjvm

    claims = {b.name: set(b.capabilities["formats"]) for b in zarrjvm.backends() if b.capabilities}
    if "netcdf-java" in claims:  # netCDF-Java opens any HDF5 file (its H5 layer), not only NetCDF-4 ones
        claims["netcdf-java"].add("hdf5")
    rows = []
    for source, path in files:
        kind = kind_of(path)
        if kind is None:
            continue
        ref = reference(kind, path)
        for backend, formats in claims.items():
            if kind not in formats:
                continue
            t0 = time.perf_counter()
            try:
                got, open_error = backend_arrays(backend, path)
            except Exception as e:  # not a typed zarrjvm error: a bug
                got, open_error = {}, "crash " + _cause(e) + " " + traceback.format_exc(limit=-2)
            arrays = {}
            for name, want in ref.items():
                if isinstance(want, Exception):
                    arrays[name] = ("no reference", _cause(want))
                    continue
                if open_error:
                    arrays[name] = ("refused", open_error)
                elif name not in got:
                    arrays[name] = ("unlisted", "")
                else:
                    g = got[name]
                    if g is None:
                        continue  # too big to compare here
                    if isinstance(g, zarrjvm.ZarrJvmError):
                        arrays[name] = ("refused", _cause(g))
                    elif isinstance(g, Exception):
                        arrays[name] = ("crash", _cause(g))
                    else:
                        try:
                            arrays[name] = (compare(want, g), "")
                        except Exception as e:
                            arrays[name] = ("crash", "comparing: " + _cause(e))
            rows.append({"source": source, "file": str(path.relative_to(CACHE)), "kind": kind, "backend": backend,
                         "open_error": open_error, "seconds": round(time.perf_counter() - t0, 3),
                         "arrays": {n: list(v) for n, v in arrays.items()}})
            print(f"{kind:8} {backend:12} {path.name[:40]:40} "
                  + " ".join(f"{k}={v}" for k, v in collections.Counter(s for s, _ in arrays.values()).items())
                  + (f"  [{open_error[:80]}]" if open_error else ""), flush=True)
    return {"rows": rows, "sources": [s[0] for s in SOURCES], "zarrjvm": zarrjvm.__version__,
            "java_libraries": {b.name: b.library for b in zarrjvm.backends()}}


#: differences with a known cause: (backend, file name or Zarr array directory) → explanation (docs/findings.md)
EXPLAINED = {
    ("jzarr", "nested_legacy"): "J13 (spec ambiguity): no dimension_separator in .zarray, chunks stored as '0/0'; "
                                "jzarr infers '/' from the directory and reads the data, zarr-python 3 and zarr-java "
                                "follow the spec's default '.' and read fill values",
}


def file_status(row: dict[str, Any]) -> str:
    states = [s for s, _ in row["arrays"].values() if s != "no reference"]
    if not states:
        return "no arrays" if not row["open_error"] else "none"
    if any(s in ("wrong", "crash") for s in states):
        return "wrong/crash"
    if all(s == "equal" for s in states):
        return "all"
    return "some" if "equal" in states else "none"


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = ["# Real-file survey (`tools/corpus.py`)", "",
             "Files written by other tools, from pinned published packages: " + ", ".join(result["sources"]) + ".",
             "Every array compared element by element with the reference reader (netCDF4-python for NetCDF-3, h5py "
             "for HDF5/NetCDF-4, zarr-python for Zarr v2). A file counts as *read* when every array the reference "
             "reads is read equal by the backend; arrays the reference cannot read (e.g. an HDF5 filter h5py lacks) "
             "are left out, and files with none are not counted.", "",
             "| kind | backend | files | read fully | partly | none | wrong/crash | arrays equal | refused | unlisted"
             " | wrong | crash |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    by = collections.defaultdict(list)
    for r in rows:
        by[(r["kind"], r["backend"])].append(r)
    for (kind, backend), rs in sorted(by.items()):
        fs = collections.Counter(file_status(r) for r in rs)
        n = sum(v for k, v in fs.items() if k != "no arrays")
        arr = collections.Counter(s for r in rs for s, _ in r["arrays"].values())
        total = sum(arr.values()) or 1
        lines.append(f"| {kind} | {backend} | {n} | {fs['all']} ({fs['all'] / max(n, 1):.0%}) | {fs['some']} | "
                     f"{fs['none']} | {fs['wrong/crash']} | {arr['equal']} ({arr['equal'] / total:.0%}) | "
                     f"{arr['refused']} | {arr['unlisted']} | {arr['wrong']} | {arr['crash']} |")
    lines += ["", "## Causes of refusals (arrays), per backend", ""]
    for backend in sorted({r["backend"] for r in rows}):
        causes = collections.Counter(c for r in rows if r["backend"] == backend
                                     for s, c in r["arrays"].values() if s == "refused")
        if not causes:
            continue
        lines.append(f"**{backend}**")
        lines.append("")
        for cause, n in causes.most_common(12):
            lines.append(f"- {n} × {cause}")
        lines.append("")
    bad = [(r["backend"], r["file"], n, s, c) for r in rows for n, (s, c) in r["arrays"].items()
           if s in ("wrong", "crash")]
    lines += ["## Wrong values and crashes", ""]
    lines += [f"- {b} `{f}` `{n}`: {s} {c}" + (f" — {EXPLAINED[(b, Path(f).name)]}"
                                               if (b, Path(f).name) in EXPLAINED else " — unexplained")
              for b, f, n, s, c in bad] or ["none"]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(RESULTS / "corpus"))
    ap.add_argument("--limit", type=int, default=0, help="only the first N files (a smoke run)")
    args = ap.parse_args()
    files = fetch()
    if args.limit:
        files = files[: args.limit]
    result = survey(files)
    Path(args.out + ".json").write_text(json.dumps(result, indent=1, default=str))
    Path(args.out + ".md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
