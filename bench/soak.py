"""Soak: N concurrent clients against the shared engine and the served endpoint (issue 12).

    python bench/soak.py [--clients 20] [--seconds 300] [--no-serve]

What it drives, honestly stated:

* **app sessions** — ``--clients`` threads each asking questions in a loop through ONE shared
  :class:`~kg.answer.engine.Answerer`, built the way ``app.py``'s ``get_answerer`` builds it
  (``st.cache_resource``: one engine per generation for all sessions). This measures the engine
  under the app's concurrency model; it does not go through Streamlit's websocket layer.
* **endpoint clients** — ``--clients`` threads sending SPARQL over HTTP to ``policykg serve``
  (the guard in front of oxigraph), started here on a free loopback port: counts, lookups,
  one refused SERVICE query per round (must be refused, and counts as an error if it is not).

Prints errors, p50/p95/max latency per kind, and RSS over time for this process (the engine)
and the served endpoint (guard + oxigraph), so "memory flat after warm-up" can be checked.
"""

from __future__ import annotations

import argparse
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory samples")
    parser.add_argument("--no-serve", action="store_true", help="only the engine, no HTTP endpoint")
    args = parser.parse_args()

    from kg import config
    from kg.answer.engine import Answerer
    from kg.graph.store import GraphStore
    from kg.retrieval import SentenceIndex

    generation = config.generation_dir() or config.data_dir()
    started = time.perf_counter()
    answerer = Answerer(store=GraphStore(generation / "store"), index=SentenceIndex.load(generation / "index"))
    print(f"engine loaded from {generation} in {time.perf_counter() - started:.1f} s; "
          f"RSS {rss_mb(os.getpid()):.0f} MB", flush=True)

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

    server = None
    url = ""
    stop = threading.Event()
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

    record = Recorder()
    items = questions()
    threads = [threading.Thread(target=ask_client, args=(answerer, items, stop, record, i), daemon=True)
               for i in range(args.clients)]
    if server is not None:
        threads += [threading.Thread(target=endpoint_client, args=(url, stop, record, 100 + i,
                                                                   listener.getsockname()[1]), daemon=True)
                    for i in range(args.clients)]
    for thread in threads:
        thread.start()
    memory = []
    began = time.monotonic()
    try:
        while time.monotonic() - began < args.seconds:
            time.sleep(min(args.sample, max(0.0, args.seconds - (time.monotonic() - began))))
            sample = (time.monotonic() - began, rss_mb(os.getpid()),
                      tree_rss_mb(server.pid) if server is not None else 0.0,
                      len(record.latency.get("ask", [])), len(record.latency.get("endpoint", [])))
            memory.append(sample)
            print(f"t={sample[0]:5.0f}s  engine RSS {sample[1]:6.0f} MB  endpoint RSS {sample[2]:6.0f} MB  "
                  f"asks {sample[3]:6d}  endpoint queries {sample[4]:6d}", flush=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        listener.close()

    print(f"\n{args.clients} app sessions (shared engine) + {args.clients if server else 0} endpoint clients, "
          f"{args.seconds:.0f} s")
    failures = 0
    for kind, values in sorted(record.latency.items()):
        errors = record.errors.get(kind, [])
        failures += len(errors)
        p50 = statistics.median(values) * 1000
        print(f"  {kind:<17} n={len(values):6d}  errors={len(errors):4d}  p50={p50:7.0f} ms  "
              f"p95={percentile(values, 0.95) * 1000:7.0f} ms  max={max(values) * 1000:7.0f} ms")
        for error in sorted(set(errors))[:5]:
            print(f"      e.g. {error}")
    if memory:
        warm = memory  # the first sample is taken after one interval of load: warm-up included
        peak = max(m[1] for m in warm)
        print(f"  engine RSS   first {warm[0][1]:.0f} MB → last {warm[-1][1]:.0f} MB (max {peak:.0f})")
        if server is not None:
            print(f"  endpoint RSS first {warm[0][2]:.0f} MB → last {warm[-1][2]:.0f} MB "
                  f"(max {max(m[2] for m in warm):.0f})")
    print(f"  connections reaching the SERVICE listener: {len(reached)}")
    return 1 if failures or reached else 0


if __name__ == "__main__":
    sys.exit(main())
