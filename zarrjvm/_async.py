"""asyncio over Java futures: how an awaited read reaches Java and how its result comes back to the event loop.

A read is submitted to Java's bounded async pool (the bridge's ``AsyncReads``) with an id and the addresses of C structs
allocated here; the event loop is never blocked. Java puts the id of every read that is over (exported, failed or
cancelled) on one queue, exactly once. One daemon thread here (the pump) waits on that queue inside Java — JPype
releases the GIL meanwhile — and hands each id to its loop with ``call_soon_threadsafe``; the loop imports the result.
Java never calls into Python, and the structs are freed only once the read is over (Java has written its outcome and
never touches them again).

Cancelling an awaiting task cancels the Java read: a queued read is skipped, a running one closes its result instead of
exporting it, and one already over (exported or opened) is taken and dropped by the cancelled task itself, which hands
its memory back to Java then — not whenever its id comes back through the pump: by then the loop may be closed, and a
callback left on a closed loop never runs (the export would never be released). A read stays in ``_pending`` until it
is settled; whoever takes it out (the loop, the cancelled task, or the pump for a read nobody awaits or whose loop was
closed before running its callback) settles it, once.
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
#: notified whenever a read leaves ``_pending`` (tests wait on it for every read to be settled)
_settled = threading.Condition()
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
    handed: set[int] = set()  # reads handed to their loop and not seen settled yet
    while not _stop.is_set():
        try:
            ids = reads.completed(_BATCH, _POLL_MS)  # waits in Java, without the GIL
        except Exception:  # the JVM is going away
            return
        for rid in ids:
            if _deliver(int(rid)):
                handed.add(int(rid))
        _release_orphans(handed)


def _release_orphans(handed: set[int]) -> None:
    """On the pump, after each batch (at least every poll): a read handed to its loop whose loop was then closed
    without running the callback (a loop run by hand; ``asyncio.run`` cancels its tasks before closing) can be taken
    by nobody; it is settled here, which releases its memory. Reads settled meanwhile leave the set."""
    for rid in list(handed):
        p = _pending.get(rid)
        if p is None:
            handed.discard(rid)
        elif p.loop.is_closed():
            _settle(rid)
            handed.discard(rid)


def _deliver(rid: int) -> bool:
    """On the pump: hands read ``rid``, which is over, to its loop (a function, so that this thread keeps no reference
    to the result, and its Java memory, while it waits); True when the loop now has it to settle."""
    p = _pending.get(rid)
    if p is None:  # settled already, by its cancelled task
        return False
    if p.future.cancelled():  # nobody awaits it: release it here, whatever its loop does meanwhile
        _settle(rid)
        return False
    try:
        p.loop.call_soon_threadsafe(_settle, rid)
        return True
    except RuntimeError:  # the loop is closed: nobody awaits this any more, release it here
        _settle(rid)
        return False


def _shutdown() -> None:
    _stop.set()
    for t in _pump:
        t.join(timeout=2)
    try:
        async_reads().shutdown(2000)
    except Exception:
        pass


def _settle(rid: int) -> None:
    """Turns Java's outcome of read ``rid`` into its future's result (on the loop thread), or drops it when nobody can
    take it any more — the future was cancelled or its loop is closed — (on any thread); nothing when the read was
    settled already. Call it only once the read is over. Taking the read out and dropping it happen under one lock, so
    when a cancelled task finds its read taken (by the pump), the read is fully released before the task ends."""
    global dropped_after_export
    with _settled:
        p = _pending.pop(rid, None)  # exactly one caller settles a read
        _settled.notify_all()
        if p is None or p.java is None:  # settled already; or the submission failed, and nothing was exported
            return
        java, fut = p.java, p.future
        states = _bridge.read_state()
        state = java.state()
        value = (import_structs(p.c_array, p.c_schema, p.type) if state == states.EXPORTED
                 else java.opened() if state == states.OPENED else None)
        if fut.done() or p.loop.is_closed():  # nobody can take it: dropping the import releases the memory
            if state == states.EXPORTED:
                dropped_after_export += 1
            elif state == states.OPENED:
                _bridge.close(value)
            del value  # released before the lock is, so the settlement is complete for whoever waited on it
            return
    if state == states.FAILED:
        fut.set_exception(from_java(java.error()))
    elif value is None:  # cancelled on the Java side (zarrjvm shutting down)
        fut.cancel()
    else:
        try:
            fut.set_result(p.finish(value))
        except BaseException as e:
            fut.set_exception(e)


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
        _settle(rid)  # java is None: only leaves _pending
        raise
    try:
        return await p.future
    except asyncio.CancelledError:
        _cancel(rid, p)
        raise


def _cancel(rid: int, p: _Pending) -> None:
    """The awaiting task was cancelled: stops the Java read, or, when it is over already, settles it now (its result is
    dropped, its memory handed back) instead of leaving that to a callback its loop may never run."""
    p.future.cancel()  # cancelled already, unless the task was cancelled after its result came (then it is settled)
    try:
        stopping = p.java.cancel()  # False: the read is over (it wrote its outcome before saying so)
    except Exception:  # the JVM is going away
        return
    if not stopping:
        _settle(rid)


def in_flight() -> int:
    """Reads submitted whose id Java has not yet put on its completion queue (Java's count, for tests and diagnostics);
    a read stays in ``_pending`` after that until it is settled here."""
    return int(async_reads().outstanding())
