"""The shipped library: documents of three kinds — the seed (a State Council opinion), three laws
(statute profile) and three government work reports — built together from corpus/.

Nothing may special-case the seed: they build into one conforming store, every IRI and named graph
is namespaced by its document, and provisions without a named actor fall back to the addressees,
the issuer where the sidecar says it acts, or are honestly unspecified.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import CORPUS, DOC, LIBRARY

from kg.checklist import load_provisions
from kg.corpus import discover
from kg.graph.store import GraphStore, rows

pytestmark = pytest.mark.slow

LAWS = ("alp-2019", "epl-2014", "lal-2019")
REPORTS = ("gwr-2010", "gwr-2014", "gwr-2016")


@pytest.fixture(scope="module")
def multi_store(built_data: Path, store: GraphStore) -> GraphStore:
    """The session's build of corpus/ (the shipped library, as ``policykg build`` builds it)."""
    manifest = json.loads((built_data / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == list(LIBRARY) and manifest["counts"]["documents"] == len(LIBRARY)
    return store


def test_the_library_holds_three_kinds_of_document() -> None:
    metas = {meta.id: meta for meta in discover(CORPUS)}
    assert tuple(metas) == LIBRARY == tuple(sorted((DOC, *LAWS, *REPORTS)))
    assert {i for i, m in metas.items() if m.structure == "statute"} == set(LAWS)
    assert {i for i, m in metas.items() if m.extra.get("default_bearer") == "issuer"} == set(REPORTS)
    assert metas[DOC].structure == "numbered" and metas[DOC].addressees


def test_each_document_has_its_own_named_graph(multi_store: GraphStore) -> None:
    graphs = multi_store.named_graphs()
    for doc_id in LIBRARY:
        assert f"https://w3id.org/policykg/graph/doc/{doc_id}" in graphs
    found = rows(multi_store.query(
        "SELECT ?doc (COUNT(?s) AS ?n) WHERE { ?s a pkg:Sentence ; eli:is_member_of ?doc } GROUP BY ?doc"))
    assert len(found) == len(LIBRARY) and all(row["n"] > 50 for row in found)


def test_law_articles_are_citable(multi_store: GraphStore) -> None:
    article = rows(multi_store.query(
        'SELECT ?label ?path WHERE { ?s pkg:localId "art6.p2.s1" ; rdfs:label ?label ; pkg:sectionPath ?path ; '
        "eli:is_member_of/pkg:localId \"epl-2014\" }"))
    assert article == [{"label": "第六条¶2 s1", "path": "第一章总则 › 第六条"}]


def test_default_bearers_follow_the_document(multi_store: GraphStore) -> None:
    sources: dict[str, set[str]] = {}
    for item in load_provisions(multi_store):
        sources.setdefault(item.id.split("/")[0], set()).add(item.bearer_source)
    assert set(sources) == set(LIBRARY)
    assert sources[DOC] == {"explicit", "implied", "addressees"}
    for report in REPORTS:  # the government itself acts in its work report
        assert sources[report] == {"explicit", "implied", "issuer"}, report
    # The legislature does not bear a law's duties: a rule that names no one binds whom its article implies.
    for law in LAWS:
        assert sources[law] == {"explicit", "implied"}, law


def test_a_work_report_target_for_this_year_is_dated_in_its_own_year(multi_store: GraphStore) -> None:
    # 今年要淘汰钢铁2700万吨… in the 2014 report is due by the end of 2014, not of the 十二五 plan it also names.
    found = rows(multi_store.query(
        'SELECT ?surface ?date WHERE { ?q a pkg:Quantity ; pkg:surface ?surface ; pkg:onDate ?date ; '
        'prov:wasDerivedFrom ?s . ?s pkg:text ?text ; eli:is_member_of/pkg:localId "gwr-2014" . '
        'FILTER(STRSTARTS(?text, "今年要淘汰钢铁")) }'))
    assert {(str(r["surface"]), str(r["date"])) for r in found} >= {("2700万吨", "2014-12-31")}
