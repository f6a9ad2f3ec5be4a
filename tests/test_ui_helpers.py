"""The app's helpers without Streamlit: IRIs as shown (kg.ui.iris), named-query parameters (kg.queries), the
Document page's reading view (kg.ui.reader) and the list of what is due (kg.ui.timeline)."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef

from kg.errors import QueryError
from kg.queries import DOC_BASE, ParamType, named_queries, to_term
from kg.ui.iris import LibraryPart, document_url, library_part, prefixed


@pytest.mark.parametrize(("iri", "shown"), [
    ("https://w3id.org/policykg/industry/electrolytic-aluminium", "ind:electrolytic-aluminium"),
    ("http://www.w3.org/2004/02/skos/core#broader", "skos:broader"),
    ("https://example.org/x", "https://example.org/x"),
    ("电解铝", "电解铝"),
    (42, 42),
])
def test_prefixed_names(iri: object, shown: object) -> None:
    assert prefixed(iri) == shown


@pytest.mark.parametrize(("iri", "part"), [
    (DOC_BASE + "guofa-2013-41", LibraryPart("guofa-2013-41", None)),
    (DOC_BASE + "guofa-2013-41/4.p4.s2", LibraryPart("guofa-2013-41", "4.p4.s2")),
    (DOC_BASE + "guofa-2013-41/4.p4.s2/provision", LibraryPart("guofa-2013-41", "4.p4.s2", provision=True)),
    (DOC_BASE + "epl-2014/art64.p1.s1/c1", LibraryPart("epl-2014", "art64.p1.s1")),
    ("https://w3id.org/policykg/industry/steel", None),
])
def test_library_parts(iri: str, part: LibraryPart | None) -> None:
    assert library_part(iri) == part


def test_document_urls() -> None:
    assert document_url("guofa-2013-41", "4.p4.s2", lang="en") == \
        "document?doc=guofa-2013-41&s=4.p4.s2&lang=en#guofa-2013-41/4.p4.s2"
    assert LibraryPart("epl-2014", None).url() == "document?doc=epl-2014#epl-2014"


def test_parameters_have_types_and_defaults() -> None:
    applies = {p.name: p for p in named_queries()["applies_to"].parameters}
    assert applies["industry"].type is ParamType.IRI and applies["industry"].default == "电解铝"
    assert applies["by"].type is ParamType.DATE and applies["by"].default == "2015-12-31"
    assert applies["by"].description.startswith("latest deadline")
    assert named_queries()["targets"].parameters[0].default is None
    for query in named_queries().values():  # a default is a value its parameter accepts
        for parameter in query.parameters:
            if parameter.default:
                to_term(parameter.default, parameter.type, parameter.name)


def test_library_ids_bind_as_iris_and_typos_stay_errors() -> None:
    assert to_term("guofa-2013-41/4.p4.s2", ParamType.IRI) == URIRef(DOC_BASE + "guofa-2013-41/4.p4.s2")
    assert to_term("电解铝", "iri") == URIRef("https://w3id.org/policykg/industry/electrolytic-aluminium")
    assert to_term('x") } #', ParamType.STRING) == Literal('x") } #')
    with pytest.raises(QueryError, match="neither a known concept label"):
        to_term("stel", ParamType.IRI)


# ---------------------------------------------------------------------- the Document page's reading view
DOCUMENTS = [{"id": "epl-2014", "number": "主席令第九号", "title": "中华人民共和国环境保护法",
              "title_en": "Environmental Protection Law", "short_titles": ("环保法", "环境保护法")}]
SENTENCES = [
    {"docId": "d-1", "cite": "1.h.s1", "label": "一题 s1", "text": "## 一、总体要求", "role": "heading",
     "paragraph": "p0"},
    {"docId": "d-1", "cite": "1.p1.s1", "label": "一¶1 s1", "text": "淘汰落后产能。", "role": "body",
     "paragraph": "p1"},
    {"docId": "d-1", "cite": "1.p1.s2", "label": "一¶1 s2", "text": "严禁<新增>产能。", "role": "body",
     "paragraph": "p1"},
]


@pytest.mark.parametrize("name", ["epl-2014", " EPL-2014 ", "主席令第九号", "环保法", "中华人民共和国环境保护法",
                                  "中华人民共和国环境保护法 · epl-2014", "environmental protection law"])
def test_a_document_is_found_by_any_of_its_names(name: str) -> None:
    from kg.ui.reader import resolve_document

    assert resolve_document(name, DOCUMENTS) == "epl-2014"


def test_sentence_targets() -> None:
    from kg.ui.reader import sentence_target

    assert sentence_target("epl-2014", "art70.p1.s1") == "epl-2014/art70.p1.s1"
    assert sentence_target(None, "epl-2014/art70.p1.s1/provision") == "epl-2014/art70.p1.s1"
    assert sentence_target(None, "art70.p1.s1") is None and sentence_target("epl-2014", "") is None


def test_paragraphs_join_their_sentences_and_anchor_each() -> None:
    from kg.ui.reader import paragraphs_html, search

    page = paragraphs_html(SENTENCES, terms=["产能"], target="d-1/1.p1.s2")
    assert page.count("<p class='pkg-p'>") == 1 and page.count("<h4 class='pkg-h'>") == 1
    assert "##" not in page and "&lt;新增&gt;" in page  # heading marks dropped, text escaped
    assert "<span class='pkg-s' id='d-1/1.p1.s1'" in page and "<span class='pkg-s pkg-target' id='d-1/1.p1.s2'" in page
    assert page.count("<mark>产能</mark>") == 2
    assert [m.id for m in search(SENTENCES, ["严禁", "总体"])] == ["d-1/1.h.s1", "d-1/1.p1.s2"]


def test_the_scroll_script_survives_the_sanitiser() -> None:
    """Streamlit's DOMPurify drops a script whose text has ``<`` before a word character (found in a browser)."""
    from kg.ui.reader import scroll_script

    script = scroll_script("d-1/1.p1.s2</script><b>")
    body = script.removeprefix("<script>").removesuffix("</script>")
    assert not re.search(r"<[/\w!]", body) and "d-1/1.p1.s2" in body


# ---------------------------------------------------------------------- the timeline as a list of what is due
def test_due_list_is_sorted_and_counts_only_targets() -> None:
    from kg.checklist import ChecklistItem
    from kg.extract.lexicon import default_lexicon
    from kg.ui.timeline import DueKind, due_list

    def item(cid: str, deadline: str | None) -> ChecklistItem:
        return ChecklistItem(id=cid, section="", label="", text=f"text {cid}", modality="obligation", bearers=[],
                             industries=[], regions=[], deadline=deadline, scope="specific", action=f"do {cid}",
                             bearer_text=["地方政府"])

    items = [item("d-1/1.p1.s1", "2015-12-31"), item("d-1/2.p1.s1", "2020-12-31"), item("d-1/3.p1.s1", None)]
    quantity = {"date": "2015-12-31", "kind": "target", "sentence": "d-1/2.p1.s1", "measure": "淘汰炼铁"}
    targets = [{**quantity, "role": "target", "surface": "1500万吨"},
               {**quantity, "role": "threshold", "surface": "16万安培以下"},
               {**quantity, "kind": "figure", "role": "figure", "surface": "72%"},
               {**quantity, "role": "target", "surface": "10%", "date": None}]
    due = due_list(items, targets, default_lexicon(), "zh", lambda cid: f"《文》{cid}")
    assert [(d.date, d.kind, d.id) for d in due] == [("2015-12-31", DueKind.DEADLINE, "d-1/1.p1.s1"),
                                                     ("2015-12-31", DueKind.TARGET, "d-1/2.p1.s1"),
                                                     ("2020-12-31", DueKind.DEADLINE, "d-1/2.p1.s1")]
    assert due[1].what == "淘汰炼铁 1500万吨" and due[1].who == "地方政府" and due[1].citation == "《文》d-1/2.p1.s1"
    assert due[0].what == "do d-1/1.p1.s1"
