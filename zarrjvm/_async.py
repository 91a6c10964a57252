"""asyncio over Java futures: how an awaited read reaches Java and how its result comes back to the event loop.

A read is submitted to Java's bounded async pool (the bridge's ``AsyncReads``) with an id and the addresses of C structs
allocated here; the event loop is never blocked. Java puts the id of every read that is over (exported, failed or
cancelled) on one queue, exactly once. One daemon thread here (the pump) waits on that queue inside Java — JPype
releases the GIL meanwhile — and hands each id to its loop with ``call_soon_threadsafe``; the loop imports the result.
Java never calls into Python, and the structs are freed only after their id came back.

Cancelling an awaiting task cancels the Java read: a queued read is skipped, a running one closes its result instead of
exporting it, and one already exported is imported and dropped here, which hands its memory back to Java.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from typing import Any

from . import _bridge, jvm
from .arrow import addresses, import_structs, new_structs
from .errors import from_java

_BATCH = 512
_POLL_MS = 100


class _Pending:
    """One read in flight: where its result goes, the structs Java exports into, and Java's request."""

    __slots__ = ("loop", "future", "c_array", "c_schema", "type", "java", "finish")

    def __init__(self, loop: asyncio.AbstractEventLoop, finish: Callable[[Any], Any], type: Any = None) -> None:
        self.loop = loop
        self.future: asyncio.Future[Any] = loop.create_future()
        self.type = type  # known Arrow type: no schema crosses
        self.c_array, self.c_schema = new_structs(with_schema=type is None)
        self.java: Any = None
        self.finish = finish


_pending: dict[int, _Pending] = {}
_ids = itertools.count(1)
_lock = threading.Lock()
_pump: list[threading.Thread] = []
_stop = threading.Event()
#: reads whose future was cancelled after Java had exported them: imported and dropped here (diagnostics, tests)
dropped_after_export = 0


def async_reads() -> Any:
    """Java's ``AsyncReads``."""
    return _bridge.async_reads()


def _ensure_pump() -> None:
    with _lock:
        if _pump and _pump[0].is_alive():
            return
        reads = async_reads()
        t = threading.Thread(target=_run_pump, args=(reads,), name="zarrjvm-async-pump", daemon=True)
        _pump[:] = [t]
        _stop.clear()
        t.start()
        jvm.on_stop(_shutdown)


def _run_pump(reads: Any) -> None:
    while not _stop.is_set():
        try:
            ids = reads.completed(_BATCH, _POLL_MS)  # waits in Java, without the GIL
        except Exception:  # the JVM is going away
            return
        for rid in ids:
            p = _pending.pop(int(rid), None)
            if p is None:
                continue
            try:
                p.loop.call_soon_threadsafe(_settle, p)
            except RuntimeError:  # the loop is closed: nobody awaits this any more, release it here
                _settle(p)
            del p  # this thread must not keep the last result (and its Java memory) alive while it waits


def _shutdown() -> None:
    _stop.set()
    for t in _pump:
        t.join(timeout=2)
    try:
        async_reads().shutdown(2000)
    except Exception:
        pass


def _settle(p: _Pending) -> None:
    """On the loop thread: turns Java's outcome into the future's result (or drops it when the future was cancelled)."""
    java = p.java
    if java is None:  # submission failed; nothing was exported
        return
    state = java.state()
    states = _bridge.read_state()
    fut = p.future
    if state == states.EXPORTED:
        arr = import_structs(p.c_array, p.c_schema, p.type)
        if fut.done():  # cancelled after Java exported: dropping the import releases the memory
            global dropped_after_export
            dropped_after_export += 1
            del arr
            return
        try:
            fut.set_result(p.finish(arr))
        except BaseException as e:
            fut.set_exception(e)
    elif state == states.OPENED:
        opened = java.opened()
        if fut.done():
            _bridge.close(opened)
            return
        try:
            fut.set_result(p.finish(opened))
        except BaseException as e:
            fut.set_exception(e)
    elif state == states.FAILED:
        if not fut.done():
            fut.set_exception(from_java(java.error()))
    elif not fut.done():  # cancelled on the Java side (zarrjvm shutting down)
        fut.cancel()


async def submit(start: Callable[[int, int, int], Any], finish: Callable[[Any], Any], type: Any = None) -> Any:
    """Runs ``start(id, array_address, schema_address)`` (a Java submission returning an ``AsyncReads.Request``) and
    awaits its outcome, which ``finish`` turns into the result (on the loop thread). With the Arrow ``type`` known,
    schema_address is 0 and no schema crosses."""
    loop = asyncio.get_running_loop()
    _ensure_pump()
    rid = next(_ids)
    p = _Pending(loop, finish, type)
    _pending[rid] = p
    try:
        p.java = _bridge.java_call(lambda: start(rid, *addresses(p.c_array, p.c_schema)))
    except BaseException:
        _pending.pop(rid, None)
        raise
    p.future.add_done_callback(lambda f: _cancel_java(p) if f.cancelled() else None)
    return await p.future


def _cancel_java(p: _Pending) -> None:
    try:
        p.java.cancel()
    except Exception:  # the read is over already, or the JVM is going away
        pass


def in_flight() -> int:
    """Reads submitted whose outcome has not reached Python yet (Java's count, for tests and diagnostics)."""
    return int(async_reads().outstanding())
