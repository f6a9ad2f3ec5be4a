"""Hostile corpus files (issue 12, items 6 and 7): annexes, huge texts, nested sidecars, SHACL summaries."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import copy_seed, run_cli

from kg.corpus import load
from kg.errors import CorpusError, ValidationError
from kg.structure import parse

ANNEXES = """
附件
钢铁行业产能核查名单
一、核查范围
各地区要对钢铁企业开展产能核查。
（一）核查内容
核查在建项目。
二、工作要求
有关部门要在2015年底前完成核查。
附件2：水泥行业
一、总体要求
各地区要加强水泥产能监测。
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seed alone: each test here damages or extends that one document."""
    return copy_seed(tmp_path / "corpus")


def test_annexes_restarting_their_numbering_get_their_own_ids(corpus: Path) -> None:
    text = corpus / "guofa-2013-41.txt"
    text.write_text(text.read_text(encoding="utf-8") + ANNEXES, encoding="utf-8")
    (document,) = load(corpus)
    parsed = parse(document)
    ids = [s.id for s in parsed.sentences()]
    assert len(ids) == len(set(ids)), "every citable id is unique"
    annex = {s.id: s for s in parsed.sentences() if s.id.startswith("a")}
    assert annex["a1.1.p1.s1"].text == "各地区要对钢铁企业开展产能核查。"
    assert annex["a1.1.1.p1.s1"].text == "核查在建项目。"
    assert annex["a2.1.p1.s1"].text == "各地区要加强水泥产能监测。"
    assert annex["a1.1.p1.s1"].label.startswith("附件1·一")
    # the main text keeps its own numbering, and the signature before the annexes is still one
    assert any(s.id == "4.p4.s2" for s in parsed.sentences())
    signature = [s for s in parsed.sentences() if s.role == "signature"]
    assert [s.section_id for s in signature] == ["end"] and signature[0].text.startswith("国务院")
    assert not any(s.role == "signature" for s in annex.values())


@pytest.mark.slow
def test_a_document_with_annexes_builds(corpus: Path, tmp_path: Path) -> None:
    text = corpus / "guofa-2013-41.txt"
    text.write_text(text.read_text(encoding="utf-8") + ANNEXES, encoding="utf-8")
    result = run_cli("build", "--quiet", "--no-model", "--no-index", data=tmp_path / "data", corpus=corpus)
    assert result.returncode == 0, result.stderr


def test_shacl_failure_is_one_line_naming_the_file_with_a_count(corpus: Path) -> None:
    from rdflib.namespace import RDF

    from kg.build import extract_corpus, validate_documents
    from kg.graph.build import ontology_graph
    from kg.vocab import PKG

    documents = extract_corpus(corpus, progress=False)
    ((_, _, graph),) = documents  # the seed alone
    sentences = sorted(graph.subjects(RDF.type, PKG.Sentence))[:5]
    for sentence in sentences:
        graph.remove((sentence, PKG.text, None))
    with pytest.raises(ValidationError) as raised:
        validate_documents(documents, ontology_graph())
    message = str(raised.value)
    assert "\n" not in message and len(message) < 1500
    assert str(corpus / "guofa-2013-41.meta.json") in message and "guofa-2013-41.txt" in message
    assert "5 violation(s)" in message and "text" in message and "(and 2 more)" in message


def test_a_huge_text_is_refused_early(corpus: Path) -> None:
    text = corpus / "guofa-2013-41.txt"
    with text.open("ab") as stream:
        stream.write(("钢铁产能。" * 400_000).encode("utf-8"))  # ~6 MB
    started = time.monotonic()
    with pytest.raises(CorpusError, match="limit per document"):
        load(corpus)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(("content", "problem"), [
    ("[" * 100_000, "nested too deeply"),
    ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    (" " * 1_100_000, "limit"),
])
def test_hostile_sidecars_are_corpus_errors(corpus: Path, content: str, problem: str) -> None:
    (corpus / "guofa-2013-41.meta.json").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=problem):
        load(corpus)


def test_deeply_nested_sidecar_is_one_line_from_the_cli(corpus: Path, tmp_path: Path) -> None:
    (corpus / "guofa-2013-41.meta.json").write_text(json.dumps({"id": "x"})[:-1] + ', "z": ' + "[" * 100_000)
    result = run_cli("build", "--quiet", "--no-model", "--no-index", data=tmp_path / "data", corpus=corpus)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("policykg: error:") and result.stderr.count("\n") == 1
    assert "guofa-2013-41.meta.json" in result.stderr
