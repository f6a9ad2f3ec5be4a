"""Links between the library's documents: which document, or article, a citation names.

Extraction records every citation by name in the citing document's own graph (a
``pkg:CitationMention`` with ``pkg:citesTitle`` and, when named, ``pkg:citesArticle``; see
:mod:`kg.extract.citations`). Whether the library holds the cited document is a property of the
library, not of the citing text, so :func:`resolve_links` decides it after all documents are
extracted, into one small named graph of its own (:data:`LINKS_GRAPH`)::

    <citing sentence>  eli:cites    <document or article>
    <mention>          pkg:linksTo  <document or article>

A document's graph can then be replaced on its own and the links re-derived from all graphs and
sidecars; a citation of a document the library lacks stays in its graph as a title, unlinked.

A mention names a document when its title, stripped of 《》 and of 中华人民共和国, equals the
document's title so stripped, or one of the sidecar's ``short_titles``. When several documents
share a name (two versions of one law), the one in force on the citing document's date wins,
else the latest issued by then, else the earliest. An article (第五十九条) links to that article
of the document when the document has it, else to the document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.corpus import DocumentMeta
from kg.documents import DocumentInfo, in_force, load_documents
from kg.errors import QueryError, ValidationError
from kg.graph.build import citation_of, document_iri
from kg.graph.store import GraphStore, RemoteGraphStore, open_store, rows
from kg.queries import get, to_term
from kg.vocab import BASE, ELI, PKG, PROV

LINKS_GRAPH = URIRef(BASE + "graph/links")
_STATE = "中华人民共和国"
_ARTICLE_ID = re.compile(r"^art(\d+)$")


def title_key(title: str) -> str:
    """The form names are compared in: no white space, no 《》〈〉<>, no leading 中华人民共和国."""
    key = re.sub(r"[\s《》〈〉<>]", "", title)
    return key.removeprefix(_STATE) or key


def title_keys(meta: DocumentMeta) -> set[str]:
    """Every name a document may be cited by, from its sidecar alone (never a list in code)."""
    return {title_key(name) for name in (meta.title, *meta.short_titles) if title_key(name)}


def resolve_links(graphs: Iterable[Graph], metas: Iterable[DocumentMeta], *, check: bool = False) -> Graph:
    """The links graph of a library: each citation mention resolved to a document or article.

    ``graphs`` are the documents' own graphs (as :func:`kg.graph.build.document_triples` makes
    them), ``metas`` their sidecars. With ``check``, the result is checked against the SHACL
    shapes (:func:`check_links`) and a violation raises :class:`ValidationError`.
    """
    graphs = list(graphs)
    metas = {meta.id: meta for meta in metas}
    named: dict[str, list[DocumentMeta]] = defaultdict(list)
    for meta in sorted(metas.values(), key=lambda m: m.id):
        for key in title_keys(meta):
            named[key].append(meta)
    articles = {doc_id: found for graph in graphs for doc_id, found in _articles(graph).items()}

    links = Graph(identifier=LINKS_GRAPH)
    for doc_id in sorted(metas):
        # Derived from every document's mentions and sidecar: never empty, so the store's graph count is fixed.
        links.add((LINKS_GRAPH, PROV.wasDerivedFrom, document_iri(doc_id)))
    for graph in graphs:
        for mention in sorted(graph.subjects(RDF.type, PKG.CitationMention)):
            sentence = graph.value(mention, PROV.wasDerivedFrom)
            citing = graph.value(sentence, ELI.is_member_of)
            citing = metas.get(str(graph.value(citing, PKG.localId) or ""))
            key = title_key(str(graph.value(mention, PKG.citesTitle)))
            if citing is not None and key in title_keys(citing):
                continue  # the document names itself (not another version of itself)
            chosen = _choose(named.get(key) or [], citing)
            if chosen is None:  # not in the library: the mention stays a title
                continue
            target = document_iri(chosen.id)
            article = graph.value(mention, PKG.citesArticle)
            if article is not None:
                target = articles.get(chosen.id, {}).get(int(article), target)
            links.add((sentence, ELI.cites, target))
            links.add((mention, PKG.linksTo, target))
    if check:
        check_links(links, graphs)
    return links


def link_context(graph: Graph) -> Graph:
    """The part of a document's graph that :func:`resolve_links` reads: the document node, its article
    sections, its citation mentions and the membership of the sentences they come from.

    A build keeps this small graph per document instead of every whole graph, so links over a large
    library are resolved without the union in memory; the links it yields are the same.
    """
    context = Graph(identifier=graph.identifier)
    subjects = set(graph.subjects(RDF.type, PKG.Document)) | set(graph.subjects(RDF.type, PKG.CitationMention))
    subjects |= {section for section, kind in graph.subject_objects(PKG.sectionKind) if str(kind) == "article"}
    for subject in subjects:
        for triple in graph.triples((subject, None, None)):
            context.add(triple)
    for mention in graph.subjects(RDF.type, PKG.CitationMention):
        sentence = graph.value(mention, PROV.wasDerivedFrom)
        for triple in graph.triples((sentence, ELI.is_member_of, None)):
            context.add(triple)
    return context


def _articles(graph: Graph) -> dict[str, dict[int, URIRef]]:
    """Article nodes of a document's graph by number (statute sections ``art59``)."""
    found: dict[str, dict[int, URIRef]] = {}
    for doc in graph.subjects(RDF.type, PKG.Document):
        doc_id = str(graph.value(doc, PKG.localId))
        numbers = found.setdefault(doc_id, {})
        for section in graph.subjects(PKG.sectionKind, None):
            match = _ARTICLE_ID.match(str(graph.value(section, PKG.localId) or ""))
            if str(graph.value(section, PKG.sectionKind)) == "article" and match:
                numbers[int(match.group(1))] = section
    return found


def _choose(candidates: list[DocumentMeta], citing: DocumentMeta | None) -> DocumentMeta | None:
    if len(candidates) <= 1 or citing is None:
        return candidates[0] if candidates else None
    on = citing.date

    def rank(meta: DocumentMeta) -> tuple:
        issued = meta.date <= on
        # In force then; else issued by then, the latest; else the earliest issued after.
        return (in_force(meta, on) is True, issued, meta.date.toordinal() * (1 if issued else -1), meta.id)

    return max(candidates, key=rank)


def check_links(links: Graph, graphs: list[Graph]) -> None:
    """SHACL over the links beside their targets' own descriptions, not whole documents (those are
    checked one by one). Without the ontology: its rdfs:domain of pkg:linksTo would make each
    mention a pkg:CitationMention here, to be checked again without its triples."""
    from kg.graph.shacl import validate

    targets = set(links.objects(None, ELI.cites))
    context = Graph()
    context += links
    for graph in graphs:
        for target in targets:
            for triple in graph.triples((target, None, None)):
                context.add(triple)
    report = validate(context)
    if not report.conforms:
        raise ValidationError(f"the links between documents ({LINKS_GRAPH}) do not conform to the SHACL shapes, "
                              f"{report.summary()}; the store was not changed")


# ---------------------------------------------------------------------- reading links back
@dataclass(frozen=True)
class Link:
    """One citation: who cites (a sentence) and what (a library document or article, or a name only)."""

    sentence: str  # citation id of the citing sentence: guofa-2013-41/3.2.p1.s2
    surface: str  # the words as written
    title: str  # the cited name as written
    article: int | None = None
    target: str | None = None  # citation id of the document (epl-2014) or article (epl-2014/art59); None: not held

    def as_dict(self) -> dict:
        return {"sentence": self.sentence, "surface": self.surface, "title": self.title, "article": self.article,
                "target": self.target}


def cites(source: str, store: GraphStore | RemoteGraphStore | None = None) -> list[Link]:
    """What a document, sentence or provision cites (``guofa-2013-41``, ``…/3.2.p1.s2``), in text order."""
    found = rows((store or open_store()).query(get("cites").text, {"source": _iri(source)}))
    return [_link(row) for row in found]


def cited_by(target: str, store: GraphStore | RemoteGraphStore | None = None) -> list[Link]:
    """What cites a document or article (``epl-2014``, ``epl-2014/art59``); a document's includes its articles'."""
    found = rows((store or open_store()).query(get("cited_by").text, {"target": _iri(target)}))
    return [_link(row) for row in found]


def _iri(citation: str):
    return to_term(f"{BASE}doc/{citation.strip().strip('/')}", "iri")


def _link(row: dict) -> Link:
    return Link(sentence=f"{row['docId']}/{row['cite']}", surface=str(row["surface"]), title=str(row["title"]),
                article=int(row["article"]) if row["article"] is not None else None,
                target=citation_of(str(row["linked"])) if row["linked"] else None)


def links_of(citation: str, store: GraphStore | RemoteGraphStore | None = None) -> dict[str, list[dict]]:
    """What a document or sentence cites and what cites it, each with its formal citation.

    ``cites``: every citation, linked (``target``: the document or article id) or by name only
    (``target`` None). ``cited_by``: the sentences citing the document, for a document any of its
    articles too; for a sentence, its document as a whole or the article it sits in.
    """
    from kg.citation import format_resource, load_citations

    store = store or open_store()
    cleaned = citation.strip().strip("/").removesuffix("/provision")
    doc_id, _, local = cleaned.partition("/")
    documents = {d.id: d for d in load_documents(store)}
    if doc_id not in documents:
        raise QueryError(f"no document {doc_id!r} in the store")
    outgoing = []
    for link in cites(cleaned, store):
        zh, en = _target_citation(link, documents, format_resource)
        outgoing.append({**link.as_dict(), "citation_text": zh, "citation_text_en": en})
    formal = load_citations(store)
    incoming = []
    for link in cited_by(doc_id, store):
        target_local = (link.target or "").partition("/")[2]
        if local and target_local and not local.startswith(target_local + "."):
            continue  # cites another article of the document than the one this sentence is in
        found = formal.get(link.sentence)
        incoming.append({**link.as_dict(), "citation_text": found.zh if found else link.sentence,
                         "citation_text_en": found.en if found else link.sentence})
    return {"cites": outgoing, "cited_by": incoming}


def _target_citation(link: Link, documents: dict[str, DocumentInfo], format_resource) -> tuple[str, str]:
    if link.target is None:  # not in the library: the name as written
        name = link.title.strip("《》")
        return format_resource(name, article=link.article, title_en=name)
    doc_id, _, target_local = link.target.partition("/")
    doc = documents[doc_id]
    match = _ARTICLE_ID.match(target_local)
    return format_resource(doc.title, doc.number, doc.structure, int(match.group(1)) if match else None, doc.title_en)
