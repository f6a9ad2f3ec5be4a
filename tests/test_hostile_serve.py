"""Hostile use of ``policykg serve`` (issue 12, items 1, 2 and 8).

The endpoint is the guard in front of the oxigraph binary: SERVICE and updates are refused
before oxigraph sees them, a query cannot run past the timeout, and SIGTERM/SIGINT leave
neither the guard nor the binary listening.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import PROJECT, cli_env, policykg_command
from test_hostile_sparql import CARTESIAN, Listener, service_queries

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                     if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "Z" not in state  # a zombie is dead, only not yet reaped


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Served:
    def __init__(self, data: Path, timeout: float = 30) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process = subprocess.Popen(
            [*policykg_command(), "serve", "--port", str(self.port), "--timeout", str(timeout)], cwd=PROJECT,
            env=cli_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while _port_free(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start: {self.process.stderr.read()[:500]}")
            time.sleep(0.1)
        self.children = _children(self.process.pid)

    def query(self, text: str, method: str = "POST", timeout: float = 30) -> tuple[int, bytes]:
        if method == "GET":
            request = urllib.request.Request(self.url + "?" + urllib.parse.urlencode({"query": text}))
        else:
            request = urllib.request.Request(self.url, data=text.encode(), method="POST", headers={
                "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def served(built_data: Path):
    server = Served(built_data, timeout=2)
    yield server
    server.stop()


def test_reads_are_served(served: Served, library_facts) -> None:
    status, body = served.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/policykg/ontology#Provision> }")
    assert status == 200
    provisions = sum(f.is_provision for facts in library_facts.values() for f in facts)
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(provisions)
    status, _ = served.query("ASK { ?s ?p ?o }", method="GET")
    assert status == 200


def test_service_never_reaches_the_listener(served: Served) -> None:
    listener = Listener()
    try:
        for text in service_queries(listener.port):
            for method in ("POST", "GET"):
                status, body = served.query(text, method=method)
                assert status == 400, (text, body)
        time.sleep(0.3)
        assert listener.hits == []
    finally:
        listener.close()


@pytest.mark.parametrize("text", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL",
                                  "LOAD <http://127.0.0.1:9/x>"])
def test_updates_are_refused(served: Served, text: str) -> None:
    assert served.query(text)[0] == 400


def test_only_the_query_path_exists(served: Served) -> None:
    request = urllib.request.Request(served.url.replace("/query", "/update"), data=b"DROP ALL", method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(served.url.replace("/query", "/store"), timeout=10)
    assert raised.value.code == 404


def test_a_long_query_is_cut_by_the_server_timeout(served: Served) -> None:
    started = time.monotonic()
    status, _ = served.query(CARTESIAN, timeout=60)
    assert status >= 400
    assert time.monotonic() - started < 15
    assert served.query("ASK { ?s ?p ?o }")[0] == 200  # and the server is still answering


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_guard_and_the_binary(built_data: Path, sig: int) -> None:
    server = Served(built_data)
    assert server.children, "the oxigraph binary runs as a child of serve"
    assert server.query("ASK { ?s ?p ?o }")[0] == 200
    server.stop(sig)
    deadline = time.monotonic() + 10
    while any(_alive(c) for c in server.children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(c) for c in server.children), "oxigraph outlived serve"
    assert _port_free(server.port)


def test_kill_9_of_serve_still_stops_the_binary(built_data: Path) -> None:
    server = Served(built_data)
    children = server.children
    server.stop(signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(c) for c in children), "oxigraph outlived a killed serve"


def test_a_new_generation_is_served_without_a_restart(built_data: Path, tmp_path: Path) -> None:
    import shutil

    from helpers import LIBRARY, copy_seed, run_cli
    from test_hostile_build import add_document

    data, corpus = tmp_path / "data", copy_seed(tmp_path / "corpus")  # the new build: the seed and one more
    shutil.copytree(built_data, data, symlinks=True)
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    server = Served(data)
    try:  # the ontology's graph, one per document and the links between documents
        assert json.loads(server.query(graphs)[1])["results"]["bindings"][0]["n"]["value"] == str(2 + len(LIBRARY))
        add_document(corpus, "served")
        result = run_cli("build", "--quiet", "--no-model", "--no-index", data=data, corpus=corpus)
        assert result.returncode == 0, result.stderr
        assert json.loads(server.query(graphs)[1])["results"]["bindings"][0]["n"]["value"] == "4"
    finally:
        server.stop()
