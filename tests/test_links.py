"""Links between documents (issue 9): citations by name, resolved across the library into graph/links,
and documents' validity in time.

Fast tests use tiny documents written here; the slow ones build corpus/ and a corpus without the
Administrative Licensing Law (alp-2019) plus a small notice that names an article of another law.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from helpers import PROJECT, run_cli
from rdflib import Graph, URIRef

from kg.build import build, extract_corpus
from kg.corpus import DocumentMeta, discover, read_meta
from kg.documents import DocumentInfo, in_force, load_documents
from kg.errors import CorpusError, ValidationError
from kg.extract.citations import find_citations
from kg.graph.build import document_iri, node_iri, ontology_graph
from kg.graph.shacl import validate
from kg.graph.store import GraphStore, rows
from kg.links import LINKS_GRAPH, check_links, cited_by, cites, links_of, resolve_links
from kg.vocab import ELI, PKG, PROV

CORPUS = PROJECT / "corpus"
SEED = "guofa-2013-41"
#: 各省级人民政府依据行政许可法、土地管理法、环境保护法等法律法规…
SEED_SENTENCE = f"{SEED}/3.2.p1.s2"
NOTICE = "notice-2016"
NOTICE_TEXT = """关于严格执行环境保护法的通知

一、按日连续处罚。对超标排放污染物的企业，各级环境保护主管部门要依照环境保护法第五十九条的规定按日连续处罚。
二、规范审批。违反《中华人民共和国行政许可法》第三十条的，依法予以纠正。
"""


# ---------------------------------------------------------------------- finding citations (a table)
CITATIONS = [
    ("国土、环保部门依据土地管理法、环境保护法等法律法规予以处理", [("土地管理法", None), ("环境保护法", None)]),
    ("各省级人民政府依据行政许可法、土地管理法、环境保护法等法律法规，以及能源消耗总量控制指标",
     [("行政许可法", None), ("土地管理法", None), ("环境保护法", None)]),
    ("新修订的环境保护法必须严格执行，对超排偷排者必须依法严厉打击。", [("环境保护法", None)]),
    ("应当依照《中华人民共和国突发事件应对法》的规定，做好突发环境事件的风险控制",
     [("中华人民共和国突发事件应对法", None)]),
    ("依照《中华人民共和国环境保护法》第五十九条第一款处罚", [("中华人民共和国环境保护法", 59)]),
    ("违反环境保护法第五十九条、第六十条的规定", [("环境保护法", 59), ("环境保护法", 60)]),
    ("土地管理法和环境保护法规定的", [("土地管理法", None), ("环境保护法", None)]),
    ("根据宪法，制定本法。", [("宪法", None)]),
    ("依照公司法第十条、第十一条和《中华人民共和国证券法》处理",
     [("公司法", 10), ("公司法", 11), ("中华人民共和国证券法", None)]),
    # Not citations: this law itself, lawful/unlawful, methods, float glass, dry-process cement, regulations.
    ("依照本法第四十四条的规定办理审批手续", []),
    ("提高优质浮法玻璃原片比重，新型干法水泥，依法颁发产品生产许可证，按照药品管理办法严格监管", []),
    ("对违法违规建设项目，执法部门要依法查处，完善法律法规", []),
    ("地方性法规、规章对实施上位法设定的行政许可作出的具体规定", []),
    ("# 中华人民共和国土地管理法", []),  # a law's own title line names no other document
]


@pytest.mark.parametrize(("text", "expected"), CITATIONS, ids=[t[:12] for t, _ in CITATIONS])
def test_find_citations(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert [(c.title, c.article) for c in find_citations(text)] == expected


def test_citation_offsets_are_the_words_as_written() -> None:
    text = "违反环境保护法第五十九条、第六十条的规定"
    found = find_citations(text)
    assert [text[c.start:c.end] for c in found] == ["环境保护法第五十九条", "第六十条"]
    assert [c.surface for c in found] == ["环境保护法第五十九条", "第六十条"]


# ---------------------------------------------------------------------- validity in time
def _meta(tmp_path: Path, doc_id: str = "law", **fields: object) -> Path:
    (tmp_path / f"{doc_id}.md").write_text("# 中华人民共和国示例法\n\n第一条 为了示例，制定本法。\n", encoding="utf-8")
    meta = {"id": doc_id, "title": "中华人民共和国示例法", "number": "主席令第一号",
            "issuer": "全国人民代表大会常务委员会", "date": "2010-01-01", "type": "法律", "structure": "statute",
            "text": f"{doc_id}.md", **fields}
    path = tmp_path / f"{doc_id}.meta.json"
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("fields", "problem"), [
    ({"in_force_from": "2015-13-01"}, "in_force_from '2015-13-01' is not an ISO date (YYYY-MM-DD)"),
    ({"in_force_from": "2015年1月1日"}, "in_force_from '2015年1月1日' is not an ISO date"),
    ({"in_force_from": "20150101"}, "in_force_from '20150101' is not an ISO date"),
    ({"repealed_on": 2015}, "repealed_on 2015 is not an ISO date"),
    ({"in_force_from": "2015-01-01", "repealed_on": "2014-01-01"}, "repealed_on 2014-01-01 is not after in_force_from"),
    ({"replaced_by": "Law 2020"}, "replaced_by 'Law 2020' must be a document id"),
    ({"replaced_by": "law"}, "replaced_by names the document itself"),
    ({"short_titles": "示例法"}, "short_titles must be a list of non-empty strings"),
])
def test_bad_validity_fields_are_one_line_corpus_errors(tmp_path: Path, fields: dict, problem: str) -> None:
    path = _meta(tmp_path, **fields)
    with pytest.raises(CorpusError) as caught:
        discover(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message


def test_build_with_a_bad_in_force_from_stops_with_one_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = _meta(corpus, in_force_from="2015-02-30")
    result = run_cli("build", "--no-index", "--no-model", "--quiet", data=tmp_path / "data", corpus=corpus)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"policykg: error: {path}: in_force_from '2015-02-30' is not an ISO date "
                                     "(YYYY-MM-DD)")


def test_validity_fields_are_read(tmp_path: Path) -> None:
    meta = read_meta(_meta(tmp_path, in_force_from="2010-07-01", repealed_on="2015-01-01", replaced_by="law-2014",
                           short_titles=["示例法", " 示例法", "示法"]))
    assert (meta.in_force_from, meta.repealed_on, meta.replaced_by) == (dt.date(2010, 7, 1), dt.date(2015, 1, 1),
                                                                        "law-2014")
    assert meta.short_titles == ("示例法", "示法")
    assert "in_force_from" not in meta.extra and "short_titles" not in meta.extra


IN_FORCE = [  # in_force_from, repealed_on, day → expected
    ("2010-07-01", None, "2010-06-30", False),
    ("2010-07-01", None, "2010-07-01", True),
    ("2010-07-01", "2015-01-01", "2014-12-31", True),
    ("2010-07-01", "2015-01-01", "2015-01-01", False),  # repealed_on is the first day it no longer applies
    (None, None, "2009-12-31", False),  # before its own date
    (None, None, "2012-01-01", None),  # issued, but the sidecar does not say it is in force
    (None, "2015-01-01", "2016-01-01", False),
]


@pytest.mark.parametrize(("start", "end", "day", "expected"), IN_FORCE)
def test_in_force(tmp_path: Path, start: str | None, end: str | None, day: str, expected: bool | None) -> None:
    fields = {k: v for k, v in (("in_force_from", start), ("repealed_on", end)) if v}
    meta = read_meta(_meta(tmp_path, **fields))
    on = dt.date.fromisoformat(day)
    assert in_force(meta, on) is expected
    row = {"date": "2010-01-01", "inForceFrom": start, "repealedOn": end}  # a documents.rq row
    assert in_force(row, on) is expected
    info = DocumentInfo("law", "", "", "", "法律", dt.date(2010, 1, 1), in_force_from=meta.in_force_from,
                        repealed_on=meta.repealed_on)
    assert info.in_force(on) is expected


# ---------------------------------------------------------------------- resolving, on tiny documents
def _write(corpus: Path, doc_id: str, text: str, suffix: str = ".txt", **meta: object) -> None:
    (corpus / f"{doc_id}{suffix}").write_text(text, encoding="utf-8")
    fields = {"id": doc_id, "issuer": "国务院", "type": "通知", "number": f"{doc_id}号", "structure": "numbered",
              "text": f"{doc_id}{suffix}", **meta}
    (corpus / f"{doc_id}.meta.json").write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")


def _law(corpus: Path, doc_id: str, date: str, **meta: object) -> None:
    text = ("# 中华人民共和国示例保护法\n\n## 第一章 总则\n\n第一条 为了保护示例，制定本法。\n\n"
            "第二条 任何单位不得违反示例法第一条的规定破坏示例。\n")
    _write(corpus, doc_id, text, ".md", title="中华人民共和国示例保护法", date=date, type="法律", structure="statute",
           issuer="全国人民代表大会常务委员会", short_titles=["示例法"], **meta)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Graph], list[DocumentMeta]]:
    """Two versions of one law and two notices citing it (one before the revision, one after)."""
    corpus = tmp_path_factory.mktemp("tiny")
    _law(corpus, "law-2000", "2000-01-01", in_force_from="2000-07-01", repealed_on="2015-01-01",
         replaced_by="law-2014")
    _law(corpus, "law-2014", "2014-04-24", in_force_from="2015-01-01")
    _write(corpus, "notice-2010", "关于保护示例的通知\n\n一、加强保护。各地要依照示例法第二条的规定加强保护。\n",
           title="关于保护示例的通知", date="2010-05-01")
    _write(corpus, "notice-2016", "关于保护示例的通知\n\n"
           "一、严格执行。各地要严格执行《中华人民共和国示例保护法》和行政许可法。\n"
           "二、依法处理。违反中华人民共和国示例保护法第九条的，依法处理。\n",
           title="关于继续保护示例的通知", date="2016-05-01")
    documents = extract_corpus(corpus, progress=False)
    return [g for _, _, g in documents], [p.meta for p, _, _ in documents]


def _links(graph: Graph) -> set[tuple[str, str]]:
    return {(str(s).rsplit("/doc/", 1)[1], str(o).rsplit("/doc/", 1)[1]) for s, o in graph.subject_objects(ELI.cites)}


def test_names_resolve_by_title_short_title_and_date(tiny) -> None:
    graphs, metas = tiny
    links = resolve_links(graphs, metas, check=True)
    assert links.identifier == LINKS_GRAPH
    assert _links(links) == {
        # 示例法 (a short title) with an article, cited in 2010: the version in force then, its article 2.
        ("notice-2010/1.p1.s2", "law-2000/art2"),
        # The full title in 《》 in 2016: the revised law; 行政许可法 is not in this library: no link.
        ("notice-2016/1.p1.s2", "law-2014"),
        # 第九条 the law does not have: the law itself.
        ("notice-2016/2.p1.s2", "law-2014"),
    }
    mentions = {str(m).rsplit("/doc/", 1)[1]: str(t).rsplit("/doc/", 1)[1]
                for m, t in links.subject_objects(PKG.linksTo)}
    assert mentions == {"notice-2010/1.p1.s2/c1": "law-2000/art2", "notice-2016/1.p1.s2/c1": "law-2014",
                        "notice-2016/2.p1.s2/c1": "law-2014"}
    # The law the library lacks stays a title in the citing document's own graph.
    notice = next(g for g in graphs if (document_iri("notice-2016"), None, None) in g)
    titles = {str(t) for t in notice.objects(None, PKG.citesTitle)}
    assert titles == {"中华人民共和国示例保护法", "行政许可法"}
    # A law's own title line is no citation; its own name in its text is, but links nowhere (not even to
    # its other version): 违反示例法第一条 in either version.
    laws = [g for g, m in zip(graphs, metas, strict=True) if m.id.startswith("law-")]
    assert [str(t) for g in laws for t in g.objects(None, PKG.citesTitle)] == ["示例法", "示例法"]


def test_links_are_recomputed_from_graphs_and_sidecars_alone(tiny) -> None:
    graphs, metas = tiny
    first = resolve_links(graphs, metas)
    assert set(resolve_links(list(reversed(graphs)), list(reversed(metas)))) == set(first)
    # Without the revised law, the 2016 notice's citation goes to the only version left.
    kept = [(g, m) for g, m in zip(graphs, metas, strict=True) if m.id != "law-2014"]
    without = resolve_links([g for g, _ in kept], [m for _, m in kept])
    assert ("notice-2016/1.p1.s2", "law-2000") in _links(without)
    # Never empty: the graph says which documents it was derived from.
    assert set(first.objects(LINKS_GRAPH, PROV.wasDerivedFrom)) == {document_iri(m.id) for m in metas}


def test_a_link_to_something_else_breaks_the_shapes(tiny) -> None:
    graphs, metas = tiny
    links = resolve_links(graphs, metas)
    links.add((node_iri("notice-2010", "1.p1.s2"), ELI.cites, URIRef("https://example.org/not-a-document")))
    with pytest.raises(ValidationError, match="graph/links"):
        check_links(links, graphs)


# ---------------------------------------------------------------------- the shipped corpus
@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    data = tmp_path_factory.mktemp("links-library")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKG_DATA", str(data))
        report = build(CORPUS, with_index=False, with_model=False, progress=False)  # raises on SHACL violations
    assert report.documents == 7
    return GraphStore(data / "store")


@pytest.fixture(scope="module")
def without_alp(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    """The seed and two of its laws (not the Administrative Licensing Law), and a notice naming an article."""
    corpus = tmp_path_factory.mktemp("corpus-without-alp")
    for doc_id in (SEED, "epl-2014", "lal-2019"):
        meta = json.loads((CORPUS / f"{doc_id}.meta.json").read_text(encoding="utf-8"))
        shutil.copy(CORPUS / f"{doc_id}.meta.json", corpus)
        shutil.copy(CORPUS / meta["text"], corpus)
    _write(corpus, NOTICE, NOTICE_TEXT, title="关于严格执行环境保护法的通知", number="示例〔2016〕1号",
           date="2016-01-01")
    data = tmp_path_factory.mktemp("links-without-alp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKG_DATA", str(data))
        build(corpus, with_index=False, with_model=False, progress=False)
    return GraphStore(data / "store")


def _cited(store: GraphStore, sentence: str) -> set[str]:
    found = rows(store.query("SELECT ?sentence ?target WHERE { ?sentence eli:cites ?target }",
                             {"sentence": node_iri(*sentence.split("/", 1))}))
    return {str(r["target"]).rsplit("/doc/", 1)[1] for r in found}


@pytest.mark.slow
def test_seed_provision_naming_the_environmental_law_cites_it(library: GraphStore) -> None:
    assert _cited(library, SEED_SENTENCE) == {"alp-2019", "lal-2019", "epl-2014"}
    provision = rows(library.query(
        "SELECT ?s ?epl ?p WHERE { ?p a pkg:Provision ; prov:wasDerivedFrom ?s . ?s eli:cites ?epl }",
        {"s": node_iri(SEED, SEED_SENTENCE.split("/", 1)[1]), "epl": document_iri("epl-2014")}))
    assert len(provision) == 1
    # The work report of 2016: 新修订的环境保护法必须严格执行.
    assert _cited(library, "gwr-2016/3.6.p2.s14") == {"epl-2014"}


@pytest.mark.slow
def test_links_live_in_their_own_named_graph(library: GraphStore) -> None:
    assert str(LINKS_GRAPH) in library.named_graphs()
    counts = rows(library.query("""
        SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s eli:cites ?o } } GROUP BY ?g"""))
    assert counts == [{"g": str(LINKS_GRAPH), "n": 6}]  # seed 2 + 3 sentences' laws, the 2016 report 1
    by_name = rows(library.query("""
        SELECT ?title (COUNT(?m) AS ?n) WHERE { ?m pkg:citesTitle ?title FILTER NOT EXISTS { ?m pkg:linksTo ?t } }
        GROUP BY ?title"""))
    unlinked = {r["title"] for r in by_name}
    assert {"宪法", "中华人民共和国突发事件应对法", "中华人民共和国侵权责任法", "国家赔偿法"} <= unlinked


@pytest.mark.slow
def test_a_law_missing_from_the_library_stays_a_title(without_alp: GraphStore) -> None:
    assert _cited(without_alp, SEED_SENTENCE) == {"lal-2019", "epl-2014"}
    found = {link.title: link.target for link in cites(SEED_SENTENCE, without_alp)}
    assert found == {"行政许可法": None, "土地管理法": "lal-2019", "环境保护法": "epl-2014"}


@pytest.mark.slow
def test_an_article_citation_links_to_the_article(without_alp: GraphStore) -> None:
    assert _cited(without_alp, f"{NOTICE}/1.p1.s2") == {"epl-2014/art59"}
    article = [link for link in cited_by("epl-2014/art59", without_alp)]
    assert [(link.sentence, link.article, link.surface) for link in article] == [
        (f"{NOTICE}/1.p1.s2", 59, "环境保护法第五十九条")]
    # A citation of the article is a citation of the law, beside the seed's of the whole law.
    whole = {(link.sentence, link.target) for link in cited_by("epl-2014", without_alp)}
    assert {(f"{NOTICE}/1.p1.s2", "epl-2014/art59"), (SEED_SENTENCE, "epl-2014")} <= whole
    # An article of a law the library lacks: its title and article, no link.
    missing = [link for link in cites(NOTICE, without_alp) if link.target is None]
    assert [(link.title, link.article) for link in missing] == [("中华人民共和国行政许可法", 30)]


@pytest.mark.slow
def test_every_document_conforms_with_its_links(tmp_path: Path) -> None:
    """The build checks each document alone and the links beside their targets; here the citing
    document, the links and the cited law together (a sentence with eli:cites is still a sentence).
    From the extracted graphs: a store hands plain literals back as xsd:string, which sh:in tells apart."""
    for name in ("epl-2014.meta.json", "epl-2014.md"):
        shutil.copy(CORPUS / name, tmp_path)
    _write(tmp_path, NOTICE, NOTICE_TEXT, title="关于严格执行环境保护法的通知", number="示例〔2016〕1号",
           date="2016-01-01")
    documents = extract_corpus(tmp_path, progress=False)
    graphs = [g for _, _, g in documents]
    links = resolve_links(graphs, [p.meta for p, _, _ in documents], check=True)
    assert (node_iri(NOTICE, "1.p1.s2"), ELI.cites, node_iri("epl-2014", "art59")) in links
    combined = Graph()
    for graph in (*graphs, links):
        combined += graph
    report = validate(combined, ontology_graph())
    assert report.conforms, report.summary()


@pytest.mark.slow
def test_documents_carry_their_validity(library: GraphStore) -> None:
    documents = {d.id: d for d in load_documents(library)}
    assert set(documents) == {SEED, "epl-2014", "lal-2019", "alp-2019", "gwr-2010", "gwr-2014", "gwr-2016"}
    epl = documents["epl-2014"]
    assert (epl.in_force_from, epl.repealed_on, epl.replaced_by) == (dt.date(2015, 1, 1), None, None)
    assert epl.short_titles == ("环保法", "环境保护法") and epl.structure == "statute"
    assert epl.in_force(dt.date(2014, 12, 31)) is False and epl.in_force(dt.date(2015, 1, 1)) is True
    assert documents[SEED].in_force_from is None and documents[SEED].in_force(dt.date(2013, 1, 1)) is False


@pytest.mark.slow
def test_cite_prints_cites_and_cited_by(library: GraphStore) -> None:
    data = library.path.parent  # opened as DATA/store
    result = run_cli("cite", SEED_SENTENCE, data=data)
    assert result.returncode == 0, result.stderr
    cites_block = result.stdout.split("cites:", 1)[1]
    assert "《中华人民共和国环境保护法》 (epl-2014) ← 环境保护法" in cites_block
    assert "《中华人民共和国行政许可法》 (alp-2019) ← 行政许可法" in cites_block
    assert "cited by: none" in result.stdout

    result = run_cli("cite", "epl-2014", data=data)
    assert result.returncode == 0, result.stderr
    assert "in force from 2015-01-01" in result.stdout
    cited = result.stdout.split("cited by:", 1)[1]
    assert ("《国务院关于化解产能严重过剩矛盾的指导意见》（国发〔2013〕41号）第三部分“主要任务”"
            f"第（二）项“清理整顿建成违规产能”（全面清理整顿）第二句 ({SEED_SENTENCE}) ← 环境保护法") in cited
    assert "(gwr-2016/3.6.p2.s14) ← 环境保护法" in cited
    assert "《中华人民共和国突发事件应对法》 (not in the library)" in result.stdout.split("cited by:", 1)[0]

    found = links_of(SEED_SENTENCE, library)
    assert [item["citation_text"] for item in found["cites"]] == [
        "《中华人民共和国行政许可法》", "《中华人民共和国土地管理法》", "《中华人民共和国环境保护法》"]
