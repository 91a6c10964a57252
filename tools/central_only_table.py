"""Measures the README's "What each backend reads in the Central-only build" table.

Every case of zarrjvm/compat/cases.py is written by its Python peer and read whole through each Java backend, with the
shims on (the default) and off (the reader as it is on this build's ucar.ma2), and compared with the writer's data.
Usage: .venv/bin/python tools/central_only_table.py
"""

from __future__ import annotations

import collections
import tempfile

import numpy as np

import zarrjvm
from zarrjvm.compat.capabilities import java_reader_limitation, java_readers, known_defect
from zarrjvm.compat.cases import ALL_CASES, write_python

JAVA = ("zarr-java", "jzarr", "netcdf-java")


def outcome(reader: str, case, store: str, path: str, shims: bool, expected: np.ndarray) -> str:
    try:
        with zarrjvm.open_array(store, path, backend=reader, shims=shims) as a:
            got = a[...]
    except zarrjvm.UnsupportedError as e:
        if java_reader_limitation(reader, case):
            return "declared"
        return "link" if "NoSuch" in str(e.java_class) else f"unsupported: {e}"
    except zarrjvm.ZarrJvmError as e:
        return "defect" if known_defect(reader, case) else f"error: {type(e).__name__}: {e}"
    same = got.shape == expected.shape and np.array_equal(got, expected, equal_nan=expected.dtype.kind == "f")
    return "pass" if same else "WRONG NUMBERS"


def main() -> None:
    root = tempfile.mkdtemp(prefix="zarrjvm-central-")
    counts: dict[tuple[str, bool], collections.Counter] = collections.defaultdict(collections.Counter)
    odd = []
    for case in ALL_CASES:
        store, path = write_python(case, root)
        expected = case.expected()
        for reader in JAVA:
            if case.format not in java_readers()[reader].formats:
                continue
            for shims in (True, False):
                o = outcome(reader, case, store, path, shims, expected)
                counts[(reader, shims)][o.split(":")[0]] += 1
                if o.split(":")[0] not in ("pass", "declared", "link", "defect"):
                    odd.append((reader, shims, case.name, o))
    print(f"{len(ALL_CASES)} cases")
    print("| backend | shims | reads correctly | declared (UnsupportedError) | link errors (cdm 4.5.5) "
          "| upstream defects |")
    print("|---|---|---|---|---|---|")
    for (reader, shims), c in counts.items():
        total = sum(c.values())
        print(f"| {reader} | {'on' if shims else 'off'} | {c['pass']} / {total} | {c['declared']} | {c['link']} | "
              f"{c['defect']} |")
    for o in odd:
        print("UNEXPECTED", o)


if __name__ == "__main__":
    main()
