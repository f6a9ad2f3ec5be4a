"""The scale-out path: the same named queries and answers over the oxigraph server binary.

The fixture starts ``oxigraph serve-read-only`` (from the ``oxigraph`` PyPI package) on the
session build and stops it by PID; nothing else is needed on the machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kg.answer.facts import list_targets
from kg.errors import QueryError
from kg.graph.store import RemoteGraphStore, open_store, rows
from kg.queries import get

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint(built_data: Path):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = _free_port()
    server = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(built_data / "store"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    problem = server.stderr.read().decode()[:500]
                    raise RuntimeError(f"oxigraph server did not start: {problem}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_remote_counts_match_the_embedded_store(endpoint: str, store) -> None:
    remote = RemoteGraphStore(endpoint)
    assert remote.triple_count() == store.triple_count()
    assert remote.named_graphs() == store.named_graphs()


def test_named_query_with_bound_parameters_matches(endpoint: str, store) -> None:
    query = get("applies_to")
    bindings = query.bind({"industry": "电解铝", "by": "2015-12-31"})
    local = rows(store.query(query.text, bindings))
    remote = rows(RemoteGraphStore(endpoint).query(query.text, bindings))
    assert remote == local and len(local) > 10
    assert all(row["deadline"] is None or row["deadline"] <= "2015-12-31" for row in remote)


def test_targets_and_answers_through_the_endpoint(endpoint: str, store, answerer, monkeypatch) -> None:
    monkeypatch.setenv("POLICYKG_SPARQL_ENDPOINT", endpoint)
    remote = open_store()
    assert isinstance(remote, RemoteGraphStore)
    assert list_targets(store=remote) == list_targets(store=store)
    from kg.answer.engine import Answerer

    over_http = Answerer(store=remote, index=answerer.index, encoder=answerer.encoder)
    question = "电解铝2015年底前要做什么？"
    assert over_http.ask(question)["answer"] == answerer.ask(question)["answer"]


def test_updates_are_refused_by_the_read_only_server(endpoint: str) -> None:
    with pytest.raises(QueryError):
        RemoteGraphStore(endpoint).query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_unreachable_endpoint_is_a_clear_error() -> None:
    from kg.errors import StoreError

    with pytest.raises(StoreError, match="not answering"):
        RemoteGraphStore(f"http://127.0.0.1:{_free_port()}", timeout=2)


def test_serve_command_needs_a_store(tmp_path: Path) -> None:
    env = {**os.environ, "POLICYKG_DATA": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--port", str(_free_port())],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode != 0 and "policykg build" in result.stderr and "Traceback" not in result.stderr
