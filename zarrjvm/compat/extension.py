"""The extension point: another project adds its own implementation to the matrix and runs the whole matrix against it.

An implementation is declared, not subclassed: a name, a ``read`` and/or ``write`` callable, and what it claims to
handle (the keywords of :class:`~zarrjvm.compat.capabilities.Caps`; what it does not claim makes ``unsupported``
cells, never failures)::

    # my_project/zarr_compat.py
    from zarrjvm.compat.extension import reader, writer

    def read(case, store, path):            # -> numpy array, or ReadResult(values, dtype, attrs)
        return my_library.open(store, path).read()

    def write(case, store):                 # write case.data() (case.written_region() of it) at store/case.array_path
        my_library.create(store, case.array_path, case.data())

    IMPLEMENTATIONS = [
        reader("my-library", read, formats={"zarr-v2"}, v2_codecs={"zlib"}, version=my_library.__version__),
        writer("my-library", write, formats={"zarr-v2"}, v2_codecs={"zlib"}),
    ]

It joins the matrix (a row as writer, a column as reader, next to the built-in ones) in any of three ways:

- in its own pytest, declaratively: ``[tool.pytest.ini_options] zarrjvm_compat_implementations =
  ["my_project.zarr_compat:IMPLEMENTATIONS"]`` with the plugin enabled (``pytest_plugins =
  ["zarrjvm.compat.pytest_plugin"]``); then ``@pytest.mark.compat(readers=["my-library"])`` runs every writer's every
  case into it (``compat_outcome``), ``writers=["my-library"]`` every reader on what it writes;
- installed: an entry point in the group ``zarrjvm.compat`` (``my-library = "my_project.zarr_compat:IMPLEMENTATIONS"``)
  — ``zarrjvm compat`` and the plugin then include it everywhere;
- in code: :func:`register`.

The target may be one implementation, a list of them, or a callable returning either.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .capabilities import Caps
from .cases import Case
from .implementations import Implementation, Reader, ReadResult, Writer, _store_name

#: the entry-point group an installed package declares its implementations in
ENTRY_POINT_GROUP = "zarrjvm.compat"
_ALL_KINDS = frozenset({"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8"})
_BUILTIN = frozenset({"zarr-python", "zarr-python-2", "tensorstore", "zarr-java", "jzarr", "netcdf4-python",
                      "netcdf-java", "jhdf", "zarrita"})


def declare(name: str, **caps: Any) -> Caps:
    """A :class:`Caps` from plain values (sets for the set-valued fields); every dtype unless ``dtypes`` is given."""
    fields: dict[str, Any] = {k: frozenset(v) if isinstance(v, (set, frozenset, list, tuple)) and k != "notes" else v
              for k, v in caps.items()}
    if "notes" in fields:
        fields["notes"] = tuple(fields["notes"])
    fields.setdefault("dtypes", _ALL_KINDS)
    fields.setdefault("library", name)
    fields.setdefault("source", "declared by its project through zarrjvm.compat.extension")
    if "formats" not in fields:
        raise TypeError(f"{name}: declare the formats it handles (formats={{'zarr-v2', ...}})")
    return Caps(name=name, **fields)


class CallableReader(Reader):
    """A reader from a function ``read(case, store, path)`` returning a numpy array or a :class:`ReadResult`."""

    def __init__(self, name: str, read: Callable[[Case, str, str], Any], caps: Caps, version: str = "unknown") -> None:
        self.name, self._read, self.caps, self._version = name, read, caps, version

    @property
    def version(self) -> str:
        return self._version

    def read(self, case: Case, store: str, path: str) -> ReadResult:
        out = self._read(case, store, path)
        if isinstance(out, ReadResult):
            return out
        values = np.asarray(out)
        return ReadResult(values, values.dtype, None)


class CallableWriter(Writer):
    """A writer from a function ``write(case, store)`` that writes the case at ``store`` (a new path it creates), the
    array at ``case.array_path``; it may return a list of notes."""

    def __init__(self, name: str, write: Callable[[Case, Path], Any], caps: Caps, version: str = "unknown") -> None:
        self.name, self._write, self.caps, self._version = name, write, caps, version

    @property
    def version(self) -> str:
        return self._version

    def write(self, case: Case, root: Path) -> tuple[str, str, list[str]]:
        store = _store_name(case, root)
        notes = self._write(case, store)
        return str(store), case.array_path, [str(n) for n in (notes or [])]


def reader(name: str, read: Callable[[Case, str, str], Any], *, version: str = "unknown",
           **caps: Any) -> CallableReader:
    """An implementation that reads: ``read(case, store, path)``; ``caps`` as :func:`declare` takes them."""
    return CallableReader(name, read, declare(name, **caps), version)


def writer(name: str, write: Callable[[Case, Path], Any], *, version: str = "unknown",
           **caps: Any) -> CallableWriter:
    """An implementation that writes: ``write(case, store)``; ``caps`` as :func:`declare` takes them."""
    return CallableWriter(name, write, declare(name, **caps), version)


_REGISTERED: list[Implementation] = []


def register(*impls: Implementation | Iterable[Implementation]) -> None:
    """Adds implementations to the matrix of this process (a name may have one writer and one reader)."""
    for impl in _flatten(impls):
        if not isinstance(impl, (Reader, Writer)):
            raise TypeError(f"not a zarrjvm.compat implementation: {impl!r} (use extension.reader()/writer())")
        if impl.name in _BUILTIN:
            raise ValueError(f"{impl.name!r} is a built-in implementation of the matrix; choose another name")
        clash = [i for i in _REGISTERED if i.name == impl.name and i.role == impl.role]
        if clash and clash[0] is not impl:
            raise ValueError(f"a {impl.role} named {impl.name!r} is registered already")
        if not clash:
            _REGISTERED.append(impl)


def unregister(name: str) -> None:
    """Removes the implementations registered under ``name``."""
    _REGISTERED[:] = [i for i in _REGISTERED if i.name != name]


def _flatten(items: Iterable[Any]) -> Iterable[Implementation]:
    for item in items:
        if isinstance(item, (Reader, Writer)):
            yield item
        elif callable(item):
            yield from _flatten([item()])
        elif isinstance(item, Iterable):
            yield from _flatten(item)
        else:
            yield item


def load(target: str) -> list[Implementation]:
    """The implementations at ``"module:attribute"`` (one, a list, or a callable returning either)."""
    module, sep, attr = target.partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"expected 'module:attribute', got {target!r}")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return list(_flatten([obj]))


@functools.cache
def _entry_points() -> tuple[Implementation, ...]:
    out: list[Implementation] = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            out += list(_flatten([ep.load()]))
        except Exception as e:
            raise RuntimeError(f"the {ENTRY_POINT_GROUP} entry point {ep.name} = {ep.value!r} failed: {e}") from e
    return tuple(out)


def registered(role: str | None = None) -> list[Implementation]:
    """Every added implementation (entry points first, then :func:`register`ed ones), of ``role`` when given."""
    seen: set[tuple[str, str]] = set()
    out: list[Implementation] = []
    for impl in [*_entry_points(), *_REGISTERED]:
        key = (impl.name, impl.role)
        if key in seen or (role is not None and impl.role != role):
            continue
        seen.add(key)
        out.append(impl)
    return out
