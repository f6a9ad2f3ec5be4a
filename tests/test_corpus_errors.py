"""A broken corpus stops ``policykg build`` with one clear line naming the file, and the old store stays.

Each breakage damages one of the seed's files in a copy of the whole shipped library: the error must
name that file among the library's.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import DOC, LIBRARY, SEED, copy_library, start_cli

from kg.build import extract_corpus
from kg.errors import CorpusError
from kg.graph.build import ontology_graph
from kg.graph.store import GraphStore, write_store

TEXT = f"{DOC}.txt"
META = f"{DOC}.meta.json"


@pytest.fixture(scope="module")
def good_data(tmp_path_factory, seed_corpus: Path) -> tuple[Path, bytes]:
    """A data folder holding a good store of the seed, and that store's quads."""
    data = tmp_path_factory.mktemp("good-data")
    graphs = [ontology_graph(), *(g for _, _, g in extract_corpus(seed_corpus, progress=False))]
    write_store(graphs, data / "store")
    return data, GraphStore(data / "store").dump_nquads()


def _empty(corpus: Path) -> Path:
    (corpus / TEXT).write_bytes(b"")
    return corpus / TEXT


def _blank(corpus: Path) -> Path:
    (corpus / TEXT).write_text("\n\n   \n\u3000\n", encoding="utf-8")
    return corpus / TEXT


def _binary(corpus: Path) -> Path:
    (corpus / TEXT).write_bytes(b"%PDF-1.4\x00\x01\x02\x00" + bytes(range(256)) * 4)
    return corpus / TEXT


def _gbk(corpus: Path) -> Path:
    text = SEED.read_text(encoding="utf-8")
    (corpus / TEXT).write_bytes(text.encode("gbk"))
    return corpus / TEXT


def _missing_field(corpus: Path) -> Path:
    meta = json.loads((corpus / META).read_text(encoding="utf-8"))
    del meta["issuer"]
    (corpus / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return corpus / META


def _invalid_json(corpus: Path) -> Path:
    text = (corpus / META).read_text(encoding="utf-8")
    (corpus / META).write_text(text.replace('"date": "2013-10-06",', '"date": "2013-10-06"'), encoding="utf-8")
    return corpus / META


def _orphan_text(corpus: Path) -> Path:
    (corpus / "orphan.txt").write_text("国务院关于进一步加强淘汰落后产能工作的通知。\n", encoding="utf-8")
    return corpus / "orphan.txt"


def _bad_date(corpus: Path) -> Path:
    meta = json.loads((corpus / META).read_text(encoding="utf-8"))
    meta["date"] = "2013年10月6日"
    (corpus / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return corpus / META


def _missing_text(corpus: Path) -> Path:
    (corpus / TEXT).unlink()
    return corpus / TEXT


def _duplicate_id(corpus: Path) -> Path:
    shutil.copy(corpus / TEXT, corpus / "copy.txt")
    meta = json.loads((corpus / META).read_text(encoding="utf-8"))
    meta["text"] = "copy.txt"
    (corpus / "copy.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return corpus / META


#: Each is run through the command line (a subprocess, about 3 s each).
BREAKAGES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty text": (_empty, "empty"),
    "binary text": (_binary, "binary"),
    "gbk text": (_gbk, "GBK"),
    "metadata missing a field": (_missing_field, "issuer"),
    "invalid json metadata": (_invalid_json, "not valid JSON"),
    "text without sidecar": (_orphan_text, "sidecar"),
}
#: These are checked in process only: same error path, no need for more subprocesses.
MORE_BREAKAGES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "blank text": (_blank, "no words"),
    "date not iso": (_bad_date, "ISO date"),
    "missing text": (_missing_text, "missing"),
    "duplicate id": (_duplicate_id, "already used"),
}


@pytest.fixture
def broken_corpus(tmp_path: Path) -> Path:
    """A copy of the library, to be broken."""
    return copy_library(tmp_path / "corpus")


@dataclass
class Outcome:
    offending: Path
    data: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, good_data) -> dict[str, Outcome]:
    """Every breakage run through ``policykg build`` at once (the runs are independent), each with its own copies."""
    good, _ = good_data
    started = {}
    for case, (breaker, _) in BREAKAGES.items():
        root = tmp_path_factory.mktemp("broken")
        corpus, data = copy_library(root / "corpus"), root / "data"
        shutil.copytree(good, data)
        offending = breaker(corpus).resolve()
        started[case] = (offending, data, start_cli("build", "--no-model", "--no-index", "--quiet", data=data,
                                                    corpus=corpus))
    found = {}
    for case, (offending, data, process) in started.items():
        stdout, stderr = process.communicate(timeout=300)
        found[case] = Outcome(offending, data, process.returncode, stdout, stderr)
    return found


@pytest.mark.parametrize("case", list(BREAKAGES))
def test_broken_corpus_fails_cleanly(case: str, outcomes, good_data) -> None:
    outcome = outcomes[case]
    problem = BREAKAGES[case][1]
    assert outcome.returncode != 0
    assert "Traceback" not in outcome.stderr and "Traceback" not in outcome.stdout
    assert str(outcome.offending) in outcome.stderr, outcome.stderr
    assert problem in outcome.stderr, outcome.stderr
    assert outcome.stderr.startswith("policykg: error:")
    assert len(outcome.stderr.strip().splitlines()) == 1, "one clear line, not a dump"
    assert "built" not in outcome.stdout
    # the previous store is intact, and no half-written store is left beside it
    assert GraphStore(outcome.data / "store").dump_nquads() == good_data[1]
    assert sorted(p.name for p in outcome.data.iterdir()) == ["store"]


def test_gbk_error_tells_how_to_convert(broken_corpus: Path) -> None:
    from kg.corpus import load

    _gbk(broken_corpus)
    with pytest.raises(CorpusError, match="iconv -f GBK -t UTF-8"):
        load(broken_corpus)


@pytest.mark.parametrize("case", [*BREAKAGES, *MORE_BREAKAGES])
def test_load_raises_corpus_error_naming_the_file(case: str, broken_corpus: Path) -> None:
    from kg.corpus import load

    breaker, problem = {**BREAKAGES, **MORE_BREAKAGES}[case]
    offending = breaker(broken_corpus).resolve()
    with pytest.raises(CorpusError) as raised:
        load(broken_corpus)
    assert raised.value.path.resolve() == offending
    assert problem in str(raised.value)


def test_untouched_copy_loads(broken_corpus: Path) -> None:
    """The control: the copied corpus itself is fine, so each failure above comes from its breakage."""
    from kg.corpus import load

    documents = {document.meta.id: document for document in load(broken_corpus)}
    assert tuple(documents) == LIBRARY
    assert "严禁建设新增产能项目" in documents[DOC].raw
