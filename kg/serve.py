"""``policykg serve``: the oxigraph server binary behind a small guard.

The oxigraph server runs SERVICE clauses (it would fetch any URL a client names) and has no
option to refuse them, so it listens on a private loopback port and this process listens on
the public one. Every query is parsed with the same check as the console
(:func:`kg.queries.check_read_only`: read-only, no SERVICE, rdflib's parser the authority);
only queries that pass are forwarded, with oxigraph's own query timeout, a size cap on the
request and on the response. Only ``/query`` exists: no update, no graph store protocol.

The child is stopped on SIGTERM/SIGINT and, through ``PR_SET_PDEATHSIG``, even when this
process is killed outright, so the binary never outlives ``policykg serve``. When a build
publishes a new generation, the next request starts a server on it and retires the old one.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.server
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kg import config
from kg.errors import PolicyKGError, QueryError, StoreError

MAX_REQUEST_BYTES = 1_000_000
MAX_RESPONSE_BYTES = 100_000_000
_PR_SET_PDEATHSIG = 1


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        raise PolicyKGError("the oxigraph server binary is missing: pip install oxigraph==0.5.13")
    return binary


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Upstream:
    """One oxigraph server on a private loopback port, serving one generation's store."""

    def __init__(self, store: Path, timeout: float) -> None:
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        command = [oxigraph_binary(), "serve-read-only", "--location", str(store),
                   "--bind", f"127.0.0.1:{self.port}", "--union-default-graph",
                   "--timeout-s", str(max(1, round(timeout)))]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        self._wait_ready()

    def _wait_ready(self, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                detail = self.process.stderr.read().decode("utf-8", "replace").strip().splitlines() if \
                    self.process.stderr else []
                raise StoreError(f"the oxigraph server on {self.store} exited: {(detail or ['no output'])[-1]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        self.stop()
        raise StoreError(f"the oxigraph server on {self.store} did not start within {limit:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Guard:
    """Owns the current upstream; swaps it when the data folder publishes a new generation."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.lock = threading.Lock()
        self.generation = config.current_generation()
        self.upstream = Upstream(config.store_dir(), timeout)
        self.retired: list[tuple[float, Upstream]] = []

    def current(self) -> Upstream:
        generation = config.current_generation()
        if generation == self.generation:
            return self.upstream
        with self.lock:
            if generation != self.generation:
                try:
                    fresh = Upstream(config.store_dir(), self.timeout)
                except PolicyKGError:
                    return self.upstream  # keep serving the old generation rather than nothing
                # In-flight queries on the old server may take up to the timeout: stop it after that.
                self.retired.append((time.monotonic() + self.timeout + 5, self.upstream))
                self.upstream, self.generation = fresh, generation
            now = time.monotonic()
            for due, old in [r for r in self.retired if r[0] <= now]:
                old.stop()
                self.retired.remove((due, old))
            return self.upstream

    def stop(self) -> None:
        with self.lock:
            for _, old in self.retired:
                old.stop()
            self.retired.clear()
            self.upstream.stop()


def _handler(guard: Guard) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "PolicyKG-guard"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request would drown the terminal under load

        def _refuse(self, status: int, message: str) -> None:
            body = (message + "\n").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _query_text(self) -> str | None:
            parsed = urllib.parse.urlsplit(self.path)
            if parsed.path.rstrip("/") not in ("/query", "/sparql"):
                self._refuse(404, "only /query is served here (read-only)")
                return None
            if self.command == "GET":
                values = urllib.parse.parse_qs(parsed.query).get("query", [])
            else:
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                except ValueError:
                    length = -1
                if not 0 <= length <= MAX_REQUEST_BYTES:
                    self._refuse(413, f"the request body must be at most {MAX_REQUEST_BYTES} bytes")
                    return None
                body = self.rfile.read(length).decode("utf-8", "replace")
                kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if kind == "application/sparql-query":
                    values = [body]
                elif kind == "application/x-www-form-urlencoded":
                    values = urllib.parse.parse_qs(body).get("query", [])
                else:
                    self._refuse(415, "send application/sparql-query or a form with query=")
                    return None
            if len(values) != 1:
                self._refuse(400, "exactly one query is expected")
                return None
            return values[0]

        def _serve(self) -> None:
            text = self._query_text()
            if text is None:
                return
            from kg.queries import check_read_only

            try:
                check_read_only(text)
            except QueryError as exc:
                self._refuse(400, str(exc))
                return
            upstream = guard.current()
            request = urllib.request.Request(
                upstream.url, data=text.encode("utf-8"), method="POST",
                headers={"Content-Type": "application/sparql-query; charset=utf-8",
                         "Accept": self.headers.get("Accept", "application/sparql-results+json")})
            try:
                response = urllib.request.urlopen(request, timeout=guard.timeout + 5)
            except urllib.error.HTTPError as exc:
                self._refuse(exc.code, exc.read(10_000).decode("utf-8", "replace").strip() or str(exc))
                return
            except (urllib.error.URLError, OSError) as exc:
                self._refuse(504 if isinstance(exc, TimeoutError) else 502,
                             f"the query failed or took longer than {guard.timeout:g} s: {exc}")
                return
            with response:
                self.send_response(response.status)
                self.send_header("Content-Type", response.headers.get("Content-Type", "application/octet-stream"))
                self.send_header("Connection", "close")
                self.end_headers()
                sent = 0
                while chunk := response.read(65536):
                    sent += len(chunk)
                    if sent > MAX_RESPONSE_BYTES:
                        break  # the cap: the client sees a cut response rather than an endless one
                    self.wfile.write(chunk)
                self.close_connection = True

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_PUT(self) -> None:
            self._refuse(405, "read-only")

        do_DELETE = do_PATCH = do_PUT

    return Handler


class GuardServer(http.server.ThreadingHTTPServer):
    # The stdlib's listen backlog of 5 reset connections under 20 concurrent clients (bench/soak.py).
    request_queue_size = 128
    daemon_threads = True


def serve(host: str, port: int, timeout: float = 30.0) -> int:
    """Run until SIGTERM/SIGINT; the oxigraph child is always stopped before returning."""
    guard = Guard(timeout)
    try:
        server = GuardServer((host, port), _handler(guard))
    except OSError as exc:
        guard.stop()
        raise PolicyKGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    print(json.dumps({"serving": f"http://{host}:{server.server_address[1]}/query",
                      "store": str(guard.upstream.store)}), file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        guard.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
