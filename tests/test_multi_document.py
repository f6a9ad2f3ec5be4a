"""Many documents of other shapes: a law (statute profile) and a work report beside the seed.

Nothing may special-case the seed: the three build into one conforming store, every IRI and
named graph is namespaced by its document, and provisions without a named actor fall back to
the addressees, the issuer where the sidecar says it acts, or are honestly unspecified.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.build import build
from kg.checklist import load_provisions
from kg.graph.store import GraphStore, rows

EXTRA = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "extra"
PROJECT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def multi_store(tmp_path_factory: pytest.TempPathFactory):
    if not EXTRA.is_dir():
        pytest.skip(f"{EXTRA} is not beside the project")
    corpus = tmp_path_factory.mktemp("corpus")
    for path in (PROJECT / "corpus").iterdir():
        shutil.copy(path, corpus / path.name)
    shutil.copy(EXTRA / "environmental-protection-law-2014.md", corpus / "epl.md")
    shutil.copy(EXTRA / "gov_work_report_2014.txt", corpus / "gwr.txt")
    sidecars = {
        "epl-2014": {"title": "中华人民共和国环境保护法", "number": "主席令第九号",
                     "issuer": "全国人民代表大会常务委员会", "date": "2014-04-24", "type": "法律",
                     "structure": "statute", "text": "epl.md"},
        "gwr-2014": {"title": "2014年政府工作报告", "number": "2014年政府工作报告", "issuer": "国务院",
                     "date": "2014-03-05", "type": "政府工作报告", "structure": "numbered",
                     "default_bearer": "issuer", "text": "gwr.txt"},
    }
    for doc_id, meta in sidecars.items():
        (corpus / f"{doc_id}.meta.json").write_text(json.dumps({"id": doc_id, **meta}, ensure_ascii=False), "utf-8")
    data = tmp_path_factory.mktemp("multi")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKG_DATA", str(data))
        report = build(corpus, with_index=False, with_model=False, progress=False)  # raises on SHACL violations
    assert report.documents == 3
    return GraphStore(data / "store")


def test_each_document_has_its_own_named_graph(multi_store: GraphStore) -> None:
    graphs = multi_store.named_graphs()
    for doc_id in ("guofa-2013-41", "epl-2014", "gwr-2014"):
        assert f"https://w3id.org/policykg/graph/doc/{doc_id}" in graphs
    found = rows(multi_store.query(
        "SELECT ?doc (COUNT(?s) AS ?n) WHERE { ?s a pkg:Sentence ; eli:is_member_of ?doc } GROUP BY ?doc"))
    assert len(found) == 3 and all(row["n"] > 50 for row in found)


def test_law_articles_are_citable(multi_store: GraphStore) -> None:
    article = rows(multi_store.query(
        'SELECT ?label ?path WHERE { ?s pkg:localId "art6.p2.s1" ; rdfs:label ?label ; pkg:sectionPath ?path ; '
        "eli:is_member_of/pkg:localId \"epl-2014\" }"))
    assert article == [{"label": "第六条¶2 s1", "path": "第一章总则 › 第六条"}]


def test_default_bearers_follow_the_document(multi_store: GraphStore) -> None:
    sources: dict[str, set[str]] = {}
    for item in load_provisions(multi_store):
        sources.setdefault(item.id.split("/")[0], set()).add(item.bearer_source)
    assert sources["guofa-2013-41"] == {"explicit", "implied", "addressees"}
    assert sources["gwr-2014"] == {"explicit", "implied", "issuer"}
    # The legislature does not bear a law's duties: a rule that names no one binds whom its article implies.
    assert sources["epl-2014"] == {"explicit", "implied"}
