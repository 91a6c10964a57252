"""zarrjvm's exceptions, and the one mapping of Java's error kinds onto them.

Every error raised by zarrjvm derives from :class:`ZarrJvmError`. Java classifies every failure once, into a kind
(``dev.zarrjvm.errors.ErrorKind``); :func:`from_java` maps the kind to the class here — for zarrjvm's JVM (JPype) and
for Spark's (py4j) alike. An error from Java keeps the Java class and message of the innermost cause
(:attr:`ZarrJvmError.java_class`, :attr:`ZarrJvmError.java_message`), and the Java exception itself with its stack
(:attr:`ZarrJvmError.java_exception`, :attr:`ZarrJvmError.java_stacktrace`). After any of them the JVM and the process
keep working.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ArrayNotFoundError",
    "ChunkDecodeError",
    "InternalError",
    "InvalidArgumentError",
    "JavaNotFoundError",
    "MetadataError",
    "OutOfBoundsError",
    "ResourceError",
    "StoreError",
    "UnsupportedError",
    "ZarrJvmError",
    "from_java",
]


class ZarrJvmError(Exception):
    """Base of all zarrjvm errors."""

    def __init__(self, message: str, *, java_class: str | None = None, java_message: str | None = None,
                 java_exception: Any = None) -> None:
        super().__init__(message)
        self.message = message
        #: Java class of the innermost cause (e.g. ``java.util.zip.DataFormatException``), None if not from Java.
        self.java_class = java_class
        #: Message of the innermost Java cause.
        self.java_message = java_message
        #: The Java exception itself (a JPype or py4j object), for debugging; None if not from Java.
        self.java_exception = java_exception

    @property
    def java_stacktrace(self) -> str | None:
        """The Java exception's stack, causes included, as Java prints it (None if not from Java)."""
        return None if self.java_exception is None else _stacktrace(self.java_exception)

    def __str__(self) -> str:
        # the innermost cause, when it is not zarrjvm's own exception (whose message is this one)
        if self.java_class and not self.java_class.startswith("dev.zarrjvm.") and self.java_class not in self.message:
            return f"{self.message} [{self.java_class}: {self.java_message}]"
        return self.message


class JavaNotFoundError(ZarrJvmError):
    """No Java 17 or newer was found to start the JVM (or zarrjvm's jars are missing)."""


class MetadataError(ZarrJvmError):
    """Array or group metadata is missing, malformed or inconsistent, or the reader refused it."""


class ArrayNotFoundError(ZarrJvmError, LookupError):
    """The store, or the array / variable / group inside it, does not exist."""


class ChunkDecodeError(ZarrJvmError):
    """A chunk could not be decoded, or decoded to something that does not fit the array."""


class UnsupportedError(ZarrJvmError):
    """The backend cannot read this (a reader limitation, or one of this build's ucar.ma2). Never returns data."""


class StoreError(ZarrJvmError, OSError):
    """The store could not be read: I/O failure, permissions, a path that would leave the store."""


class ResourceError(ZarrJvmError):
    """The JVM ran out of a resource (heap, stack) during the call; the JVM stays usable."""


class InvalidArgumentError(ZarrJvmError, ValueError):
    """An argument zarrjvm refused (an unknown backend, a bad option, a closed array)."""


class OutOfBoundsError(InvalidArgumentError, IndexError):
    """Chunk coordinates or a region outside the array (an ``IndexError``, as NumPy raises for indices)."""


class InternalError(ZarrJvmError):
    """A failure in zarrjvm's own code: a bug to report, not a problem with the data or the reader."""


#: Java's ``ErrorKind`` names → the classes here.
KINDS: dict[str, type[ZarrJvmError]] = {
    "METADATA": MetadataError,
    "ARRAY_NOT_FOUND": ArrayNotFoundError,
    "CHUNK_DECODE": ChunkDecodeError,
    "UNSUPPORTED": UnsupportedError,
    "STORE": StoreError,
    "RESOURCE": ResourceError,
    "INVALID_ARGUMENT": InvalidArgumentError,
    "OUT_OF_BOUNDS": OutOfBoundsError,
    "INTERNAL": InternalError,
}

_ZARRJVM_EXCEPTION = "dev.zarrjvm.errors.ZarrJvmException"


def _class_name(throwable: Any) -> str:
    return str(throwable.getClass().getName())


def _is_zarrjvm(throwable: Any) -> bool:
    k = throwable.getClass()
    while k is not None:
        if str(k.getName()) == _ZARRJVM_EXCEPTION:
            return True
        k = k.getSuperclass()
    return False


def _chain(throwable: Any) -> list[Any]:
    out = [throwable]
    while len(out) < 64:
        nxt = out[-1].getCause()
        if nxt is None or nxt.equals(out[-1]):
            break
        out.append(nxt)
    return out


def _message(throwable: Any) -> str:
    m = throwable.getMessage()
    return _class_name(throwable) if m is None else str(m)


def from_java(throwable: Any) -> ZarrJvmError:
    """The :class:`ZarrJvmError` for a Java throwable — a JPype exception or a py4j object from Spark. The outermost
    zarrjvm exception in the cause chain (Spark wraps it in its own) decides the class through its kind; a throwable
    zarrjvm never classified is classified by Java (zarrjvm's JVM) or reported as a :class:`ZarrJvmError` (Spark)."""
    if isinstance(throwable, ZarrJvmError):
        return throwable
    chain = _chain(throwable)
    own = next((t for t in chain if _is_zarrjvm(t)), None)
    if own is None and _is_jpype(throwable):
        from . import _bridge

        own = _bridge.classify(throwable)
        chain = _chain(own)
    root = chain[-1]
    java_class, java_message = _class_name(root), ("" if root.getMessage() is None else str(root.getMessage()))
    if own is None:
        return ZarrJvmError(f"{_class_name(throwable)}: {_message(throwable)}", java_class=java_class,
                            java_message=java_message, java_exception=throwable)
    cls = KINDS.get(str(own.kind().name()), ZarrJvmError)
    return cls(_message(own), java_class=java_class, java_message=java_message, java_exception=throwable)


def _is_jpype(throwable: Any) -> bool:
    try:
        import jpype
    except ImportError:  # pragma: no cover - jpype is a dependency
        return False
    return isinstance(throwable, jpype.JObject)


def _stacktrace(throwable: Any) -> str:
    lines: list[str] = []
    for i, t in enumerate(_chain(throwable)):
        lines.append(("" if i == 0 else "Caused by: ") + f"{_class_name(t)}: {_message(t)}")
        lines.extend(f"\tat {f}" for f in t.getStackTrace())
    return "\n".join(lines)
