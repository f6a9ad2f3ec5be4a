"""A library bulk-loaded into the SPARQL server (``policykg export --format nq`` on the build machine,
``policykg load`` where ``policykg serve`` runs): the same store, served without a restart, and a bad
dump refused with the served library untouched."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from helpers import LIBRARY, run_cli
from test_hostile_serve import Served

pytestmark = pytest.mark.slow

PROVISIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/policykg/ontology#Provision> }"
DOCUMENTS = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/policykg/ontology#Document> }"


def _manifest(data: Path) -> dict:
    return json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))


def _count(server: Served, query: str) -> int:
    status, body = server.query(query)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def dump(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("dump") / "library.nq.gz"
    plain = target.with_suffix("")
    result = run_cli("export", "--format", "nq", "-o", str(plain), data=built_data)
    assert result.returncode == 0, result.stderr
    target.write_bytes(gzip.compress(plain.read_bytes()))
    return target


def test_a_loaded_export_is_the_built_store_and_is_served(built_data: Path, dump: Path, store,
                                                          tmp_path: Path) -> None:
    server_data = tmp_path / "server"
    result = run_cli("load", str(dump), "--quiet", data=server_data)
    assert result.returncode == 0, result.stderr
    assert _manifest(server_data)["digests"]["store"] == _manifest(built_data)["digests"]["store"]
    served = Served(server_data)
    try:
        assert _count(served, DOCUMENTS) == len(LIBRARY)
        assert _count(served, PROVISIONS) == next(store.select(PROVISIONS))["n"]
    finally:
        served.stop()


def test_a_running_server_answers_from_the_next_load(dump: Path, tmp_path: Path) -> None:
    server_data = tmp_path / "server"
    one = tmp_path / "one-document.nq"
    # A smaller library: the ontology and one document's graph, as an export of a one-document build would hold.
    lines = gzip.decompress(dump.read_bytes()).decode("utf-8").splitlines()
    one.write_text("\n".join(line for line in lines if "/guofa-2013-41>" in line.rsplit(" ", 2)[-2]
                             or "ontology" in line.rsplit(" ", 2)[-2]) + "\n", encoding="utf-8")
    assert run_cli("load", str(one), "--quiet", data=server_data).returncode == 0
    served = Served(server_data)
    try:
        assert _count(served, DOCUMENTS) == 1
        assert run_cli("load", str(dump), "--quiet", data=server_data).returncode == 0
        assert _count(served, DOCUMENTS) == len(LIBRARY)  # no restart: the guard follows `current`
    finally:
        served.stop()


GOOD = b"<https://ok> <https://p> <https://o> <https://g> .\n"


@pytest.mark.parametrize(("content", "message"), [
    (GOOD * 3 + b"<https://a> <https://b> oops <https://g> .\n", "not N-Quads near line 4"),
    (b"<https://a> <https://b> <https://c> .\n", "outside a named graph"),
    (b"_:x <https://b> <https://c> <https://g> .\n", "blank nodes"),
    (b"", "holds no quads"),
    (gzip.compress(GOOD * 50)[:-12], "cannot read"),
])
def test_a_bad_dump_is_refused_and_the_loaded_library_stays(dump: Path, tmp_path: Path, content: bytes,
                                                             message: str) -> None:
    server_data = tmp_path / "server"
    assert run_cli("load", str(dump), "--quiet", data=server_data).returncode == 0
    before = _manifest(server_data)
    bad = tmp_path / "bad.nq"
    bad.write_bytes(content)
    result = run_cli("load", str(bad), "--quiet", data=server_data)
    assert result.returncode != 0 and message in result.stderr and "Traceback" not in result.stderr
    assert _manifest(server_data) == before
    assert not [p for p in (server_data / "generations").iterdir() if p.name.startswith(".")]


def test_a_missing_dump_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("load", str(tmp_path / "absent.nq"), data=tmp_path / "server")
    assert result.returncode != 0 and "is not a file" in result.stderr and "Traceback" not in result.stderr
