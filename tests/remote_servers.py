"""Real servers on 127.0.0.1 for the remote-store tests and the remote benchmark.

- :class:`RangeHTTPServer`: Python's ``http.server`` serving a directory, plus what ``SimpleHTTPRequestHandler`` lacks:
  Range requests (``bytes=a-b``, ``bytes=a-``, suffix ``bytes=-n``), HTTP/1.1 keep-alive, a request log and counter, the
  most requests in flight at once, an optional delay per request (to make overlap observable), a gate that holds every
  request until it is opened (so a test waits for events, not for time), forced failures for chosen paths (optionally
  with a ``Retry-After``), and a hard cap on requests (beyond it every request fails, so a runaway test ends).
- :func:`moto_s3`: moto's S3 in server mode on an ephemeral port, with a bucket filled from a local directory.
- :func:`within`: runs a call in a thread and fails if it takes longer than the given seconds.

``python tests/remote_servers.py DIR [DELAY]`` serves DIR and prints the URL (the benchmark runs it in its own process).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def within(seconds: float, fn: Callable[[], T]) -> T:
    """``fn()``, or an AssertionError when it has not returned after ``seconds`` (the call is left to finish)."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as e:
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        raise AssertionError(f"did not finish within {seconds} s")
    if "error" in out:
        raise out["error"]
    return out["value"]


class _Stats:
    def __init__(self, max_requests: int, delay: float) -> None:
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)  # notified whenever a request arrives or ends
        self.gate = threading.Event()  # requests wait here until it is set (it is, unless a test closes it)
        self.gate.set()
        self.max_requests = max_requests
        self.delay = delay
        self.log: list[tuple[str, str, str | None, dict[str, str]]] = []
        self.arrived: list[float] = []  # time.monotonic() of each logged request's arrival
        self.active = 0
        self.max_active = 0
        self.overflow = False
        #: path -> (status, answers left or None: always, Retry-After value or None)
        self.fail_paths: dict[str, tuple[int, int | None, str | None]] = {}


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # TCP_NODELAY, as real servers set it (else each response tail waits for an ACK)
    stats: _Stats

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self, head: bool) -> None:
        s = self.stats
        if self.path == "/__stats":  # the request count, for a parent process (not counted itself)
            with s.lock:
                body = f'{{"requests": {len(s.log)}, "max_active": {s.max_active}}}'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        with s.lock:
            s.log.append((self.command, self.path, self.headers.get("Range"), dict(self.headers.items())))
            s.arrived.append(time.monotonic())
            over = len(s.log) > s.max_requests
            s.overflow |= over
            status = retry_after = None
            key = self.path.split("?")[0]
            if key in s.fail_paths:
                status, left, retry_after = s.fail_paths[key]
                if left is not None:
                    s.fail_paths[key] = (status, left - 1, retry_after)
                    if left <= 0:
                        status = None
            s.active += 1
            s.max_active = max(s.max_active, s.active)
            s.changed.notify_all()
        try:
            s.gate.wait()
            if s.delay:
                time.sleep(s.delay)
            if status and retry_after is not None:
                self.send_response(status)
                self.send_header("Retry-After", retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif over or status:
                self.send_error(503 if over else status)
            elif head:
                super().do_HEAD()
            else:
                super().do_GET()
        finally:
            with s.lock:
                s.active -= 1
                s.changed.notify_all()

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    _remaining: int | None = None

    def send_head(self) -> Any:
        self._remaining = None
        rng = self.headers.get("Range")
        path = self.translate_path(self.path)
        if rng is None or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
        if m is None or (m[1] == "" and m[2] in ("", "0")):
            return self._unsatisfiable(size)
        if m[1] == "":  # suffix: the last n bytes (all of them when n exceeds the size, as RFC 9110 says)
            start, end = max(0, size - int(m[2])), size - 1
        else:
            start = int(m[1])
            end = min(int(m[2]), size - 1) if m[2] else size - 1
        if start >= size or start > end:
            return self._unsatisfiable(size)
        f = open(path, "rb")
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return f

    def _unsatisfiable(self, size: int) -> None:
        self.send_response(416)
        self.send_header("Content-Range", f"bytes */{size}")
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self._remaining is None:
            super().copyfile(source, outputfile)
        else:
            outputfile.write(source.read(self._remaining))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # socketserver's default backlog of 5 resets clients that open many connections at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # clients that gave up (timeouts, cancellation)
            super().handle_error(request, client_address)


class RangeHTTPServer:
    """``with RangeHTTPServer(directory) as srv: srv.url ...`` — see the module doc."""

    def __init__(self, directory: str | os.PathLike[str], *, max_requests: int = 20_000, delay: float = 0.0) -> None:
        self.stats = _Stats(max_requests, delay)
        handler = type("Handler", (_Handler,), {"stats": self.stats})
        self._httpd = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=os.fspath(directory)))
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="range-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RangeHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> RangeHTTPServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what the server saw ----------------------------------------------------------------------------------------
    @property
    def requests(self) -> int:
        with self.stats.lock:
            return len(self.stats.log)

    def log(self) -> list[tuple[str, str, str | None, dict[str, str]]]:
        with self.stats.lock:
            return list(self.stats.log)

    def arrivals(self, path: str) -> list[float]:
        """When each request for ``path`` (URL path without query) arrived, in order (``time.monotonic()``)."""
        with self.stats.lock:
            return [t for (_, p, _, _), t in zip(self.stats.log, self.stats.arrived) if p.split("?")[0] == path]

    @property
    def max_active(self) -> int:
        return self.stats.max_active

    @property
    def overflow(self) -> bool:
        return self.stats.overflow

    def reset(self, *, delay: float | None = None) -> None:
        with self.stats.lock:
            self.stats.log.clear()
            self.stats.arrived.clear()
            self.stats.max_active = 0
            self.stats.fail_paths.clear()
            self.stats.gate.set()
            if delay is not None:
                self.stats.delay = delay

    def fail(self, path: str, status: int, times: int | None = None, retry_after: str | None = None) -> None:
        """Answer ``status`` for ``path`` (URL path, e.g. ``/a.zarr/c/0/0``): the next ``times`` requests, or every one
        until the next :meth:`reset` when ``times`` is None; with a ``Retry-After: retry_after`` header when given."""
        with self.stats.lock:
            self.stats.fail_paths[path] = (status, times, retry_after)

    @property
    def active(self) -> int:
        """Requests being answered (or held at the gate) now."""
        with self.stats.lock:
            return self.stats.active

    def hold(self) -> None:
        """Closes the gate: every request from now on waits (counted and logged) until :meth:`release`."""
        self.stats.gate.clear()

    def release(self) -> None:
        self.stats.gate.set()

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Waits (woken by every request's arrival and end, no polling) until ``predicate()`` — called with the stats
        lock held, so it reads ``self.stats`` fields directly — is true; False after ``timeout`` seconds."""
        with self.stats.changed:
            return self.stats.changed.wait_for(predicate, timeout)


@contextlib.contextmanager
def moto_s3(directory: Path, bucket: str, prefix: str = "") -> Iterator[dict[str, Any]]:
    """moto's S3 on 127.0.0.1 (ephemeral port) with ``bucket`` holding ``directory``'s files under ``prefix``.

    Yields ``{"endpoint_url", "bucket", "storage_options", "client"}``; ``storage_options`` is what open_array takes.
    """
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        so = {"endpoint_url": endpoint, "region": "us-east-1", "key": "testing", "secret": "testing"}
        client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )
        client.create_bucket(Bucket=bucket)
        for p in sorted(Path(directory).rglob("*")):
            if p.is_file():
                key = "/".join(x for x in (prefix, p.relative_to(directory).as_posix()) if x)
                client.put_object(Bucket=bucket, Key=key, Body=p.read_bytes())
        yield {"endpoint_url": endpoint, "bucket": bucket, "storage_options": so, "client": client}
    finally:
        server.stop()


if __name__ == "__main__":
    srv = RangeHTTPServer(sys.argv[1], max_requests=10**9, delay=float(sys.argv[2]) if len(sys.argv) > 2 else 0.0)
    srv.start()
    print(srv.url, flush=True)
    try:
        sys.stdin.read()  # serve until the parent closes our stdin
    finally:
        srv.stop()
