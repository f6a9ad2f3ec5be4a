"""Soak: N concurrent clients against the app and the served endpoint (issue 12).

    python bench/soak.py [--sessions 20] [--seconds 60] [--no-serve] [--uncached]
    python bench/soak.py --engine-only [--clients 20] [--seconds 60]

What it drives, honestly stated:

* **app sessions** (default) — ``streamlit run app.py`` is started here on a free loopback port and
  stopped on exit. ``--sessions`` real Streamlit sessions speak the browser's websocket protocol
  (``/_stcore/stream``, protobuf ``BackMsg``/``ForwardMsg``): each opens the app, finds the Ask page's
  text input ``question`` and submit button ``ask_submit`` in the rendered deltas, then loops: type a
  question from ``../shared/eval/dev.jsonl`` and press the button (one ``rerun_script`` with those
  widget states), and wait until the script run has finished. An ask counts as an error when the run
  raised (exception element), showed ``st.error``, rendered neither an answer block
  (``class='pkg-answer'``) nor the not-found warning, or did not finish within ``--timeout``.
  Latency is from the submit to the ``script_finished`` message (the whole page rendered). No browser
  renders the page, so client-side paint time is not included. The app caches answers per question
  (``st.cache_data``); ``--uncached`` appends a varying run of spaces (stripped by the engine) so that
  almost every ask misses that cache and reaches the shared engine.
* **endpoint clients** — as many threads sending SPARQL over HTTP to ``policykg serve`` (the guard
  in front of oxigraph), started here on a free loopback port: counts, lookups, one refused SERVICE
  query per round (must be refused, and counts as an error if it is not). ``--no-serve`` skips them.
* **--engine-only** — the older stand-in: ``--clients`` threads asking through ONE in-process
  :class:`~kg.answer.engine.Answerer`, built the way ``app.py``'s ``get_answerer`` builds it; no
  Streamlit in the path.

Prints errors, p50/p95/max latency per kind, and RSS over time for the app server (or this process
with ``--engine-only``) and the served endpoint (guard + oxigraph), so "memory flat after warm-up"
can be checked.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ENDPOINT_QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a pkg:Provision }",
    "SELECT ?s ?t WHERE { ?s a pkg:Sentence ; pkg:text ?t } LIMIT 50",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "ASK { ?s pkg:modality \"obligation\" }",
]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(pid: int) -> float:
    total = rss_mb(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_rss_mb(int(c)) for c in children)


def questions() -> list[str]:
    found = []
    for name in ("calibration.jsonl", "heldout_like.jsonl", "heldout_blind2.jsonl"):
        path = PROJECT / "bench" / name
        if path.is_file():
            found += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()
                      if line.strip()]
    return [*found, "x", "lorem ipsum dolor sit amet", ""]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}
        self.outcomes: dict[str, int] = {}

    def count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latency.setdefault(kind, []).append(seconds)
            if error:
                self.errors.setdefault(kind, []).append(error)


def ask_client(answerer, items: list[str], stop: threading.Event, record: Recorder, seed: int) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        question = rng.choice(items)
        started = time.perf_counter()
        try:
            result = answerer.ask(question, "soak")
            error = None if isinstance(result, dict) and ("answered" in result) else f"bad result {result!r}"[:200]
        except Exception as exc:  # counted, not raised: the soak reports every failure
            error = f"{type(exc).__name__}: {exc}"[:200]
        record.add("ask", time.perf_counter() - started, error)


def endpoint_client(url: str, stop: threading.Event, record: Recorder, seed: int, listener_port: int) -> None:
    from kg.graph.store import PREFIXES

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    rng = random.Random(seed)
    rounds = 0
    while not stop.is_set():
        rounds += 1
        hostile = rounds % 10 == 0
        text = (f"SELECT * WHERE {{ ?d ?p 1SERVICE<http://127.0.0.1:{listener_port}/x>{{?s ?y ?z}} }}" if hostile
                else prologue + rng.choice(ENDPOINT_QUERIES))
        request = urllib.request.Request(url, data=text.encode(), method="POST", headers={
            "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        started = time.perf_counter()
        error = None
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                if hostile:
                    error = "SERVICE query was not refused"
        except urllib.error.HTTPError as exc:
            if not (hostile and exc.code == 400):
                error = f"HTTP {exc.code}: {exc.read()[:200]!r}"
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        record.add("endpoint-refusal" if hostile else "endpoint", time.perf_counter() - started, error)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def dev_questions(path: Path) -> list[str]:
    if not path.is_file():
        return questions()
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class AppSession:
    """One browser-like Streamlit session over the websocket, on the Ask page."""

    def __init__(self, ws_url: str, timeout: float) -> None:
        from websockets.sync.client import connect

        self.timeout = timeout
        self._stack = contextlib.ExitStack()
        self.socket = self._stack.enter_context(connect(ws_url, subprotocols=["streamlit"], open_timeout=timeout,
                                                        max_size=None, close_timeout=2))
        self.page_hash = ""
        self.question_id = ""
        self.submit_id = ""
        elements, status = self.run([])
        for element in elements:
            kind = element.WhichOneof("type")
            if kind == "text_input" and element.text_input.id.endswith("-question"):
                self.question_id = element.text_input.id
            elif kind == "button" and element.button.id.endswith("-ask_submit"):
                self.submit_id = element.button.id
        if not (self.question_id and self.submit_id):
            self.close()
            raise RuntimeError(f"Ask page widgets not found (status {status}, {len(elements)} elements)")

    def run(self, widgets: list) -> tuple[list, int]:
        """Send one rerun with these widget states; return the rendered elements and the finish status."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = self.page_hash
        message.rerun_script.widget_states.widgets.extend(widgets)
        self.socket.send(message.SerializeToString())
        elements = []
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")
            incoming = ForwardMsg()
            incoming.ParseFromString(self.socket.recv(timeout=remaining))
            kind = incoming.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = incoming.new_session.page_script_hash or self.page_hash
            elif kind == "delta" and incoming.delta.WhichOneof("type") == "new_element":
                elements.append(incoming.delta.new_element)
            elif kind == "ref_hash":
                raise RuntimeError("server sent a cached-message reference the soak did not ask for")
            elif kind == "script_finished":
                return elements, incoming.script_finished

    def ask(self, question: str) -> str:
        """Type the question, press the button, wait for the run: "answer", "not found" or an error."""
        from streamlit.proto.Alert_pb2 import Alert
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        text = WidgetState(id=self.question_id, string_value=question)
        press = WidgetState(id=self.submit_id, trigger_value=True)
        elements, status = self.run([text, press])
        if status != 0:  # FINISHED_SUCCESSFULLY
            return f"script finished with status {status}"
        rendered = ""
        for element in elements:
            kind = element.WhichOneof("type")
            if kind == "exception":
                return f"exception: {element.exception.type}: {element.exception.message}"[:200]
            if kind == "alert" and element.alert.format == Alert.ERROR:
                return f"st.error: {element.alert.body}"[:200]
            if kind == "alert" and element.alert.format == Alert.WARNING:
                rendered = rendered or "not found"
            if kind == "markdown" and "class='pkg-answer'" in element.markdown.body:
                rendered = "answer"
        return rendered or f"no answer block ({len(elements)} elements)"

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken socket
            self._stack.close()


def session_client(ws_url: str, items: list[str], stop: threading.Event, record: Recorder, seed: int,
                   timeout: float, uncached: bool, counter, warm_until: float) -> None:
    rng = random.Random(seed)
    session = None
    while not stop.is_set():
        if session is None:
            started = time.perf_counter()
            try:
                session = AppSession(ws_url, timeout)
                record.add("session-open", time.perf_counter() - started)
            except Exception as exc:  # counted, then retried
                record.add("session-open", time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:200])
                time.sleep(1)
                continue
        question = rng.choice(items)
        if uncached:
            question += " " * (1 + next(counter) % 300)
        kind = "app-ask" if time.monotonic() >= warm_until else "app-ask-warmup"
        started = time.perf_counter()
        try:
            outcome = session.ask(question)
            error = None if outcome in ("answer", "not found") else outcome
            if not error:
                record.count(outcome)
        except Exception as exc:  # a dropped or stuck session: counted, then a fresh session
            error = f"{type(exc).__name__}: {exc}"[:200]
            session.close()
            session = None
        if stop.is_set() and error and error.startswith("ConnectionClosed"):
            break  # the server is being stopped under us
        record.add(kind, time.perf_counter() - started, error)
    if session is not None:
        session.close()


def start_app(port: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with open(log_path, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(PROJECT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    stop_process(process)
    raise TimeoutError(f"streamlit did not answer within 120 s; see {log_path}")


def stop_process(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", "--clients", dest="clients", type=int, default=20,
                        help="concurrent app sessions (or engine clients with --engine-only), and endpoint clients")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory samples")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one ask may take before it is an error")
    parser.add_argument("--questions", type=Path, default=PROJECT.parent / "shared" / "eval" / "dev.jsonl")
    parser.add_argument("--warmup", type=float, default=20,
                        help="asks started in the first seconds are reported apart, as app-ask-warmup")
    parser.add_argument("--uncached", action="store_true", help="vary each question so the app's answer cache misses")
    parser.add_argument("--no-serve", action="store_true", help="no HTTP endpoint clients")
    parser.add_argument("--engine-only", action="store_true",
                        help="the in-process stand-in: one shared Answerer, no Streamlit")
    args = parser.parse_args()

    items = dev_questions(args.questions)
    record = Recorder()
    stop = threading.Event()
    threads: list[threading.Thread] = []
    app = server = None
    app_log = Path(os.environ.get("TMPDIR", "/tmp")) / f"policykg-soak-streamlit-{os.getpid()}.log"
    counter = itertools.count()

    # A listener that a SERVICE query would reach if the guard let it through.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    reached: list[int] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                reached.append(1)
                conn.close()
            except OSError:
                continue

    memory = []
    try:
        if args.engine_only:
            from kg import config
            from kg.answer.engine import Answerer
            from kg.graph.store import GraphStore
            from kg.retrieval import SentenceIndex

            generation = config.generation_dir() or config.data_dir()
            started = time.perf_counter()
            answerer = Answerer(store=GraphStore(generation / "store"),
                                index=SentenceIndex.load(generation / "index"))
            print(f"engine loaded from {generation} in {time.perf_counter() - started:.1f} s; "
                  f"RSS {rss_mb(os.getpid()):.0f} MB", flush=True)
            threads += [threading.Thread(target=ask_client, args=(answerer, items, stop, record, i), daemon=True)
                        for i in range(args.clients)]
            app_pid = os.getpid()
        else:
            port = free_port()
            started = time.perf_counter()
            app = start_app(port, app_log)
            app_pid = app.pid
            print(f"streamlit run app.py on 127.0.0.1:{port} (pid {app.pid}, log {app_log}) up in "
                  f"{time.perf_counter() - started:.1f} s; RSS {tree_rss_mb(app.pid):.0f} MB", flush=True)
            ws_url = f"ws://127.0.0.1:{port}/_stcore/stream"
            threads += [threading.Thread(target=session_client, daemon=True,
                                         args=(ws_url, items, stop, record, i, args.timeout, args.uncached, counter,
                                               time.monotonic() + args.warmup))
                        for i in range(args.clients)]
        threading.Thread(target=accept, daemon=True).start()
        if not args.no_serve:
            port = free_port()
            script = Path(sys.executable).with_name("policykg")
            server = subprocess.Popen([str(script) if script.is_file() else sys.executable,
                                       *([] if script.is_file() else ["-m", "kg.cli"]), "serve", "--port", str(port),
                                       "--timeout", "10"], cwd=PROJECT, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            url = f"http://127.0.0.1:{port}/query"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.2)
            threads += [threading.Thread(target=endpoint_client, args=(url, stop, record, 100 + i,
                                                                       listener.getsockname()[1]), daemon=True)
                        for i in range(args.clients)]
        ask_kind = "ask" if args.engine_only else "app-ask"
        memory.append((0.0, tree_rss_mb(app_pid), tree_rss_mb(server.pid) if server is not None else 0.0, 0, 0))
        for thread in threads:
            thread.start()
        began = time.monotonic()
        while time.monotonic() - began < args.seconds:
            time.sleep(min(args.sample, max(0.0, args.seconds - (time.monotonic() - began))))
            sample = (time.monotonic() - began, tree_rss_mb(app_pid),
                      tree_rss_mb(server.pid) if server is not None else 0.0,
                      sum(len(v) for k, v in list(record.latency.items()) if k.startswith(ask_kind)),
                      len(record.latency.get("endpoint", [])))
            memory.append(sample)
            print(f"t={sample[0]:5.0f}s  {'engine' if args.engine_only else 'app'} RSS {sample[1]:6.0f} MB  "
                  f"endpoint RSS {sample[2]:6.0f} MB  asks {sample[3]:6d}  endpoint queries {sample[4]:6d}  "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=args.timeout + 10)
        stop_process(app)
        stop_process(server)
        listener.close()

    who = "in-process engine clients" if args.engine_only else "app sessions (streamlit websocket)"
    print(f"\n{args.clients} {who} + {args.clients if server else 0} endpoint clients, {args.seconds:.0f} s, "
          f"questions from {args.questions if args.questions.is_file() else 'bench/*.jsonl'}"
          f"{', uncached' if args.uncached else ''}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    failures = 0
    for kind, values in sorted(record.latency.items()):
        errors = record.errors.get(kind, [])
        failures += len(errors)
        p50 = statistics.median(values) * 1000
        print(f"  {kind:<17} n={len(values):6d}  errors={len(errors):4d}  p50={p50:7.0f} ms  "
              f"p95={percentile(values, 0.95) * 1000:7.0f} ms  max={max(values) * 1000:7.0f} ms")
        for error in sorted(set(errors))[:5]:
            print(f"      e.g. {error}")
    if record.outcomes:
        print("  rendered: " + ", ".join(f"{n} {kind}" for kind, n in sorted(record.outcomes.items())))
    if len(memory) > 1:
        label = "engine RSS  " if args.engine_only else "app RSS     "
        warm = next((m for m in memory if m[0] >= args.seconds / 4), memory[-1])
        print(f"  {label} start {memory[0][1]:.0f} MB → t={warm[0]:.0f}s {warm[1]:.0f} MB → "
              f"end {memory[-1][1]:.0f} MB (max {max(m[1] for m in memory):.0f})")
        if server is not None:
            print(f"  endpoint RSS start {memory[0][2]:.0f} MB → t={warm[0]:.0f}s {warm[2]:.0f} MB → "
                  f"end {memory[-1][2]:.0f} MB (max {max(m[2] for m in memory):.0f})")
    print(f"  connections reaching the SERVICE listener: {len(reached)}")
    return 1 if failures or reached else 0


if __name__ == "__main__":
    sys.exit(main())
