"""zarrjvm's configuration: one object, in the spirit of ``zarr.config``.

::

    import zarrjvm
    zarrjvm.config.get("threads.io")                    # 32
    zarrjvm.config.set({"threads.io": 64})              # from now on
    with zarrjvm.config.set({"reader.checks": False}):  # only inside the block
        a = zarrjvm.open_array("data.zarr")

Every value is checked when it is set (a wrong type or an unknown key is an error at once, naming the valid ones).
``reader.*`` and ``backend`` are the defaults of ``open_array`` / ``open_group`` (each call can override them);
``threads.*`` size Java's thread pools (applied when the pools start, and to running pools when changed); ``jvm.*``
are the defaults of :func:`zarrjvm.jvm.start`, read when the JVM starts. The environment variables
``ZARRJVM_JVM_OPTIONS`` (space-separated) and ``ZARRJVM_CDS`` (``1``) give ``jvm.options`` and
``jvm.class_data_sharing`` their defaults.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Config", "config"]


@dataclass(frozen=True)
class _Key:
    default: Callable[[], Any]
    check: Callable[[Any], Any]
    doc: str


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError(f"must be True or False, got {v!r}")
    return v


def _int(minimum: int, optional: bool = False) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if v is None and optional:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"must be an int{' or None' if optional else ''}, got {v!r}")
        if v < minimum:
            raise ValueError(f"must be at least {minimum}, got {v}")
        return v

    return check


def _str(v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise TypeError(f"must be a non-empty string, got {v!r}")
    return v


def _decode(v: Any) -> str:
    if v not in ("native", "reader"):
        raise ValueError(f"must be 'native' or 'reader', got {v!r}")
    return str(v)


def _heap(v: Any) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str) or not re.fullmatch(r"\d+[kKmMgGtT]?", v.strip()):
        raise ValueError(f"must be a heap size such as '4g' or '512m' (or None), got {v!r}")
    return v.strip()


def _strings(v: Any) -> tuple[str, ...]:
    if isinstance(v, str) or not all(isinstance(s, (str, os.PathLike)) for s in v):
        raise TypeError(f"must be a sequence of strings, got {v!r}")
    return tuple(os.fspath(s) for s in v)


def _generation(v: Any) -> int:
    if isinstance(v, bool) or v not in (0, 1, 2):
        raise ValueError(f"must be a Python GC generation, 0, 1 or 2, got {v!r}")
    return int(v)


def _path(v: Any) -> str | None:
    if v is None:
        return None
    if not isinstance(v, (str, os.PathLike)):
        raise TypeError(f"must be a path (or None), got {v!r}")
    return os.fspath(v)


KEYS: dict[str, _Key] = {
    "backend": _Key(lambda: "zarr-java", _str, "the backend open_array and open_group use when none is given"),
    "reader.checks": _Key(lambda: True, _bool, "refuse inputs a reader is known to misread"),
    "reader.shims": _Key(lambda: True, _bool, "route around the Central-only ucar.ma2 (signed twin, shard index)"),
    "reader.direct": _Key(lambda: True, _bool, "decompress straight into Arrow memory where the codec chain allows"),
    "reader.decode": _Key(lambda: "native", _decode,
                          "'native': zarrjvm runs the readers' native codec libraries on off-heap memory where the "
                          "chain allows; 'reader': the reader's own codec objects"),
    "threads.read": _Key(lambda: None, _int(0, optional=True),
                         "helper threads of a local region read (None: one per core; 0: sequential)"),
    "threads.io": _Key(lambda: 32, _int(1), "helper threads of a remote region read"),
    "threads.async": _Key(lambda: 32, _int(1), "threads running asyncio reads (any number may wait)"),
    "jvm.max_heap": _Key(lambda: None, _heap, "the JVM's -Xmx (None: Java's default)"),
    "jvm.options": _Key(lambda: tuple(os.environ.get("ZARRJVM_JVM_OPTIONS", "").split()), _strings,
                        "extra JVM options"),
    "jvm.class_data_sharing": _Key(lambda: os.environ.get("ZARRJVM_CDS", "1") not in ("", "0"), _bool,
                                   "start from an AppCDS archive of zarrjvm's classes, dumped into the user's cache "
                                   "by the first run ($ZARRJVM_CDS=0: off)"),
    "jvm.path": _Key(lambda: None, _path, "the libjvm (or a JDK home) to start (None: JAVA_HOME, then JPype's)"),
    "jvm.extra_classpath": _Key(lambda: (), _strings, "jars added after zarrjvm's own"),
    "jvm.gc_link_generation": _Key(lambda: 1, _generation,
                                   "the youngest Python GC generation whose collections run JPype's link to Java's "
                                   "garbage collector (0: every collection, JPype's own; 1: zarrjvm's default; 2: full "
                                   "collections only)"),
}


class _Restore:
    """What :meth:`Config.set` returns: the change is made already; as a context manager it is undone on exit."""

    def __init__(self, owner: Config, previous: dict[str, Any]) -> None:
        self._owner = owner
        self._previous = previous

    def __enter__(self) -> Config:
        return self._owner

    def __exit__(self, *exc: Any) -> None:
        self._owner._apply(self._previous)


class Config:
    """The configuration values; ``zarrjvm.config`` is the one instance."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._listeners: list[Callable[[Mapping[str, Any]], None]] = []

    def get(self, key: str) -> Any:
        """The value of ``key`` (its default unless set)."""
        self._known(key)
        return self._values[key] if key in self._values else KEYS[key].default()

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def set(self, values: Mapping[str, Any] | None = None, **kwargs: Any) -> _Restore:
        """Sets values (``{"threads.io": 64}``; keyword names use ``__`` for ``.``: ``threads__io=64``). Every value is
        checked before any is applied. Usable as a context manager that restores the previous values."""
        changes = dict(values or {})
        changes.update({k.replace("__", "."): v for k, v in kwargs.items()})
        checked = {}
        for key, value in changes.items():
            self._known(key)
            try:
                checked[key] = KEYS[key].check(value)
            except (TypeError, ValueError) as e:
                raise type(e)(f"zarrjvm.config '{key}' {e}") from None
        previous = {k: self._values.get(k, _UNSET) for k in checked}
        self._apply(checked)
        return _Restore(self, previous)

    def reset(self) -> None:
        """Every key back to its default."""
        self._apply({k: _UNSET for k in self._values})

    def as_dict(self) -> dict[str, Any]:
        return {k: self.get(k) for k in KEYS}

    def on_change(self, listener: Callable[[Mapping[str, Any]], None]) -> None:
        """Calls ``listener(changed)`` before values change; it may refuse them by raising (zarrjvm's JVM module
        resizes the running pools, and refuses ``jvm.*`` changes once the JVM runs)."""
        self._listeners.append(listener)

    def _apply(self, values: Mapping[str, Any]) -> None:
        # listeners see the new values first and may refuse them (e.g. jvm.* while the JVM runs)
        for listener in self._listeners:
            listener({k: (KEYS[k].default() if v is _UNSET else v) for k, v in values.items()})
        for k, v in values.items():
            if v is _UNSET:
                self._values.pop(k, None)
            else:
                self._values[k] = v

    @staticmethod
    def _known(key: str) -> None:
        if key not in KEYS:
            raise KeyError(f"unknown zarrjvm.config key {key!r} (valid: {', '.join(KEYS)})")

    def __iter__(self) -> Iterator[str]:
        return iter(KEYS)

    def __repr__(self) -> str:
        return f"zarrjvm.config({self.as_dict()})"


_UNSET: Any = object()

#: The configuration.
config = Config()
