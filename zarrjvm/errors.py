"""zarrjvm's exceptions, and the one place where Java exceptions become them.

Every error raised by zarrjvm derives from :class:`ZarrJvmError`. Errors that come from the JVM keep the Java class and
message of the innermost cause in :attr:`ZarrJvmError.java_class` and :attr:`ZarrJvmError.java_message`. After any of
them the JVM and the process keep working.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


class ZarrJvmError(Exception):
    """Base of all zarrjvm errors."""

    def __init__(self, message: str, *, java_class: str | None = None, java_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Java class of the innermost cause (e.g. ``java.util.zip.DataFormatException``), None if not from Java.
        self.java_class = java_class
        #: Message of the innermost Java cause.
        self.java_message = java_message

    def __str__(self) -> str:
        if self.java_class and self.java_class not in self.message:
            return f"{self.message} [{self.java_class}: {self.java_message}]"
        return self.message


class JavaNotFoundError(ZarrJvmError):
    """No Java 17 or newer was found to start the JVM (or zarrjvm's jars are missing)."""


class MetadataError(ZarrJvmError):
    """Array or group metadata is missing, malformed or inconsistent."""


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
    """An argument the Java side refused (e.g. a region outside the array)."""


_KIND_TO_CLASS: dict[str, type[ZarrJvmError]] = {
    "array_not_found": ArrayNotFoundError,
    "metadata": MetadataError,
    "chunk_decode": ChunkDecodeError,
    "unsupported": UnsupportedError,
    "store": StoreError,
    "resource": ResourceError,
    "error": ZarrJvmError,
}

# Java classes that are not zarrjvm's own, by what they mean for a user.
_JAVA_CLASS_TO_CLASS: dict[str, type[ZarrJvmError]] = {
    "java.lang.IllegalArgumentException": InvalidArgumentError,
    "java.lang.IndexOutOfBoundsException": InvalidArgumentError,
    "java.lang.OutOfMemoryError": ResourceError,
    "java.lang.StackOverflowError": ResourceError,
    "java.lang.NoSuchFieldError": UnsupportedError,
    "java.lang.NoSuchMethodError": UnsupportedError,
    "java.lang.NoClassDefFoundError": UnsupportedError,
    "java.lang.UnsatisfiedLinkError": UnsupportedError,
    "java.lang.UnsupportedOperationException": UnsupportedError,
    "java.io.FileNotFoundException": ArrayNotFoundError,
    "java.nio.file.NoSuchFileException": ArrayNotFoundError,
    "java.io.IOException": StoreError,
}


def _root_cause(throwable: Any) -> Any:
    cur = throwable
    seen = 0
    while cur.getCause() is not None and seen < 64:
        nxt = cur.getCause()
        if nxt.equals(cur):
            break
        cur = nxt
        seen += 1
    return cur


def translate(exc: BaseException) -> ZarrJvmError:
    """Turns a Java exception (as JPype raises it) into the matching :class:`ZarrJvmError`."""
    import jpype

    if isinstance(exc, ZarrJvmError):
        return exc
    if not isinstance(exc, jpype.JException):
        return ZarrJvmError(f"{type(exc).__name__}: {exc}")
    root = _root_cause(exc)
    java_class = str(root.getClass().getName())
    java_message = str(root.getMessage()) if root.getMessage() is not None else ""
    own = jpype.JClass("dev.zarrjvm.errors.ZarrJvmException")
    message = str(exc.getMessage()) if exc.getMessage() is not None else str(exc.getClass().getName())
    if isinstance(exc, own):
        cls = _KIND_TO_CLASS.get(str(exc.kind()), ZarrJvmError)
    else:
        cls = ZarrJvmError
        k = exc.getClass()
        while k is not None:
            name = str(k.getName())
            if name in _JAVA_CLASS_TO_CLASS:
                cls = _JAVA_CLASS_TO_CLASS[name]
                break
            k = k.getSuperclass()
        message = f"{exc.getClass().getName()}: {message}"
    return cls(message, java_class=java_class, java_message=java_message)


@contextlib.contextmanager
def java_errors() -> Iterator[None]:
    """Context in which any Java exception is re-raised as a :class:`ZarrJvmError` (the Java one is chained)."""
    import jpype

    try:
        yield
    except jpype.JException as e:
        raise translate(e) from e
