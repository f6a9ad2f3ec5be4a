"""Hostile SPARQL (issue 12, items 1–2): nothing leaves the machine, every query is bounded.

A listener on 127.0.0.1 stands in for an attacker's internal target: a query that reached it
through SERVICE would show up as a connection. It must stay at zero from the CLI, from
``run_read_only`` (what the app's SPARQL page calls) and from the served endpoint.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from helpers import run_cli

from kg.errors import QueryError
from kg.queries import check_parsed, check_read_only


class Listener:
    """Counts TCP connections to a loopback port."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(4096))
                except OSError:
                    self.hits.append(b"")

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


def service_queries(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/x"
    return [
        f"SELECT * WHERE {{ ?d ?p 1SERVICE<{url}>{{?s ?y ?z}} }}",
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?y ?z }} }} }}",
        f"SELECT * WHERE {{ ?d ?p 1.5SERVICE<{url}>{{?s ?y ?z}} }}",
        f'SELECT * WHERE {{ ?d ?p "x"SERVICE<{url}>{{?s ?y ?z}} }}',
        f"SELECT * WHERE {{ ?d ?p <urn:x>SERVICE<{url}>{{?s ?y ?z}} }}",
        f"ASK {{ sErViCe <{url}> {{ ?s ?p ?o }} }}",
    ]


@pytest.mark.parametrize("index", range(8))
def test_service_is_refused_by_the_check(index: int) -> None:
    with pytest.raises(QueryError, match=r"SERVICE|SPARQL error"):
        check_read_only(service_queries(9)[index])


def test_the_parsed_check_alone_refuses_service_and_updates() -> None:
    """The algebra is the authority: it refuses SERVICE even where the lexical pass is not asked."""
    with pytest.raises(QueryError, match="SERVICE"):
        check_parsed("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="SPARQL error"):
        check_parsed("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(QueryError, match="nested too deeply"):
        check_parsed("SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000)


def test_names_that_contain_service_are_still_allowed() -> None:
    text = "SELECT ?service ?xSERVICE WHERE { ?service pkg:serviceOf ?xSERVICE }"
    assert check_read_only(text) == text


@pytest.mark.slow
def test_no_service_request_from_run_read_only(listener: Listener, store) -> None:
    from kg.answer.sparql import run_read_only

    for text in service_queries(listener.port):
        with pytest.raises(QueryError):
            run_read_only(text, store=store, timeout=5)
    time.sleep(0.3)
    assert listener.hits == []


@pytest.mark.slow
def test_no_service_request_from_the_cli(listener: Listener, built_data: Path) -> None:
    for text in service_queries(listener.port)[:3]:
        result = run_cli("sparql", text, data=built_data, timeout=60)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    time.sleep(0.3)
    assert listener.hits == []


def _workers() -> list[int]:
    """Query worker processes started by this test process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = next((line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), "")
        if b"kg.sparql_worker" in cmdline and parent == str(os.getpid()):
            found.append(int(entry.name))
    return found


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.slow
def test_a_timed_out_query_is_stopped(store) -> None:
    from kg.answer.sparql import run_read_only

    started = time.monotonic()
    with pytest.raises(QueryError, match="did not finish within 1 s and was stopped"):
        run_read_only(CARTESIAN, store=store, timeout=1)
    assert time.monotonic() - started < 5
    assert _workers() == []  # the process doing the work is gone, not left computing


@pytest.mark.slow
def test_results_are_capped(store) -> None:
    from kg.answer.sparql import run_read_only

    result = run_read_only("SELECT * WHERE { ?s ?p ?o }", store=store, limit=7)
    assert len(result["rows"]) == 7 and result["truncated"] is True
    triples = run_read_only("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", store=store, limit=3)
    assert len(triples["triples"]) == 3 and triples["truncated"] is True


@pytest.mark.parametrize(("limit", "timeout"), [(10, float("nan")), (10, -1), (10, 0), (10, float("inf")),
                                                (0, 5), (-3, 5), (10**9, 5)])
def test_bad_bounds_are_refused(limit: int, timeout: float) -> None:
    from kg.answer.sparql import run_read_only

    with pytest.raises(QueryError, match=r"limit|timeout"):
        run_read_only("ASK { ?s ?p ?o }", limit=limit, timeout=timeout)


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "0"])
def test_cli_timeout_nan_or_negative_is_one_line(value: str, tmp_path: Path) -> None:
    result = run_cli("sparql", "ASK { ?s ?p ?o }", "--timeout", value, data=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("policykg: error: the timeout") and result.stderr.count("\n") == 1


def test_rate_limiter_allows_a_burst_then_waits() -> None:
    from kg.answer.sparql import RateLimiter

    limiter = RateLimiter(count=3, window=10)
    assert [limiter.acquire(now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.wait_time(now=3) == pytest.approx(7)
    assert limiter.acquire(now=10.5) is True  # the first event left the window


def test_concurrent_checks_do_not_interfere() -> None:
    """rdflib's parser is not thread-safe; the soak found spurious refusals under 20 clients."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.queries import named_queries

    # distinct texts (a numbered comment each), so that every check really parses
    texts = [f"{q.text}\n# {n}" for n, q in enumerate(list(named_queries().values()) * 6)]

    def check(text: str) -> str | None:
        try:
            check_read_only(text)
        except QueryError as exc:
            return str(exc)
        return None

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert [e for e in pool.map(check, texts) if e] == []
